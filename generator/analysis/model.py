"""The sentiment model: logistic regression over word uni/bigrams plus
textblob-fr lexicon scores, trained by ``training/train_sentiment.py`` and
applied here in pure Python (no numpy at run time).

Weights ship as ``generator/data/sentiment-model.json.gz``: a dict from feature
string to weight, an intercept and the settings the features were built with.
Review score ``z = b + sum(w_f * x_f)``; polarity is ``tanh(z / 2)`` which is
``P(positive) - P(negative)`` of the logistic model, so it lies in [-1, 1].
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

from generator.analysis.lexicon import NEGATORS, Lexicon, load_lexicon, merge_phrases, score_tokens

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MODEL_PATH = DATA_DIR / "sentiment-model.json.gz"

# Lexicon features and their names in the weight table.
LEX_POS, LEX_NEG, LEX_BAL = "__lex_pos", "__lex_neg", "__lex_bal"
_CLAUSE_END = frozenset(". , ; : ! ? ... ( ) \" mais".split())


def sentence_features(tokens: list[str], negation_marking: bool = True) -> list[str]:
    """Unigrams and bigrams of one sentence's normalised tokens (after
    ``merge_phrases``).

    With ``negation_marking``, words in a negation's scope (after ``ne``/``pas``/
    ``jamais``... up to the end of the clause) also yield a ``NOT_`` feature, so
    "pas drôle" and "drôle" can weigh differently.
    """
    feats = list(tokens)
    prev = "<s>"
    for t in tokens:
        feats.append(prev + " " + t)
        prev = t
    feats.append(prev + " </s>")
    if negation_marking:
        negated = False
        for t in tokens:
            if t in _CLAUSE_END:
                negated = False
            elif t in NEGATORS:
                negated = True
            elif negated:
                feats.append("NOT_" + t)
    return feats


def lexicon_features(pos: float, neg: float) -> tuple[float, float, float]:
    return (
        math.log1p(pos),
        math.log1p(neg),
        (pos - neg) / (pos + neg + 0.5),
    )


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    intercept: float
    lex_weights: tuple[float, float, float]
    negation_marking: bool
    digest: str
    lexicon: Lexicon

    def sentence_raw(self, tokens: list[str]) -> tuple[float, int, float, float, float]:
        """Per-sentence pieces: (sum of n-gram weights, n-gram count, lexicon pos,
        lexicon neg, lexicon subjectivity)."""
        w = self.weights
        total = 0.0
        feats = sentence_features(merge_phrases(tokens, self.lexicon), self.negation_marking)
        for f in feats:
            v = w.get(f)
            if v is not None:
                total += v
        pos, neg, count, subj = score_tokens(tokens, self.lexicon)
        return total, len(feats), pos, neg, subj / count if count else 0.0

    def score(self, ngram_sum: float, n_feats: int, pos: float, neg: float, bias: bool = True) -> float:
        """The model's logit for pieces summed over a text."""
        lp, ln, lb = lexicon_features(pos, neg)
        a, b, c = self.lex_weights
        z = ngram_sum / math.sqrt(n_feats or 1) + a * lp + b * ln + c * lb
        return z + self.intercept if bias else z


_lock = threading.Lock()
_model: Model | None = None


def file_digest(path: Path = MODEL_PATH) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def load_model(path: Path = MODEL_PATH) -> Model:
    """The shipped model, loaded once per process."""
    global _model
    if _model is not None and path == MODEL_PATH:
        return _model
    with _lock:
        raw = path.read_bytes()
        data = json.loads(gzip.decompress(raw).decode("utf-8"))
        model = Model(
            weights=data["weights"],
            intercept=float(data["intercept"]),
            lex_weights=tuple(data["lex_weights"]),
            negation_marking=bool(data["negation_marking"]),
            digest=hashlib.sha256(raw).hexdigest()[:16],
            lexicon=load_lexicon(),
        )
        if path == MODEL_PATH:
            _model = model
    return model
