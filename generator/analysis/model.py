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
("exellent", "decevante"); their per-word sums are memoised. The model file
also ships these sums for the words of at least two training reviews
(``word_char_sums``, computed at training time by this module's own ``_CharSums``,
so the same floats): a fresh process starts with them, and sums n-gram by n-gram
only words outside that vocabulary (that sum was most of what the model's memos
cost on a word's first use).

Speed: ``Model.sentence_raw`` looks each token up once in a per-word memo (which
word lists it is in, its n-gram count), sums weights with ``map``/``sum`` in C and
walks in Python only the few tokens the lexicon scorer acts on. It adds the same
floats in the same order as the plain feature definitions training uses
(``sentence_features``, ``merge_phrases``), so results are identical bit for bit
(``tests/reference_analysis.py`` checks). The lexicon's scorer is one function,
``lexicon.score_tokens``, shared by training and the analyzer. Compiled
(``_core.py``), the sums are loops in C over the tokens instead (``_codes_of``,
``_weights_sum``, ``_bigrams_sum``, ``_chars_sum``, typed by ``model.pxd``):
the same additions in the same order, on the same IEEE doubles.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import reduce
from itertools import chain, compress, count, repeat
from operator import and_, or_, rshift
from pathlib import Path

try:  # Cython's pure-Python mode: True in the compiled module, False here
    import cython

    COMPILED = cython.compiled
except ImportError:  # pragma: no cover - Cython is needed only to build
    COMPILED = False

from generator.analysis.lexicon import (
    FRENCH,
    Lexicon,
    Rules,
    load_lexicon,
    score_tables,
    score_tokens,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MODEL_PATH = DATA_DIR / "sentiment-model.json.gz"
# Each analysed language's model (French is the default, MODEL_PATH).
MODEL_PATHS = {"fr": MODEL_PATH, "en": DATA_DIR / "en-sentiment-model.json.gz"}

# Lexicon features and their names in the weight table.
LEX_POS, LEX_NEG, LEX_BAL = "__lex_pos", "__lex_neg", "__lex_bal"


def sentence_features(
    tokens: list[str], negation_marking: bool = True, rules: Rules = FRENCH
) -> list[str]:
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
        feats.extend("NOT_" + t for t in negated_words(tokens, rules))
    return feats


def negated_words(tokens: list[str], rules: Rules = FRENCH) -> Iterator[str]:
    """The words in a negation's scope: after ``ne``/``pas``/``jamais``... up to
    the end of the clause (punctuation or ``mais``)."""
    negated = False
    clause_end, negators = rules.clause_end, rules.negators
    for t in tokens:
        if t in clause_end:
            negated = False
        elif t in negators:
            negated = True
        elif negated:
            yield t


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


# Sums below must add the same floats in the same order as the straightforward
# code (``tests/reference_analysis.py``) so results stay identical bit for bit. Up to Python
# 3.11 ``sum`` of floats is plain left-to-right addition done in C; from 3.12 it
# compensates rounding, so there a Python loop is used instead.
if sys.version_info < (3, 12):
    _seq_sum = sum
else:  # pragma: no cover - exercised on Python >= 3.12 only

    def _seq_sum(values, start=0.0):  # type: ignore[no-redef]
        total = start
        for v in values:
            total += v
        return total


_ZEROS = repeat(0.0)
_SHIFTS = repeat(6)  # _COUNT_SHIFT
_SCORED_MASK = repeat(32)  # _SCORED
_START = ("<s>",)
_END = ("</s>",)
MEMO_LIMIT = 200_000  # per-word memo tables stop growing here


class _CharSums(dict):
    """word -> sum of its character n-gram weights; computed on first use.

    It starts from (and ``reset`` returns it to) the model file's table of these
    sums for its training vocabulary (``Model.word_char_sums``), which
    ``training/train_sentiment.py`` computes with this very ``__missing__``: a
    fresh process loads it with the model, so a word found there costs what a
    word already seen costs.
    """

    __slots__ = ("base", "char_weights")

    def __init__(self, char_weights: dict[str, float], base: dict[str, float]) -> None:
        super().__init__(base)
        self.char_weights = char_weights
        self.base = base

    def reset(self) -> None:
        """Back to what the model file holds: the state of a fresh process."""
        self.clear()
        self.update(self.base)

    def __missing__(self, token: str) -> float:
        # sum(w.get(g, 0.0) for g in char_features(token)): the same n-grams in the
        # same order (3-grams, 4-grams, 5-grams, each left to right), cut with
        # slice objects made once per word length.
        if len(token) < 2 or not token[0].isalpha():
            value = 0
        else:
            w = "<" + token + ">"
            n = len(w)
            cuts = _CUTS[n] if n < len(_CUTS) else _cuts(n)
            value = sum(map(self.char_weights.get, map(w.__getitem__, cuts), _ZEROS))
        if len(self) < MEMO_LIMIT:
            self[token] = value
        return value


def _cuts(n: int) -> tuple[slice, ...]:
    """Slices giving ``char_features``' n-grams of a bracketed word of length n."""
    return tuple(slice(i, i + k) for k in CHAR_SIZES for i in range(n - k + 1))


_CUTS = tuple(_cuts(n) for n in range(64))


def char_sum_table(char_weights: dict[str, float], words) -> dict[str, float]:
    """``word_char_sums`` for ``words``: each word's sum of character n-gram
    weights, as ``_CharSums`` computes it at run time (the very same code, so the
    floats are the same bit for bit). Tokens without n-grams (punctuation,
    one-letter words) are left out; the model file ships this for its training
    vocabulary (``training/train_sentiment.py``)."""
    sums = _CharSums(char_weights, {})
    return {w: sums[w] for w in sorted(words) if char_features(w)}


# Bits of a token's code (``_Fast.codes``); the n-gram count sits above them.
_IS_WORK, _IS_PHRASE, _IS_NEGATOR, _IS_OPINION, _IS_CONTRAST = 1, 2, 4, 8, 16
_SCORED = 32  # score_tokens acts on it (opinion, negator, intensifier, break...)
_COUNT_SHIFT = 6


class _Codes(dict):
    """token -> int: which of the word lists it is in (bits above) and, shifted
    by _COUNT_SHIFT, its number of character n-grams; filled on first use."""

    __slots__ = ("fast",)

    def __init__(self, fast: _Fast) -> None:
        super().__init__()
        self.fast = fast

    def __missing__(self, token: str) -> int:
        fast = self.fast
        rules = fast.rules
        code = 0
        if token in rules.work_words:
            code |= _IS_WORK
        if token in fast.phrase_keys:
            code |= _IS_PHRASE
        if token in rules.negators:
            code |= _IS_NEGATOR
        if token in fast.opinion:
            code |= _IS_OPINION
        if token in rules.contrasts:
            code |= _IS_CONTRAST
        if token in fast.scored:
            code |= _SCORED
        if len(token) >= 2 and token[0].isalpha():
            code |= (3 * len(token) - 3) << _COUNT_SHIFT  # = len(char_features(token))
        if len(self) < MEMO_LIMIT:
            self[token] = code
        return code


class _Fast:
    """Lookup tables derived from a model and its lexicon once, at load time, for
    ``Model.sentence_raw``. They add nothing: each one answers exactly what the
    straightforward code asks of the model's feature strings
    (``tests/reference_analysis.py`` checks).
    """

    def __init__(self, model: Model) -> None:
        weights = model.weights
        lexicon = model.lexicon
        rules = self.rules = lexicon.rules
        self.weights = weights
        self.weight = weights.get
        # "a b" -> w  becomes  ("a", "b") -> w: no string is built per bigram.
        # Tokens never hold spaces, so a key with one space is one pair.
        bigrams: dict[tuple[str, str], float] = {}
        nots: dict[str, float] = {}
        for key, value in weights.items():
            if key.startswith("NOT_"):
                nots[key[4:]] = value
            if key.count(" ") == 1:
                a, b = key.split(" ")
                bigrams[(a, b)] = value
        # Compiled (``_bigrams_sum``): "a b" -> w as a -> {b: w}, two lookups
        # of strings instead of a pair made and hashed per bigram.
        follows: dict[str, dict[str, float]] = {}
        if COMPILED:
            for (a, b), value in bigrams.items():
                after = follows.get(a)
                if after is None:
                    after = follows[a] = {}
                after[b] = value
        self.follows = follows
        self.bigram = bigrams.get
        self.not_weight = nots.get
        self.char_sums = _CharSums(model.char_weights, model.word_char_sums)
        tables = score_tables(lexicon)
        # merge_phrases replaces work words before matching expressions.
        self.phrase_keys = frozenset(lexicon.phrases) - rules.work_words
        self.phrase_by_pair = tables.by_pair
        self.opinion = tables.opinion
        self.scored = tables.scored
        self.codes = _Codes(self)

    def clear(self) -> None:
        self.char_sums.reset()
        self.codes.clear()


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
    # word -> sum of its character n-gram weights, for the training vocabulary
    # (``_CharSums``); {} in a model file without it.
    word_char_sums: dict[str, float] = field(default_factory=dict)
    _fast: _Fast | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fast", _Fast(self))

    def _word_chars(self, token: str) -> tuple[float, int]:
        """(sum of the word's character n-gram weights, number of n-grams)."""
        fast = self._fast
        return fast.char_sums[token], fast.codes[token] >> _COUNT_SHIFT

    def clear_caches(self) -> None:
        """Empty the per-word memo tables (they refill as texts are analysed),
        keeping the model file's table of character sums: what a fresh process
        starts with."""
        self._fast.clear()

    def sentence_raw(
        self, tokens: list[str], opinion_only: bool = False
    ) -> tuple[float, int, float, int, float, float, float] | None:
        """Per-sentence pieces: (sum of word n-gram weights, word n-gram count, sum
        of character n-gram weights, character n-gram count, lexicon pos, lexicon
        neg, lexicon subjectivity).

        Same numbers as scoring ``sentence_features(merge_phrases(tokens))`` one
        feature string at a time (``tests/reference_analysis.sentence_raw``), added in the same
        order: unigrams, then bigrams, then negated words.

        ``opinion_only``: None, without summing anything, when no token is an
        opinion word of the lexicon (its lexicon pos and neg would be 0.0: a
        clause without an opinion word judges nothing, ``analyzer.CLAUSE_CLEAR``).
        """
        fast = self._fast
        if COMPILED:
            codes, present, c_n = _codes_of(fast.codes, tokens)
        else:
            codes = list(map(fast.codes.__getitem__, tokens))
            present = reduce(or_, codes, 0)
        if opinion_only and not present & _IS_OPINION:
            return None
        # merge_phrases: work words -> placeholder, expressions -> one token.
        if present & _IS_WORK:
            rules = fast.rules
            work_words, work_token = rules.work_words, rules.work_token
            merged = [work_token if t in work_words else t for t in tokens]
        else:
            merged = tokens
        if present & _IS_PHRASE:  # work words are never phrase keys
            merged = _merge(merged, fast)
        n = len(merged)
        # Unigrams, then bigrams (with <s> and </s>); a missing feature adds 0.0,
        # which leaves a sum that started at 0.0 unchanged.
        if COMPILED:
            total = _bigrams_sum(fast.follows, merged, _weights_sum(fast.weights, merged))
        else:
            total = _seq_sum(map(fast.weight, merged, _ZEROS), 0.0)
            total = _seq_sum(
                map(fast.bigram, zip(chain(_START, merged), chain(merged, _END)), _ZEROS), total
            )
        n_feats = n + n + 1
        # Negated words (a negator merged into an expression negates nothing).
        if self.negation_marking and present & _IS_NEGATOR:
            not_weight = fast.not_weight
            for t in negated_words(merged, fast.rules):
                n_feats += 1
                v = not_weight(t)
                if v is not None:
                    total += v
        if COMPILED:
            c_total = _chars_sum(fast.char_sums, tokens)
        else:
            c_total = _seq_sum(map(fast.char_sums.__getitem__, tokens), 0.0)
            c_n = sum(map(rshift, codes, _SHIFTS))
        if not present & _IS_OPINION:  # no opinion word: score_tokens finds nothing
            return total, n_feats, c_total, c_n, 0.0, 0.0, 0.0
        visit = list(compress(count(), map(and_, codes, _SCORED_MASK)))
        pos, neg, n_scored, subj = score_tokens(tokens, self.lexicon, visit)
        return total, n_feats, c_total, c_n, pos, neg, subj / n_scored if n_scored else 0.0

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


# Model.sentence_raw's sums as loops, for the compiled module (model.pxd types
# them; as plain Python they would be slower than map and sum): each adds the
# same floats in the same order as the map/sum forms, 0.0 for a missing feature.


def _codes_of(codes_table: _Codes, tokens: list[str]) -> tuple[list[int], int, int]:
    """Each token's code, the codes or-ed together, and their n-gram counts summed."""
    codes = []
    present = 0
    c_n = 0
    shift = _COUNT_SHIFT
    for t in tokens:
        value = codes_table[t]
        codes.append(value)
        code = value
        present |= code
        c_n += code >> shift
    return codes, present, c_n


def _weights_sum(weights: dict[str, float], tokens: list[str]) -> float:
    """The unigrams' weights, added from 0.0."""
    total = 0.0
    for t in tokens:
        value = weights.get(t)
        if value is None:
            total += 0.0
        else:
            total += value
    return total


def _bigrams_sum(follows: dict[str, dict[str, float]], tokens: list[str], total: float) -> float:
    """``total`` plus the bigrams' weights (with <s> and </s>), in order
    (``follows``: ``_Fast.follows``, the bigram weights by first word)."""
    prev = "<s>"
    for t in tokens:
        after = follows.get(prev)
        value = None if after is None else after.get(t)
        if value is None:
            total += 0.0
        else:
            total += value
        prev = t
    after = follows.get(prev)
    value = None if after is None else after.get("</s>")
    if value is None:
        total += 0.0
    else:
        total += value
    return total


def _chars_sum(char_sums: _CharSums, tokens: list[str]) -> float:
    """The tokens' character n-gram sums, added from 0.0."""
    total = 0.0
    for t in tokens:
        total += char_sums[t]
    return total


def _merge(tokens: list[str], fast: _Fast) -> list[str]:
    """``merge_phrases`` after the work-word step, trying expressions only where
    a token can start one."""
    by_pair = fast.phrase_by_pair
    out: list[str] = []
    i = 0
    last = len(tokens) - 1
    for j in compress(count(), map(fast.phrase_keys.__contains__, tokens)):
        if j < i or j == last:  # an expression has two tokens or more
            continue
        entries = by_pair.get((tokens[j], tokens[j + 1]))
        if entries:
            for expr, _, _, joined in entries:
                k = len(expr)
                if tuple(tokens[j : j + k]) == expr:
                    out += tokens[i:j]
                    out.append(joined)
                    i = j + k
                    break
    if not i:
        return tokens
    out += tokens[i:]
    return out


_lock = threading.Lock()
_model: Model | None = None  # French, the default (analysis/snapshot.py saves it)
_others: dict[str, Model] = {}  # other languages, loaded on first use


def model_digest(language: str = "fr") -> str:
    """``load_model(...).digest`` of a language's model from the file's bytes,
    without loading it."""
    loaded = _model if language == "fr" else _others.get(language)
    if loaded is not None:
        return loaded.digest
    return hashlib.sha256(MODEL_PATHS[language].read_bytes()).hexdigest()[:16]


def _read(path: Path, language: str) -> Model:
    raw = path.read_bytes()
    data = json.loads(gzip.decompress(raw).decode("utf-8"))
    return Model(
        weights=data["weights"],
        intercept=float(data["intercept"]),
        lex_weights=tuple(data["lex_weights"]),
        negation_marking=bool(data["negation_marking"]),
        char_weights=data.get("char_weights", {}),
        word_char_sums=data.get("word_char_sums", {}),
        word_floor=int(data.get("norm_floors", [1, 1])[0]),
        char_floor=int(data.get("norm_floors", [1, 1])[1]),
        digest=hashlib.sha256(raw).hexdigest()[:16],
        lexicon=load_lexicon(language),
    )


def load_model(path: Path | None = None, language: str = "fr") -> Model:
    """A language's shipped model (French by default), loaded once per process;
    another ``path`` is read with ``language``'s lexicon and not kept."""
    global _model
    shipped = path is None or path == MODEL_PATHS[language]
    if shipped:
        loaded = _model if language == "fr" else _others.get(language)
        if loaded is not None:
            return loaded
    with _lock:
        model = _read(path or MODEL_PATHS[language], language)
        if shipped and language == "fr":
            _model = model
        elif shipped:
            _others[language] = model
    return model


def loaded_models() -> list[Model]:
    """The models of other languages than French loaded in this process."""
    return list(_others.values())
