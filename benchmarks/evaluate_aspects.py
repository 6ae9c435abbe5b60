"""Aspect mentions measured against hand-labelled ones.

    python benchmarks/evaluate_aspects.py [../shared/data/films-aspects-dev.jsonl] [--details]

The gold file (``films-aspects-dev.jsonl``, rules in ``films-aspects-guide.md``)
lists, per review, every explicit aspect mention: its exact span, the sentence
holding it, and its polarity there. Each review is analysed with the default
settings and its mentions taken as ``data.json`` gives them (the subject's own
title left out, as at build: ``aspect_summary.review_mentions``).

* mention recall -- gold mentions whose character span overlaps a predicted one;
* mention precision -- predicted mentions whose span overlaps a gold one;
* polarity accuracy -- among the gold mentions labelled positive or negative that
  are found, those whose overlapping predicted mention has the same label (the
  predicted mention overlapping most, then the first); also given over every gold
  positive or negative mention (a missed one counting as wrong).

Analyses made before mentions existed (no ``mentions`` field) are measured the
way their aspects were read then: each sentence's aspect forms, found in the
sentence, with the sentence's polarity. That is how the README's "before"
column was measured on the code of that time.

films-aspects-dev is development data: rules were tuned while looking at it, so
its figures are optimistic for unseen reviews.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.analysis import Analyzer

log = logging.getLogger(__name__)

DEFAULT = ROOT.parent / "shared" / "data" / "films-aspects-dev.jsonl"
POLAR = ("positive", "negative")


def gold_spans(row: dict) -> list[tuple[int, int, str, str]]:
    """(start, end, polarity, span) of each gold mention, located in the text: the
    sentence first, then the span inside it, after the previous one of the same
    sentence (repeated spans are listed in text order)."""
    text = row["text"]
    out = []
    previous: dict[int, int] = {}
    for mention in row["aspects"]:
        sentence, span = mention["sentence"], mention["span"]
        at = text.find(sentence)
        if at < 0:
            raise SystemExit(f"{row['id']}: sentence not found: {sentence!r}")
        start = text.find(span, previous.get(at, at), at + len(sentence))
        if start < 0:
            start = text.find(span, at, at + len(sentence))
        if start < 0:
            raise SystemExit(f"{row['id']}: span not found: {span!r}")
        previous[at] = start + 1
        out.append((start, start + len(span), mention["polarity"], span))
    return out


def predicted(analysis, subject: str, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, label, text) of each predicted mention."""
    if hasattr(analysis, "mentions"):
        from generator.analysis.aspect_summary import review_mentions
        from generator.analysis.types import mention_label

        return [
            (m[2], m[3], mention_label(m[4]), text[m[2] : m[3]])
            for m in review_mentions(analysis, subject, text)
        ]
    # The analyses of the time before mentions (see the module docstring).
    out = []
    for sentence in analysis.sentences:
        lowered = sentence.text.lower()
        label = (
            "positive"
            if sentence.polarity >= 0.1
            else "negative"
            if sentence.polarity <= -0.1
            else "neutral"
        )
        cursor = 0
        for form in sentence.aspect_forms:
            at = lowered.find(form.lower(), cursor)
            if at < 0:
                at = lowered.find(form.lower())
            if at < 0:
                continue
            cursor = at + 1
            start = sentence.start + at
            out.append((start, start + len(form), label, text[start : start + len(form)]))
    return out


def overlap(a: tuple[int, int, str, str], b: tuple[int, int, str, str]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def evaluate(path: Path, details: bool) -> dict[str, float]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    analyzer = Analyzer()
    n_gold = found = n_pred = right_pred = 0
    polar = polar_found = polar_right = 0
    for row in rows:
        text = row["text"]
        gold = gold_spans(row)
        pred = predicted(analyzer.analyze(text), row["subject"], text)
        n_gold += len(gold)
        n_pred += len(pred)
        hit_pred = [any(overlap(p, g) > 0 for g in gold) for p in pred]
        right_pred += sum(hit_pred)
        for g in gold:
            over = [p for p in pred if overlap(p, g) > 0]
            if over:
                found += 1
            if g[2] in POLAR:
                polar += 1
                if over:
                    polar_found += 1
                    best = max(over, key=lambda p: overlap(p, g))
                    polar_right += best[2] == g[2]
                    if details and best[2] != g[2]:
                        print(
                            f"{row['id']} polarity {g[3]!r}: gold {g[2]}, predicted {best[2]}",
                            file=sys.stderr,
                        )
            if details and not over:
                print(f"{row['id']} missed {g[3]!r} ({g[2]})", file=sys.stderr)
        if details:
            for p, hit in zip(pred, hit_pred):
                if not hit:
                    print(f"{row['id']} extra {p[3]!r}", file=sys.stderr)
    return {
        "reviews": len(rows),
        "gold mentions": n_gold,
        "predicted mentions": n_pred,
        "mention recall": found / n_gold,
        "mention precision": right_pred / n_pred if n_pred else 0.0,
        "polarity accuracy (found pos/neg)": polar_right / polar_found if polar_found else 0.0,
        "polarity accuracy (all pos/neg)": polar_right / polar if polar else 0.0,
        "gold pos/neg mentions found": polar_found,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Measure aspect mentions (see module docstring).")
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--details", action="store_true", help="print misses and extras on stderr")
    args = ap.parse_args(argv)
    if not args.path.exists():
        raise SystemExit(f"{args.path}: not found (the shared data folder sits beside the clone)")
    results = evaluate(args.path, args.details)
    for name, value in results.items():
        print(f"{name:36} {value:.3f}" if isinstance(value, float) else f"{name:36} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
