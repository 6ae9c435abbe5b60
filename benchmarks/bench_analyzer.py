"""Per-review analysis speed: sitegen's ``Analyzer`` against textblob-fr's
``PatternAnalyzer``, timed in the same run on the same texts, plus a digest of
every result so a speed change can be shown not to change any output.

    python benchmarks/bench_analyzer.py ../shared/data/films-dev.csv [--limit N] [--repeat R]
    python benchmarks/bench_analyzer.py ../shared/data/allocine-tv-dev.tsv

Formats, by extension: ``.csv`` with a ``texte`` column (films-dev) or a ``text``
one (allocine-films-train, the English and outside sets; RFC 4180, texts may hold
newlines); ``.tsv`` with ``label<TAB>text`` lines. Data is read where it lies
(never copy it into the repository).

What is timed:

* load -- building ``Analyzer`` (lexicons, model, aspect tables), once, reported
  apart; textblob-fr's lexicon load (its first call) likewise;
* per-review analysis -- each repeat runs PatternAnalyzer over all texts, then
  sitegen's Analyzer over all texts twice (interleaved, so background load hits
  both alike). Before the first sitegen pass the analyzer's per-word memo tables
  are emptied (``generator.analysis.clear_caches``), so it costs what a fresh
  process pays on that many reviews (the tables fill as the pass goes, as in a
  build); the second pass runs with them filled, which is what most of a large
  build (100k reviews) runs at. ``--warm`` never empties them.

Prints which build of the analysis ran (the compiled core, or pure Python with
``SITEGEN_PURE_PYTHON=1``: the same results, see ``generator/analysis/_core.py``).
Reports reviews/s of both (median over repeats), the median per-repeat ratio,
and ``sha256`` of a canonical JSON dump of every ``ReviewAnalysis`` (identical
digests = identical results, bit for bit: floats are dumped with ``repr``).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_texts(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            column = "texte" if "texte" in fields else "text"
            if column not in fields:
                raise SystemExit(f"{path}: no 'texte' or 'text' column")
            return [row[column] for row in reader]
    if path.suffix == ".tsv":
        texts = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                _, text = line.split("\t", 1)
                texts.append(text)
        return texts
    raise SystemExit(f"{path}: unknown format (expected .csv or .tsv)")


def digest(analyses) -> str:
    h = hashlib.sha256()
    for a in analyses:
        data = dataclasses.asdict(a)
        # Sentences as objects (they are named tuples, which asdict keeps as
        # tuples): the same canonical dump whatever their class.
        data["sentences"] = [
            dict(zip(type(s)._fields, s)) if hasattr(type(s), "_fields") else s
            for s in data["sentences"]
        ]
        h.update(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def clear_memos() -> None:
    """Empty the analyzer's per-word memo tables (whatever this version has)."""
    from generator import analysis

    clear = getattr(analysis, "clear_caches", None)
    if clear is not None:
        clear()
        return
    # Older code: the model's char-gram cache and the aspects' word table.
    from generator.analysis import aspects, model

    model.load_model()._char_cache.clear()
    aspects._common.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="first N texts only")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed passes of each (median reported)"
    )
    parser.add_argument("--warm", action="store_true", help="keep per-word memos between passes")
    parser.add_argument("--skip-textblob", action="store_true", help="time sitegen only")
    args = parser.parse_args()

    texts = load_texts(args.path)
    if args.limit:
        texts = texts[: args.limit]
    chars = sum(len(t) for t in texts)
    print(f"{args.path.name}: {len(texts)} reviews, {chars / max(1, len(texts)):.0f} chars/review")

    t0 = time.perf_counter()
    from generator.analysis import AnalysisSettings, Analyzer

    analyzer = Analyzer(AnalysisSettings())
    analyzer.analyze("Warm-up : un film vraiment pas mal du tout.")
    sitegen_load = time.perf_counter() - t0
    try:  # which build of the analysis runs (SITEGEN_PURE_PYTHON=1: the .py)
        from generator.analysis._core import describe
    except ImportError:  # older code: always pure Python
        print("analysis core: pure Python")
    else:
        print(f"analysis core: {describe()}")

    baseline = None
    if not args.skip_textblob:
        t0 = time.perf_counter()
        from generator.analysis.textblob_fr_patch import apply

        apply()
        from textblob_fr import PatternAnalyzer

        baseline = PatternAnalyzer()
        baseline.analyze("Warm-up : un film vraiment pas mal du tout.")
        textblob_load = time.perf_counter() - t0
        print(
            f"load: sitegen {sitegen_load:.2f} s, textblob-fr {textblob_load:.2f} s (import + lexicon)"
        )
    else:
        print(f"load: sitegen {sitegen_load:.2f} s")

    cold, warm, theirs, ratios, warm_ratios = [], [], [], [], []
    digests = set()
    for r in range(args.repeat):
        if baseline is not None:
            t0 = time.perf_counter()
            for t in texts:
                baseline.analyze(t)
            tb = time.perf_counter() - t0
            theirs.append(len(texts) / tb)
        if not args.warm:
            clear_memos()
        t0 = time.perf_counter()
        results = [analyzer.analyze(t) for t in texts]
        sg = time.perf_counter() - t0
        cold.append(len(texts) / sg)
        digests.add(digest(results))
        # Second pass, per-word memos filled (what most of a large build runs at).
        t0 = time.perf_counter()
        results = [analyzer.analyze(t) for t in texts]
        sw = time.perf_counter() - t0
        warm.append(len(texts) / sw)
        digests.add(digest(results))
        line = f"  pass {r + 1}: sitegen {cold[-1]:6.0f} reviews/s (memos warm: {warm[-1]:6.0f})"
        if baseline is not None:
            ratios.append(tb / sg)
            warm_ratios.append(tb / sw)
            line += f"   textblob-fr {theirs[-1]:6.0f} reviews/s   ratio {ratios[-1]:.2f}x ({warm_ratios[-1]:.2f}x)"
        print(line, flush=True)

    med = statistics.median
    first = "sitegen Analyzer       :"
    print(
        f"{first} {med(cold):6.0f} reviews/s, memos warm {med(warm):6.0f} reviews/s (median of {args.repeat})"
    )
    if baseline is not None:
        print(f"textblob-fr Pattern    : {med(theirs):6.0f} reviews/s (median of {args.repeat})")
        print(
            f"speed ratio sitegen/textblob-fr (>1 = sitegen faster): {med(ratios):.2f}x,"
            f" memos warm {med(warm_ratios):.2f}x (median of per-pass ratios)"
        )
    if len(digests) != 1:
        print(f"WARNING: passes disagree: {sorted(digests)}")
    print(f"digest: {min(digests)}")


if __name__ == "__main__":
    main()
