"""``sitegen build``: content folder in, static site out.

This module is the command's glue: ``build`` checks the output folder, opens the
build cache and runs the pipeline, whose stages are listed, in order, in
``generator/incremental/pipeline.py`` (read -> plan -> build the changed subjects
-> model the site -> write -> record). ``docs/scaling.md`` explains what makes it
fast.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
from collections.abc import Sequence

from generator.analysis import AnalysisSettings
from generator.analysis.types import ReviewAnalysis
from generator.cache import BuildCache
from generator.collector import bulk_allocations
from generator.config import SiteConfig
from generator.content import Review
from generator.executors import get_analyzer
from generator.incremental import pipeline
from generator.incremental.context import AnalyzeFn, BuildContext, BuildReport
from generator.output import check_output_dir
from generator.plugins import loaded
from generator.progress import NullProgress

log = logging.getLogger(__name__)

__all__ = ["BuildReport", "analyze_reviews", "build", "get_analyzer"]


def analyze_reviews(reviews: Sequence[Review], settings: AnalysisSettings) -> list[ReviewAnalysis]:
    """Analyse reviews in this process, without any cache (the reference path)."""
    analyzer = get_analyzer(settings)
    return [analyzer.analyze(review.text) for review in reviews]


def build(
    config: SiteConfig,
    *,
    strict: bool = False,
    force: bool = False,
    analyze: AnalyzeFn = analyze_reviews,
    jobs: int | None = None,
    executor: str | cf.Executor | None = None,
    cache: bool = True,
    progress: NullProgress | None = None,
) -> BuildReport:
    """Build the site described by ``config``. Raises on errors that stop the build;
    returns a report otherwise.

    ``jobs``: analysis processes (default: every core). ``executor``: ``"process"``
    (default), ``"serial"``, ``"dask://HOST:PORT"`` or any ``concurrent.futures``
    executor. ``cache=False`` keeps the cache in memory for this build only (and
    rewrites every page). A custom ``analyze`` function is called for the reviews
    of every subject and bypasses the persistent cache.
    """
    progress = progress or NullProgress()
    check_output_dir(
        config.output_dir,
        protected=[config.content_dir, config.templates_dir, config.root],
        force=force,
    )
    plugins = loaded(config.plugins)
    custom = analyze is not analyze_reviews
    store = BuildCache.for_site(config.root) if cache else BuildCache(None)

    def context(store: BuildCache) -> BuildContext:
        return BuildContext(
            config,
            store,
            AnalysisSettings.from_thresholds(config.thresholds, config.analysis),
            BuildReport(output=config.output_dir),
            progress,
            strict=strict,
            analyze=analyze if custom else None,
            jobs=jobs,
            executor=executor,
            plugins=plugins,
        )

    try:
        with bulk_allocations():
            try:
                return pipeline.run(context(store))
            except Exception as exc:
                fresh = store.healed(exc)  # a cache found damaged mid-build: set aside, build again
                if fresh is None:
                    raise
                store = fresh
            return pipeline.run(context(store))
    finally:
        store.close()
        progress.close()
