"""Inline SVG charts, drawn in Python at build time: no chart library at run time.

Every chart is an accessible image (``role="img"`` with a ``<title>`` naming it and
holding its numbers); the page shows the same numbers as text beside it. Colours
come from the page's stylesheet through classes (``c-positive``, ``c-track``…), so
the charts follow the light and dark themes. Sizes are in viewBox units: the SVG
scales with its container.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 320  # viewBox width of every chart


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: a CSS class suffix, a label and a count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart, possibly split into coloured segments."""

    label: str
    segments: tuple[Segment, ...]
    value: float | None = None  # the bar's length and number; the segments' sum by default

    @property
    def total(self) -> float:
        return self.value if self.value is not None else sum(s.count for s in self.segments)


@functools.lru_cache(maxsize=4096)
def _num(value: float) -> str:
    """Compact SVG coordinate. (Memoised: a page's charts write the same few
    coordinates again and again; equal numbers, even 0.0 and -0.0 or 1 and 1.0,
    are written alike.)"""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _svg(
    chart_id: str, title: str, width: float, height: float, body: str, css: str, attrs: str = ""
) -> Markup:
    title_id = f"{chart_id}-title"
    return Markup(
        f'<svg{attrs} class="chart {css}" id="{escape(chart_id)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" aria-labelledby="{escape(title_id)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>{body}</svg>'
    )


def _rect(x: float, y: float, w: float, h: float, css: str, rx: float = 0) -> str:
    radius = f' rx="{_num(rx)}"' if rx else ""
    return f'<rect class="{css}" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"{radius}/>'


def _text(x: float, y: float, text: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text class="{css}" x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" '
        f'dominant-baseline="central">{escape(text)}</text>'
    )


def _stack(
    segments: Sequence[Segment], x: float, y: float, width: float, height: float, gap: float
) -> str:
    """Coloured segments side by side filling ``width`` (zero counts take no room)."""
    shown = [s for s in segments if s.count > 0]
    total = sum(s.count for s in shown)
    if not total:
        return ""
    room = width - gap * (len(shown) - 1)
    parts = []
    cursor = x
    for segment in shown:
        w = room * segment.count / total
        parts.append(_rect(cursor, y, w, height, f"c-{segment.key}"))
        cursor += w + gap
    return "".join(parts)


def stacked_bar(
    chart_id: str, title: str, segments: Sequence[Segment], *, height: float = 18
) -> Markup:
    """One horizontal bar split by share, e.g. positive / mixed / neutral / negative."""
    clip = f"{chart_id}-clip"
    body = (
        f'<clipPath id="{escape(clip)}">{_rect(0, 0, WIDTH, height, "", rx=height / 2)}</clipPath>'
        f"{_rect(0, 0, WIDTH, height, 'c-track', rx=height / 2)}"
        f'<g clip-path="url(#{escape(clip)})">{_stack(segments, 0, 0, WIDTH, height, 2)}</g>'
    )
    return _svg(chart_id, title, WIDTH, height, body, "chart-stack")


def bar_rows(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    *,
    label_width: float = 44,
    row: float = 26,
    css: str = "chart-rows",
    max_label: int = 18,
) -> Markup:
    """Horizontal bars, one per row: a label, a bar on a track, the bar's value at its
    end. Bars share one scale (the largest fills the track); a bar's segments share
    its length in proportion to their counts."""
    count_width = 30
    track_x = label_width + 6
    track_w = WIDTH - track_x - count_width
    bar_h = row * 0.5
    largest = max((b.total for b in bars), default=0)
    parts = []
    for i, bar in enumerate(bars):
        y = i * row
        mid = y + row / 2
        label = (
            bar.label if len(bar.label) <= max_label else bar.label[: max_label - 1].rstrip() + "…"
        )
        parts.append(_text(label_width, mid, label, "c-label", anchor="end"))
        parts.append(_rect(track_x, mid - bar_h / 2, track_w, bar_h, "c-track", rx=bar_h / 2))
        if largest and bar.total:
            width = max(track_w * bar.total / largest, bar_h)
            parts.append(_stack(bar.segments, track_x, mid - bar_h / 2, width, bar_h, 1.5))
        parts.append(_text(WIDTH - 2, mid, _num(bar.total), "c-count", anchor="end"))
    height = max(len(bars), 1) * row
    return _svg(chart_id, title, WIDTH, height, "".join(parts), css)


def score_ring(score: int, key: str, *, size: float = 120, stroke: float = 11) -> Markup:
    """A decorative ring filled to ``score`` percent (the score is in the text beside it)."""
    radius = (size - stroke) / 2
    circumference = 2 * math.pi * radius
    filled = circumference * max(0, min(100, score)) / 100
    centre = _num(size / 2)
    ring = (
        f'<circle class="c-ring" cx="{centre}" cy="{centre}" r="{_num(radius)}" fill="none" '
        f'stroke-width="{_num(stroke)}" stroke-linecap="round" '
        f'stroke-dasharray="{_num(filled)} {_num(circumference)}" transform="rotate(-90 {centre} {centre})"/>'
        if filled > 0
        else ""  # a round cap would draw a dot for 0
    )
    return Markup(
        f'<svg class="ring verdict-{escape(key)}" viewBox="0 0 {_num(size)} {_num(size)}" width="{_num(size)}" '
        f'height="{_num(size)}" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<circle class="c-track" cx="{centre}" cy="{centre}" r="{_num(radius)}" fill="none" '
        f'stroke-width="{_num(stroke)}"/>{ring}</svg>'
    )


def rating_buckets(ratings: Sequence[float], scale: int) -> list[tuple[float, int]]:
    """Ratings counted per bucket, best first: whole values on scales up to 10,
    tenths of the scale above (``20`` -> buckets 2, 4 … 20). A rating goes to the
    nearest bucket; 0 counts in the lowest."""
    step = 1 if scale <= 10 else scale / 10
    n = round(scale / step)
    counts = [0] * n
    for rating in ratings:
        counts[_bucket_index(rating, step, n)] += 1
    return [(step * (k + 1), counts[k]) for k in reversed(range(n))]


@dataclass(frozen=True)
class TrendPoint:
    """One period of a trend chart: its label, its count, and two shares in [0, 1]
    (``None`` where the period has nothing to show)."""

    label: str
    count: int
    share: float | None  # drawn as the solid line
    rating: float | None  # drawn as the dashed line (the average rating over the scale)


def trend(
    chart_id: str,
    title: str,
    points: Sequence[TrendPoint],
    *,
    height: float = 150,
    percent: str = "{n} %",
) -> Markup:
    """Counts per period as bars along the bottom, shares (0-100 %) as lines above
    them, the first and last period named under the axis."""
    top, plot_h, bars_h = 8.0, height - 52, 22.0
    left, right = 30.0, 6.0
    axis_y = top + plot_h
    width = WIDTH - left - right
    n = max(len(points), 1)
    step = width / n
    largest = max((p.count for p in points), default=0) or 1
    parts = []
    for share in (0, 0.5, 1):
        y = axis_y - share * plot_h
        parts.append(_rect(left, y - 0.5, width, 1, "c-grid"))
        parts.append(
            _text(left - 4, y, percent.format(n=round(share * 100)), "c-axis", anchor="end")
        )
    bars_y = axis_y + 6
    for i, p in enumerate(points):
        if p.count:
            h = max(bars_h * p.count / largest, 1.5)
            parts.append(
                _rect(left + i * step + step * 0.15, bars_y + bars_h - h, step * 0.7, h, "c-bar")
            )

    def line(values: list[float | None], css: str) -> None:
        runs: list[list[str]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            x = left + (i + 0.5) * step
            y = axis_y - max(0.0, min(1.0, value)) * plot_h
            runs[-1].append(f"{_num(x)},{_num(y)}")
            parts.append(f'<circle class="{css}-dot" cx="{_num(x)}" cy="{_num(y)}" r="2.2"/>')
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline class="{css}" fill="none" points="{" ".join(run)}"/>')

    line([p.rating for p in points], "c-line-rating")
    line([p.share for p in points], "c-line-share")
    label_y = bars_y + bars_h + 12
    if points:
        parts.append(_text(left, label_y, points[0].label, "c-axis", anchor="start"))
        if len(points) > 1:
            parts.append(_text(WIDTH - right, label_y, points[-1].label, "c-axis", anchor="end"))
    return _svg(
        chart_id, title, WIDTH, height, "".join(parts), "chart-trend", ' data-chart="trend"'
    )


def rating_bucket(rating: float, scale: int) -> float:
    """The bucket of ``rating_buckets`` a rating counts in (its value)."""
    step = 1 if scale <= 10 else scale / 10
    return step * (_bucket_index(rating, step, round(scale / step)) + 1)


def _bucket_index(rating: float, step: float, n: int) -> int:
    return min(max(math.floor(rating / step + 0.5), 1), n) - 1  # round half up
