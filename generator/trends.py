"""Opinion over time: a subject's dated reviews counted by period (month, quarter
or year, whichever keeps the chart readable), with the share of positive reviews
and the average rating of each, for the trend chart of the subject page.

Dates come from the readers already in ISO form (``generator.dates``); reviews
without one are left out. A subject gets a trend only when enough of its reviews
are dated and they spread over enough periods to show a movement.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import charts
from generator.analysis.types import ReviewAnalysis
from generator.content import Review
from generator.i18n import format_number, iso_date, translator

log = logging.getLogger(__name__)

MIN_DATED = 10  # dated reviews a trend needs
MIN_PERIODS = 3  # periods they must spread over
MAX_MONTHS = 24  # a longer span is shown by quarter
MAX_QUARTERS = 32  # a longer one by year


@dataclass(frozen=True)
class Period:
    """One period of the trend: its label, reviews, positive ones, average rating."""

    key: int  # months, quarters or years since year 0 (orders and spaces periods)
    label: str
    count: int
    positive: int
    average_rating: float | None

    @property
    def share_positive(self) -> float:
        return self.positive / self.count if self.count else 0.0


@dataclass(frozen=True)
class Trend:
    unit: str  # "month", "quarter" or "year"
    periods: tuple[Period, ...]  # every period from the first to the last, empty ones too
    dated: int


def _month(iso: str) -> int:
    return int(iso[:4]) * 12 + int(iso[5:7]) - 1


def _dated(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> list[tuple[int, bool, float | None]]:
    """(month, positive, rating) of each dated review. The last subject's are kept,
    by identity, for the second call (``worker.page_digests`` hashes the trend,
    then the page shows it; a subject's reviews and analyses are tuples)."""
    global _last_dated
    last = _last_dated
    if last is not None and last[0] is reviews and last[1] is analyses:
        return last[2]
    dated = []
    for review, analysis in zip(reviews, analyses):
        iso = iso_date(review.date) if review.date else ""
        if iso:
            dated.append((_month(iso), analysis.label == "positive", review.rating))
    if isinstance(reviews, tuple) and isinstance(analyses, tuple):
        _last_dated = (reviews, analyses, dated)
    return dated


_last_dated: tuple[Any, Any, list[tuple[int, bool, float | None]]] | None = None


def subject_trend(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], language: str
) -> Trend | None:
    """The trend of a subject, or ``None`` when too few of its reviews are dated."""
    dated = _dated(reviews, analyses)
    if len(dated) < MIN_DATED:
        return None
    first = min(m for m, _, _ in dated)
    last = max(m for m, _, _ in dated)
    span = last - first + 1
    if span <= MAX_MONTHS:
        unit, size = "month", 1
    elif span <= 3 * MAX_QUARTERS:
        unit, size = "quarter", 3
    else:
        unit, size = "year", 12
    buckets: dict[int, list[tuple[bool, float | None]]] = {}
    for month, positive, rating in dated:
        buckets.setdefault(month // size, []).append((positive, rating))
    if len(buckets) < MIN_PERIODS:
        return None
    t = translator(language)
    short = t("months.short").split()
    periods = []
    for key in range(first // size, last // size + 1):
        rows = buckets.get(key, [])
        ratings = [r for _, r in rows if r is not None]
        if unit == "month":
            label = f"{short[key % 12]} {key // 12}"
        elif unit == "quarter":
            label = t("trend.quarter", q=key % 4 + 1, year=key // 4)
        else:
            label = str(key)
        periods.append(
            Period(
                key,
                label,
                len(rows),
                sum(1 for p, _ in rows if p),
                sum(ratings) / len(ratings) if ratings else None,
            )
        )
    return Trend(unit, tuple(periods), len(dated))


def trend_chart(trend: Trend, chart_id: str, scale: int, language: str) -> Markup:
    """The trend as an inline SVG (``data-chart="trend"``): reviews per period as
    bars, the share of positive reviews as a line, the average rating as a dashed
    line when there are ratings. Its title says what it shows; the numbers are in
    the table beside it."""
    t = translator(language)
    first, last = trend.periods[0].label, trend.periods[-1].label
    title = t(
        "trend.title",
        unit=t("trend.unit." + trend.unit),
        first=first,
        last=last,
        n=t("count.reviews", n=trend.dated),
    )
    points = [
        charts.TrendPoint(
            p.label,
            p.count,
            p.share_positive if p.count else None,
            p.average_rating / scale if p.average_rating is not None else None,
        )
        for p in trend.periods
    ]
    return charts.trend(chart_id, title, points, percent=t("percent", n="{n}"))


def format_share(period: Period, language: str) -> str:
    return format_number(100 * period.share_positive, language, 0)
