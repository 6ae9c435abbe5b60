# cython: boundscheck=False, wraparound=False
"""One tokenizer for training and runtime, for raw review text and for the
pre-tokenised Allociné TV data alike.

``fold`` puts text in the form the sentiment model and lexicon use (lower case,
no accents, ``œ`` -> ``oe``); ``tokens_of_folded`` / ``normalized_tokens`` cut it
into tokens: elided articles split off (``c'est`` -> ``c'`` ``est``), punctuation
kept as tokens. The TV data (already lower-cased and space-separated) goes
through the same functions, so both sources are normalised identically.

Compiled (``_core.py``), ``tokens.pxd`` gives ``_replace_all``, ``_tripled``,
``_scan`` and ``word_before`` C types: they then read the text character by
character in C.
"""

from __future__ import annotations

import re

try:  # Cython's pure-Python mode: True in the compiled module, False here
    import cython

    COMPILED = cython.compiled
except ImportError:  # pragma: no cover - Cython is needed only to build
    COMPILED = False

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
# Pre-tokenised text ("c' est", as in the Allociné TV data) glues elisions back:
# the spaces after the apostrophe of an elided word, before a word, are deleted
# (``_SPACES_AFTER_ELISION.sub("'", text)``; its specification,
# ``re.sub(r"\b(c|d|…)' +(?=\w)", r"\1'", text)``, is the test oracle's). The
# apostrophe is matched first and the elided word checked by a look-behind, so
# the replacement is a plain string and the substitution runs in C (a template
# with a group calls Python code for every match).
ELIDED = ("c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu")
_SPACES_AFTER_ELISION = re.compile(
    "'(?:" + "|".join(rf"(?<=\b{e}')" for e in ELIDED) + r") +(?=\w)"
)
_DOTS = re.compile(r"\.{3,}")


# ``str.translate`` with a dict table looks every character up in the dict (about
# 60 ns a character on non-ASCII text); replacing only the few accented characters
# a text actually holds is several times faster and gives the same string (every
# replacement is ASCII, so no replacement is itself replaced).
_ACCENT_PAIRS = tuple((chr(k), v) for k, v in _ACCENTS.items())
_ACCENT_CHARS = "".join(ch for ch, _ in _ACCENT_PAIRS)


def _replace_all(low: str, pairs: tuple[tuple[str, str], ...], chars: str) -> str:
    """``low`` with each character ``ch`` of ``pairs`` replaced by its ASCII
    ``rep``, in the order of ``pairs`` (``chars``: their characters, in order,
    64 at most). Compiled, one pass in C finds which of them ``low`` holds,
    instead of a search for each (several thousand instructions a short word)."""
    if low.isascii():
        return low
    if COMPILED:
        seen = 0
        n = len(chars)
        for c in low:
            if c > 127:
                for k in range(n):
                    if chars[k] == c:
                        seen |= cython.cast(cython.ulonglong, 1) << k
                        break
        for k in range(n):
            if seen >> k & 1:
                ch, rep = pairs[k]
                low = low.replace(ch, rep)
        return low
    for ch, rep in pairs:
        if ch in low:
            low = low.replace(ch, rep)
    return low


def fold(text: str) -> str:
    """Lower-case and strip accents (``Scénario`` -> ``scenario``)."""
    return _replace_all(text.lower(), _ACCENT_PAIRS, _ACCENT_CHARS)


def fold_lowered(low: str) -> str:
    """``fold`` of a text already lower-cased."""
    return _replace_all(low, _ACCENT_PAIRS, _ACCENT_CHARS)


def has_repeats(folded: str) -> bool:
    """Whether ``folded`` holds a letter written three times or more in a row.

    When a review's fold has none, no sentence's fold has any either (folding is
    character by character but for the Greek capital sigma, which never folds to
    a-z), so ``tokens_of_folded`` may skip that substitution for all its sentences.
    """
    if COMPILED:
        return _tripled(folded)
    return _HAS_REPEATS.search(folded) is not None


def _tripled(folded: str) -> bool:
    """``_HAS_REPEATS.search(folded) is not None``, by reading ``folded`` once
    (a loop in C when compiled; the search is faster in plain Python)."""
    prev = "\0"
    run = 0
    for c in folded:
        if c == prev:
            run += 1
            if run == 2 and "a" <= c <= "z":
                return True
        else:
            prev = c
            run = 0
    return False


def tokens_of_folded(folded: str, repeats: bool = True) -> list[str]:
    """``normalized_tokens`` of a text given its ``fold``; ``repeats=False`` only
    when the text is known to have no tripled letter (see ``has_repeats``).
    Compiled, a text with no elided word to glue back is cut run by run
    (``_by_runs``)."""
    if COMPILED and "' " not in folded:
        return _by_runs(folded)
    return _cut(folded, repeats)


# Each run of characters between white space, cut into tokens (``_by_runs``),
# up to RUNS_LIMIT runs (about 170 bytes each: some 9 MB; 9,400 reviews of
# ../shared/data hold 71,000 distinct runs, the commonest seen first).
_RUNS: dict[str, tuple[str, ...]] = {}
RUNS_LIMIT = 50_000


def _by_runs(folded: str) -> list[str]:
    """``_cut(folded)`` of a text without "' " (no elided word whose spaces
    ``_cut`` deletes): its runs of characters between white space each cut on
    their own, once per distinct run (``_RUNS``). The same tokens: no token
    holds white space, the rewrites ``_cut`` makes (tripled letters, dots) stay
    within a run, and what ends a token (the character after an elision's
    apostrophe, a word's hyphen or a run of dots) is within its run or white
    space. The tokens are then the same string objects at each occurrence, so
    their hashes are computed once (the model's tables are probed by them)."""
    out: list[str] = []
    runs = _RUNS
    for run in folded.split():
        tokens = runs.get(run)
        if tokens is None:
            tokens = tuple(_cut(run, True))
            if len(runs) < RUNS_LIMIT:
                runs[run] = tokens
        if len(tokens) == 1:  # (most runs are one word: an append is cheaper)
            out.append(tokens[0])
        else:
            out.extend(tokens)
    return out


def clear_caches() -> None:
    """Empty the memo of runs' tokens (``_by_runs``)."""
    _RUNS.clear()


def _cut(folded: str, repeats: bool) -> list[str]:
    """``tokens_of_folded``, the text cut as a whole."""
    if repeats and has_repeats(folded):
        # (A review with a tripled letter somewhere passes repeats=True for every
        # piece of it; the check, a loop in C when compiled, costs a fraction of
        # the substitution, whose template is read by Python code at each call.)
        folded = _REPEATS.sub(r"\1\1", folded)
    if "...." in folded:  # otherwise _DOTS would only rewrite "..." as "..."
        folded = _DOTS.sub("...", folded)
    if "' " in folded:
        folded = _SPACES_AFTER_ELISION.sub("'", folded)
    if COMPILED:
        return _scan(folded, SCAN_TOKENS)
    return FAST_TOKEN_RE.findall(folded)


# What ``_scan`` finds: TOKEN_RE's tokens; WORD_RE's (``aspects``: any run of
# characters neither word nor space is one); WORD_RE's, each with the white
# space before it (``aspects._SPACED_WORD_RE``).
SCAN_TOKENS, SCAN_WORDS, SCAN_SPACED_WORDS = 0, 1, 2


def _scan(text: str, mode: int) -> list[str]:
    r"""``FAST_TOKEN_RE.findall(text)`` (``mode`` SCAN_TOKENS), or
    ``aspects._FAST_WORD_RE`` / ``_SPACED_WORD_RE``'s, found by reading ``text``
    once, character by character: a loop in C when compiled, faster than the
    regular expression (in plain Python the regular expression is faster, and
    runs instead). At each character, as the patterns try their alternatives:
    an elision (``c'`` ``qu'`` ``jusqu'`` ``lorsqu'`` ``puisqu'`` before a word
    character), a word (``\w+(?:-\w+)*``), then TOKEN_RE's run of two dots or
    more, ellipsis or punctuation mark (any other character is skipped), or
    WORD_RE's run of characters neither word nor space. (The sets of characters
    are written out: compiled, a test against a literal is a C switch.)"""
    out = []
    n = len(text)
    spaced = mode == SCAN_SPACED_WORDS
    words = mode != SCAN_TOKENS
    i = 0
    last = 0  # where the last token ended
    while i < n:
        c = text[i]
        if c == " ":  # (the commonest character that starts nothing)
            i += 1
            continue
        end = _elision_end(text, i, n, c)
        if end == i:
            end = _word_end(text, i, n) if _is_word(c) else _mark_end(text, i, n, c, words)
            if end == i:  # white space, or a character TOKEN_RE skips
                i += 1
                continue
        out.append(text[last if spaced else i : end])
        i = last = end
    return out


def _elision_end(text: str, i: int, n: int, c: str) -> int:
    """Where the elision at ``i`` (its character ``c``) ends; ``i`` if none."""
    if c in "cdjlmnstCDJLMNST" and i + 2 < n and text[i + 1] in "'’":
        return i + 2 if _is_word(text[i + 2]) else i
    if c == "q" or c == "Q":
        return _elision(text, i, n, "u")
    if c == "j" or c == "J":
        return _elision(text, i, n, "usqu")
    if c == "l" or c == "L":
        return _elision(text, i, n, "orsqu")
    if c == "p" or c == "P":
        return _elision(text, i, n, "uisqu")
    return i


def _word_end(text: str, i: int, n: int) -> int:
    r"""Where the word (``\w+(?:-\w+)*``) at ``i`` ends."""
    end = i + 1
    while end < n and _is_word(text[end]):
        end += 1
    while end + 1 < n and text[end] == "-" and _is_word(text[end + 1]):
        end += 2
        while end < n and _is_word(text[end]):
            end += 1
    return end


def _mark_end(text: str, i: int, n: int, c: str, words: bool) -> int:
    """Where the punctuation at ``i`` (``c``, no word character) ends: WORD_RE's
    run of characters neither word nor space (``words``), or TOKEN_RE's run of
    dots, ellipsis or mark; ``i`` for white space or a character TOKEN_RE skips."""
    if c == " " or c.isspace():
        return i
    end = i + 1
    if words:
        while end < n and not _is_word(text[end]) and not text[end].isspace():
            end += 1
    elif c == ".":
        while end < n and text[end] == ".":
            end += 1
    elif c not in '…!?,;:()"«»+':
        return i
    return end


def _is_word(c: str) -> bool:
    r"""Whether ``c`` is a character of ``\w`` (str patterns: alphanumeric or "_").
    ASCII is decided by comparisons (compiled, a few C instructions instead of
    four calls into the Unicode tables)."""
    if c < "\x80":
        return "a" <= c <= "z" or "0" <= c <= "9" or "A" <= c <= "Z" or c == "_"
    return c.isalnum()


def word_before(text: str, lo: int, at: int, dots: bool) -> str:
    r"""The run of word characters and hyphens that ends ``text[lo:at]``, as
    ``re.compile(r"([\w.-]+)$").search(text, lo, at)`` finds it (``dots``) or
    ``re.compile(r"([\w-]+) *$")`` (not ``dots``: no dots, and spaces may follow
    it); "" when there is none. As with ``$``, the run may also end just before
    a line break that ends ``text[lo:at]``. Sentence splitting asks what word
    precedes a full stop (``sentences.py``); compiled, this reads a few
    characters back in C instead of trying the pattern at every position."""
    lo = max(lo, 0)  # as the pattern's ``pos`` and ``endpos`` are
    end = min(at, len(text))
    if end <= lo:  # (the patterns find nothing in an empty or reversed range)
        return ""
    if end > lo and text[end - 1] == "\n":
        end -= 1
    if not dots:
        while end > lo and text[end - 1] == " ":
            end -= 1
    start = end
    while start > lo:
        c = text[start - 1]
        if not (_is_word(c) or c == "-" or (dots and c == ".")):
            break
        start -= 1
    return text[start:end]


def _elision(text: str, i: int, n: int, tail: str) -> int:
    """Where the elision ``text[i]`` + ``tail`` + an apostrophe, before a word
    character, ends; ``i`` when there is none."""
    k = len(tail)
    if i + k + 2 >= n:
        return i
    for j in range(k):  # (compiled: compares characters, no slice made)
        if text[i + 1 + j] != tail[j]:
            return i
    return i + 2 + k if text[i + 1 + k] in "'’" and _is_word(text[i + 2 + k]) else i


def normalized_tokens(text: str) -> list[str]:
    """Model/lexicon tokens of ``text``: folded, elisions split, punctuation kept."""
    return tokens_of_folded(fold(text))
