"""What a build keeps of each subject for the next one (the cache's ``subjects``
table): its summary, review count and output paths. Its part of ``data.json`` is
stored beside it and read only when ``data.json`` changes. What the site-wide
pages rarely read is kept as bytes until read: the summary but its verdict and
consensus (``CachedSummary``), the feed entries but their dates
(``feeds.StoredEntries``).
"""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass
from typing import Any

from generator.analysis.types import SubjectSummary, Verdict
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


class CachedSummary(SubjectSummary):
    """A clean subject's cached summary: its verdict and consensus (what the home
    page shows) decoded at once, the rest (aspects, quotes, disagreements) only if
    a template asks for it. Pickles, compares and prints as a ``SubjectSummary``."""

    def __init__(self, verdict: Any, consensus: str, full: bytes) -> None:
        object.__setattr__(self, "verdict", verdict)
        object.__setattr__(self, "consensus", consensus)
        object.__setattr__(self, "_full", full)

    def _load(self) -> SubjectSummary:
        full = self.__dict__.get("_summary")
        if full is None:
            full = pickle.loads(self._full)
            object.__setattr__(self, "_summary", full)
        return full

    aspects = property(lambda self: self._load().aspects)  # type: ignore[assignment]
    pros = property(lambda self: self._load().pros)  # type: ignore[assignment]
    cons = property(lambda self: self._load().cons)  # type: ignore[assignment]
    disagreements = property(lambda self: self._load().disagreements)  # type: ignore[assignment]
    extra = property(lambda self: self._load().extra)  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (pickle.loads, (self._full,))

    def __eq__(self, other: object) -> bool:
        return self._load() == (other._load() if isinstance(other, CachedSummary) else other)

    __hash__ = SubjectSummary.__hash__


_VERDICT_FIELDS = tuple(f.name for f in dataclasses.fields(Verdict))


def encode_artifact(artifact: Artifact) -> tuple[Any, ...]:
    summary = artifact.summary
    verdict = tuple(getattr(summary.verdict, name) for name in _VERDICT_FIELDS)
    full = pickle.dumps(summary, pickle.HIGHEST_PROTOCOL)
    latest = StoredEntries.of(artifact.latest)
    return (
        "a4",
        verdict,
        summary.consensus,
        artifact.count,
        artifact.pages,
        artifact.files,
        full,
        latest.dates,
        latest.data,
        artifact.search_filter,
    )


def decode_artifact(data: Any) -> Artifact | None:
    if not (isinstance(data, tuple) and len(data) == 10 and data[0] == "a4"):
        return None
    _, verdict, consensus, count, pages, files, full, dates, latest, search_filter = data
    return Artifact(
        CachedSummary(Verdict(*verdict), consensus, full),
        count,
        pages,
        files,
        StoredEntries(dates, latest),
        search_filter,
    )
