"""Train sitegen's English review sentiment model (reproducible, offline, a few
minutes): the French model's algorithm (``train_sentiment.py``: NB-scaled
logistic regression over word uni/bigrams with ``NOT_`` negation features,
character 3-5-grams and three lexicon features) with English tables -- TextBlob's
``en-sentiment.xml`` merged with ``generator/data/en-review-lexicon.tsv``, English
negation, intensifiers and contrast (``generator.analysis.lexicon.ENGLISH``).

Data
----
The half of each file that ``training.datasets.held_out`` does not hold out
(SHA-256 of a fixed seed + the row id; the other half is what
``benchmarks/evaluate_analysis.py`` reports on):

* ``en-uci-sentences.csv``: "Sentiment Labelled Sentences" (Kotzias, Denil, de
  Freitas and Smyth, "From Group to Individual Labels using Deep Features", KDD
  2015; UCI Machine Learning Repository, CC BY 4.0): Amazon, Yelp and IMDb sentences;
* ``en-trustpilot-rings.csv``: English Trustpilot reviews of two smart-ring makers
  from a public MIT-licensed repository of scraped reviews (texts cut at about 200
  characters); gold label from the stars (>= 3.5 positive, <= 2 negative; 3-star
  rows left out).

C is chosen by 5-fold cross-validation on the training half (balanced accuracy at
threshold 0); the held-out halves are only measured (printed at the end).

    python training/train_english.py --data ../shared/data

writes ``generator/data/en-sentiment-model.json.gz`` (deterministic).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np
from sklearn.metrics import balanced_accuracy_score

from generator.analysis.lexicon import load_lexicon
from generator.analysis.model import MODEL_PATHS
from training import datasets
from training.train_sentiment import (
    UNLEARNED,
    add_word_char_sums,
    featurize,
    make_vocab,
    oof_scores,
    refresh_word_char_sums,
    to_matrix,
    train_model,
    write_model,
)

ENGLISH_SETS = ("en-uci-sentences.csv", "en-trustpilot-rings.csv")
ABOUT = (
    "sitegen English review sentiment: NB-scaled logistic regression, see training/train_english.py"
)


def rows_of(data: Path, held_out: bool) -> dict[str, list[datasets.Row]]:
    """Labelled rows of each English set: its held-out half, or the other one."""
    return {
        name: [
            r
            for r in datasets.read(data / name)
            if r.label is not None and datasets.held_out(r.id) == held_out
        ]
        for name in ENGLISH_SETS
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=MODEL_PATHS["en"])
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--C", type=float, nargs="*", default=[10, 30, 100])
    ap.add_argument("--alpha", type=float, default=1.0)
    ap.add_argument(
        "--word-sums-only",
        action="store_true",
        help="only recompute the --out model's table of per-word character sums"
        " from the training rows, keeping its weights",
    )
    args = ap.parse_args(argv)
    lexicon = load_lexicon("en")

    train = rows_of(args.data, held_out=False)
    rows = [r for name in ENGLISH_SETS for r in train[name]]
    if args.word_sums_only:
        refresh_word_char_sums(args.out, [r.text for r in rows])
        return 0
    y = np.array([r.label for r in rows])
    print(
        f"train: {len(y)} texts ({', '.join(f'{k} {len(v)}' for k, v in train.items())})",
        flush=True,
    )
    feats = featurize([r.text for r in rows], True, lexicon, UNLEARNED["en"])
    x = to_matrix(feats, make_vocab(feats, args.min_df))
    results = []
    for c in args.C:
        s = oof_scores(x, y, c, x.shape[1] - 3, args.alpha)
        acc = balanced_accuracy_score(y, s > 0)
        results.append((round(acc, 3), -c, c))
        print(f"  C={c:<6} CV balanced accuracy {acc:.4f}", flush=True)
    c = max(results)[2]
    sources = [f"{name} (training half)" for name in ENGLISH_SETS]
    model, clf, vocab = train_model(
        feats,
        y,
        c,
        args.alpha,
        args.min_df,
        True,
        0.0,
        sources,
        about=ABOUT,
        unlearned=UNLEARNED["en"],
    )
    add_word_char_sums(model, [r.text for r in rows])
    write_model(model, args.out)
    print(
        f"chose C={c}; {len(model['weights'])} word and {len(model['char_weights'])} character weights"
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    for name, held in rows_of(args.data, held_out=True).items():
        dx = to_matrix(featurize([r.text for r in held], True, lexicon, UNLEARNED["en"]), vocab)
        dy = np.array([r.label for r in held])
        acc = balanced_accuracy_score(dy, clf.decision_function(dx) > 0)
        print(f"{name} held-out half ({len(held)} rows): balanced accuracy {acc:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
