"""A subject's aspects: the per-review aspect keys summed up (``AspectTally``),
people's names merged (full names, misspelt last names, lone first names), the
subject's own title left out, ranked and shown by their most used form.

Built in stages whose sums can be updated after a small edit
(``update_aspects``, used by ``generator/analysis/summary_state.py``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import Any

from generator.analysis import aspects as _aspects
from generator.analysis.analyzer import STRONG_SENTENCE
from generator.analysis.tokens import fold
from generator.analysis.types import Aspect, ReviewAnalysis
from generator.content import Review

log = logging.getLogger(__name__)

MAX_ASPECTS = 12


def _title_keys(reviews: Sequence[Review]) -> set[str]:
    keys: set[str] = set()
    for review in reviews[:1]:
        for word in re.split(r"[\W_]+", fold(review.subject)):
            if word:
                keys.add(word)
                if len(word) > 3 and word[-1] in "sx":
                    keys.add(word[:-1])
    return keys


def _edit_distance_le1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one inserted, deleted or replaced
    character ("seigner" / "seignier")."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def _full_name_in(sentence: str, first: str, by_first: dict[str, list[str]]) -> str | None:
    """The full name starting with ``first`` that ``sentence`` writes out, in any
    case ("la voix d'emmanuelle seigner"), or None."""
    folded = fold(sentence)
    for name in by_first[first]:
        at = folded.find(name)
        while at >= 0:
            end = at + len(name)
            if (at == 0 or not folded[at - 1].isalnum()) and (
                end == len(folded) or not folded[end].isalnum()
            ):
                return name
            at = folded.find(name, end)
    return None


# --- aspects ---------------------------------------------------------------------
#
# ``compute_aspects`` works in stages, so that a large subject's aspects can be
# updated after a small edit (``generator/analysis/summary_state.py``) with the
# same code that makes them from scratch:
#
# 1. ``pairs``: how often each (key, form) is written, summed over the reviews;
# 2. ``_Names``: what the capitalised multi-word forms among them say about
#    people's names (a function of the *set* of those forms);
# 3. per review, its sentences' polarity and keys with names resolved (``_rows``);
#    summed: how many reviews name each name key (``raw``);
# 4. ``_Aliases``: misspelt last names and lone first names (from 2 and 3);
#    summed again with the aliases: ``final``;
# 5. per review, the keys it names and whether it praises or criticises them
#    (``_review_counts``); summed: ``counts``;
# 6. ranking and display forms (``_rank``).
#
# Sums are additive over reviews; 2 and 4 are recomputed from them.


class AspectTally:
    """The sums ``compute_aspects`` ranks from (see above): what a review adds to
    them can be taken off again."""

    __slots__ = ("counts", "final", "pairs", "raw")

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()  # (key, form) -> sentences
        self.raw: Counter[str] = Counter()  # name key -> reviews naming it
        self.final: Counter[str] = Counter()  # the same, aliases applied
        self.counts: dict[str, list[int]] = {}  # key -> [mentions, positive, negative]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AspectTally) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return (dict(self.pairs), dict(self.raw), dict(self.final), self.counts)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        pairs, raw, final, self.counts = state
        self.pairs, self.raw, self.final = Counter(pairs), Counter(raw), Counter(final)


class _Names:
    """What the subject's capitalised multi-word forms say about names. Made from
    the sorted set of those forms, so it does not depend on the reviews' order."""

    def __init__(self, pairs: Counter[tuple[str, str]]) -> None:
        self.multi = sorted(
            (key, shown)
            for (key, shown) in pairs
            if " " in shown and shown[:1].isupper() and not shown.isupper()
        )
        multi = self.multi
        names = {fold(shown): key for key, shown in multi}
        # A name glued to the next capitalised word ("James Cameron Avatar", keyed
        # "avatar") names two things: the known full name and the rest.
        # (key, form) -> (the other name's key, the rest of the form)
        self.compound: dict[tuple[str, str], tuple[str, str]] = {}
        for key, shown in multi:
            parts = shown.split()
            if len(parts) < 3:
                continue
            low = fold(shown).split()
            for n in range(len(parts) - 1, 1, -1):
                other = names.get(" ".join(low[:n]))
                if other is not None and other != key:
                    self.compound[key, shown] = (other, " ".join(parts[n:]))
                    break
        # Full names ("Emmanuelle Seigner"): folded first name -> keys, folded name -> key.
        self.full: dict[str, set[str]] = {}
        self.spelled: dict[str, str] = {}
        for key, shown in multi:
            if (key, shown) not in self.compound:
                name = fold(shown)
                self.full.setdefault(name.split()[0], set()).add(key)
                self.spelled.setdefault(name, key)
        self.by_first: dict[str, list[str]] = {}
        for name in sorted(self.spelled):
            self.by_first.setdefault(name.split()[0], []).append(name)
        self.compound_keys = {key for key, _ in self.compound}
        self.name_keys = {key for keys in self.full.values() for key in keys}


class _NeedsText(Exception):
    """A review's rows depend on its sentence texts, which the caller does not have."""


def _rows(
    analysis: ReviewAnalysis, names: _Names, texts: bool = True
) -> list[tuple[float, tuple[str, ...]]]:
    """Per sentence naming an aspect: its polarity and the keys it names, names
    resolved. ``texts=False``: the sentences' texts are not known (raises
    ``_NeedsText`` when they would be needed)."""
    compound_keys, by_first = names.compound_keys, names.by_first
    if not (compound_keys or by_first):
        return [(s.polarity, s.aspects) for s in analysis.sentences if s.aspects]
    rows = []
    for sentence in analysis.sentences:
        keys = sentence.aspects
        if keys:
            if not compound_keys.isdisjoint(keys):
                extra = [names.compound.get(pair) for pair in zip(keys, sentence.aspect_forms)]
                keys = tuple(dict.fromkeys(keys + tuple(k[0] for k in extra if k)))
            if not by_first.keys().isdisjoint(keys):
                # A first name the extractor found alone, but the sentence
                # goes on with the last name in lower case ("d'emmanuelle
                # seigner"): the full name.
                if not texts:
                    raise _NeedsText
                for first in sorted(by_first.keys() & set(keys)):
                    name = _full_name_in(sentence.text, first, by_first)
                    if name is not None:
                        key = names.spelled[name]
                        keys = tuple(k for k in keys if k not in (first, key)) + (key,)
            rows.append((sentence.polarity, keys))
    return rows


def _named(
    rows: list[tuple[float, tuple[str, ...]]], names: _Names, alias: dict[str, str]
) -> set[str]:
    """The name keys a review's rows name, aliases applied."""
    found = names.name_keys.intersection(chain.from_iterable(keys for _, keys in rows))
    return {alias.get(k, k) for k in found} if alias else found


class _Aliases:
    """Misspelt last names and lone first names, from the names and how many
    reviews name each."""

    def __init__(
        self,
        names: _Names,
        raw: Counter[str],
        final: Counter[str] | None,
        nouns: Any,
        excluded: set[str],
    ) -> None:
        # Misspelt last names of the same first name join the most mentioned spelling.
        self.alias: dict[str, str] = {}
        alias = self.alias
        for keys in names.full.values():
            ordered = sorted(keys, key=lambda k: (-raw[k], k))
            for i, key in enumerate(ordered):
                for target in ordered[:i]:
                    if target not in alias and len(key) >= 5 and _edit_distance_le1(key, target):
                        alias[key] = target
                        break
        # A key shared by two first names ("Seigner": Emmanuelle and Mathilde) may be
        # a target in one group and join another spelling in the next: follow the
        # chain to its end, or the reviews that named the first spelling would count
        # under a key that no longer has a display form.
        for key, target in alias.items():
            seen = {key}
            while target in alias and target not in seen:
                seen.add(target)
                target = alias[target]
            alias[key] = target
        mentions = final if (alias and final is not None) else raw
        # Lone first names: the full name named in the same review, else the most
        # mentioned one; None (dropped) when two full names are equally likely.
        self.lone: dict[str, str | None] = {}
        self.candidates: dict[str, set[str]] = {}
        for first, keys in names.full.items():
            if first in keys or first in nouns or first in excluded:
                continue
            targets = sorted({alias.get(k, k) for k in keys}, key=lambda k: (-mentions[k], k))
            self.candidates[first] = set(targets)
            if len(targets) > 1 and mentions[targets[0]] == mentions[targets[1]]:
                self.lone[first] = None
            else:
                self.lone[first] = targets[0]
        self.renamed = set(alias) | set(self.lone)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Aliases)
            and self.alias == other.alias
            and self.lone == other.lone
            and self.candidates == other.candidates
        )


def _review_counts(
    rows: list[tuple[float, tuple[str, ...]]], aliases: _Aliases
) -> dict[str, float]:
    """The keys one review names, each with the summed polarity of its sentences
    naming it."""
    alias, lone, candidates, renamed = (
        aliases.alias,
        aliases.lone,
        aliases.candidates,
        aliases.renamed,
    )
    named: set[str] = set()
    if renamed:
        named = set(chain.from_iterable(keys for _, keys in rows))
        if alias:
            named = {alias.get(k, k) for k in named}
    sums: dict[str, float] = {}
    for polarity, keys in rows:
        if renamed and not renamed.isdisjoint(keys):
            resolved = set()
            for key in keys:
                key = alias.get(key, key)
                if key in lone:
                    here = candidates[key] & named
                    target = min(here) if len(here) == 1 else lone[key]
                    if target is None:
                        continue
                    key = target
                resolved.add(key)
            keys = tuple(resolved)
        for key in keys:
            sums[key] = sums.get(key, 0.0) + polarity
    return sums


def _add_counts(counts: dict[str, list[int]], sums: dict[str, float], sign: int = 1) -> None:
    """Add (``sign`` 1) or take off (-1) one review's ``_review_counts``."""
    for key, total in sums.items():
        c = counts.get(key)
        if c is None:
            c = counts[key] = [0, 0, 0]
        c[0] += sign
        if total >= STRONG_SENTENCE:
            c[1] += sign
        elif total <= -STRONG_SENTENCE:
            c[2] += sign
        if not c[0]:
            del counts[key]


def _aspect_pairs(analysis: ReviewAnalysis) -> Counter[tuple[str, str]]:
    return Counter(
        chain.from_iterable(zip(s.aspects, s.aspect_forms) for s in analysis.sentences if s.aspects)
    )


def _rank(
    tally: AspectTally, names: _Names, aliases: _Aliases, excluded: set[str], reviews: int
) -> tuple[Aspect, ...]:
    """The aspects to show, from the sums: most mentioned first, with their display
    forms (as written in the sentences naming them)."""
    forms: dict[str, dict[str, int]] = {}
    for (key, shown), n in tally.pairs.items():
        forms.setdefault(key, {})[shown] = n
    for (key, shown), (_, rest) in names.compound.items():
        f = forms[key]
        f[rest] = f.get(rest, 0) + f.pop(shown)
    for key, target in aliases.alias.items():
        for shown, n in forms.pop(key, {}).items():
            forms.setdefault(target, {})[shown] = forms.get(target, {}).get(shown, 0) + n
    counts = tally.counts
    minimum = 2 if reviews > 3 else 1
    ranked = sorted(
        (k for k, c in counts.items() if k not in excluded and c[0] >= minimum),
        key=lambda k: (-counts[k][0], -(counts[k][1] + counts[k][2]), k),
    )
    out = []
    for key in ranked:
        if len(out) == MAX_ASPECTS:
            break
        shown = _display(forms.get(key))
        if not shown:
            continue
        m, pos, neg = counts[key]
        out.append(Aspect(key, shown, m, pos, neg))
    return tuple(out)


def compute_aspects(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> tuple[Aspect, ...]:
    """The subject's aspects, most talked about first.

    Counts are per review, so they always add up:

    * ``mentions`` -- reviews with at least one sentence naming the aspect;
    * ``positive`` / ``negative`` -- reviews whose sentences naming the aspect have
      summed polarity >= 0.3 / <= -0.3 (so ``positive + negative <= mentions``).

    Names are merged the way a reader would: a last name alone ("Seigner") or a
    full name partly in lower case ("emmanuelle seigner") joins the full name, a slightly
    misspelt last name ("Emmanuelle Seignier") joins the most mentioned spelling,
    and a lone first name ("Emmanuelle") joins the full name it starts -- the one
    named in the same review, else the most mentioned one; when two full names
    share it equally it is dropped (it could be either person). Ranked by
    mentions, then by polar mentions. The reviews' order makes no difference.
    """
    return aspects_with_tally(reviews, analyses)[0]


def aspects_with_tally(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> tuple[tuple[Aspect, ...], AspectTally]:
    """``compute_aspects`` and the sums it ranked from."""
    excluded = _title_keys(reviews)
    nouns, _ = _aspects._load_tables()
    tally = AspectTally()
    # (Sentences naming no aspect add nothing anywhere below: they are skipped.)
    tally.pairs = Counter(
        chain.from_iterable(
            zip(sentence.aspects, sentence.aspect_forms)
            for analysis in analyses
            for sentence in analysis.sentences
            if sentence.aspects
        )
    )
    names = _Names(tally.pairs)
    per_review = [_rows(analysis, names) for analysis in analyses]
    if names.name_keys:
        for rows in per_review:
            tally.raw.update(_named(rows, names, {}))
    aliases = _Aliases(names, tally.raw, None, nouns, excluded)
    if aliases.alias:
        for rows in per_review:
            tally.final.update(_named(rows, names, aliases.alias))
        aliases = _Aliases(names, tally.raw, tally.final, nouns, excluded)
    else:
        tally.final = Counter(tally.raw)
    for rows in per_review:
        _add_counts(tally.counts, _review_counts(rows, aliases))
    return _rank(tally, names, aliases, excluded, len(reviews)), tally


def update_aspects(
    tally: AspectTally,
    excluded: set[str],
    reviews: int,
    removed: Sequence[ReviewAnalysis],
    added: Sequence[ReviewAnalysis],
) -> tuple[tuple[Aspect, ...], AspectTally] | None:
    """The aspects once the reviews analysed as ``removed`` are taken out of a
    subject summed up in ``tally`` and those analysed as ``added`` put in
    (``reviews``: how many it then has; ``excluded``: ``_title_keys``), and the new
    sums: what ``aspects_with_tally`` would give on the whole new subject. None
    when the edit changes how names are merged (the caller then starts afresh),
    or when a removed review's rows would need its sentence texts (``removed`` are
    decoded without them)."""
    nouns, _ = _aspects._load_tables()
    names = _Names(tally.pairs)
    try:
        removed_rows = [_rows(a, names, texts=False) for a in removed]
    except _NeedsText:
        return None
    added_rows = [_rows(a, names) for a in added]
    new = AspectTally()
    new.pairs = Counter(tally.pairs)
    for a in removed:
        new.pairs.subtract(_aspect_pairs(a))
    for a in added:
        new.pairs.update(_aspect_pairs(a))
    new.pairs = +new.pairs  # (only positive counts)
    if _Names(new.pairs).multi != names.multi:
        return None
    before = _Aliases(names, tally.raw, tally.final, nouns, excluded)
    new.raw = Counter(tally.raw)
    new.final = Counter(tally.final)
    for rows_list, sign in ((removed_rows, -1), (added_rows, 1)):
        for rows in rows_list:
            for key in _named(rows, names, {}):
                new.raw[key] += sign
            for key in _named(rows, names, before.alias):
                new.final[key] += sign
    new.raw, new.final = +new.raw, +new.final
    after = _Aliases(names, new.raw, new.final, nouns, excluded)
    if after != before:
        return None
    new.counts = {key: list(c) for key, c in tally.counts.items()}
    for rows in removed_rows:
        _add_counts(new.counts, _review_counts(rows, before), -1)
    for rows in added_rows:
        _add_counts(new.counts, _review_counts(rows, before))
    return _rank(new, names, after, excluded, reviews), new


def _display(f: dict[str, int] | None) -> str:
    """How to write an aspect: a full name rather than a lone last name, then its
    most used form, then capitalised rather than lower case."""
    if not f:
        return ""
    return max(f, key=lambda s: (len(s.split()) > 1 and s[:1].isupper(), f[s], s[:1].isupper(), s))
