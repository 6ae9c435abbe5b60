"""How the readers' time grows with their input: each parser reads inputs growing
10x at a time, ordinary ones and hostile ones (issue 18: quotes never closed,
identical reviews, lone CRs, Markdown link openers), and the times are printed
with their ratio to the previous size. Linear readers show ratios near 10.

    python benchmarks/bench_parsers.py                 # 1k, 10k, 100k rows/objects
    python benchmarks/bench_parsers.py --sizes 1000 10000
    python benchmarks/bench_parsers.py --only csv-unclosed-quotes md-link-openers

Markdown cases are sized in characters of one review (a Markdown file is one
review, at most ``MAX_REVIEW_CHARS`` long). Every input is generated here, in a
temporary folder; the time is ``read_content`` on that one file (reading,
decoding, parsing, problems and ids), the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.config import SiteConfig
from generator.readers import read_content

TEXT = "Un film {n} vraiment réussi, la mise en scène est belle et les acteurs justes."


def _txt(n: int) -> tuple[str, str]:
    return "avis.txt", "".join(TEXT.format(n=i) + "\n" for i in range(n))


def _csv(n: int) -> tuple[str, str]:
    return "avis.csv", "id;note;texte\n" + "".join(
        f'{i};4;"{TEXT.format(n=i)}"\n' for i in range(n)
    )


def _tsv(n: int) -> tuple[str, str]:
    return "avis.tsv", "id\tnote\ttexte\n" + "".join(
        f"{i}\t4\t{TEXT.format(n=i)}\n" for i in range(n)
    )


def _json(n: int) -> tuple[str, str]:
    records = [{"id": str(i), "note": 4, "texte": TEXT.format(n=i)} for i in range(n)]
    return "avis.json", json.dumps(records, ensure_ascii=False, indent=2)


def _jsonl(n: int) -> tuple[str, str]:
    return "avis.jsonl", "".join(
        json.dumps({"id": str(i), "texte": TEXT.format(n=i)}, ensure_ascii=False) + "\n"
        for i in range(n)
    )


def _md(n: int) -> tuple[str, str]:
    paragraph = "Un *beau* film, [voir la fiche](https://example.org/f) et **bien** joué.\n\n- un\n- deux\n\n"
    return "film/avis.md", "---\nauteur: Marie\nnote: 4\n---\n" + (
        paragraph * (n // len(paragraph) + 1)
    )[:n]


def _csv_unclosed(n: int) -> tuple[str, str]:
    return "quotes.csv", "texte,note\n" + "".join(f'"ouvert {i} jamais fermé,4\n' for i in range(n))


def _identical(n: int) -> tuple[str, str]:
    return "produit.csv", "texte;note\n" + "Très bien.;5\n" * n


def _tsv_lone_cr(n: int) -> tuple[str, str]:
    return "cr.tsv", "texte\tnote\r" + "".join(f"Très bien {i}.\t5\r" for i in range(n))


def _json_identical(n: int) -> tuple[str, str]:
    return "pareil.json", json.dumps([{"texte": "Très bien."}] * n, ensure_ascii=False, indent=1)


def _md_links(n: int) -> tuple[str, str]:
    return "film/liens.md", "[a](" * (n // 4)


def _md_html(n: int) -> tuple[str, str]:
    return "film/html.md", "<a " * (n // 3)


CASES: dict[str, tuple[Callable[[int], tuple[str, str]], str]] = {
    "txt": (_txt, "lines"),
    "csv": (_csv, "rows"),
    "tsv": (_tsv, "rows"),
    "json": (_json, "objects"),
    "jsonl": (_jsonl, "objects"),
    "md": (_md, "chars"),
    "csv-unclosed-quotes": (_csv_unclosed, "rows"),
    "csv-identical-reviews": (_identical, "rows"),
    "json-identical-reviews": (_json_identical, "objects"),
    "tsv-lone-cr": (_tsv_lone_cr, "rows"),
    "md-link-openers": (_md_links, "chars"),
    "md-html-openers": (_md_html, "chars"),
}


def measure(make: Callable[[int], tuple[str, str]], n: int, repeat: int) -> tuple[float, int, int]:
    """Best time of ``repeat`` reads, the reviews read and the problems found."""
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        name, text = make(n)
        path = content / name
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        config = SiteConfig(content_dir=content)
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            corpus = read_content(config)
            best = min(best, time.perf_counter() - started)
        return best, len(corpus.reviews), len(corpus.problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only", nargs="+", choices=sorted(CASES), default=sorted(CASES, key=list(CASES).index)
    )
    args = parser.parse_args(argv)
    print(
        f"{'parser':24} {'size':>9} {'unit':8} {'seconds':>9} {'x prev':>7} {'reviews':>8} {'problems':>8}"
    )
    for name in args.only:
        make, unit = CASES[name]
        previous = None
        for n in args.sizes:
            seconds, reviews, problems = measure(make, n, args.repeat)
            ratio = f"{seconds / previous:7.1f}" if previous else "       "
            print(
                f"{name:24} {n:>9,} {unit:8} {seconds:9.4f} {ratio} {reviews:>8,} {problems:>8,}",
                flush=True,
            )
            previous = seconds
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
