"""What the readers produce: reviews and subject metadata, before any analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.exceptions import Problem


@dataclass(frozen=True)
class Review:
    """One review as written by its author, with where it came from."""

    id: str
    subject: str  # the subject key (a file stem or the value of a subject column)
    text: str
    source: Path
    line: int  # line of the input file where the review starts (1-based)
    rating: float | None = None  # on the site's rating scale
    author: str = ""
    date: str = ""
    title: str = ""
    body_html: str = ""  # sanitised HTML when the review was written in Markdown


@dataclass(frozen=True)
class SubjectMeta:
    """What a site says about a subject beside its reviews (``<subject>/index.md``,
    columns of its rows, ``[subjects]`` in ``sitegen.toml``: ``generator.metadata``)."""

    key: str
    title: str = ""
    year: str = ""
    image: str = ""
    description_html: str = ""
    source: Path | None = None
    categories: tuple[str, ...] = ()  # genres, categories and tags (``generator.metadata``)


@dataclass
class Corpus:
    """Everything read from the content folder, in input order."""

    reviews: list[Review] = field(default_factory=list)
    subjects: dict[str, SubjectMeta] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
