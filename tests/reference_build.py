"""The straightforward build (no cache, no parallelism, everything in memory),
kept with the tests as the reference the fast pipeline is checked against
(``tests/test_incremental.py``). Not shipped: no cache key hashes it."""

from __future__ import annotations

import time

from generator.analysis import AnalysisSettings, summarize_subject
from generator.cache import slim_analysis
from generator.commands.build import BuildReport, analyze_reviews
from generator.config import SiteConfig
from generator.content import Corpus
from generator.exceptions import ContentError
from generator.incremental.keys import template_warning
from generator.output import check_output_dir, data_json, write_site
from generator.readers import read_content
from generator.render import Renderer, template_files
from generator.site import build_site


def group_by_subject(corpus: Corpus) -> dict[str, list[int]]:
    """Subject key -> indexes of its reviews, subjects in first-seen order."""
    groups: dict[str, list[int]] = {}
    for index, review in enumerate(corpus.reviews):
        groups.setdefault(review.subject, []).append(index)
    for key in corpus.subjects:
        groups.setdefault(key, [])
    return groups


def build_uncached(config: SiteConfig, *, strict: bool = False, force: bool = False) -> BuildReport:
    """The straightforward pipeline (no cache, no parallelism, everything in memory),
    kept as the reference the fast path is tested against."""
    started = time.perf_counter()
    check_output_dir(
        config.output_dir,
        protected=[config.content_dir, config.templates_dir, config.root],
        force=force,
    )
    corpus = read_content(config)
    report = BuildReport(problems=list(corpus.problems), output=config.output_dir)
    template_files(
        config.templates_dir, template_warning(report.problems)
    )  # (files of the templates left out)
    if strict and report.errors:
        raise ContentError(
            report.errors, f"{len(report.errors)} problem(s) in the content (--strict):"
        )
    settings = AnalysisSettings.from_thresholds(config.thresholds, config.analysis)
    analyses = analyze_reviews(corpus.reviews, settings)
    subjects = []
    for key, indexes in group_by_subject(corpus).items():
        reviews = [corpus.reviews[i] for i in indexes]
        full = [analyses[i] for i in indexes]
        summary = summarize_subject(reviews, full, config)
        subjects.append((key, reviews, [slim_analysis(a) for a in full], summary))
    site = build_site(config, subjects, corpus.subjects)
    files = [*Renderer(site).render_all(), data_json(site)]
    report.files = write_site(files, config.output_dir)
    report.pages_written = report.files
    report.analyzed = len(corpus.reviews)
    report.reviews = site.review_count
    report.subjects = len(site.subjects)
    report.site = site
    report.seconds = time.perf_counter() - started
    return report
