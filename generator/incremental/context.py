"""What every stage of one build shares: the settings, the cache, the keys, the
report being filled and the progress display."""

from __future__ import annotations

import concurrent.futures as cf
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.analysis import AnalysisSettings
from generator.analysis.types import ReviewAnalysis
from generator.cache import BuildCache
from generator.config import SiteConfig
from generator.content import Review
from generator.exceptions import Problem
from generator.progress import NullProgress

log = logging.getLogger(__name__)

AnalyzeFn = Callable[[Sequence[Review], AnalysisSettings], list[ReviewAnalysis]]


@dataclass
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    reviews: int = 0
    subjects: int = 0
    files: int = 0  # files in the output
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    output: Path | None = None
    site: object | None = None  # the site model (generator.site.Site)
    pages_written: int = 0  # files rendered and written by this build
    pages_linked: int = 0  # unchanged files kept from the previous output (in place, or hard-linked into a new tree)
    cache_hits: int = 0  # reviews whose analysis was not computed (cache or unchanged subject)
    analyzed: int = 0  # reviews analysed by this build
    subjects_rebuilt: int = 0  # subjects summarised and rendered by this build
    summaries_updated: int = (
        0  # of which large ones updated from their summary's state (not made afresh)
    )
    files_parsed: int = 0  # content files read and parsed (the others came from the cache)
    executor: str = ""
    up_to_date: bool = False  # nothing to write: the output already was this build's result

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary_line(self) -> str:
        problems = (
            f", {_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
            if self.problems
            else ""
        )
        if self.up_to_date:
            done = f"{_count(self.files, 'file')} already up to date"
        else:
            done = f"{_count(self.pages_written, 'file')} written, {self.pages_linked} unchanged"
        return (
            f"Built {_count(self.subjects, 'subject')}, {_count(self.reviews, 'review')} into {self.output} in "
            f"{self.seconds:.2f} s: {done}, {_count(self.analyzed, 'review')} analysed, "
            f"{self.cache_hits} from cache{problems}."
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


@dataclass
class BuildContext:
    """One build's settings, cache, keys and report."""

    config: SiteConfig
    store: BuildCache
    settings: AnalysisSettings
    report: BuildReport
    progress: NullProgress
    started: float = field(default_factory=time.perf_counter)
    strict: bool = False  # content errors fail the build
    analyze: AnalyzeFn | None = None  # a caller's own analysis function (no cache)
    jobs: int | None = None
    executor: str | cf.Executor | None = None
    plugins: Any = None  # generator.plugins.Plugins
    namespace: str = ""  # the analysis cache's (keys.analysis_namespace)
    state_space: bytes = b""  # summary states' (keys.state_space)
    site_key: bytes = b""  # keys.site_key
    own_templates: bool = False  # the site overrides the theme's templates
    pool: Any = None  # the build's local process pool (executors.LocalPool), if any

    @property
    def cache_folder(self) -> Path | None:
        """The build cache's folder (None: the cache is in memory)."""
        return self.store.path.parent if self.store.path is not None else None

    @property
    def reuse(self) -> bool:
        """Whether results of other builds may be used (not with a custom analysis)."""
        return self.analyze is None

    @property
    def bytecode(self) -> Path | None:
        """Where Jinja keeps compiled templates across builds."""
        return self.store.path.parent / "templates" if self.store.path is not None else None

    def phase(self, name: str) -> None:
        """Log (at debug level: ``sitegen -v build``) the seconds since the start."""
        log.debug("%s after %.2f s", name, time.perf_counter() - self.started)

    def finish(self, site: Any) -> BuildReport:
        """The report of a build done (its plugins' ``after_build`` called)."""
        report = self.report
        report.reviews = site.review_count
        report.subjects = len(site.subjects)
        report.site = site
        self.plugins.after_build(site, self.config.output_dir)
        report.seconds = time.perf_counter() - self.started
        log.info(report.summary_line())
        return report
