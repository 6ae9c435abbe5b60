"""One tokenizer for training and runtime, for raw review text and for the
pre-tokenised Allociné TV data alike.

``tokenize`` keeps case, accents and character offsets (aspects and quotes need
them); ``normalize`` turns a token into the form the sentiment model and lexicon
use: lower case, no accents, ``œ`` -> ``oe``, elided articles split off
(``c'est`` -> ``c'`` ``est``), punctuation kept as tokens. The TV data (already
lower-cased and space-separated) goes through the same two functions, so both
sources are normalised identically.
"""

from __future__ import annotations

import re

# An elided word (c', l', qu', jusqu'...) is its own token; then words (with inner
# hyphens), ellipses, and single punctuation marks.
TOKEN_RE = re.compile(
    r"(?:[cdjlmnstCDJLMNST]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’](?=\w)"
    r"|\w+(?:-\w+)*"
    r"|\.{2,}|…|[!?.,;:()\"«»+]"
)

_ACCENTS = str.maketrans(
    {
        "à": "a", "â": "a", "ä": "a", "á": "a", "ã": "a",
        "ç": "c",
        "é": "e", "è": "e", "ê": "e", "ë": "e",
        "î": "i", "ï": "i", "í": "i", "ì": "i",
        "ô": "o", "ö": "o", "ó": "o", "ò": "o", "õ": "o",
        "ù": "u", "û": "u", "ü": "u", "ú": "u",
        "ÿ": "y", "ñ": "n",
        "œ": "oe", "æ": "ae",
        "’": "'", "…": "...",
        "«": '"', "»": '"',
    }
)
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Pre-tokenised text ("c' est", as in the Allociné TV data) glues elisions back.
_SPACED_ELISION = re.compile(r"\b(c|d|j|l|m|n|s|t|qu|jusqu|lorsqu|puisqu)' +(?=\w)")
_DOTS = re.compile(r"\.{3,}")


def fold(text: str) -> str:
    """Lower-case and strip accents (``Scénario`` -> ``scenario``)."""
    return text.lower().translate(_ACCENTS)


def normalized_tokens(text: str) -> list[str]:
    """Model/lexicon tokens of ``text``: folded, elisions split, punctuation kept."""
    folded = _DOTS.sub("...", _REPEATS.sub(r"\1\1", fold(text)))
    if "' " in folded:
        folded = _SPACED_ELISION.sub(r"\1'", folded)
    return TOKEN_RE.findall(folded)


def tokenize(text: str) -> list[str]:
    """Raw tokens of ``text`` (case and accents kept)."""
    return TOKEN_RE.findall(text)
