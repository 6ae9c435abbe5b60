"""A subject's aspects: the per-review aspect keys summed up (``AspectTally``),
people's names merged (full names, misspelt last names, lone first names), the
subject's own title left out, ranked and shown by their most used form.

Built in stages whose sums can be updated after a small edit
(``update_aspects``, used by ``generator/analysis/summary_state.py``).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from generator.analysis import aspects as _aspects
from generator.analysis.analyzer import STRONG_SENTENCE
from generator.analysis.quotes import mention_quote
from generator.analysis.tokens import fold
from generator.analysis.types import (
    MENTION_END,
    MENTION_FORM,
    MENTION_KEY,
    MENTION_POLAR,
    MENTION_POLARITY,
    MENTION_START,
    Aspect,
    Mention,
    MentionQuote,
    ReviewAnalysis,
)
from generator.config import AspectSettings
from generator.content import Review

log = logging.getLogger(__name__)

MAX_ASPECTS = 12


def _title_keys(reviews: Sequence[Review]) -> set[str]:
    """The keys of the subject's own title: its words, and the key of its last
    word outside brackets when that is an English aspect term (an English name
    ends with what it names: "Oura Ring (Trustpilot)" is a ring, whose key is
    "bague"): the subject itself is not one of its aspects."""
    keys: set[str] = set()
    for review in reviews[:1]:
        title = fold(review.subject)
        for word in re.split(r"[\W_]+", title):
            if word:
                keys.add(word)
                if len(word) > 3 and word[-1] in "sx":
                    keys.add(word[:-1])
        head = re.findall(r"\w+", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", title))
        if head:
            term = _aspects.EN_TERMS.get(_aspects.english_singular(head[-1]))
            if term:
                keys.add(term)
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


def _full_name_in(folded: str, first: str, by_first: dict[str, list[str]]) -> str | None:
    """The full name starting with ``first`` that a text (``folded``) writes out,
    in any case ("la voix d'emmanuelle seigner"), or None."""
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
# 3. per review, its mentions' polarity and keys with names resolved (``_rows``);
#    summed: how many reviews name each name key (``raw``);
# 4. ``_Aliases``: misspelt last names and lone first names (from 2 and 3);
#    summed again with the aliases: ``final``;
# 5. per review, the keys it names and whether it praises or criticises them
#    (``_review_counts``); summed: ``counts``;
# 6. ranking and display forms (``_rank``); the ranked aspects' best positive
#    and negative mentions (``_offer``).
#
# Sums are additive over reviews; 2 and 4 are recomputed from them.


def _key_of(word: str) -> str:
    """The key the analysis gives a word as an aspect: a name's folded last
    word, a term's key (``aspect_terms.tsv``), else the folded singular."""
    word = " ".join(word.split())
    folded = fold(word).replace("’", "'")
    if word[:1].isupper() and not word.isupper() and len(word) > 1:
        return folded.split()[-1]
    words = tuple(_aspects.WORD_RE.findall(folded))
    phrase = _aspects._TERM_PHRASES.get(words)
    if phrase is not None:
        return phrase[0]
    single = _aspects.singular_key(folded)
    return _aspects.TERMS.get(single) or _aspects.TERMS.get(folded) or single


def key_map(settings: AspectSettings | None) -> dict[str, str | None]:
    """``[aspects]`` as a map from the analysis's keys to the site's: a synonym
    to its aspect's key, an ignored word to None."""
    if settings is None:
        return {}
    out: dict[str, str | None] = {}
    for aspect, words in settings.synonyms:
        target = _key_of(aspect)
        for word in words:
            out[_key_of(word)] = target
    for word in settings.ignore:
        out[_key_of(word)] = None
    return {k: v for k, v in out.items() if k != v}


def _remapped(analysis: ReviewAnalysis, remap: dict[str, str | None]) -> tuple[Mention, ...]:
    """The review's mentions under the site's keys (``key_map``)."""
    mentions = analysis.mentions
    if not remap:
        return mentions
    out = []
    for m in mentions:
        key = m[MENTION_KEY]
        if key in remap:
            new = remap[key]
            if new is None:
                continue
            m = (new, *m[1:])
        out.append(m)
    return tuple(out)


class AspectTally:
    """The sums ``compute_aspects`` ranks from (see above): what a review adds to
    them can be taken off again; and the ranked aspects' best mentions."""

    __slots__ = ("best", "counts", "final", "pairs", "raw")

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()  # (key, form) -> mentions
        self.raw: Counter[str] = Counter()  # name key -> reviews naming it
        self.final: Counter[str] = Counter()  # the same, aliases applied
        self.counts: dict[str, list[int]] = {}  # key -> [mentions, positive, negative]
        # Ranked key (in rank order) -> its best positive and negative mentions
        # and a few runners-up (``_new_best``, ``_offer``).
        self.best: dict[str, list[Any]] = {}

    def __eq__(self, other: object) -> bool:
        """Equal sums and equal best mentions (how many runners-up each side
        keeps depends on the edits it went through)."""
        return (
            isinstance(other, AspectTally)
            and all(
                getattr(self, name) == getattr(other, name)
                for name in ("pairs", "raw", "final", "counts")
            )
            and list(self.best) == list(other.best)
            and _heads(self.best) == _heads(other.best)
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return (dict(self.pairs), dict(self.raw), dict(self.final), self.counts, self.best)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        pairs, raw, final, self.counts, self.best = state
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
    """A review's rows depend on its text, which the caller does not have."""


# Per mention: its polarity, the keys it names (names resolved) and the mention.
Row = tuple[float, tuple[str, ...], Mention]


def _rows(
    analysis: ReviewAnalysis, names: _Names, text: str | None, remap: dict[str, str | None]
) -> list[Row]:
    """One row per mention of the review, names resolved: a name glued to the
    next capitalised word names two things (``_Names.compound``), and a first
    name the extractor found alone names the full name when the review writes it
    out in lower case ("d'emmanuelle seigner"). ``text``: the review's text;
    None when the caller does not have it (raises ``_NeedsText`` when needed)."""
    compound, by_first = names.compound, names.by_first
    mentions = _remapped(analysis, remap)
    if not (compound or by_first):
        return [(m[MENTION_POLARITY], (m[MENTION_KEY],), m) for m in mentions]
    rows = []
    folded = None
    for m in mentions:
        key = m[MENTION_KEY]
        keys: tuple[str, ...] = (key,)
        if compound:
            extra = compound.get((key, m[MENTION_FORM]))
            if extra is not None and extra[0] != key:
                keys = (key, extra[0])
        if key in by_first:
            if text is None:
                raise _NeedsText
            if folded is None:
                folded = fold(text)
            name = _full_name_in(folded, key, by_first)
            if name is not None:
                full = names.spelled[name]
                keys = (*(k for k in keys if k not in (key, full)), full)
        rows.append((m[MENTION_POLARITY], keys, m))
    return rows


def _named(rows: list[Row], names: _Names, alias: dict[str, str]) -> set[str]:
    """The name keys a review's rows name, aliases applied."""
    found = names.name_keys.intersection(chain.from_iterable(row[1] for row in rows))
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
            if first in keys or first in nouns or first in _aspects.TERMS or first in excluded:
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


def _resolved(rows: list[Row], aliases: _Aliases) -> list[tuple[str, Row]]:
    """(final key, row) for each key a review's rows name: misspelt last names
    under their usual spelling, a lone first name under the full name named in
    the same review, else its most mentioned one (dropped when two are equally
    likely)."""
    alias, lone, candidates, renamed = (
        aliases.alias,
        aliases.lone,
        aliases.candidates,
        aliases.renamed,
    )
    if not renamed:
        return [(key, row) for row in rows for key in row[1]]
    named = None
    out = []
    for row in rows:
        keys = row[1]
        if renamed.isdisjoint(keys):
            if len(keys) == 1:
                out.append((keys[0], row))
            else:
                out.extend([(key, row) for key in keys])
            continue
        if named is None:  # the keys the review names, for its lone first names
            named = set(chain.from_iterable(row[1] for row in rows))
            if alias:
                named = {alias.get(k, k) for k in named}
        resolved: list[str] = []
        for key in keys:
            key = alias.get(key, key)
            if key in lone:
                here = candidates[key] & named
                target = min(here) if len(here) == 1 else lone[key]
                if target is None:
                    continue
                key = target
            if key not in resolved:
                resolved.append(key)
        out.extend((key, row) for key in resolved)
    return out


def _review_counts(rows: list[Row], aliases: _Aliases) -> dict[str, float]:
    """The keys one review names, each with the summed polarity of its mentions."""
    sums: dict[str, float] = {}
    if not aliases.renamed:
        for polarity, keys, _ in rows:
            for key in keys:
                sums[key] = sums.get(key, 0.0) + polarity
        return sums
    for key, row in _resolved(rows, aliases):
        sums[key] = sums.get(key, 0.0) + row[0]
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


def _aspect_pairs(
    analysis: ReviewAnalysis, remap: dict[str, str | None]
) -> Counter[tuple[str, str]]:
    return Counter((m[MENTION_KEY], m[MENTION_FORM]) for m in _remapped(analysis, remap))


# Best mentions: each side of a ranked aspect keeps its this many best candidates,
# so that an update removing the best still knows the next one.
BEST_KEPT = 4


def _new_best(keys: Sequence[str]) -> dict[str, list[Any]]:
    """Empty best-mention slots: per key, [positive, negative], each [complete,
    candidates] -- ``candidates`` the smallest (rank, MentionQuote) of that side,
    at most ``BEST_KEPT``, sorted; ``complete`` when they are all there are."""
    return {key: [[True, []], [True, []]] for key in keys}


def _offer(
    best: dict[str, list[Any]],
    review: Review,
    analysis: ReviewAnalysis,
    rows: list[Row],
    aliases: _Aliases,
) -> None:
    """Put a review's polar mentions of the ranked aspects up for their best
    positive and best negative mention: the most polar wins, then the smallest
    review id, then the first in the text (so the reviews' order makes no
    difference). A candidate ranked after every kept one of an incomplete side is
    not kept: unknown candidates may come before it. A kept candidate is quoted
    by ``_quote_kept`` once every review is offered (most are dropped again by
    better ones before)."""
    for key, (polarity, _, m) in _resolved(rows, aliases):
        slot = best.get(key)
        if slot is None:
            continue
        if polarity >= MENTION_POLAR:
            side = slot[0]
        elif polarity <= -MENTION_POLAR:
            side = slot[1]
        else:
            continue
        rank = (-abs(polarity), review.id, m[MENTION_START])
        kept = side[1]
        if kept and rank > kept[-1][0] and (not side[0] or len(kept) == BEST_KEPT):
            # After every kept one: not kept, and the side no longer complete when
            # it was full (kept then dropped again, its quote never needed).
            side[0] = False
            continue
        if not side[0] and not kept:
            continue
        bisect.insort(kept, (rank, (review, analysis, m, polarity)))  # (ranks differ)
        if len(kept) > BEST_KEPT:
            kept.pop()
            side[0] = False


def _quote_kept(best: dict[str, list[Any]]) -> None:
    """The candidates ``_offer`` kept, each with its ``MentionQuote`` in place of
    what makes it."""
    for slot in best.values():
        for side in slot:
            kept = side[1]
            for i, (rank, candidate) in enumerate(kept):
                if isinstance(candidate, MentionQuote):
                    continue
                review, analysis, m, polarity = candidate
                start, end = m[MENTION_START], m[MENTION_END]
                q_start, q_end = mention_quote(analysis, review.text, start, end)
                kept[i] = (
                    rank,
                    MentionQuote(
                        review.id, review.text[q_start:q_end], start, end, polarity, q_start, q_end
                    ),
                )


def _heads(best: dict[str, list[Any]]) -> dict[str, tuple[Any, Any]]:
    """Per key, its best positive and best negative mention (or None)."""
    return {
        key: tuple(side[1][0][1] if side[1] else None for side in slot)
        for key, slot in best.items()
    }


def _rank(
    tally: AspectTally, names: _Names, aliases: _Aliases, excluded: set[str], reviews: int
) -> tuple[Aspect, ...]:
    """The aspects to show, from the sums: most mentioned first, with their display
    forms (as written in the mentions) and, when ``tally.best`` has them, their
    best mentions."""
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
        slot = tally.best.get(key)
        best = (
            (slot[0][1][0] if slot[0][1] else None, slot[1][1][0] if slot[1][1] else None)
            if slot
            else (None, None)
        )
        out.append(
            Aspect(
                key,
                shown,
                m,
                pos,
                neg,
                share_positive=round(pos / (pos + neg), 4) if pos + neg else 0.0,
                best_positive=best[0][1] if best[0] else None,
                best_negative=best[1][1] if best[1] else None,
            )
        )
    return tuple(out)


class MentionKeys:
    """How a subject reads its reviews' mentions (``SubjectSummary.mention_keys``):
    names merged as its aspects are, its own title left out."""

    __slots__ = ("aliases", "excluded", "names", "remap")

    def __init__(
        self, names: _Names, aliases: _Aliases, excluded: set[str], remap: dict[str, str | None]
    ) -> None:
        self.names, self.aliases, self.excluded = names, aliases, frozenset(excluded)
        self.remap = remap

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MentionKeys)
            and self.names.multi == other.names.multi
            and self.aliases == other.aliases
            and self.excluded == other.excluded
            and self.remap == other.remap
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.names, self.aliases, self.excluded, self.remap)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.names, self.aliases, self.excluded, self.remap = state

    def resolve(self, analysis: ReviewAnalysis, text: str) -> tuple[Mention, ...]:
        """The review's mentions, in text order, each under the subject's key."""
        excluded = self.excluded
        names = self.names
        if not (names.compound or names.by_first or self.aliases.renamed):
            # No name to resolve: ``_rows`` gives each mention its own key alone and
            # ``_resolved`` keeps it, so they are the mentions (remapped) as they are.
            mentions = _remapped(analysis, self.remap)
            return tuple(m for m in mentions if m[MENTION_KEY] not in excluded)
        out = []
        rows = _rows(analysis, self.names, text, self.remap)
        for key, (_, _, m) in _resolved(rows, self.aliases):
            if key in excluded:
                continue
            out.append(m if key == m[MENTION_KEY] else (key, *m[1:]))
        return tuple(out)


def review_mentions(
    analysis: ReviewAnalysis, subject: str, text: str | None = None
) -> tuple[Mention, ...]:
    """One review's mentions as a subject of that one review shows them (the
    subject's title left out): what ``benchmarks/evaluate_aspects.py`` measures."""
    review = Review(id="r", subject=subject, text=text or "", source=Path("-"), line=1)
    names = _Names(_aspect_pairs(analysis, {}))
    rows = _rows(analysis, names, review.text, {})
    excluded = _title_keys([review])
    nouns, _ = _aspects._load_tables()
    aliases = _Aliases(names, Counter(_named(rows, names, {})), None, nouns, excluded)
    return MentionKeys(names, aliases, excluded, {}).resolve(analysis, review.text)


def compute_aspects(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> tuple[Aspect, ...]:
    """The subject's aspects, most talked about first.

    Counts are per review, so they always add up:

    * ``mentions`` -- reviews with at least one mention of the aspect;
    * ``positive`` / ``negative`` -- reviews whose mentions of the aspect have
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
    reviews: Sequence[Review],
    analyses: Sequence[ReviewAnalysis],
    settings: AspectSettings | None = None,
) -> tuple[tuple[Aspect, ...], AspectTally, MentionKeys]:
    """``compute_aspects``, the sums it ranked from and how it read the mentions
    (``settings``: the site's ``[aspects]``)."""
    remap = key_map(settings)
    excluded = _title_keys(reviews)
    nouns, _ = _aspects._load_tables()
    tally = AspectTally()
    tally.pairs = Counter(
        (m[MENTION_KEY], m[MENTION_FORM])
        for analysis in analyses
        for m in _remapped(analysis, remap)
    )
    names = _Names(tally.pairs)
    per_review = [
        _rows(analysis, names, review.text, remap) for review, analysis in zip(reviews, analyses)
    ]
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
    ranked = _rank(tally, names, aliases, excluded, len(reviews))
    tally.best = _new_best([a.key for a in ranked])
    for review, analysis, rows in zip(reviews, analyses, per_review):
        _offer(tally.best, review, analysis, rows, aliases)
    _quote_kept(tally.best)
    return (
        _rank(tally, names, aliases, excluded, len(reviews)),
        tally,
        MentionKeys(names, aliases, excluded, remap),
    )


def update_aspects(
    tally: AspectTally,
    excluded: set[str],
    reviews: int,
    removed: Sequence[tuple[str, ReviewAnalysis]],
    added: Sequence[tuple[Review, ReviewAnalysis]],
    settings: AspectSettings | None = None,
) -> tuple[tuple[Aspect, ...], AspectTally, MentionKeys] | None:
    """The aspects once the reviews ``removed`` ((review id, analysis) pairs) are
    taken out of a subject summed up in ``tally`` and the reviews ``added`` put
    in (``reviews``: how many it then has; ``excluded``: ``_title_keys``), the new
    sums and how mentions are read: what ``aspects_with_tally`` would give on
    the whole new subject. None when the edit changes how names are merged or
    which aspects rank (the caller then starts afresh), or when a removed review's rows would
    need its text (``removed`` are decoded without it), or when the removed
    reviews held every kept candidate for a ranked aspect's best mention."""
    nouns, _ = _aspects._load_tables()
    remap = key_map(settings)
    names = _Names(tally.pairs)
    try:
        removed_rows = [_rows(a, names, None, remap) for _, a in removed]
    except _NeedsText:
        return None
    added_rows = [_rows(a, names, r.text, remap) for r, a in added]
    new = AspectTally()
    new.pairs = _pairs_after(tally, removed, added, remap)
    if _Names(new.pairs).multi != names.multi:
        return None
    before = _Aliases(names, tally.raw, tally.final, nouns, excluded)
    new.raw, new.final = _named_after(tally, names, before, removed_rows, added_rows)
    after = _Aliases(names, new.raw, new.final, nouns, excluded)
    if after != before:
        return None
    new.counts = {key: list(c) for key, c in tally.counts.items()}
    for rows in removed_rows:
        _add_counts(new.counts, _review_counts(rows, before), -1)
    for rows in added_rows:
        _add_counts(new.counts, _review_counts(rows, before))
    ranked = _rank(new, names, after, excluded, reviews)
    if tuple(a.key for a in ranked) != tuple(tally.best):
        return None
    best = _best_after(tally, {review_id for review_id, _ in removed})
    if best is None:
        return None
    new.best = best
    for (review, analysis), rows in zip(added, added_rows):
        _offer(new.best, review, analysis, rows, after)
    _quote_kept(new.best)
    return (
        _rank(new, names, after, excluded, reviews),
        new,
        MentionKeys(names, after, excluded, remap),
    )


def _pairs_after(
    tally: AspectTally,
    removed: Sequence[tuple[str, ReviewAnalysis]],
    added: Sequence[tuple[Review, ReviewAnalysis]],
    remap: dict[str, str | None],
) -> Counter:
    """The (key, form) counts with the removed reviews' taken off and the added
    ones' put on (only positive counts)."""
    pairs = Counter(tally.pairs)
    for _, a in removed:
        pairs.subtract(_aspect_pairs(a, remap))
    for _, a in added:
        pairs.update(_aspect_pairs(a, remap))
    return +pairs


def _named_after(
    tally: AspectTally,
    names: _Names,
    before: _Aliases,
    removed_rows: list[Any],
    added_rows: list[Any],
) -> tuple[Counter, Counter]:
    """The raw and final (aliased) name counts after the edit."""
    raw = Counter(tally.raw)
    final = Counter(tally.final)
    for rows_list, sign in ((removed_rows, -1), (added_rows, 1)):
        for rows in rows_list:
            for key in _named(rows, names, {}):
                raw[key] += sign
            for key in _named(rows, names, before.alias):
                final[key] += sign
    return +raw, +final


def _best_after(tally: AspectTally, gone: set[str]) -> dict[str, Any] | None:
    """Each ranked aspect's kept best-mention candidates without the reviews
    ``gone``; None when every kept candidate of a side went (the next one is not
    known)."""
    best: dict[str, Any] = {}
    for key, slot in tally.best.items():
        sides = []
        for complete, kept in slot:
            kept = [c for c in kept if c[1].review_id not in gone] if gone else list(kept)
            if not kept and not complete:
                return None
            sides.append([complete, kept])
        best[key] = sides
    return best


def _display(f: dict[str, int] | None) -> str:
    """How to write an aspect: a full name rather than a lone last name, then its
    most used form, then capitalised rather than lower case."""
    if not f:
        return ""
    return max(f, key=lambda s: (len(s.split()) > 1 and s[:1].isupper(), f[s], s[:1].isupper(), s))
