"""One tokenizer for training and runtime, for raw review text and for the
pre-tokenised Allociné TV data alike.

``fold`` puts text in the form the sentiment model and lexicon use (lower case,
no accents, ``œ`` -> ``oe``); ``tokens_of_folded`` / ``normalized_tokens`` cut it
into tokens: elided articles split off (``c'est`` -> ``c'`` ``est``), punctuation
kept as tokens. The TV data (already lower-cased and space-separated) goes
through the same functions, so both sources are normalised identically.
"""

from __future__ import annotations

import re

# An elided word (c', l', qu', jusqu'...) is its own token; then words (with inner
# hyphens), ellipses, and single punctuation marks. This readable pattern is the
# specification; FAST_TOKEN_RE below is what runs (tests/test_analysis_speed.py
# checks that both find the same tokens).
TOKEN_RE = re.compile(
    r"(?:[cdjlmnstCDJLMNST]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’](?=\w)"
    r"|\w+(?:-\w+)*"
    r"|\.{2,}|…|[!?.,;:()\"«»+]"
)

# The same tokens, found faster. Every alternative of TOKEN_RE opens with a
# non-space character, so the pattern opens with ``[^\s]`` (the regex engine then
# skips spaces without trying a match) and each alternative checks what that
# character was with a look-behind; elisions are tried only where the apostrophe
# is. Alternatives keep TOKEN_RE's order, ``x+`` is ``x x*``, and possessive
# quantifiers change nothing where nothing follows them. See _ELISION_TAIL.
_ELISION_TAIL = (
    r"['’](?<=[cdjlmnstCDJLMNST]['’])(?=\w)"
    r"|u['’](?<=[Qq]u['’])(?=\w)"
    r"|usqu['’](?<=[Jj]usqu['’])(?=\w)"
    r"|orsqu['’](?<=[Ll]orsqu['’])(?=\w)"
    r"|uisqu['’](?<=[Pp]uisqu['’])(?=\w)"
)
FAST_TOKEN_RE = re.compile(
    r"[^\s](?:"
    + _ELISION_TAIL
    + r"|(?<=\w)\w*+(?:-\w++)*+|(?<=\.)\.++|(?<=…)|(?<=[!?.,;:()\"«»+]))"
)

_ACCENTS = str.maketrans(
    {
        "à": "a",
        "â": "a",
        "ä": "a",
        "á": "a",
        "ã": "a",
        "ç": "c",
        "é": "e",
        "è": "e",
        "ê": "e",
        "ë": "e",
        "î": "i",
        "ï": "i",
        "í": "i",
        "ì": "i",
        "ô": "o",
        "ö": "o",
        "ó": "o",
        "ò": "o",
        "õ": "o",
        "ù": "u",
        "û": "u",
        "ü": "u",
        "ú": "u",
        "ÿ": "y",
        "ñ": "n",
        "œ": "oe",
        "æ": "ae",
        "’": "'",
        "…": "...",
        "«": '"',
        "»": '"',
    }
)
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Finds the same texts as _REPEATS (a letter then the same letter twice more), faster.
_HAS_REPEATS = re.compile(r"([a-z])\1\1")
# Pre-tokenised text ("c' est", as in the Allociné TV data) glues elisions back.
_SPACED_ELISION = re.compile(r"\b(c|d|j|l|m|n|s|t|qu|jusqu|lorsqu|puisqu)' +(?=\w)")
_DOTS = re.compile(r"\.{3,}")


# ``str.translate`` with a dict table looks every character up in the dict (about
# 60 ns a character on non-ASCII text); replacing only the few accented characters
# a text actually holds is several times faster and gives the same string (every
# replacement is ASCII, so no replacement is itself replaced).
_ACCENT_PAIRS = tuple((chr(k), v) for k, v in _ACCENTS.items())


def _replace_all(low: str, pairs: tuple[tuple[str, str], ...]) -> str:
    if low.isascii():
        return low
    for ch, rep in pairs:
        if ch in low:
            low = low.replace(ch, rep)
    return low


def fold(text: str) -> str:
    """Lower-case and strip accents (``Scénario`` -> ``scenario``)."""
    return _replace_all(text.lower(), _ACCENT_PAIRS)


def fold_lowered(low: str) -> str:
    """``fold`` of a text already lower-cased."""
    return _replace_all(low, _ACCENT_PAIRS)


def has_repeats(folded: str) -> bool:
    """Whether ``folded`` holds a letter written three times or more in a row.

    When a review's fold has none, no sentence's fold has any either (folding is
    character by character but for the Greek capital sigma, which never folds to
    a-z), so ``tokens_of_folded`` may skip that substitution for all its sentences.
    """
    return _HAS_REPEATS.search(folded) is not None


def tokens_of_folded(folded: str, repeats: bool = True) -> list[str]:
    """``normalized_tokens`` of a text given its ``fold``; ``repeats=False`` only
    when the text is known to have no tripled letter (see ``has_repeats``)."""
    if repeats:
        folded = _REPEATS.sub(r"\1\1", folded)
    if "...." in folded:  # otherwise _DOTS would only rewrite "..." as "..."
        folded = _DOTS.sub("...", folded)
    if "' " in folded:
        folded = _SPACED_ELISION.sub(r"\1'", folded)
    return FAST_TOKEN_RE.findall(folded)


def normalized_tokens(text: str) -> list[str]:
    """Model/lexicon tokens of ``text``: folded, elisions split, punctuation kept."""
    return tokens_of_folded(fold(text))
