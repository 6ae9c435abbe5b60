"""A subject's trend (``generator.trends``): asked twice for the same subject (the
page's digest, then the page), the second answer is the first's; another subject's
reviews, even equal ones, are counted afresh."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from generator.analysis.types import ReviewAnalysis
from generator.content import Review
from generator.trends import subject_trend


def _subject(n: int) -> tuple[tuple[Review, ...], tuple[ReviewAnalysis, ...]]:
    reviews = tuple(
        Review(
            f"r{i}",
            "film",
            "Un avis.",
            Path("film.csv"),
            i + 2,
            4.0,
            date=f"2023-0{1 + i % 6}-1{i % 9}",
        )
        for i in range(n)
    )
    labels = ("positive", "negative", "mixed")
    return reviews, tuple(ReviewAnalysis(0.5, 0.5, labels[i % 3]) for i in range(n))


def test_a_trend_asked_again_is_the_same_and_another_subjects_is_its_own() -> None:
    reviews, analyses = _subject(30)
    first = subject_trend(reviews, analyses, "fr")
    assert first is not None and sum(p.positive for p in first.periods) == 10
    assert subject_trend(reviews, analyses, "fr") == first
    english = subject_trend(reviews, analyses, "en")
    assert english is not None and [p.count for p in english.periods] == [
        p.count for p in first.periods
    ]
    # Other analyses of the same reviews (new objects): counted again.
    negative = tuple(dataclasses.replace(a, label="negative") for a in analyses)
    again = subject_trend(reviews, negative, "fr")
    assert again is not None and sum(p.positive for p in again.periods) == 0
    # Lists (a caller's own, which may change) are never kept.
    listed = list(analyses)
    assert subject_trend(reviews, listed, "fr") == first
    listed[:] = negative
    assert subject_trend(reviews, listed, "fr") == again
    assert subject_trend(*_subject(5), "fr") is None  # too few dated
