"""What a build keeps of each subject for the next one (the cache's ``subjects``
table): its summary, review count and output paths. Its part of ``data.json`` is
stored beside it and read only when ``data.json`` changes. What the site-wide
pages rarely read (the summary but its verdict and consensus: ``CachedSummary``;
the feed entries but their dates: ``feeds.StoredEntries``) is stored apart, the
entry's ``bulk``, and read from the cache only when a page needs it.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.analysis.types import SubjectSummary, Verdict
from generator.exceptions import SitegenError
from generator.feeds import StoredEntries


@dataclass(frozen=True)
class Artifact:
    """What a build keeps of a subject for the next one (table ``subjects``; its part
    of data.json is stored beside it and read only when data.json changes)."""

    summary: Any  # SubjectSummary
    count: int
    pages: tuple[str, ...]  # its card pages, in order
    files: tuple[str, ...] = ()  # its other files (``pages.SubjectFile``)
    latest: tuple[Any, ...] = ()  # its newest dated reviews, for the site's feed (``feeds.Entry``)
    search_filter: str = ""  # its search shard's Bloom filter, for ``search/index.js``

    @property
    def paths(self) -> tuple[str, ...]:
        """Every output file the subject owns."""
        return self.pages + self.files


class _Bulk:
    """A cached subject's summary in full and feed entries, read (``load``: the
    bytes ``encode_artifact`` made, from the cache) when first needed."""

    __slots__ = ("_load", "_value")

    def __init__(self, load: Callable[[], bytes | None]) -> None:
        self._load = load
        self._value: tuple[SubjectSummary, tuple[Any, ...]] | None = None

    def get(self) -> tuple[SubjectSummary, tuple[Any, ...]]:
        if self._value is None:
            data = self._load()
            if data is None:
                raise SitegenError(
                    "an unchanged subject's summary is gone from the build cache "
                    "(.sitegen-cache was changed during the build?): build again, or with --no-cache"
                )
            self._value = pickle.loads(data)
        return self._value

    def entries(self) -> tuple[Any, ...]:
        return self.get()[1]


def _itself(value: Any) -> Any:
    return value


class CachedSummary(SubjectSummary):
    """A clean subject's cached summary: its verdict and consensus (what the home
    page shows) decoded at once, the rest (aspects, quotes, disagreements) read
    only if a template asks for it. Pickles, compares and prints as a
    ``SubjectSummary``."""

    def __init__(self, verdict: Any, consensus: str, bulk: _Bulk) -> None:
        object.__setattr__(self, "verdict", verdict)
        object.__setattr__(self, "consensus", consensus)
        object.__setattr__(self, "_bulk", bulk)

    def _load(self) -> SubjectSummary:
        return self._bulk.get()[0]

    aspects = property(lambda self: self._load().aspects)  # type: ignore[assignment]
    pros = property(lambda self: self._load().pros)  # type: ignore[assignment]
    cons = property(lambda self: self._load().cons)  # type: ignore[assignment]
    disagreements = property(lambda self: self._load().disagreements)  # type: ignore[assignment]
    extra = property(lambda self: self._load().extra)  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (_itself, (self._load(),))

    def __eq__(self, other: object) -> bool:
        return self._load() == (other._load() if isinstance(other, CachedSummary) else other)

    __hash__ = SubjectSummary.__hash__


_VERDICT_FIELDS = tuple(f.name for f in dataclasses.fields(Verdict))


def encode_artifact(artifact: Artifact) -> tuple[tuple[Any, ...], bytes]:
    """What the cache keeps of ``artifact``: what every build reads of it, and its
    bulk (``get_subject_bulk``: read when a page needs it)."""
    summary = artifact.summary
    if isinstance(summary, CachedSummary):
        summary = summary._load()
    latest = tuple(artifact.latest)
    verdict = tuple(getattr(summary.verdict, name) for name in _VERDICT_FIELDS)
    bulk = pickle.dumps((summary, latest), pickle.HIGHEST_PROTOCOL)
    data = (
        "a5",
        verdict,
        summary.consensus,
        artifact.count,
        artifact.pages,
        artifact.files,
        tuple(e.date for e in latest),
        artifact.search_filter,
    )
    return data, bulk


def decode_artifact(data: Any, load: Callable[[], bytes | None]) -> Artifact | None:
    """The artifact ``data`` stands for; ``load`` reads its bulk."""
    if not (isinstance(data, tuple) and len(data) == 8 and data[0] == "a5"):
        return None
    _, verdict, consensus, count, pages, files, dates, search_filter = data
    bulk = _Bulk(load)
    return Artifact(
        CachedSummary(Verdict(*verdict), consensus, bulk),
        count,
        pages,
        files,
        StoredEntries(dates, bulk.entries),
        search_filter,
    )
