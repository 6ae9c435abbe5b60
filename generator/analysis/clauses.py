"""Clauses of a sentence, for the polarity of the aspect mentions in them.

A sentence judges several things at once ("Les acteurs sont bons mais le
scénario est nul"): each aspect mention takes the polarity of the clause that
judges it. A sentence is cut into *blocks* at contrast words ("mais",
"pourtant", "cependant", "but"...: what follows judges against what precedes),
and each block into *clauses* at punctuation (, ; : brackets, dashes),
coordination ("et", "ou", "and") and relative or subordinate words ("qui",
"que", "dont", "car", "which"...). The analyzer scores each with the same model
as a sentence (``Model.score``); a clause with no opinion word of the lexicon
("La musique et les décors sont superbes": "La musique") takes its block's
polarity, and a block with none takes the sentence's.

Negation stays inside its clause ("n'est pas drôle"), and a comparison's terms
land in separate clauses ("meilleur que le premier").
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Iterator

from generator.analysis.model import round4

try:  # Cython's pure-Python mode: True in the compiled module, False here
    import cython

    COMPILED = cython.compiled
except ImportError:  # pragma: no cover - Cython is needed only to build
    COMPILED = False

log = logging.getLogger(__name__)

# Connector words, written as ``fold_1to1`` folds text (lower case, no accents).
CONTRAST_WORDS = (
    "mais pourtant cependant neanmoins toutefois sauf hormis malgre quoique "
    "par_contre en_revanche meme_si bien_que alors_que tandis_que "
    "but however although though yet whereas except despite"
).split()
JOIN_WORDS = "et ou qui que dont car puisque comme and or which who whose because".split()


def _alternation(words: list[str]) -> str:
    """A regular expression matching any of ``words`` (``_`` for a space),
    written as a tree of shared prefixes: the regex engine then tries about one
    branch per position, not one per word."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word.replace("_", " "):
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + emit(node[c]) for c in sorted(node) if c]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(tree)


# Run on the folded sentence (``fold_1to1``: "’" is "'", "où" is "ou").
_BOUNDARY = re.compile(
    rf"(?<!\w)(?:(?P<contrast>{_alternation(CONTRAST_WORDS)})|{_alternation(JOIN_WORDS)})(?!\w)"
    r"|(?<!\w)qu'(?=\w)"
    r"|(?P<punct>[,;:()\[\]—–]|\s-\s)"
)
# Tried at every character, _BOUNDARY costs about a thousand instructions a
# character. In plain Python ``boundaries`` tries it only where a match may
# start, found with ``str.find`` (a scan in C): at a punctuation mark, a space
# before "-", and each occurrence of a connector word (or "qu") or phrase after
# no letter or digit. Compiled, ``_scan_boundaries`` reads the text once instead.
_MARKS = ",;:()[]—–"
_STARTS = tuple(sorted({w.replace("_", " ") for w in CONTRAST_WORDS + JOIN_WORDS} | {"qu"}))


def _connector_table() -> dict[str, tuple[tuple[str, str | None], ...]]:
    """Each connector's first word -> what may follow it and the match's kind,
    in the order _BOUNDARY prefers them: contrast before join, and within each,
    the longest rest first (its prefix tree's optional tails are greedy); a
    rest is what follows the first word's space ("contre" for "par contre"),
    "" for a connector of one word."""
    table: dict[str, list[tuple[str, str | None]]] = {}
    for words, kind in ((CONTRAST_WORDS, "contrast"), (JOIN_WORDS, None)):
        rests: dict[str, list[str]] = {}
        for word in words:
            first, _, rest = word.replace("_", " ").partition(" ")
            rests.setdefault(first, []).append(rest)
        for first, found in rests.items():
            table.setdefault(first, []).extend((r, kind) for r in sorted(found, key=len)[::-1])
    return {first: tuple(entries) for first, entries in table.items()}


_CONNECTORS = _connector_table()
_LONGEST_FIRST = max(map(len, _CONNECTORS))
# By length, the letters connectors' first words (and "qu'") begin with: a
# word of another length or beginning with another letter is passed over
# without a look into _CONNECTORS.
_FIRST_LETTERS = tuple(
    "".join(sorted({w[0] for w in [*_CONNECTORS, "qu"] if len(w) == k}))
    for k in range(_LONGEST_FIRST + 1)
)


def boundaries(folded: str) -> list[tuple[int, int, str | None]]:
    """``(start, end, kind)`` of each match of ``_BOUNDARY`` in ``folded``, in
    order (``kind``: its ``lastgroup``, "contrast", "punct" or None), found
    faster: the match at each place one may start, each tried from where the
    last ended (compiled: ``_scan_boundaries``)."""
    if COMPILED:
        return _scan_boundaries(folded)
    at = _occurrences(folded, _MARKS)
    at += [i - 1 for i in _occurrences(folded, ("-",)) if i and folded[i - 1].isspace()]
    at += [i for i in _occurrences(folded, _STARTS) if not i or not folded[i - 1].isalnum()]
    return [(m.start(), m.end(), m.lastgroup) for m in _matches_at(_BOUNDARY, folded, at)]


def _scan_boundaries(folded: str) -> list[tuple[int, int, str | None]]:
    r"""``boundaries(folded)``, found by reading ``folded`` once, character by
    character: a loop in C when compiled (in plain Python the searches are
    faster, and run instead). As _BOUNDARY tries its alternatives: at a
    punctuation mark or white space + "-" + white space; at the start of a run
    of word characters (``\w``), when the run ends, a connector or "qu'"
    (``_after_run``); no match starts inside a run, nor inside the last match."""
    out = []
    letters = _FIRST_LETTERS
    n = len(folded)
    start = -1  # where the run of word characters being read began; -1: none
    resume = 0  # where the last match ended
    i = -1
    for c in folded:
        i += 1
        if _is_word(c):
            if start < 0:
                start = i
            continue
        if start >= 0:
            resume = _after_run(folded, start, i, resume, out, letters)
            start = -1
        if i < resume:
            continue
        if c in ",;:()[]—–":
            out.append((i, i + 1, "punct"))
        elif c.isspace() and i + 2 < n and folded[i + 1] == "-" and folded[i + 2].isspace():
            out.append((i, i + 3, "punct"))
            resume = i + 3
    if start >= 0:
        _after_run(folded, start, n, resume, out, letters)
    return out


def _after_run(
    folded: str,
    start: int,
    end: int,
    resume: int,
    out: list[tuple[int, int, str | None]],
    letters: tuple[str, ...],
) -> int:
    """Where the last match ends after the run of word characters
    ``folded[start:end]`` (``resume`` before it), having added to ``out`` the
    match that begins the run, if any: a connector whose first word is the run
    (``_CONNECTORS``), or "qu'" before a word character. ``letters``:
    ``_FIRST_LETTERS``."""
    if start < resume or end - start >= len(letters):
        return resume
    firsts = letters[end - start]
    if folded[start] not in firsts:
        return resume
    table = _CONNECTORS
    n = len(folded)
    word = folded[start:end]
    for rest, kind in table.get(word, ()):
        stop = end
        if rest:
            stop = end + 1 + len(rest)
            if not (
                stop <= n
                and folded[end] == " "
                and folded.startswith(rest, end + 1)
                and (stop == n or not _is_word(folded[stop]))
            ):
                continue
        out.append((start, stop, kind))
        return stop
    if word == "qu" and end + 1 < n and folded[end] == "'" and _is_word(folded[end + 1]):
        out.append((start, end + 1, None))
        return end + 1
    return resume


def _is_word(c: str) -> bool:
    r"""Whether ``c`` is a character of ``\w`` (as ``tokens._is_word``, which is
    C-only when compiled), ASCII tested first (compiled, a comparison of ints)."""
    if c < "\x80":
        return "a" <= c <= "z" or "0" <= c <= "9" or "A" <= c <= "Z" or c == "_"
    return c.isalnum()


def _occurrences(text: str, needles: Iterable[str]) -> list[int]:
    """Where each of ``needles`` occurs in ``text`` (found with ``str.find``, a scan
    in C; compiled, ``clauses.pxd`` makes each a direct C call)."""
    at = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            at.append(i)
            i = text.find(needle, i + 1)
    return at


def _matches_at(pattern: re.Pattern[str], text: str, at: list[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` when every match begins at one of
    ``at``: the pattern tried at those places only, in order, each from where
    the last match ended."""
    at.sort()
    out = []
    end = 0
    match_at = pattern.match
    for i in at:
        if i >= end:
            match = match_at(text, i)
            if match is not None:
                out.append(match)
                end = match.end()
    return out


def _folded(sentence: str) -> str:
    """``sentence`` lower-cased and folded one character for one (a character
    whose lower case is longer, such as "İ", is kept as it is)."""
    from generator.analysis.aspects import fold_1to1

    lowered = sentence.lower()
    if len(lowered) != len(sentence):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in sentence)
    return fold_1to1(lowered)


def clauses(sentence: str, folded: str | None = None) -> list[tuple[int, int, int]]:
    """``(start, end, block)`` of each clause of ``sentence``, in order of
    their starts: ``block`` numbers the contrast blocks (from 0). Punctuation
    closes the clause before it; a connector word belongs to no clause (its own
    weight, "mais" in particular, would tilt the clause it opens). What brackets
    hold is a clause of its own, said in passing: the clause they interrupt
    goes on after them ("les acteurs (et surtout X) sont parfaits" is one
    clause around another). ``folded``: ``fold_1to1(sentence.lower())`` when
    the caller has it."""
    if folded is None or len(folded) != len(sentence):
        folded = _folded(sentence)
    out = []
    block = 0
    start = 0
    for end, next_start, kind in boundaries(folded):
        if kind == "punct":
            end = next_start
        if end > start and not sentence[start:end].isspace():
            out.append((start, end, block))
        if not out and end <= start:
            next_start = max(next_start, start)
        start = max(start, next_start)
        if kind == "contrast":
            block += 1
    if start < len(sentence) and not sentence[start:].isspace():
        out.append((start, len(sentence), block))
    if "(" in sentence and len(out) > 2:
        _around_brackets(sentence, out)
    return out or [(0, len(sentence), 0)]


def _around_brackets(sentence: str, out: list[tuple[int, int, int]]) -> None:
    """Join the clause that ends at an opening bracket with the one that starts
    after its closing bracket (in the same block): one clause around the
    bracketed ones."""
    at = sentence.find("(")
    while at >= 0:
        close = sentence.find(")", at)
        if close < 0:
            return
        before = next((k for k, p in enumerate(out) if p[1] == at + 1), None)
        after = next((k for k, p in enumerate(out) if p[0] > close), None)
        if (
            before is not None
            and after is not None
            and out[before][2] == out[after][2]
            and not sentence[close + 1 : out[after][0]].strip()
        ):
            out[before] = (out[before][0], out.pop(after)[1], out[before][2])
        at = sentence.find("(", close)


def judging_spans(
    parts: list[tuple[int, int, int]],
    found: list[tuple[str, str, int, int]],
    position: int,
    length: int,
) -> Iterator[tuple[tuple[int, int], ...]]:
    """What may judge the mention at ``position`` of a sentence of ``length``
    characters cut into ``parts`` (``clauses``), in the order it is tried: its
    clause, then (for a clause of nothing but its mentions) the clause with the
    one after it, then its contrast block (when that is neither the clause nor
    the whole sentence). Each is given as the pieces of text it keeps: the span
    without the aspect mentions in it (``found``) and, for a clause, without
    the clauses it holds (brackets), since what judges an aspect
    is what is said of it, not its name ("la saison 7 baisse de niveau" is
    judged by "baisse de niveau"). The first holding a clear opinion gives the
    mention its polarity; with none, the mention leans (``leaning``)."""
    a, b, block = _innermost(parts, position, length)
    nested = [(x, y) for x, y, _ in parts if a <= x and y <= b and y - x < b - a]
    own = _without(a, b, sorted(_mentions_in(found, a, b) + nested))
    yield own
    # A clause of nothing but mentions (and an article) is a subject coordinated
    # with what follows in its block, which judges it: "X et Y sont brillantes".
    # (Loops, not generator expressions left half-read: closing one costs more.)
    kept = 0
    for x, y in own:
        kept += y - x
    if kept <= _BARE:
        for following in parts:
            if following[0] >= b:
                if following[2] == block:
                    end = following[1]
                    yield _without(a, end, sorted(_mentions_in(found, a, end) + nested))
                break
    first, last = _block_span(parts, block, length)
    if (first, last) != (a, b) and (first, last) != (0, length):
        yield _without(first, last, _mentions_in(found, first, last))


# At most this many characters besides its mentions: a bare noun phrase ("les ",
# spaces included).
_BARE = 4


def _innermost(
    parts: list[tuple[int, int, int]], position: int, length: int
) -> tuple[int, int, int]:
    """The smallest clause holding ``position`` (a bracket's, inside the clause
    it interrupts), or the whole sentence."""
    a, b, block = 0, length, 0
    for part in parts:
        if part[0] <= position < part[1] and part[1] - part[0] < b - a:
            a, b, block = part
    return a, b, block


def _mentions_in(found: list[tuple[str, str, int, int]], a: int, b: int) -> list[tuple[int, int]]:
    """The spans of the mentions of ``found`` overlapping ``[a, b)``."""
    return [(x, y) for _, _, x, y in found if x < b and y > a]


def _block_span(parts: list[tuple[int, int, int]], block: int, length: int) -> tuple[int, int]:
    """Where the clauses of contrast block ``block`` start and end."""
    first, last = length, 0
    for x, y, k in parts:
        if k == block:
            first, last = min(first, x), max(last, y)
    return first, last


def _without(a: int, b: int, holes: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The pieces of ``[a, b)`` outside ``holes`` (spans, in order)."""
    pieces = []
    for start, end in holes:
        if start >= b:
            break
        if end > a:
            if start > a:
                pieces.append((a, start))
            a = max(a, end)
    if a < b:
        pieces.append((a, b))
    return tuple(pieces)


# The largest |polarity| of a leaning mention: below what makes a clause's
# judgement clear (``analyzer.CLAUSE_CLEAR``), so a mention judged by its own
# clause always outranks one that only leans (best quotes), and a review
# praises or criticises an aspect (``analyzer.STRONG_SENTENCE``) only by
# judging it.
LEAN_CEILING = 0.25


def leaning(sentence: float, review: float) -> float:
    """The polarity of a mention that no clause or block judges clearly
    ("Bryan Cranston joue un chimiste"): its sentence's and its review's taken
    together, as two pieces of evidence (their log-odds added: a mention told
    without an opinion word in a glowing review leans positive, unless its
    sentence clearly says otherwise), at most ``LEAN_CEILING`` either way."""
    z = _log_odds(sentence) + _log_odds(review)
    return round4(max(-LEAN_CEILING, min(LEAN_CEILING, math.tanh(z / 2.0))))


def lean_mentions(mentions: list, sentences: list[float], review: float) -> None:
    """Give each mention of a review whose polarity is None (no clause judges it
    clearly) its ``leaning``: ``sentences`` holds each mention's sentence's
    polarity, ``review`` is the review's."""
    for k in range(len(mentions)):
        mention = mentions[k]
        if mention[4] is None:
            key, shown, start, end, _ = mention
            mentions[k] = (key, shown, start, end, leaning(sentences[k], review))


def _log_odds(polarity: float) -> float:
    """``polarity`` = P(positive) - P(negative) as log-odds (the inverse of
    ``tanh(z / 2)``), kept finite."""
    p = max(-0.9999, min(0.9999, polarity))
    return math.log((1.0 + p) / (1.0 - p))


# What introduces another work or its people, named to compare with this one
# ("comme dans Trainspotting de Danny Boyle", "le précédent de Danny Boyle",
# "des effets dignes de Cameron").
_COMPARED = re.compile(
    r"(?<!\w)(?:comme|tel|telle|tels|telles|à la manière|à la façon|façon|style|"
    r"digne d['’e]|dignes d['’e]|rappel\w*|inspir\w*|précédent\w*|loin d['’eu]|"
    r"mieux que|pire que|meilleure? que|versus|vs|like|as in|compared to|than|previous|"
    r"remake|pr[ée]f[éè]r\w*|p[âa]lir)(?!\w)",
    re.IGNORECASE,
)
# How every match of _COMPARED begins, in lower case: ``compared`` tries the
# pattern only where one of these occurs (a match elsewhere is impossible),
# unless lower-casing changes the text's length or it holds "ı" or "ſ", which
# the pattern takes for "i" and "s" (re.IGNORECASE) but ``str.lower`` keeps.
_COMPARED_STARTS = (
    "comme tel à la façon style digne rappel inspir précédent loin mieux pire "
    "meilleur versus vs like as compared than previous remake pref préf palir pâlir"
).split()
# An indefinite article or "son propre" before a name makes it a kind of work
# ("un Marvel", "un (mauvais) Marvel", "son propre Star Wars").
_A_KIND_OF = re.compile(
    r"(?<!\w)(?:une?|son propre|sa propre|leur propre)\s+(?:\(\w+\)\s+)?$", re.IGNORECASE
)
# Between such a word and a name: only names, their joining words and articles
# (no comma: "Loin du précédent de Danny Boyle, Omar Sy est parfait").
_NAMES_ONLY = re.compile(
    r"(?:\s|[\"«»“”]|(?<!\w)(?:et|ou|encore|de|du|des|d['’]|le|la|les|l['’]|un|une|dans|chez|avec"
    r"|and|or|of|the|in)(?!\w)"
    r"|(?<!\w)[A-ZÀ-Ý0-9][\w'’.-]*)*",
)


def compared(sentence: str, start: int) -> bool:
    """Whether the name at ``start`` in ``sentence`` is named to compare with
    another work: it follows a comparison word with nothing but names between
    ("comme dans Trainspotting de Danny Boyle"), or it follows "dans" (another
    work: "l'acteur qui joue dans Malcolm")."""
    before = sentence[:start]
    tail = before.rstrip()
    if (
        len(tail) < len(before)
        and tail[-4:].lower() == "dans"
        and (len(tail) == 4 or not (tail[-5].isalnum() or tail[-5] == "_"))
    ):
        return True
    low = before.lower()
    # _A_KIND_OF matches in the last 30 characters only, where its "un", "une"
    # or "propre" (in any case: every character it takes for one of their
    # letters lowers to it) then is: without one, it is not tried.
    window = low[max(0, start - 30) :] if len(low) == len(before) else low
    if ("un" in window or "propre" in window) and _A_KIND_OF.search(before, max(0, start - 30)):
        return True
    for match in _comparisons(before, low):
        if _NAMES_ONLY.fullmatch(before, match.end()):
            return True
    return False


def _comparisons(before: str, low: str) -> list[re.Match[str]]:
    """``list(_COMPARED.finditer(before))``, the pattern tried only where a
    match may begin (``_COMPARED_STARTS``, found in ``low``: ``before.lower()``),
    in order, each from where the last ended. (A list: ``compared`` reads them
    all but for the rare success, and closing a generator left half-read costs
    more.)"""
    if len(low) != len(before) or "ı" in before or "ſ" in before:
        return list(_COMPARED.finditer(before))
    if COMPILED:
        at = _comparison_starts(before, low)
    else:
        at = _occurrences(low, _COMPARED_STARTS)
    return _matches_at(_COMPARED, before, at)


def _starts_by_letter(words: list[str]) -> dict[str, tuple[str, ...]]:
    """Each first character of ``words`` -> the words beginning with it."""
    table: dict[str, tuple[str, ...]] = {}
    for word in words:
        table[word[0]] = (*table.get(word[0], ()), word)
    return table


_COMPARED_FIRSTS = _starts_by_letter(_COMPARED_STARTS)


def _comparison_starts(before: str, low: str) -> list[int]:
    r"""Where one of ``_COMPARED_STARTS`` occurs in ``low`` (``before`` in lower
    case, as long) after no word character of ``before``, in order: the places
    of ``_occurrences(low, _COMPARED_STARTS)`` where _COMPARED, which begins
    with ``(?<!\w)``, may match, found by reading ``before`` once (a loop in C
    when compiled; in plain Python the searches are faster, and run instead)."""
    at = []
    firsts = _COMPARED_FIRSTS
    after_word = False
    i = -1
    for c in before:
        i += 1
        if not after_word:
            needles = firsts.get(low[i])
            if needles is not None:
                for needle in needles:
                    if _starts_at(low, i, needle):
                        at.append(i)
                        break
        after_word = _is_word(c)
    return at


def _starts_at(text: str, i: int, word: str) -> bool:
    """``text.startswith(word, i)`` for ``_comparison_starts``, compared
    character by character (compiled, in C: no method call)."""
    n = len(word)
    if i + n > len(text):
        return False
    for k in range(n):
        if text[i + k] != word[k]:
            return False
    return True
