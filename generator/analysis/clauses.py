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
import re

log = logging.getLogger(__name__)

_CONTRAST = (
    r"mais|pourtant|cependant|n[ée]anmoins|toutefois|par contre|en revanche|sauf|hormis"
    r"|malgr[ée]|m[êe]me si|bien que|quoique|alors que|tandis que"
    r"|but|however|although|though|yet|whereas|except|despite"
)
_JOIN = r"et|ou|qui|que|dont|où|car|puisque|comme|and|or|which|who|whose|because"
_BOUNDARY = re.compile(
    rf"(?<!\w)(?:(?P<contrast>{_CONTRAST})|{_JOIN})(?!\w)"
    r"|(?<!\w)qu['’](?=\w)"
    r"|(?P<punct>[,;:()\[\]—–]|\s-\s)",
    re.IGNORECASE,
)


def clauses(sentence: str) -> list[tuple[int, int, int]]:
    """``(start, end, block)`` of each clause of ``sentence``, in order:
    ``block`` numbers the contrast blocks (from 0). Punctuation closes the
    clause before it; a connector word belongs to no clause (its own weight,
    "mais" in particular, would tilt the clause it opens)."""
    out = []
    block = 0
    start = 0
    for match in _BOUNDARY.finditer(sentence):
        if match.group("punct"):
            end = next_start = match.end()
        else:
            end, next_start = match.start(), match.end()
        if end > start and not sentence[start:end].isspace():
            out.append((start, end, block))
        if not out and end <= start:
            next_start = max(next_start, start)
        start = max(start, next_start)
        if match.group("contrast") is not None:
            block += 1
    if start < len(sentence) and not sentence[start:].isspace():
        out.append((start, len(sentence), block))
    return out or [(0, len(sentence), 0)]


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
    if re.search(r"(?<!\w)dans\s+$", before, re.IGNORECASE):
        return True
    for match in _COMPARED.finditer(before):
        if _NAMES_ONLY.fullmatch(before, match.end()):
            return True
    return False
