"""Updating a large subject's summary after a small edit, instead of making it again.

Summarising a subject reads every sentence of every review: for a subject of
thousands of reviews, decoding their cached analyses and summing them up is most
of what one edited review costs. So for a subject of at least
``STATE_MIN_REVIEWS`` reviews the build keeps, in its cache, what the summary
was made of (``SummaryState``): per review (id, rating, text hash) its slim
analysis and its best pro and con candidate ranks; the aspect sums
(``aspect_summary.AspectTally``); the quotes and how far their choice looked
(``quotes.select_quotes``' horizons).

After an edit, ``update_summary`` takes the removed reviews' analyses off the
sums and puts the new ones on, with the same functions that made them
(``aspect_summary.update_aspects``); verdict and disagreements come from the slim
analyses, the consensus from the aspects. It gives up (None: the caller
summarises in full) whenever the result could differ from a full summary: more
than a few reviews changed, the title changed, the names to merge or their
aliases changed, the aspects' ranking changed, or a removed or added review has
a quote candidate within the quotes' horizon. ``tests/test_summary_state.py``
checks it against ``summarize_subject``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.analysis.aspect_summary import AspectTally, _title_keys, update_aspects
from generator.analysis.consensus import consensus_sentence, named_for_readers, with_lines
from generator.analysis.quotes import quote_candidates
from generator.analysis.summary import summarize_parts
from generator.analysis.types import Quote, ReviewAnalysis, SubjectSummary
from generator.analysis.verdict import compute_verdict, find_disagreements
from generator.audience import audience_noun
from generator.config import SiteConfig
from generator.content import Review

log = logging.getLogger(__name__)

# Subjects from this many reviews keep a state (below, summarising afresh is cheap).
STATE_MIN_REVIEWS = 1000
# At most this many reviews removed plus added (or 1 % of the subject) are
# updated; more, and the summary is made afresh.
MAX_CHANGES = 20

# (review id, rating, text hash): what the summary depends on besides the analysis.
Entry = tuple[str, Any, bytes]
_SLIM = tuple(f.name for f in dataclasses.fields(ReviewAnalysis) if f.name != "sentences")


@dataclass
class SummaryState:
    """What a subject's summary was made of."""

    title: frozenset[str]  # aspect_summary._title_keys of its reviews
    # entry -> (slim analysis fields, best pro candidate rank, best con candidate rank)
    entries: dict[Entry, tuple[tuple[Any, ...], Any, Any]]
    tally: AspectTally
    horizons: tuple[tuple[Any, ...], tuple[Any, ...]]  # (pros, cons)
    pros: tuple[Quote, ...]
    cons: tuple[Quote, ...]
    important: tuple[str, ...]  # the aspects' keys, in rank order


def entries_of(reviews: Sequence[Review], hashes: Sequence[bytes]) -> list[Entry]:
    return [(r.id, r.rating, h) for r, h in zip(reviews, hashes)]


def summarize_with_state(
    reviews: Sequence[Review],
    analyses: Sequence[ReviewAnalysis],
    hashes: Sequence[bytes],
    config: SiteConfig,
) -> tuple[SubjectSummary, SummaryState | None]:
    """``summarize_subject``, and the state to update it from (None for a subject
    too small to need one, or whose reviews are not told apart by id, rating and
    text)."""
    summary, tally, horizons, best = summarize_parts(reviews, analyses, config)
    if len(reviews) < STATE_MIN_REVIEWS:
        return summary, None
    shared: dict[str, str] = {}
    entries = {
        entry: (_slim_fields(a, shared), pro, con)
        for entry, a, (pro, con) in zip(entries_of(reviews, hashes), analyses, best)
    }
    if len(entries) != len(reviews):
        return summary, None
    state = SummaryState(
        frozenset(_title_keys(reviews)),
        entries,
        tally,
        horizons,
        summary.pros,
        summary.cons,
        tuple(a.key for a in summary.aspects),
    )
    return summary, state


_LABEL_AT, _LANGUAGE_AT = _SLIM.index("label"), _SLIM.index("language")
_PHRASES_AT, _KEYS_AT = _SLIM.index("key_phrases"), _SLIM.index("aspect_keys")
_MENTIONS_AT = _SLIM.index("mentions")


def _slim_fields(analysis: ReviewAnalysis, shared: dict[str, str]) -> tuple[Any, ...]:
    """The slim analysis's fields, its strings (label, language, key phrases,
    aspect keys, the mentions' keys and forms) each the one object of its value
    in ``shared``: the state's pickle (with the memo) writes and loads each once,
    not once per review and mention (``worker.pickled_state``)."""
    s = shared.setdefault
    fields = [getattr(analysis, name) for name in _SLIM]
    fields[_LABEL_AT] = s(fields[_LABEL_AT], fields[_LABEL_AT])
    fields[_LANGUAGE_AT] = s(fields[_LANGUAGE_AT], fields[_LANGUAGE_AT])
    fields[_PHRASES_AT] = tuple([s(x, x) for x in fields[_PHRASES_AT]])
    fields[_KEYS_AT] = tuple([s(x, x) for x in fields[_KEYS_AT]])
    fields[_MENTIONS_AT] = tuple(
        [(s(k, k), s(f, f), start, end, p) for k, f, start, end, p in fields[_MENTIONS_AT]]
    )
    return tuple(fields)


def changes(
    state: SummaryState, reviews: Sequence[Review], hashes: Sequence[bytes]
) -> tuple[list[Entry], list[int]] | None:
    """(the state's entries no longer there, indexes of the reviews it lacks), or
    None when too many changed to update (or two reviews look the same)."""
    current = entries_of(reviews, hashes)
    now = set(current)
    if len(now) != len(current):
        return None
    added = [i for i, entry in enumerate(current) if entry not in state.entries]
    removed = (
        [entry for entry in state.entries if entry not in now]
        if added or len(now) != len(state.entries)
        else []
    )
    if len(removed) + len(added) > max(MAX_CHANGES, len(reviews) // 100):
        return None
    return removed, added


def _slim(fields: tuple[Any, ...]) -> ReviewAnalysis:
    return ReviewAnalysis(**dict(zip(_SLIM, fields)))


def _entries_after(
    state: SummaryState,
    reviews: Sequence[Review],
    current: list[Entry],
    removed: Mapping[Entry, ReviewAnalysis],
    added: Mapping[int, ReviewAnalysis],
    config: SiteConfig,
) -> dict[Entry, Any] | None:
    """The state's entries with ``removed`` taken off and ``added`` put on; None
    when a removed or added review ranks within the quotes' horizon (the quotes
    could differ)."""
    entries = dict(state.entries)
    for entry in removed:
        if entry not in entries:
            return None
        pro, con = entries.pop(entry)[1:]
        if (pro is not None and pro <= state.horizons[0]) or (
            con is not None and con <= state.horizons[1]
        ):
            return None  # it was looked at when the quotes were picked
    important = {key: i for i, key in enumerate(state.important)}
    for i, analysis in added.items():
        best = []
        for positive, horizon in ((True, state.horizons[0]), (False, state.horizons[1])):
            found = quote_candidates(
                reviews[i],
                analysis,
                positive=positive,
                important=important,
                scale=config.rating_scale,
            )
            rank = min(c[:4] for c in found) if found else None
            if rank is not None and rank <= horizon:
                return None  # it would be looked at
            best.append(rank)
        entries[current[i]] = (tuple(getattr(analysis, name) for name in _SLIM), best[0], best[1])
    return entries


def update_summary(
    state: SummaryState,
    reviews: Sequence[Review],
    hashes: Sequence[bytes],
    removed: Mapping[Entry, ReviewAnalysis],
    added: Mapping[int, ReviewAnalysis],
    config: SiteConfig,
) -> tuple[SubjectSummary, SummaryState, list[ReviewAnalysis]] | None:
    """The summary of ``reviews`` made from ``state``, the new state and every
    review's slim analysis; None when only a full summary can tell.

    ``removed``: the analyses of the state's entries that are gone (decoded
    without their text: sentence texts are not needed); ``added``: review index
    -> full analysis, for the reviews the state lacks (``changes`` gives both)."""
    if frozenset(_title_keys(reviews)) != state.title:
        return None
    update = update_aspects(
        state.tally,
        set(state.title),
        len(reviews),
        [(entry[0], a) for entry, a in removed.items()],
        [(reviews[i], a) for i, a in added.items()],
        config.aspects,
    )
    if update is None:
        return None
    aspects, tally, mention_keys = update
    if tuple(a.key for a in aspects) != state.important:
        return None  # the quotes' preference for aspects changed
    current = entries_of(reviews, hashes)
    entries = _entries_after(state, reviews, current, removed, added, config)
    if entries is None:
        return None
    if len(entries) != len(current) or not all(entry in entries for entry in current):
        return None
    slim = [_slim(entries[entry][0]) for entry in current]
    aspects = with_lines(
        named_for_readers(aspects, (a.language for a in slim), config.language), config.language
    )
    summary = SubjectSummary(
        verdict=compute_verdict(reviews, slim, config),
        aspects=aspects,
        pros=state.pros,
        cons=state.cons,
        consensus=consensus_sentence(aspects, config.language, audience_noun(config)),
        disagreements=find_disagreements(reviews, slim, config),
        mention_keys=mention_keys,
    )
    new = SummaryState(
        state.title, entries, tally, state.horizons, state.pros, state.cons, state.important
    )
    return summary, new, slim
