"""Typed results of the analysis stage: per sentence, per review, per subject."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

LABELS = ("positive", "negative", "mixed", "neutral")


class SentenceAnalysis(NamedTuple):
    """One sentence of a review, located by character offsets in the review text.

    A named tuple rather than a dataclass: a review has a score of them and a big
    subject over a hundred thousand, which the cache decodes on every rebuild of
    that subject (a tuple is made in one step, from the stored row, with no
    per-instance ``__dict__``)."""

    text: str
    start: int
    end: int
    polarity: float
    subjectivity: float
    aspects: tuple[str, ...] = ()  # canonical keys of the aspects it mentions
    aspect_forms: tuple[str, ...] = ()  # how each was first written there, same order


@dataclass(frozen=True)
class ReviewAnalysis:
    """What the analyzer says about one review's text."""

    polarity: float  # in [-1, 1]
    subjectivity: float  # in [0, 1]
    label: str  # one of LABELS
    sentences: tuple[SentenceAnalysis, ...] = ()
    key_phrases: tuple[str, ...] = ()  # display forms, most important first
    aspect_keys: tuple[str, ...] = ()  # canonical keys of key_phrases, same order


@dataclass(frozen=True)
class Aspect:
    """A thing reviewers talk about, merged across case, accents and number."""

    key: str  # canonical key, e.g. "chanson"
    text: str  # display form, e.g. "chansons"
    mentions: int  # number of reviews mentioning it
    # Reviews whose sentences naming it have summed polarity >= 0.3 / <= -0.3
    # (so positive + negative <= mentions).
    positive: int
    negative: int


@dataclass(frozen=True)
class Quote:
    """A whole sentence picked as a pro or a con, linked to its review."""

    text: str
    review_id: str
    polarity: float
    start: int  # offsets of the sentence in the review text
    end: int
    aspect: str = ""


@dataclass(frozen=True)
class Verdict:
    """A subject's overall verdict."""

    score: int  # 0-100
    label: str  # French (or English) words for a reader, e.g. "Très positif"
    key: str  # stable machine key: very_positive, positive, mixed, negative, very_negative
    positive: int
    negative: int
    mixed: int
    neutral: int
    share_positive: float  # 0-1
    average_rating: float | None = None  # on the site's scale, when most reviews are rated
    share_good_ratings: float | None = None
    rated: int = 0
    based_on: str = "text"  # "text" or "ratings"


@dataclass(frozen=True)
class SubjectSummary:
    """Everything the subject page says above the review cards."""

    verdict: Verdict
    aspects: tuple[Aspect, ...] = ()
    pros: tuple[Quote, ...] = ()
    cons: tuple[Quote, ...] = ()
    consensus: str = ""
    disagreements: frozenset[str] = field(default_factory=frozenset)  # review ids
