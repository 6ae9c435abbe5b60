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
    r"|(?P<punct>[,;:\[\]—–]|\s-\s)"
)


def _folded(sentence: str) -> str:
    """``sentence`` lower-cased and folded one character for one (a character
    whose lower case is longer, such as "İ", is kept as it is)."""
    from generator.analysis.aspects import fold_1to1

    lowered = sentence.lower()
    if len(lowered) != len(sentence):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in sentence)
    return fold_1to1(lowered)


def clauses(sentence: str, folded: str | None = None) -> list[tuple[int, int, int]]:
    """``(start, end, block)`` of each clause of ``sentence``, in order:
    ``block`` numbers the contrast blocks (from 0). Punctuation closes the
    clause before it; a connector word belongs to no clause (its own weight,
    "mais" in particular, would tilt the clause it opens); brackets close no
    clause (what they hold is said in passing: "les acteurs (et surtout X) sont
    parfaits" is one judgement). ``folded``: ``fold_1to1(sentence.lower())``
    when the caller has it."""
    if folded is None or len(folded) != len(sentence):
        folded = _folded(sentence)
    out = []
    block = 0
    start = 0
    for match in _BOUNDARY.finditer(folded):
        kind = match.lastgroup
        if kind == "punct":
            end = next_start = match.end()
        else:
            end, next_start = match.span()
        if end > start and not sentence[start:end].isspace():
            out.append((start, end, block))
        if not out and end <= start:
            next_start = max(next_start, start)
        start = max(start, next_start)
        if kind == "contrast":
            block += 1
    if start < len(sentence) and not sentence[start:].isspace():
        out.append((start, len(sentence), block))
    return out or [(0, len(sentence), 0)]


def judging_spans(
    parts: list[tuple[int, int, int]],
    found: list[tuple[str, str, int, int]],
    position: int,
    length: int,
) -> list[tuple[tuple[int, int], ...]]:
    """What may judge the mention at ``position`` of a sentence of ``length``
    characters cut into ``parts`` (``clauses``), in the order it is tried: its
    clause, then its contrast block (when that is neither the clause nor the
    whole sentence). Each is given as the pieces of text it keeps: the span
    without the aspect mentions in it (``found``), since what judges an aspect
    is what is said of it, not its name ("la saison 7 baisse de niveau" is
    judged by "baisse de niveau"). The first holding a clear opinion gives the
    mention its polarity; with none, the mention leans (``leaning``)."""
    a, b, block = next((p for p in parts if p[0] <= position < p[1]), (0, length, 0))
    spans = [(a, b)]
    first = min((x for x, _, k in parts if k == block), default=0)
    last = max((y for _, y, k in parts if k == block), default=length)
    if (first, last) != (a, b) and (first, last) != (0, length):
        spans.append((first, last))
    return [_without_mentions(x, y, found) for x, y in spans]


def _without_mentions(
    a: int, b: int, found: list[tuple[str, str, int, int]]
) -> tuple[tuple[int, int], ...]:
    """The pieces of ``[a, b)`` outside the mentions of ``found`` (in order)."""
    pieces = []
    for _, _, start, end in found:
        if start >= b:
            break
        if end > a:
            if start > a:
                pieces.append((a, start))
            a = max(a, end)
    if a < b:
        pieces.append((a, b))
    return tuple(pieces)


def leaning(sentence: float, review: float) -> float:
    """The polarity of a mention that no clause or block judges clearly
    ("Bryan Cranston joue un chimiste"): its sentence's and its review's taken
    together, as two pieces of evidence (their log-odds added: a mention told
    without an opinion word in a glowing review leans positive, unless its
    sentence clearly says otherwise)."""
    z = _log_odds(sentence) + _log_odds(review)
    return round(math.tanh(z / 2.0), 4)


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
    r"mieux que|pire que|meilleure? que|versus|vs|like|as in|compared to|than|previous)(?!\w)",
    re.IGNORECASE,
)
# Between such a word and a name: only names, their joining words and articles
# (no comma: "Loin du précédent de Danny Boyle, Omar Sy est parfait").
_NAMES_ONLY = re.compile(
    r"(?:\s|(?<!\w)(?:et|ou|de|du|des|d['’]|le|la|les|l['’]|un|une|dans|chez|avec|and|or|of|the|in)(?!\w)"
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
    for match in _COMPARED.finditer(before):
        if _NAMES_ONLY.fullmatch(before, match.end()):
            return True
    return False
