"""``sitegen build``: content folder in, static site out.

The pipeline, one way: read (``readers``) -> analyse each review (``analysis``) ->
summarise each subject -> model the site (``site``) -> render (``render``) ->
write atomically (``output``). Problems in the content are collected and reported;
under ``strict`` any error fails the build before anything is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.analysis import AnalysisSettings, Analyzer, summarize_subject
from generator.analysis.types import ReviewAnalysis
from generator.config import SiteConfig
from generator.content import Corpus, Review
from generator.exceptions import ContentError, Problem
from generator.output import check_output_dir, data_json, write_site
from generator.readers import read_content
from generator.render import Renderer
from generator.site import Site, build_site

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    reviews: int = 0
    subjects: int = 0
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    output: Path | None = None
    site: Site | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


_ANALYZERS: dict[AnalysisSettings, Analyzer] = {}


def get_analyzer(settings: AnalysisSettings) -> Analyzer:
    """One analyzer per settings per process: lexicons load once, also across the
    rebuilds of ``sitegen serve``."""
    if settings not in _ANALYZERS:
        _ANALYZERS[settings] = Analyzer(settings)
    return _ANALYZERS[settings]


def analyze_reviews(reviews: Sequence[Review], settings: AnalysisSettings) -> list[ReviewAnalysis]:
    analyzer = get_analyzer(settings)
    return [analyzer.analyze(review.text) for review in reviews]


def group_by_subject(corpus: Corpus) -> dict[str, list[int]]:
    """Subject key -> indexes of its reviews, subjects in first-seen order."""
    groups: dict[str, list[int]] = {}
    for index, review in enumerate(corpus.reviews):
        groups.setdefault(review.subject, []).append(index)
    for key in corpus.subjects:
        groups.setdefault(key, [])
    return groups


def build(
    config: SiteConfig,
    *,
    strict: bool = False,
    force: bool = False,
    analyze: Callable[[Sequence[Review], AnalysisSettings], list[ReviewAnalysis]] = analyze_reviews,
) -> BuildReport:
    """Build the site described by ``config``. Raises on errors that stop the build;
    returns a report otherwise."""
    started = time.perf_counter()
    check_output_dir(
        config.output_dir,
        protected=[config.content_dir, config.templates_dir, config.root],
        force=force,
    )
    corpus = read_content(config)
    report = BuildReport(problems=list(corpus.problems), output=config.output_dir)
    if strict and report.errors:
        raise ContentError(report.errors, f"{len(report.errors)} problem(s) in the content (--strict):")
    if not corpus.reviews and not corpus.subjects:
        raise ContentError(
            report.errors,
            f"no reviews found in {config.content_dir} (formats: .txt, .md, .csv, .tsv, .json, .jsonl)",
        )
    settings = AnalysisSettings.from_thresholds(config.thresholds)
    analyses = analyze(corpus.reviews, settings)
    subjects = []
    for key, indexes in group_by_subject(corpus).items():
        reviews = [corpus.reviews[i] for i in indexes]
        subject_analyses = [analyses[i] for i in indexes]
        summary = summarize_subject(reviews, subject_analyses, config)
        subjects.append((key, reviews, subject_analyses, summary))
    site = build_site(config, subjects, corpus.subjects)
    renderer = Renderer(site)
    files = [*renderer.render_all(), data_json(site)]
    report.files = write_site(files, config.output_dir)
    report.reviews = site.review_count
    report.subjects = len(site.subjects)
    report.site = site
    report.seconds = time.perf_counter() - started
    return report
