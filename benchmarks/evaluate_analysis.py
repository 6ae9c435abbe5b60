"""Measure sitegen's analysis against textblob-fr's PatternAnalyzer as it comes.

    python benchmarks/evaluate_analysis.py ../shared/data/films-dev.csv \
        ../shared/data/allocine-tv-dev.tsv [--details]

Formats, by extension:

* ``.csv`` -- French columns ``content_name`` (subject), ``note`` (0.5-5 stars),
  ``texte`` (RFC 4180, texts may contain newlines);
* ``.tsv`` -- ``label<TAB>text`` with label 1 positive / 0 negative (one subject).

Labels and ratings are hidden from the analysis: reviews go through exactly what
``sitegen build`` runs (``Analyzer.analyze`` then ``summarize_subject`` with the
default config) with ``rating=None``. Metrics:

* balanced accuracy -- positive = rating >= 3.5 or label 1, negative = rating <= 2
  or label 0, reviews in between excluded; predicted positive = polarity > 0;
* 3-class agreement -- >= 3.5 positive, <= 2 negative, else mixed; the analyzer's
  label (neutral counts as mixed); for PatternAnalyzer, polarity >= 0.1 / <= -0.1;
* verdict error -- per subject, |share of reviews labelled positive - share rated
  >= 3.5|, in points, averaged over subjects (labels from the text alone);
* quote precision -- pros from reviews rated >= 3.5, cons from reviews <= 2.5;
* key-phrase junk -- share of each subject's top aspects that are stop words,
  pronouns, generic words or fragments (``d'``, ``c'est``);
* speed -- reviews per second of the per-review analysis, both analysers timed in
  the same run on the same texts, one pass each (sitegen's per-word memo tables
  start empty), the garbage collector held back as ``sitegen build`` does.

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.analysis import Analyzer, AnalysisSettings, summarize_subject  # noqa: E402
from generator.config import SiteConfig  # noqa: E402
from generator.content import Review  # noqa: E402
from generator.commands.build_subject import bulk_allocations  # noqa: E402

# An independent junk list for the key-phrase check (not the analyzer's own).
JUNK = set(
    (
        "a ai au aux avec ce ces cet cette c'est d' de des du elle elles en est et il ils je j' l' "
        "la le les leur lui ma mais me moi mon ne n' nous on ou par pas pour qu' que qui se sa ses "
        "son sur ta te toi ton tu un une vous y ça ca cela ceci celui celle tout tous toute "
        "toutes rien chose choses fois film films gens truc trucs moment temps fait bien très "
        "trop plus moins peu même aussi alors donc car si comme quand être avoir faire etc "
        "vraiment encore déjà jamais toujours quelque quelques autre autres"
    ).split()
)


def fold(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", s.lower()) if unicodedata.category(c) != "Mn"
    )


JUNK_FOLDED = {fold(w) for w in JUNK}


def is_junk(text: str) -> bool:
    f = fold(text).strip()
    if f in JUNK_FOLDED or len(f) < 3:
        return True
    if f.endswith("'") or f.startswith("'") or "c'est" in f:
        return True
    return not all(ch.isalpha() or ch in " -'." for ch in f)


def load(path: Path) -> list[tuple[str, str, float]]:
    """(subject, text, gold rating on a 0-5 scale) triples."""
    rows = []
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows.append((row["content_name"], row["texte"], float(row["note"])))
    elif path.suffix == ".tsv":
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                label, text = line.split("\t", 1)
                rows.append((path.stem, text, 5.0 if label.strip() == "1" else 0.0))
    else:
        raise SystemExit(f"{path}: unknown format (expected .csv or .tsv)")
    return rows


def gold_class(rating: float) -> str:
    if rating >= 3.5:
        return "positive"
    if rating <= 2:
        return "negative"
    return "mixed"


def balanced_accuracy(pairs: list[tuple[str, bool]]) -> float:
    pos = [p for g, p in pairs if g == "positive"]
    neg = [not p for g, p in pairs if g == "negative"]
    parts = [sum(x) / len(x) for x in (pos, neg) if x]
    return sum(parts) / len(parts) if parts else float("nan")


def evaluate(path: Path, details: bool) -> dict[str, dict[str, str]]:
    rows = load(path)
    texts = [t for _, t, _ in rows]
    config = SiteConfig()
    settings = AnalysisSettings.from_thresholds(config.thresholds)

    # textblob-fr as it comes.
    from textblob_fr import PatternAnalyzer

    baseline = PatternAnalyzer()
    baseline.analyze("Warm-up.")
    t0 = time.perf_counter()
    with bulk_allocations():
        base_pol = [baseline.analyze(t)[0] for t in texts]
        base_time = time.perf_counter() - t0

    analyzer = Analyzer(settings)
    analyzer.analyze("Warm-up.")
    # As in a build: the garbage collector held back while results pile up.
    with bulk_allocations():
        t0 = time.perf_counter()
        analyses = [analyzer.analyze(t) for t in texts]
        ours_time = time.perf_counter() - t0

    gold = [gold_class(r) for _, _, r in rows]
    polar = [g != "mixed" for g in gold]

    def base_label(p: float) -> str:
        return "positive" if p >= 0.1 else "negative" if p <= -0.1 else "mixed"

    def our_label(a) -> str:
        return "mixed" if a.label in ("mixed", "neutral") else a.label

    res: dict[str, dict[str, str]] = {"textblob-fr": {}, "sitegen": {}}
    res["textblob-fr"]["balanced accuracy"] = f"{balanced_accuracy([(g, p > 0) for g, p, k in zip(gold, base_pol, polar) if k]):.3f}"
    res["sitegen"]["balanced accuracy"] = f"{balanced_accuracy([(g, a.polarity > 0) for g, a, k in zip(gold, analyses, polar) if k]):.3f}"
    res["textblob-fr"]["3-class agreement"] = f"{sum(base_label(p) == g for g, p in zip(gold, base_pol)) / len(gold):.3f}"
    res["sitegen"]["3-class agreement"] = f"{sum(our_label(a) == g for g, a in zip(gold, analyses)) / len(gold):.3f}"

    # Per subject: summaries with ratings hidden.
    by_subject: dict[str, list[int]] = defaultdict(list)
    for i, (subject, _, _) in enumerate(rows):
        by_subject[subject].append(i)
    errors_base, errors_ours = [], []
    pros_ok = pros_n = cons_ok = cons_n = 0
    junk = top = 0
    summarize_time = 0.0
    for subject, idx in by_subject.items():
        reviews = [
            Review(id=f"r{i}", subject=subject, text=texts[i], source=path, line=i + 1)
            for i in idx
        ]
        t0 = time.perf_counter()
        summary = summarize_subject(reviews, [analyses[i] for i in idx], config)
        summarize_time += time.perf_counter() - t0
        true_share = sum(rows[i][2] >= 3.5 for i in idx) / len(idx)
        ours_share = sum(analyses[i].label == "positive" for i in idx) / len(idx)
        base_share = sum(base_pol[i] >= 0.1 for i in idx) / len(idx)
        errors_ours.append(abs(ours_share - true_share) * 100)
        errors_base.append(abs(base_share - true_share) * 100)
        for q in summary.pros:
            pros_n += 1
            pros_ok += rows[int(q.review_id[1:])][2] >= 3.5
        for q in summary.cons:
            cons_n += 1
            cons_ok += rows[int(q.review_id[1:])][2] <= 2.5
        tops = summary.aspects[:10]
        top += len(tops)
        junk += sum(is_junk(a.text) or is_junk(a.key) for a in tops)
        if details:
            print(f"\n### {subject} ({len(idx)} reviews)", file=sys.stderr)
            print(f"true share {true_share:.2f}, labelled positive {ours_share:.2f}", file=sys.stderr)
            print("aspects:", ", ".join(f"{a.text} ({a.mentions}, +{a.positive}/-{a.negative})" for a in summary.aspects), file=sys.stderr)
            print("consensus:", summary.consensus, file=sys.stderr)
            for kind, quotes in (("pro", summary.pros), ("con", summary.cons)):
                for q in quotes:
                    print(f"  {kind} [{rows[int(q.review_id[1:])][2]}] {q.text}", file=sys.stderr)
    res["textblob-fr"]["verdict error (points)"] = f"{sum(errors_base) / len(errors_base):.1f}"
    res["sitegen"]["verdict error (points)"] = f"{sum(errors_ours) / len(errors_ours):.1f}"
    quotes_n = pros_n + cons_n
    res["textblob-fr"]["quote precision"] = "—"
    res["sitegen"]["quote precision"] = f"{(pros_ok + cons_ok) / quotes_n:.3f} ({quotes_n} quotes)" if quotes_n else "—"
    res["textblob-fr"]["key-phrase junk"] = "—"
    res["sitegen"]["key-phrase junk"] = f"{junk / top:.3f} ({top} top aspects)" if top else "—"
    res["textblob-fr"]["speed (reviews/s)"] = f"{len(texts) / base_time:,.0f}"
    res["sitegen"]["speed (reviews/s)"] = f"{len(texts) / ours_time:,.0f} (+ summaries: {summarize_time * 1000:.0f} ms)"
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate sitegen's analysis (see module docstring).")
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--details", action="store_true", help="print aspects and quotes per subject on stderr")
    args = ap.parse_args(argv)
    results = {p.name: evaluate(p, args.details) for p in args.paths}
    metrics = list(next(iter(results.values()))["sitegen"])
    header = ["metric"]
    for name in results:
        header += [f"{name}: textblob-fr", f"{name}: sitegen"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for m in metrics:
        cells = [m]
        for r in results.values():
            cells += [r["textblob-fr"][m], r["sitegen"][m]]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
