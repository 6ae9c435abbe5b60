"""CPU time of aspect mention extraction against the whole per-review analysis,
on the same texts: what share of the analysis finding mentions takes, and how
fast it is on its own.

    python benchmarks/bench_aspects.py ../shared/data/films-dev.csv [--repeat R] [--limit N]
    python benchmarks/bench_aspects.py ../shared/data/en-trustpilot-rings.csv

Formats as ``bench_analyzer.py`` (``.csv`` with a ``texte`` or ``text`` column,
``label<TAB>text`` ``.tsv``). Each repeat times, in CPU seconds
(``time.process_time``: a loaded machine slows the wall clock, not this much):

* ``Analyzer.analyze`` over every text, per-word memos emptied first (cold)
  then filled (warm), as ``bench_analyzer.py`` does;
* mention extraction alone -- ``aspects.extract_spans`` then
  ``aspects.drop_compared`` -- over the sentences the analyzer gives it (each
  review's sentences, with its one-to-one fold and its language's word lists),
  memos emptied first, then filled.

Prints the medians, the extraction's share of the analysis, which build of the
analysis ran (compiled core, or ``SITEGEN_PURE_PYTHON=1``) and a digest of
every mention found (identical digests = identical mentions).

``--summary`` also times what a build does with the mentions per subject
(subjects from a ``content_name`` or ``subject`` column of a ``.csv``, else one
subject): ``aspect_summary.aspects_with_tally``, then ``MentionKeys.resolve``
twice per review (a card and a data.json entry), in CPU seconds, best of the
repeats, with a digest of the aspects and resolved mentions.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_analyzer import load_texts


def sentences_of(texts: list[str]) -> list[tuple[str, str | None, object]]:
    """(sentence, its one-to-one fold or None, its language's vocabulary) for
    every sentence the analyzer extracts mentions from, as ``Analyzer.analyze``
    passes them."""
    from generator.analysis import aspects, language
    from generator.analysis.sentences import split_sentences
    from generator.analysis.tokens import fold_lowered

    out = []
    for text in texts:
        lowered = text.lower()
        detected = language.detect_folded(fold_lowered(lowered))
        if detected not in language.LANGUAGES:
            continue
        vocabulary = aspects.VOCABULARIES[detected]
        aligned = len(lowered) == len(text) and "Σ" not in text
        folded = aspects.fold_1to1(lowered) if aligned else None
        for start, end in split_sentences(text):
            sentence = text[start:end]
            out.append((sentence, folded[start:end] if folded else None, vocabulary))
    return out


def subjects_of(path: Path, count: int) -> list[str]:
    """Each text's subject: a ``.csv``'s ``content_name`` or ``subject`` column,
    else one subject for all."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            column = next((c for c in ("content_name", "subject") if c in fields), None)
            if column is not None:
                return [row[column] for row in reader][:count]
    return ["subject"] * count


def time_summary(path: Path, texts: list[str], analyzer, repeat: int) -> None:
    """CPU time of the subjects' aspect summaries and resolved mentions."""
    from generator.analysis.aspect_summary import aspects_with_tally
    from generator.content import Review

    subjects: dict[str, list] = {}
    for i, (subject, text) in enumerate(zip(subjects_of(path, len(texts)), texts)):
        review = Review(id=f"r{i}", subject=subject, text=text, source=path, line=i + 2)
        subjects.setdefault(subject, []).append((review, analyzer.analyze(text)))

    def run() -> list:
        out = []
        for items in subjects.values():
            reviews, analyses = [r for r, _ in items], [a for _, a in items]
            aspects, _, keys = aspects_with_tally(reviews, analyses)
            cards = [keys.resolve(a, r.text) for r, a in items]
            entries = [keys.resolve(a, r.text) for r, a in items]
            out.append((aspects, cards, entries))
        return out

    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        out = run()
        best = min(best, time.process_time() - t0)
    found = hashlib.sha256(repr(out).encode("utf-8")).hexdigest()
    print(
        f"subject aspects + mentions resolved twice: {best * 1000:.1f} ms for"
        f" {len(texts)} reviews in {len(subjects)} subjects (CPU, best of {repeat})"
    )
    print(f"summary digest: {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="first N texts only")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (median reported)")
    parser.add_argument(
        "--summary", action="store_true", help="also time the subjects' aspect summaries"
    )
    args = parser.parse_args()

    texts = load_texts(args.path)
    if args.limit:
        texts = texts[: args.limit]
    from generator.analysis import Analyzer, aspects, clear_caches
    from generator.analysis._core import describe

    analyzer = Analyzer()
    for text in texts[:50]:  # tables that load on first use (English...)
        analyzer.analyze(text)
    sentences = sentences_of(texts)
    print(f"{args.path.name}: {len(texts)} reviews, {len(sentences)} sentences")
    print(f"analysis core: {describe()}")

    def extract_all() -> list:
        return [aspects.drop_compared(s, aspects.extract_spans(s, f, v)) for s, f, v in sentences]

    def timed(run) -> tuple[float, float]:
        clear_caches()
        t0 = time.process_time()
        run()
        t1 = time.process_time()
        run()
        return t1 - t0, time.process_time() - t1

    analysis, extraction = [], []
    for _ in range(args.repeat):
        analysis.append(timed(lambda: [analyzer.analyze(t) for t in texts]))
        extraction.append(timed(extract_all))
    med = statistics.median
    a_cold, a_warm = med(a for a, _ in analysis), med(w for _, w in analysis)
    e_cold, e_warm = med(e for e, _ in extraction), med(w for _, w in extraction)
    n = len(texts)
    print(
        f"analysis   : cold {a_cold * 1000:7.1f} ms ({n / a_cold:5.0f} reviews/s), "
        f"warm {a_warm * 1000:7.1f} ms ({n / a_warm:5.0f} reviews/s)"
    )
    print(
        f"extraction : cold {e_cold * 1000:7.1f} ms, warm {e_warm * 1000:7.1f} ms "
        f"({len(sentences) / e_warm:.0f} sentences/s warm)"
    )
    print(
        f"extraction share of the analysis: cold {e_cold / a_cold:.1%}, warm {e_warm / a_warm:.1%}"
        f" (CPU seconds, median of {args.repeat})"
    )
    found = json.dumps(extract_all(), ensure_ascii=False).encode("utf-8")
    print(f"mentions digest: {hashlib.sha256(found).hexdigest()}")
    if args.summary:
        time_summary(args.path, texts, analyzer, args.repeat)


if __name__ == "__main__":
    main()
