"""Which language a review is written in: French, English or another one.

A naive-Bayes word table (``generator/data/language-words.json``, trained by
``training/train_language.py`` on the trainable French and English data) scores
the first words of the review's folded text (the fold the analyzer makes anyway):
the sum of each word's ``log P(word | English) - log P(word | French)`` decides
between the two. A text is "other" when it is made of letters sitegen's word
lists do not know -- another alphabet, or mostly words outside both vocabularies,
or a good share of common words of Spanish, German, Italian, Portuguese or Dutch.
A text with no word at all (``"10/10"``) is given ``default``.

It costs a few microseconds a review: one ``findall`` over at most
``SAMPLE_CHARS`` characters and three dict passes done in C (compiled: one loop
over those characters). Measured accuracy
and speed: ``training/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from generator.analysis.tokens import fold

try:  # Cython's pure-Python mode: True in the compiled module, False here
    import cython

    COMPILED = cython.compiled
except ImportError:  # pragma: no cover - Cython is needed only to build
    COMPILED = False

log = logging.getLogger(__name__)

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "language-words.json"
LANGUAGES = ("fr", "en")  # what sitegen analyses
OTHER = "other"
SAMPLE_CHARS = 300  # the opening of a review decides
WORD_RE = re.compile(r"[a-z]+")
_LETTER = re.compile(r"[^\W\d_]")
_ZEROS = repeat(0.0)


@dataclass(frozen=True)
class LanguageTable:
    weights: dict[str, float]  # word -> log P(w|en) - log P(w|fr); every known word
    other_words: frozenset[str]  # common words of other languages, not French or English
    bias: float  # added to the score: > 0 leans English
    min_known: float  # below this share of known words (in a long enough text): other
    min_other: float  # at or above this share of other languages' words: other
    digest: str


_lock = threading.Lock()
_table: LanguageTable | None = None
# Plain JSON (120 KB, about 5 ms to load), not gzip: the readers check each file's
# reviews with it, so a rebuild that re-reads a file loads it, even when it has
# nothing to analyse and the model is never loaded.


def load_table(path: Path = DATA_PATH) -> LanguageTable:
    """The shipped table, loaded once per process."""
    global _table
    if _table is not None and path == DATA_PATH:
        return _table
    with _lock:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
        table = LanguageTable(
            weights=data["weights"],
            other_words=frozenset(data["other_words"]),
            bias=float(data["bias"]),
            min_known=float(data["min_known"]),
            min_other=float(data["min_other"]),
            digest=hashlib.sha256(raw).hexdigest()[:16],
        )
        if path == DATA_PATH:
            _table = table
    return table


def table_digest() -> str:
    """``load_table().digest`` from the file's bytes, without loading it."""
    if _table is not None:
        return _table.digest
    return hashlib.sha256(DATA_PATH.read_bytes()).hexdigest()[:16]


# Texts this short are never "other" for want of known words: "Top !", "Bof".
MIN_WORDS_FOR_OTHER = 4


def detect_folded(folded: str, default: str = "fr", table: LanguageTable | None = None) -> str:
    """The language of a text given its fold (``tokens.fold``): "fr", "en" or "other"."""
    t = table or _table or load_table()
    n, others, known, score = _tally(folded, t) if COMPILED else _tally_words(folded, t)
    if not n:
        # No a-z word: another alphabet ("Отличный фильм") is other; "10/10" is
        # nothing, and gets the default.
        return OTHER if _LETTER.search(folded, 0, SAMPLE_CHARS) else default
    if n >= MIN_WORDS_FOR_OTHER and (others >= t.min_other * n or known < t.min_known * n):
        return OTHER
    if score > 0:
        return "en"
    if score < 0:
        return "fr"
    return default


def _tally_words(folded: str, t: LanguageTable) -> tuple[int, int, int, float]:
    """Of the words (``WORD_RE``) in the first ``SAMPLE_CHARS`` characters of
    ``folded``: how many there are, how many are other languages' words, how many
    the table knows, and the score (the bias plus their weights)."""
    words = WORD_RE.findall(folded, 0, SAMPLE_CHARS)
    weights = t.weights
    return (
        len(words),
        sum(map(t.other_words.__contains__, words)),
        sum(map(weights.__contains__, words)),
        sum(map(weights.get, words, _ZEROS), t.bias),
    )


def _tally(folded: str, t: LanguageTable) -> tuple[int, int, int, float]:
    """``_tally_words``, by reading the characters once (run only compiled: a loop
    in C; in plain Python the pattern and ``map`` are faster). The weights are
    summed by ``sum`` as there (unknown words add 0.0, which changes no sum), so
    the score is the same float."""
    weights = t.weights
    other = t.other_words
    found = []
    n = others = 0
    end = min(len(folded), SAMPLE_CHARS)
    i = 0
    while i < end:
        c = folded[i]
        if "a" <= c <= "z":
            j = i + 1
            while j < end and "a" <= folded[j] <= "z":
                j += 1
            word = folded[i:j]
            n += 1
            if word in other:
                others += 1
            w = weights.get(word)
            if w is not None:
                found.append(w)
            i = j
        else:
            i += 1
    return n, others, len(found), sum(found, t.bias)


def detect(text: str, default: str = "fr") -> str:
    """The language of a raw text: "fr", "en" or "other" -- what the analyzer finds
    from the whole text's fold (only its opening is read, and folding is character
    by character, so the opening's fold is the fold's opening)."""
    return detect_folded(fold(text[:SAMPLE_CHARS]), default)
