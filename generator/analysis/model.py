"""The sentiment model: logistic regression (with naive-Bayes log-count-ratio
feature scaling, "NB-LR") over word uni/bigrams, character 3-5-grams of each
word and textblob-fr lexicon scores, trained by ``training/train_sentiment.py``
and applied here in pure Python (no numpy at run time).

Weights ship as ``generator/data/sentiment-model.json.gz``: dicts from feature
string to weight (the NB ratio is already folded into each weight), an intercept
and the settings the features were built with. Word n-grams and character n-grams
are two blocks, each scaled by 1/sqrt(its feature count in the text), so long
texts do not accumulate logits. Review score ``z = b + sum(w_f * x_f)``;
polarity is ``tanh(z / 2)`` which is ``P(positive) - P(negative)`` of the
logistic model, so it lies in [-1, 1].

Character n-grams (of accent-free, lower-case words, with ``<`` ``>`` word
boundaries) make the model robust to typos and inflections it never saw
("exellent", "decevante"); their per-word sums are cached.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
from dataclasses import dataclass, field
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


CHAR_SIZES = (3, 4, 5)
# Each block is scaled by 1/sqrt(max(count, floor)): the floors are about the 5th
# percentile of the training reviews' counts, so a two-word text ("Magnifique.")
# is not scaled far beyond anything seen in training (there the lexicon decides).
WORD_NORM_FLOOR = 25
CHAR_NORM_FLOOR = 100


def char_features(token: str) -> list[str]:
    """Character 3-5-grams of one normalised word, with word boundaries; none for
    punctuation and one-letter tokens."""
    if len(token) < 2 or not token[0].isalpha():
        return []
    w = "<" + token + ">"
    n = len(w)
    return [w[i : i + k] for k in CHAR_SIZES for i in range(n - k + 1)]


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
    char_weights: dict[str, float] = field(default_factory=dict)
    word_floor: int = 1
    char_floor: int = 1
    # word -> (sum of its character n-gram weights, number of n-grams); filled lazily.
    _char_cache: dict[str, tuple[float, int]] = field(default_factory=dict, compare=False, repr=False)

    def _word_chars(self, token: str) -> tuple[float, int]:
        hit = self._char_cache.get(token)
        if hit is None:
            grams = char_features(token)
            w = self.char_weights
            hit = (sum(w.get(g, 0.0) for g in grams), len(grams))
            if len(self._char_cache) < 200_000:
                self._char_cache[token] = hit
        return hit

    def sentence_raw(self, tokens: list[str]) -> tuple[float, int, float, int, float, float, float]:
        """Per-sentence pieces: (sum of word n-gram weights, word n-gram count, sum
        of character n-gram weights, character n-gram count, lexicon pos, lexicon
        neg, lexicon subjectivity)."""
        w = self.weights
        total = 0.0
        feats = sentence_features(merge_phrases(tokens, self.lexicon), self.negation_marking)
        for f in feats:
            v = w.get(f)
            if v is not None:
                total += v
        c_total = 0.0
        c_n = 0
        cache = self._char_cache
        for t in tokens:
            hit = cache.get(t)
            if hit is None:
                hit = self._word_chars(t)
            c_total += hit[0]
            c_n += hit[1]
        pos, neg, count, subj = score_tokens(tokens, self.lexicon)
        return total, len(feats), c_total, c_n, pos, neg, subj / count if count else 0.0

    def score(
        self,
        ngram_sum: float,
        n_feats: int,
        pos: float,
        neg: float,
        bias: bool = True,
        char_sum: float = 0.0,
        n_chars: int = 0,
    ) -> float:
        """The model's logit for pieces summed over a text."""
        lp, ln, lb = lexicon_features(pos, neg)
        a, b, c = self.lex_weights
        z = ngram_sum / math.sqrt(max(n_feats, self.word_floor)) + a * lp + b * ln + c * lb
        if n_chars:
            z += char_sum / math.sqrt(max(n_chars, self.char_floor))
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
            char_weights=data.get("char_weights", {}),
            word_floor=int(data.get("norm_floors", [1, 1])[0]),
            char_floor=int(data.get("norm_floors", [1, 1])[1]),
            digest=hashlib.sha256(raw).hexdigest()[:16],
            lexicon=load_lexicon(),
        )
        if path == MODEL_PATH:
            _model = model
    return model
