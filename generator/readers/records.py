"""Turning one input record (a line, a row, a front-matter file) into a Review.

Shared by every reader so the checks are the same whatever the format: empty and
over-long texts, fields that are not text, ratings that are not numbers or out of
scale, ids.

Severity: an *error* means something in the input was dropped (a row, a file, a
rating); a *warning* means everything was kept but deserves a look.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path
from typing import Any

from generator.content import Review
from generator.dates import parse_date
from generator.readers.base import (
    MAX_REVIEW_CHARS,
    ReadContext,
    clean_text,
    parse_rating,
    stable_id,
)

# Ids end up in HTML ids and URL fragments (#review-<id>): keep them to a plain set.
_ID_UNSAFE = re.compile(r"[^\w.-]+")
MAX_ID_CHARS = 64


def _field(value: Any) -> str:
    """A scalar as text: strings, numbers, dates (ISO 8601). Anything else is ''."""
    if type(value) is str:  # (every field of a table: no other check)
        return clean_text(value)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, datetime.datetime):
        return (
            value.isoformat(sep=" ", timespec="minutes")
            if value.time() != datetime.time()
            else value.date().isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return clean_text(str(value))
    return ""


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        int: "a number",
        float: "a number",
        bool: "true/false",
    }
    return names.get(type(value), f"a {type(value).__name__}")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | datetime.date)


def subject_key(name: str) -> str:
    """A subject's key as written, in Unicode NFC: ``Été`` typed on one keyboard, in
    a file named on macOS (NFD) or in a CSV column is one subject. (Keys already in
    NFC, nearly all, are returned as they are.)"""
    return name if unicodedata.is_normalized("NFC", name) else unicodedata.normalize("NFC", name)


def safe_id(value: str) -> str:
    """A user-given id reduced to letters, digits, ``_``, ``.`` and ``-``."""
    return _ID_UNSAFE.sub("-", value).strip("-.")[:MAX_ID_CHARS]


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
    if not isinstance(text, str):
        if text is None:
            context.warn(
                path, line, "empty review skipped", "remove the empty row or fill in its text"
            )
        else:
            context.problem(
                path,
                line,
                f"the review text is {_kind(text)}, not text; review skipped",
                "give the text field a plain string",
            )
        return None
    raw = str(text)
    if len(raw) > 2 * MAX_REVIEW_CHARS:  # do not even clean a pasted novel
        body = raw
    else:
        body = clean_text(raw)
    if not body.strip():
        context.warn(path, line, "empty review skipped", "remove the empty row or fill in its text")
        return None
    if len(body) > MAX_REVIEW_CHARS:
        context.problem(
            path,
            line,
            f"review of {len(body):,} characters skipped (the limit is {MAX_REVIEW_CHARS:,})",
            "check that a quote or a separator is not missing, or split the text",
        )
        return None
    for name, value in (("id", id), ("author", author), ("date", date), ("title", title)):
        if type(value) is not str and not _is_scalar(value):
            context.problem(
                path,
                line,
                f"the {name} is {_kind(value)}, not text; it is left out",
                f"give {name} a plain string",
            )
    value, error = parse_rating(rating, context.config.rating_scale)
    if error:
        context.problem(
            path,
            line,
            error + "; the review is kept without a rating",
            "write the rating as a number such as 4, 4,5 or 8/10",
        )
    given_id = _field(id)
    review_id = safe_id(given_id) if given_id else ""
    if given_id and review_id != given_id:
        context.warn(
            path,
            line,
            f"the id {given_id[:40]!r} holds characters ids cannot have; it becomes {review_id or '(generated)'!r}",
            "use letters, digits, '-', '_' and '.' in ids",
        )
    subject = subject_key(subject)
    review_id = review_id or stable_id(subject, body)
    written = _field(date)
    day = parse_date(written) if written else ""
    if written and not day and path not in context.unread_dates:
        context.unread_dates.add(path)
        context.warn(
            path,
            line,
            f"the date {written[:40]!r} is not a date sitegen reads; it is shown as written (other such dates in this file are not reported)",
            "write dates as 2024-03-10, 10/03/2024, 10 mars 2024 or March 10, 2024",
        )
    return review_from(
        {
            "id": review_id,
            "subject": subject,
            "text": body,
            "source": context.review_source(path),
            "line": line,
            "rating": value,
            "author": _field(author),
            "date": day or written,
            "title": _field(title),
            "body_html": body_html,
        }
    )


def review_from(fields: dict[str, Any]) -> Review:
    """``Review(**fields)``, every field given in order. For a plain frozen
    dataclass (no ``__post_init__``, no slots) the same object made without
    ``__init__`` and its frozen setters (a few microseconds a review, every review
    read)."""
    if not _PLAIN_REVIEW:
        return Review(**fields)
    review = _new(Review)
    review.__dict__.update(fields)
    return review


_PLAIN_REVIEW = not hasattr(Review, "__post_init__") and not hasattr(Review, "__slots__")
_new = object.__new__
