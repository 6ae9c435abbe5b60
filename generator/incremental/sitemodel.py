"""The "model the site" stage: the site model of this build, with the subjects
built now in full and the others (unchanged, or rendered already where they were
analysed) as ``KeptSubject``: what the site-wide pages show of a subject (its
title, slug, metadata, summary, review count, page paths, newest dated reviews
and search filter), and nothing else.
Its reviews are not loaded: a template that asks for them fails with a message
that says so, instead of printing blanks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.analysis.types import ReviewAnalysis, SubjectSummary
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.exceptions import SitegenError
from generator.incremental.artifacts import Artifact
from generator.incremental.context import BuildContext
from generator.site import Site, assign_slugs, display_title, make_subject, site_order


class NotLoadedError(SitegenError):
    """A template asked an unchanged subject for what an incremental build does not load."""


def _not_loaded(kind: str, owner: str, name: str) -> NotLoadedError:
    return NotLoadedError(
        f"a template (or plugin) reads '{name}' of {kind} '{owner}', which this build did not load: "
        "an incremental build models the subjects it does not render again with their title, slug, "
        "url, meta, summary, review_count and pages' number and path only. Build with --no-cache "
        "to give site-wide templates every subject in full, or show only those there"
    )


@dataclass(frozen=True)
class KeptPage:
    """A card page of an unchanged subject: its number and path, no cards."""

    number: int
    path: str
    subject: str

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise _not_loaded("a page of subject", self.subject, name)


@dataclass(frozen=True)
class KeptSubject:
    """An unchanged subject in the site model: no reviews, analyses or cards."""

    key: str
    slug: str
    title: str
    meta: SubjectMeta
    summary: SubjectSummary
    review_count: int
    pages: tuple[KeptPage, ...]
    latest: tuple[Any, ...] = ()  # its newest dated reviews (``feeds.Entry``), for the site's feed
    search_filter: str = ""  # its search shard's Bloom filter, for ``search/index.js``

    @property
    def url(self) -> str:
        return f"{self.slug}/index.html"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise _not_loaded("subject", self.key, name)


def slugs(
    config: SiteConfig, groups: dict[str, Sequence[int]], metas: dict[str, Any]
) -> dict[str, str]:
    """Subject key -> slug, as ``build_site`` assigns them."""
    return assign_slugs(groups)


def model_site(
    ctx: BuildContext,
    groups: dict[str, Sequence[int]],
    metas: dict[str, SubjectMeta],
    done: dict[str, Artifact],
    reviews: dict[str, list[Review]],
    summaries: dict[str, Any],
    analyses: dict[str, list[ReviewAnalysis]],
) -> Site:
    """The site model: full subjects for those to render here, ``KeptSubject`` for
    those whose files are written already (``done``); slugs and order as
    ``build_site`` gives them. A kept subject is not modelled in full first (its
    cards, pages, feed entries and search index: at 1,000 subjects that was most of
    a rebuild's modelling)."""
    config = ctx.config
    slugs = assign_slugs(groups)
    subjects: list[Any] = []
    for key in groups:
        artifact = done.get(key)
        if artifact is None:
            subjects.append(
                make_subject(
                    config,
                    key,
                    slugs[key],
                    metas.get(key),
                    reviews.pop(key),
                    analyses.pop(key),
                    summaries[key],
                )
            )
            continue
        meta = metas.get(key) or SubjectMeta(key=key)
        pages = tuple(KeptPage(n, path, key) for n, path in enumerate(artifact.pages, start=1))
        subjects.append(
            KeptSubject(
                key,
                slugs[key],
                display_title(key, meta, config.title_case),
                meta,
                artifact.summary,
                artifact.count,
                pages,
                artifact.latest,
                artifact.search_filter,
            )
        )
    subjects.sort(key=site_order)
    return Site(config=config, subjects=tuple(subjects))
