"""Train sitegen's French review sentiment model (reproducible, offline).

Data
----
The Allociné TV-series sentiment data of Xin Dong and Gerard de Melo
("Cross-Lingual Propagation for Deep Sentiment Analysis", AAAI 2018; "A Helping
Hand: Transfer Learning for Deep Sentiment Analysis", ACL 2018), as distributed by
its authors: ``label<TAB>text`` (1 positive, 0 negative), lower-cased and
tokenised. Only the *train* split is used to fit and calibrate; the dev split is
only reported. The data is never copied into the repository.

Model
-----
Logistic regression (scikit-learn, L2, liblinear) on

* word unigrams and bigrams of the normalised tokens (``generator.analysis.tokens``:
  lower case, no accents, elisions split, punctuation as tokens), counted per
  review and scaled by 1/sqrt(number of features) (optionally ``NOT_word``
  features for words inside a negation's scope: ``--negation-marking``; off by
  default, since it did not help on the dev split -- negation is handled by the
  bigrams and the lexicon features);
* three textblob-fr lexicon features from ``generator.analysis.lexicon`` (its
  lexicon merged with ``generator/data/fr-review-lexicon.tsv``, scored with French
  negation, intensifiers and contrast): log(1+positive), log(1+negative), balance.

Features are built by the very functions the analyzer runs, sentence by sentence,
so training and run time see identical inputs. C is chosen by 5-fold
cross-validation on train; a decision threshold calibrated on the out-of-fold
scores of train (maximising balanced accuracy) is folded into the intercept when
it beats 0 by at least one point (it did not, so the shipped threshold is 0). Features seen in fewer than ``--min-df`` training reviews are dropped.

Re-run
------
    . /work/venv/bin/activate
    pip install scikit-learn numpy        # training only; not run-time deps
    python training/train_sentiment.py --data ../shared/data

writes ``generator/data/sentiment-model.json.gz`` (deterministic: same data, same
file). Bump ``ANALYZER_VERSION`` in ``generator/analysis/analyzer.py`` when the
model changes meaning (the cache key also includes the file's hash).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from generator.analysis.lexicon import load_lexicon, merge_phrases, score_tokens  # noqa: E402
from generator.analysis.model import (  # noqa: E402
    LEX_BAL,
    LEX_NEG,
    LEX_POS,
    MODEL_PATH,
    lexicon_features,
    sentence_features,
)
from generator.analysis.sentences import split_sentences  # noqa: E402
from generator.analysis.tokens import normalized_tokens  # noqa: E402


def read_tsv(path: Path) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label, text = line.split("\t", 1)
        texts.append(text)
        labels.append(int(label))
    return texts, np.array(labels)


def review_features(text: str, negation_marking: bool) -> tuple[dict[str, float], list[float]]:
    """Counts of n-gram features (scaled) and lexicon features of one review."""
    lexicon = load_lexicon()
    counts: dict[str, float] = {}
    n = 0
    pos = neg = 0.0
    for start, end in split_sentences(text):
        tokens = normalized_tokens(text[start:end])
        feats = sentence_features(merge_phrases(tokens, lexicon), negation_marking)
        n += len(feats)
        for f in feats:
            counts[f] = counts.get(f, 0.0) + 1.0
        p, q, _, _ = score_tokens(tokens, lexicon)
        pos += p
        neg += q
    scale = 1.0 / np.sqrt(n or 1)
    return {f: c * scale for f, c in counts.items()}, list(lexicon_features(pos, neg))


def build(texts, negation_marking, vocab=None, min_df=2):
    rows = [review_features(t, negation_marking) for t in texts]
    if vocab is None:
        df: dict[str, int] = {}
        for counts, _ in rows:
            for f in counts:
                df[f] = df.get(f, 0) + 1
        vocab = {f: i for i, f in enumerate(sorted(f for f, d in df.items() if d >= min_df))}
    data, ri, ci = [], [], []
    for r, (counts, _) in enumerate(rows):
        for f, v in counts.items():
            j = vocab.get(f)
            if j is not None:
                data.append(v)
                ri.append(r)
                ci.append(j)
    x = sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), len(vocab)))
    lex = sparse.csr_matrix(np.array([lx for _, lx in rows]))
    return sparse.hstack([x, lex]).tocsr(), vocab


def fit(x, y, c):
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=2000)
    clf.fit(x, y)
    return clf


def oof_scores(x, y, c, folds=5):
    scores = np.zeros(len(y))
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
        scores[te] = fit(x[tr], y[tr], c).decision_function(x[te])
    return scores


def best_threshold(scores, y):
    grid = np.linspace(-1.5, 1.5, 61)
    accs = [balanced_accuracy_score(y, scores > t) for t in grid]
    best = max(accs)
    # The middle of the best plateau, for stability.
    winners = [t for t, a in zip(grid, accs) if a >= best - 1e-9]
    return float(np.median(winners)), best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument(
        "--negation-marking",
        action="store_true",
        help="add NOT_word features (off by default: it did not help on allocine-tv-dev)",
    )
    ap.add_argument("--C", type=float, nargs="*", default=[10, 30, 100, 300])
    args = ap.parse_args(argv)
    neg_marking = args.negation_marking

    texts, y = read_tsv(args.data / "allocine-tv-train.tsv")
    x, vocab = build(texts, neg_marking, min_df=args.min_df)
    print(f"train: {len(y)} reviews, {len(vocab)} n-gram features")
    results = []
    for c in args.C:
        s = oof_scores(x, y, c)
        t, acc = best_threshold(s, y)
        zero = balanced_accuracy_score(y, s > 0)
        results.append((acc, c, t, zero))
        print(f"  C={c:<6} CV balanced accuracy {zero:.4f} at 0, {acc:.4f} at threshold {t:+.3f}")
    # C by balanced accuracy at threshold 0; a calibrated threshold is only kept when
    # it clearly beats 0 on the out-of-fold scores (otherwise it is noise).
    c = max(results, key=lambda r: (round(r[3], 3), -r[1]))[1]
    acc, _, threshold, zero = next(r for r in results if r[1] == c)
    if acc - zero < 0.01:
        threshold = 0.0
    clf = fit(x, y, c)
    coef = clf.coef_[0]
    names = sorted(vocab, key=vocab.get)
    weights = {f: round(float(w), 4) for f, w in zip(names, coef[: len(names)]) if abs(w) >= 5e-4}
    lex_weights = [round(float(w), 4) for w in coef[len(names) :]]
    model = {
        "about": "sitegen French review sentiment: logistic regression, see training/train_sentiment.py",
        "data": "Allocine TV-series reviews, Dong & de Melo (AAAI 2018, ACL 2018), train split",
        "C": c,
        "negation_marking": neg_marking,
        "intercept": round(float(clf.intercept_[0]) - threshold, 4),
        "threshold_folded": round(threshold, 4),
        "lex_features": [LEX_POS, LEX_NEG, LEX_BAL],
        "lex_weights": lex_weights,
        "weights": dict(sorted(weights.items())),
    }
    payload = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    args.out.write_bytes(gzip.compress(payload.encode("utf-8"), mtime=0))
    print(f"chose C={c}, threshold {threshold:+.3f}; {len(weights)} weights, lexicon {lex_weights}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")

    dev = args.data / "allocine-tv-dev.tsv"
    if dev.exists():
        dtexts, dy = read_tsv(dev)
        dx, _ = build(dtexts, neg_marking, vocab=vocab)
        pred = clf.decision_function(dx) > threshold
        print(f"allocine-tv-dev balanced accuracy: {balanced_accuracy_score(dy, pred):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
