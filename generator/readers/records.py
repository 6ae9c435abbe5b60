"""Turning one input record (a line, a row, a front-matter file) into a Review.

Shared by every reader so the checks are the same whatever the format: empty and
over-long texts, ratings that are not numbers or out of scale, ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.content import Review
from generator.readers.base import MAX_REVIEW_CHARS, ReadContext, clean_text, parse_rating, stable_id


def _field(value: Any) -> str:
    if value is None:
        return ""
    return clean_text(str(value))


def make_review(
    context: ReadContext,
    path: Path,
    line: int,
    *,
    subject: str,
    text: Any,
    id: Any = None,
    rating: Any = None,
    author: Any = None,
    date: Any = None,
    title: Any = None,
    body_html: str = "",
) -> Review | None:
    """Validate one record; record a problem and return None when it cannot be used."""
    body = _field(text)
    if not body:
        context.warn(path, line, "empty review skipped")
        return None
    if len(body) > MAX_REVIEW_CHARS:
        context.problem(
            path,
            line,
            f"review of {len(body):,} characters skipped (the limit is {MAX_REVIEW_CHARS:,})",
            "check that a quote or a separator is not missing",
        )
        return None
    value, error = parse_rating(rating, context.config.rating_scale)
    if error:
        context.warn(path, line, error + "; the review is kept without a rating")
    review_id = _field(id) or stable_id(subject, body)
    return Review(
        id=review_id,
        subject=subject,
        text=body,
        source=context.display(path),
        line=line,
        rating=value,
        author=_field(author),
        date=_field(date),
        title=_field(title),
        body_html=body_html,
    )
