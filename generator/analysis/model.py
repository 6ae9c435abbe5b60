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
(``_core.py``), ``sentence_raw`` is one loop in C over the tokens instead
(``_raw``, typed by ``model.pxd``), which probes one per-word memo once per
token (``_new_word``: a record of everything the sums read of a word, so the big
weight, bigram and character-sum tables are not probed again, each probe a
likely cache miss): the same additions in the same order, on the same IEEE
doubles.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import marshal
import math
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import InitVar, dataclass, field
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
from generator.analysis.packed import Packed

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
        value = _char_sum(self.char_weights, token)
        if len(self) < MEMO_LIMIT:
            self[token] = value
        return value


class _LazyCharSums(_CharSums):
    """``_CharSums`` over a model's packed tables (``StoredTables``): the model
    file's sums are looked up in ``base`` on a word's first use instead of
    being copied in whole at the start (the same floats either way)."""

    __slots__ = ()

    def __init__(self, char_weights: Packed, base: Packed) -> None:  # type: ignore[override]
        dict.__init__(self)
        self.char_weights = char_weights
        self.base = base

    def reset(self) -> None:
        self.clear()

    def __missing__(self, token: str) -> float:
        value = self.base.get(token)
        if value is None:
            value = _char_sum(self.char_weights, token)
        if len(self) < MEMO_LIMIT:
            self[token] = value
        return value


def _char_sum(char_weights: dict[str, float], token: str) -> float:
    """``sum(char_weights.get(g, 0.0) for g in char_features(token))``: the same
    n-grams in the same order (3-grams, 4-grams, 5-grams, each left to right),
    cut with slice objects made once per word length; 0 when it has none."""
    if len(token) < 2 or not token[0].isalpha():
        return 0
    w = "<" + token + ">"
    n = len(w)
    cuts = _CUTS[n] if n < len(_CUTS) else _cuts(n)
    return sum(map(char_weights.get, map(w.__getitem__, cuts), _ZEROS))


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
# A word's place in a negation's scope (``negated_words``; ``_Word.scope``).
_OPENS_SCOPE, _ENDS_SCOPE = 1, 2


class _Codes(dict):
    """token -> int: which of the word lists it is in (bits above) and, shifted
    by _COUNT_SHIFT, its number of character n-grams; filled on first use."""

    __slots__ = ("fast",)

    def __init__(self, fast: _Fast) -> None:
        super().__init__()
        self.fast = fast

    def __missing__(self, token: str) -> int:
        if self.fast.pending:
            self.fast.count_word()
        code = _token_code(self.fast, token)
        if len(self) < MEMO_LIMIT:
            self[token] = code
        return code


def _token_code(fast: _Fast, token: str) -> int:
    """A token's code (``_Codes``)."""
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
    return code


_NO_FOLLOWERS: dict[str, float] = {}  # (never written to)


class _Word:
    """What the compiled ``Model.sentence_raw`` (``_raw``) reads of a token
    (``_new_word``): its ``code`` (``_Codes``) and ``chars``, the sum of its
    character n-gram weights (``_CharSums``); then, of its ``key`` (the token
    as the model's word n-grams see it: the work placeholder for a work word,
    ``merge_phrases``' first step), the unigram ``weight``, the ``followers``
    (its bigrams' weights by second word, ``_Fast.follows``), the
    ``negated`` weight (its ``NOT_`` feature's) and its ``scope``
    (``_ENDS_SCOPE`` if it ends a negation's scope, else ``_OPENS_SCOPE`` if
    it is a negator, else 0: ``negated_words`` on the key). A feature the model does not
    have weighs 0.0: adding 0.0 to a sum that started at 0.0 changes nothing
    (such a sum is never -0.0). ``model.pxd`` makes it a C struct: its
    numbers are read without a pointer to follow or a float to unbox."""

    __slots__ = ("chars", "code", "followers", "key", "negated", "scope", "weight")

    def __init__(
        self,
        code: int,
        chars: float,
        key: str,
        weight: float,
        followers: dict[str, float],
        negated: float,
        scope: int,
    ) -> None:
        self.code = code
        self.chars = chars
        self.key = key
        self.weight = weight
        self.followers = followers
        self.negated = negated
        self.scope = scope


def _new_word(fast: _Fast, token: str) -> _Word:
    """A token's ``_Word``, made on its first use and kept in ``fast.words``
    (token -> record, up to ``MEMO_LIMIT``) for the compiled
    ``Model.sentence_raw`` (``_raw``): one probe there replaces one in each of
    ``_Codes``, ``_CharSums``, the weights and the bigrams by first word (large
    tables, so each probe was a cache miss). A plain dict, probed with
    ``dict.get``: a dict subclass's ``__missing__`` would make every probe a
    method call."""
    if fast.pending:
        fast.count_word()
    rules = fast.rules
    key = rules.work_token if token in rules.work_words else token
    # The very string object the bigram tables hold (when they hold it), so
    # a bigram's probe finds its key by identity, without reading the key.
    key = fast.strings.get(key, key)
    chars = fast.char_sums.base.get(token)
    if chars is None:
        chars = _char_sum(fast.char_weights, token)
    record = _Word(
        _token_code(fast, token),
        chars,
        key,
        fast.weights.get(key, 0.0),
        fast.follows.get(key, _NO_FOLLOWERS),
        fast.nots.get(key, 0.0),
        _ENDS_SCOPE if key in rules.clause_end else _OPENS_SCOPE if key in rules.negators else 0,
    )
    words = fast.words
    if len(words) < MEMO_LIMIT:
        words[token] = record
    return record


def _derived(weights: dict[str, float]) -> tuple[dict, dict, dict[str, float]]:
    """``_Fast``'s tables of a model's weights: the bigrams by first word
    ("a b" -> w as a -> {b: w}), one string object per second word (the keys of
    every word's followers) and the negated words' weights ("NOT_a" -> w as
    a -> w). Tokens never hold spaces, so a key with one space is one pair."""
    follows: dict[str, dict[str, float]] = {}
    strings: dict[str, str] = {}
    nots: dict[str, float] = {}
    for key, value in weights.items():
        if key.startswith("NOT_"):
            nots[key[4:]] = value
        if key.count(" ") == 1:
            a, b = key.split(" ")
            after = follows.get(a)
            if after is None:
                after = follows[a] = {}
            after[strings.setdefault(b, b)] = value
    return follows, strings, nots


# A model restored from the analyzer's snapshot starts with its big tables
# looked up word by word where the snapshot's file lies (``StoredTables``): a
# build that analyses one edited review reads a few pages of them. A process
# that meets this many new words loads them whole (as a model read from its
# file has them from the start): from there a dict's probe is cheaper.
LAZY_WORDS = 500
PACKED = ("weights", "nots", "char_weights", "word_char_sums", "follows")


@dataclass
class StoredTables:
    """A model's big tables as the analyzer's snapshot keeps them: ``load``
    gives them whole (``Model.weights``, ``char_weights`` and
    ``word_char_sums``), and ``packed`` (``packed.py``; None in a snapshot
    without them) holds what the words of a few reviews are looked up in:
    ``weights``, those of the keys without a space (all a token can find: a
    key with one is a bigram's), ``nots``, ``char_weights``,
    ``word_char_sums`` and ``follows`` (``_derived``'s, a first word's
    followers as a ``marshal`` of their dict)."""

    load: Callable[[], tuple[dict, dict, dict]]
    packed: dict[str, Packed] | None = None
    _whole: tuple[dict, dict, dict] | None = None

    def whole(self) -> tuple[dict, dict, dict]:
        if self._whole is None:
            self._whole = self.load()
        return self._whole


class _WholeTable(Mapping):
    """A field of a model restored from the snapshot (``restored``): its
    table, loaded whole on first use."""

    __slots__ = ("index", "stored")

    def __init__(self, stored: StoredTables, index: int) -> None:
        self.stored = stored
        self.index = index

    def table(self) -> dict:
        return self.stored.whole()[self.index]

    def __getitem__(self, key: str) -> float:
        return self.table()[key]

    def get(self, key: str, default=None):
        return self.table().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self.table())

    def __reduce__(self):
        return dict, (self.table(),)


def _plain(table):
    """A model field's dict (``_WholeTable``'s loaded)."""
    return table.table() if isinstance(table, _WholeTable) else table


class _Followers:
    """First word -> its bigrams' weights by second word, decoded from the
    packed table (``StoredTables.follows``) on first use."""

    __slots__ = ("decoded", "packed")

    def __init__(self, packed: Packed) -> None:
        self.packed = packed
        self.decoded: dict[str, dict[str, float]] = {}

    def get(self, word: str, default=None):
        after = self.decoded.get(word)
        if after is None:
            blob = self.packed.get(word)
            if blob is None:
                return default
            after = self.decoded[word] = marshal.loads(blob)
        return after


class _Fast:
    """Lookup tables derived from a model and its lexicon once, at load time, for
    ``Model.sentence_raw``. They add nothing: each one answers exactly what the
    straightforward code asks of the model's feature strings
    (``tests/reference_analysis.py`` checks). From the snapshot (``stored``),
    the big ones are looked up there until ``LAZY_WORDS`` new words were seen.
    """

    def __init__(self, model: Model, stored: StoredTables | None = None) -> None:
        lexicon = model.lexicon
        rules = self.rules = lexicon.rules
        self.lexicon = lexicon
        self.stored = stored
        self.pending = 0  # new words to see before loading the stored tables whole
        if stored is not None and stored.packed is not None:
            self._packed(stored.packed)
        else:
            self._whole(
                _plain(model.weights), _plain(model.char_weights), _plain(model.word_char_sums)
            )
        tables = score_tables(lexicon)
        # merge_phrases replaces work words before matching expressions.
        self.phrase_keys = frozenset(lexicon.phrases) - rules.work_words
        self.phrase_by_pair = tables.by_pair
        self.opinion = tables.opinion
        self.scored = tables.scored
        self.codes = _Codes(self)
        self.words: dict[str, _Word] = {}  # (_new_word)

    def _whole(
        self,
        weights: dict[str, float],
        char_weights: dict[str, float],
        word_char_sums: dict[str, float],
    ) -> None:
        self.pending = 0
        self.weights = weights
        self.weight = weights.get
        follows, strings, nots = _derived(weights)
        # Compiled (``_raw``): each word's followers kept in its record
        # (``_new_word``), so a bigram is one probe in a small dict.
        self.follows = follows
        self.strings = strings
        self.starts = follows.get("<s>", _NO_FOLLOWERS)
        self.end = strings.get("</s>", "</s>")
        # Plain Python: ("a", "b") -> w, no string built per bigram.
        self.bigram = (
            None
            if COMPILED
            else {(a, b): w for a, after in follows.items() for b, w in after.items()}.get
        )
        self.nots = nots
        self.not_weight = nots.get
        self.char_weights = char_weights
        self.char_sums = _CharSums(char_weights, word_char_sums)

    def _packed(self, packed: dict[str, Packed]) -> None:
        self.pending = LAZY_WORDS
        self.weights = packed["weights"]
        self.weight = self.weights.get
        self.follows = _Followers(packed["follows"])
        self.strings = {}  # (the same strings, not the same objects: equal keys)
        self.starts = self.follows.get("<s>", _NO_FOLLOWERS)
        self.end = "</s>"
        self.bigram = self._bigram
        self.nots = packed["nots"]
        self.not_weight = self.nots.get
        self.char_weights = packed["char_weights"]
        self.char_sums = _LazyCharSums(self.char_weights, packed["word_char_sums"])

    def _bigram(self, pair: tuple[str, str], default: float) -> float:
        after = self.follows.get(pair[0])
        return default if after is None else after.get(pair[1], default)

    def count_word(self) -> None:
        """One new word seen (``pending``): the stored tables are loaded whole
        at the last (the words' records made so far hold the same numbers)."""
        self.pending -= 1
        if not self.pending:
            self._whole(*self.stored.whole())

    def tables(self) -> tuple[dict, dict, dict, dict, dict, dict]:
        """The model's big tables whole, then ``_derived``'s (loaded whole
        first, when they are looked up in the snapshot)."""
        if self.pending:
            self._whole(*self.stored.whole())
        return (
            self.weights,
            self.char_weights,
            self.char_sums.base,
            self.follows,
            self.strings,
            self.nots,
        )

    def clear(self) -> None:
        self.char_sums.reset()
        self.codes.clear()
        self.words.clear()


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
    # The big tables as the analyzer's snapshot keeps them (``restored``).
    stored: InitVar[StoredTables | None] = None

    def __post_init__(self, stored: StoredTables | None) -> None:
        object.__setattr__(self, "_fast", _Fast(self, stored))

    def _word_chars(self, token: str) -> tuple[float, int]:
        """(sum of the word's character n-gram weights, number of n-grams)."""
        fast = self._fast
        return fast.char_sums[token], fast.codes[token] >> _COUNT_SHIFT

    def tables(self) -> tuple[dict, dict, dict, dict, dict, dict]:
        """The big tables whole, for the analyzer's snapshot (``StoredTables``):
        ``weights``, ``char_weights``, ``word_char_sums``, then ``_derived``'s
        (bigrams by first word, their second words, the negated words')."""
        return self._fast.tables()

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
            return _raw(fast, tokens, opinion_only, self.negation_marking)
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


# Model.sentence_raw for the compiled module (model.pxd types it; as plain
# Python it would be slower than the map/sum form): the same additions in the
# same order, on the same IEEE doubles.


def _raw(
    fast: _Fast, tokens: list[str], opinion_only: bool, negation_marking: bool
) -> tuple[float, int, float, int, float, float, float] | None:
    """``Model.sentence_raw(tokens, opinion_only)``, reading each token's record
    (``_new_word``) once: its code, character sum and unigram weight in one pass
    (the sums in token order from 0.0), then the bigrams from the records'
    followers, then the negated words."""
    words = fast.words
    records = []
    visit = []
    present = 0
    c_n = 0
    c_total = 0.0
    total = 0.0
    starts = []
    shift, scored, phrase = _COUNT_SHIFT, _SCORED, _IS_PHRASE
    for i, t in enumerate(tokens):
        record = words.get(t)
        if record is None:
            record = _new_word(fast, t)
        records.append(record)
        code = record.code
        present |= code
        c_n += code >> shift
        if code & scored:
            visit.append(i)
        if code & phrase:
            starts.append(i)
        total += record.weight
        c_total += record.chars
    if opinion_only and not present & _IS_OPINION:
        return None
    if starts:
        # When an expression joins tokens, the n-grams are the merged tokens'.
        merged = _merged_records(fast, records, starts)
        if merged is not None:
            records = merged
            total = 0.0
            for record in records:
                total += record.weight
    n = len(records)
    after = fast.starts
    for record in records:
        value = after.get(record.key, 0.0)
        total += value
        after = record.followers
    value = after.get(fast.end, 0.0)
    total += value
    n_feats = n + n + 1
    # negated_words over the model's tokens (the records' keys; merged, the
    # records are the merged tokens', whose keys are themselves).
    if negation_marking and present & _IS_NEGATOR:
        negated = False
        for record in records:
            scope = record.scope
            if scope == _ENDS_SCOPE:
                negated = False
            elif scope == _OPENS_SCOPE:
                negated = True
            elif negated:
                n_feats += 1
                total += record.negated
    if not present & _IS_OPINION:  # no opinion word: score_tokens finds nothing
        return total, n_feats, c_total, c_n, 0.0, 0.0, 0.0
    pos, neg, n_scored, subj = score_tokens(tokens, fast.lexicon, visit)
    return total, n_feats, c_total, c_n, pos, neg, subj / n_scored if n_scored else 0.0


def _merged_records(fast: _Fast, records: list[_Word], starts: list[int]) -> list[_Word] | None:
    """The records of ``merge_phrases``' tokens, after the work-word step (the
    records' keys), for ``_raw``; None when no expression joins tokens
    (``starts``: where a token can start one)."""
    keys = [record.key for record in records]
    merged = _merge(keys, fast, starts)
    if merged is keys:
        return None
    words = fast.words
    out = []
    for t in merged:
        record = words.get(t)
        if record is None:
            record = _new_word(fast, t)
        out.append(record)
    return out


def _merge(tokens: list[str], fast: _Fast, starts: list[int] | None = None) -> list[str]:
    """``merge_phrases`` after the work-word step, trying expressions only where
    a token can start one (``starts``, in order, when the caller knows them)."""
    by_pair = fast.phrase_by_pair
    out: list[str] = []
    i = 0
    last = len(tokens) - 1
    if starts is None:
        starts = compress(count(), map(fast.phrase_keys.__contains__, tokens))
    for j in starts:
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


def round4(x: float) -> float:
    """``round(x, 4)`` of a float: the precision of every polarity and
    subjectivity the analysis gives. Compiled, without ``round``'s decimal
    conversion (a few thousand instructions): ``n / 10000.0``, n the integer
    nearest ``x * 10000.0``, is the double nearest the exactly rounded decimal,
    as ``round`` gives it, whenever the product (computed within 2**-33 of the
    exact one while it is below 1e6) is not within 1e-9 of a half; else
    ``round`` decides (tests/test_analysis_speed.py checks both builds)."""
    if COMPILED:
        y = x * 10000.0
        if -1e6 < y < 1e6:  # (false for NaN)
            t = cython.cast(cython.longlong, y)  # toward zero
            frac = y - t  # exact
            a = frac if frac >= 0.0 else -frac
            if a < 0.5 - 1e-9:
                n = t
            elif a > 0.5 + 1e-9:
                n = t + 1 if frac > 0.0 else t - 1
            else:
                return round(x, 4)
            if n == 0:
                return x * 0.0  # 0.0 with the sign of x, as round keeps it
            return n / 10000.0
    return round(x, 4)


_lock = threading.Lock()
_model: Model | None = None  # French, the default (analysis/snapshot.py saves it)
_others: dict[str, Model] = {}  # other languages, loaded on first use


TABLE_FIELDS = ("weights", "char_weights", "word_char_sums")  # (StoredTables.load's order)


def restored(fields: dict, lexicon: Lexicon, stored: StoredTables) -> Model:
    """A model from the analyzer's snapshot: ``fields`` (all but ``TABLE_FIELDS``
    and the lexicon) and the big tables as stored (read whole on first use of
    a field)."""
    tables = {name: _WholeTable(stored, i) for i, name in enumerate(TABLE_FIELDS)}
    return Model(lexicon=lexicon, **fields, **tables, stored=stored)


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
