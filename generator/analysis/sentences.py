"""Split review text into sentences without NLTK data (nothing is downloaded).

A rule-based splitter tuned for French spectator reviews: it cuts after ``.``, ``!``,
``?`` and ``…`` (also runs like ``?!`` or ``...``) and at line breaks, keeps
abbreviations (``M.``, ``etc.``, ``c.-à-d.``, ``B.O. excellente``) and decimals
(``4.5``) whole, and returns character offsets so a sentence can be highlighted
inside its review.

Reviewers often forget the space after a full stop ("on s'identifie.Les
personnages"): ``.``, ``!`` or ``?`` glued to a capital letter also ends a sentence
when the word before it is a word of two letters or more that is not an
abbreviation -- so initials (``M.Dupont``), abbreviations (``etc.Le``, ``Mme.Durand``),
web addresses (``www.Site.fr``) and numbers (``4.5``, ``3.Le``) stay whole.
"""

from __future__ import annotations

import re

from generator.analysis.tokens import COMPILED as _SCAN_IN_C
from generator.analysis.tokens import word_before

try:  # Cython's pure-Python mode: True in the compiled module, False here
    import cython

    COMPILED = cython.compiled
except ImportError:  # pragma: no cover - Cython is needed only to build
    COMPILED = False

_ABBREVIATIONS = frozenset(
    "m mm mme mlle mlles dr pr st ste etc cf ex éd fig p vol av boul c.-à-d env vs".split()
)
# Glued to the next word, these stay whole too ("Mr.Bean", "Jr.Smith").
_GLUED_ABBREVIATIONS = _ABBREVIATIONS | frozenset("mr mrs ms jr sr no www http https".split())
# A sentence ends at a run of terminal punctuation (optionally followed by closing
# quotes or brackets) followed by whitespace, or at a line break.
# An ellipsis glued to a capitalised word ("artiste...Meme") also ends a sentence.
# A single ".", "!" or "?" glued to a capital letter may end one too
# (``_glued_end`` decides).
_BOUNDARY = re.compile(
    r"([.!?…]+[\"'»”)\]]*)(?=\s|$)|(?:\.{2,}|…)(?=[A-ZÀ-ÖØ-Þ])|[.!?]+(?=[A-ZÀ-ÖØ-Þ])|\n+"
)
# The same matches, written so that every alternative opens with a literal
# character: the regex engine then skips straight to the next ".", "!", "?", "…"
# or line break instead of trying a match at every character (7x faster).
# Alternatives per first character, in _BOUNDARY's order; "x+" is "xx*". A match
# is _BOUNDARY's first alternative with group(1) == "." exactly when it is ".".
_FAST_BOUNDARY = re.compile(
    r"\.[.!?…]*[\"'»”)\]]*(?=\s|$)|\.\.+(?=[A-ZÀ-ÖØ-Þ])|\.[.!?]*(?=[A-ZÀ-ÖØ-Þ])"
    r"|![.!?…]*[\"'»”)\]]*(?=\s|$)|![.!?]*(?=[A-ZÀ-ÖØ-Þ])"
    r"|\?[.!?…]*[\"'»”)\]]*(?=\s|$)|\?[.!?]*(?=[A-ZÀ-ÖØ-Þ])"
    r"|…[.!?…]*[\"'»”)\]]*(?=\s|$)|…(?=[A-ZÀ-ÖØ-Þ])"
    r"|\n\n*"
)
_WORD_BEFORE = re.compile(r"([\w.-]+)$")
_WORD_WHOLE = re.compile(r"[\w.-]+")
_ALNUM = re.compile(r"[^\W_]")  # a character for which str.isalnum() is true
_GLUED_WORD_BEFORE = re.compile(r"([\w-]+) *$")
_NEXT_CHAR = re.compile(r"\s*(\S)")
# What follows a full stop inside a web address: "Site.fr", "Allocine/", "Fr/".
_WEB_AFTER = re.compile(r"\w+(?:\.[a-z]{2,4}\b|/)|(?:fr|com|net|org|Fr|Com|FR|COM)\b")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of each sentence, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    if COMPILED:
        # _FAST_BOUNDARY's matches, found by reading the text once in C.
        n = len(text)
        i = 0
        while i < n:
            c = text[i]
            if c == "." or c == "!" or c == "?" or c == "…" or c == "\n":
                end = _boundary_end(text, i, n, c)
                if end > i:
                    if _ends(text, i, end):
                        _append(text, start, end, spans)
                        start = end
                    i = end
                    continue
            i += 1
    else:
        for match in _FAST_BOUNDARY.finditer(text):
            at, end = match.span()
            if _ends(text, at, end):
                _append(text, start, end, spans)
                start = end
    _append(text, start, len(text), spans)
    return spans


def _ends(text: str, at: int, end: int) -> bool:
    """Whether the boundary ``text[at:end]`` (a match of ``_FAST_BOUNDARY``) ends a
    sentence."""
    if end < len(text) and text[end - 1] in ".!?" and not text[end].isspace():
        # Punctuation glued to a capital letter: an ellipsis ("artiste...Meme")
        # always ends a sentence, a single mark ("identifie.Les") only after
        # a word.
        return text[end - 2 : end] == ".." or _glued_end(text, at, end)
    return not (end - at == 1 and text[end - 1] == "." and _abbreviation_before(text, at))


def _boundary_end(text: str, i: int, n: int, c: str) -> int:
    """Where the match of ``_FAST_BOUNDARY`` at ``i`` (its character ``c``: ".", "!",
    "?", "…" or a line break) ends; ``i`` when there is none there. Its
    alternatives: a run of line breaks; a run of marks (and closing quotes or
    brackets) before white space or the end; a run of ".", "!" or "?" (a single
    "…") before a capital letter. (Run only compiled.)"""
    end = i + 1
    if c == "\n":
        while end < n and text[end] == "\n":
            end += 1
        return end
    while end < n and text[end] in ".!?…":
        end += 1
    while end < n and text[end] in "\"'»”)]":
        end += 1
    if end == n or text[end].isspace():
        return end
    if c == "…":
        return i + 1 if i + 1 < n and _capital(text[i + 1]) else i
    end = i + 1
    while end < n and text[end] in ".!?":
        end += 1
    return end if end < n and _capital(text[end]) else i


def _capital(c: str) -> bool:
    """Whether ``c`` is in ``[A-ZÀ-ÖØ-Þ]``."""
    return "A" <= c <= "Z" or "À" <= c <= "Ö" or "Ø" <= c <= "Þ"


def _word_before(text: str, at: int) -> str:
    """The longest run of ``[\\w.-]`` ending at ``at`` (within 40 characters):
    ``_WORD_BEFORE.search(text, at - 40, at)``, found faster. Such a run holds no
    space, so it lies after the last space; that piece usually is the run whole."""
    lo = at - 40 if at > 40 else 0
    if _SCAN_IN_C:
        return word_before(text, lo, at, True)
    piece = text[max(lo, text.rfind(" ", lo, at) + 1) : at]
    if _WORD_WHOLE.fullmatch(piece):
        return piece
    before = _WORD_BEFORE.search(piece)
    return before.group(1) if before else ""


def _abbreviation_before(text: str, at: int) -> bool:
    """Whether the "." at ``at`` (followed by a space) ends an abbreviation or an
    initial rather than a sentence."""
    word = _word_before(text, at)
    low = word.lower()
    if low in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and word.isupper()):
        return True
    # Dotted initials ("B.O. excellente", "U.S.A. et"): a sentence goes on when
    # the next word is in lower case.
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        nxt = _NEXT_CHAR.match(text, at + 1)
        return nxt is not None and nxt.group(1).islower()
    return False


def _glued_end(text: str, at: int, end: int) -> bool:
    """Whether the ".", "!" or "?" run ``text[at:end]``, glued to a capital letter, ends a
    sentence: only after a word of two letters or more (hyphens allowed, spaces
    between it and the mark too: "les temps .Un mot") that is not an abbreviation -- never after an initial or a number, nor inside a web
    address ("www.Site.fr", "Allocine.Fr")."""
    if _SCAN_IN_C:
        word = word_before(text, max(0, at - 40), at, False).lower()
    else:
        before = _GLUED_WORD_BEFORE.search(text, max(0, at - 40), at)
        word = before.group(1).lower() if before else ""
    if len(word) < 2 or not word.replace("-", "").isalpha() or word in _GLUED_ABBREVIATIONS:
        return False
    return not _WEB_AFTER.match(text, end)


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Add ``text[start:end]`` with its whitespace (``str.isspace``) trimmed, if it
    holds a letter or digit (``str.isalnum``)."""
    if COMPILED:  # the same, by reading characters in C
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        k = start
        while k < end and not text[k].isalnum():
            k += 1
        if k < end:
            spans.append((start, end))
        return
    piece = text[start:end]
    kept = piece.strip()
    if kept and _ALNUM.search(kept):
        start += len(piece) - len(piece.lstrip())
        spans.append((start, start + len(kept)))
