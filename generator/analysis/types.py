"""Typed results of the analysis stage: per sentence, per review, per subject."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

LABELS = ("positive", "negative", "mixed", "neutral")
# The label of a review in a language sitegen does not analyse: shown, not scored,
# kept out of the verdict, quotes and aspects.
UNANALYSED = "unanalysed"

# One mention of an aspect in a review, a plain tuple (a review has a few dozen,
# cached and decoded with it): (key, display form, start, end, polarity), where
# ``text[start:end]`` is the mention as written in the review text and polarity
# (in [-1, 1]) is that of the clause judging it.
Mention = tuple[str, str, int, int, float]
MENTION_KEY, MENTION_FORM, MENTION_START, MENTION_END, MENTION_POLARITY = range(5)
# |polarity| from which a mention is labelled positive or negative.
MENTION_POLAR = 0.1


def mention_label(polarity: float) -> str:
    """ "positive", "negative" or "neutral" for a mention's polarity."""
    if polarity >= MENTION_POLAR:
        return "positive"
    if polarity <= -MENTION_POLAR:
        return "negative"
    return "neutral"


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
    label: str  # one of LABELS, or UNANALYSED
    sentences: tuple[SentenceAnalysis, ...] = ()
    key_phrases: tuple[str, ...] = ()  # display forms, most important first
    aspect_keys: tuple[str, ...] = ()  # canonical keys of key_phrases, same order
    mentions: tuple[Mention, ...] = ()  # every aspect mention, in text order
    language: str = "fr"  # "fr", "en" (analysed) or "other" (label UNANALYSED)
    # What plugins add (their ``analyse_review`` hooks: JSON values by name), or
    # None without such plugins. Not in ``repr``: the analyzer's own output is
    # what ``tests/test_golden_analysis.py`` digests.
    extra: dict[str, Any] | None = field(default=None, hash=False, repr=False)


@dataclass(frozen=True)
class MentionQuote:
    """An aspect's mention picked to show what a review says about it."""

    review_id: str
    text: str  # the words around the mention that judge it (a sentence or a clause)
    start: int  # offsets of the mention in the review text
    end: int
    polarity: float
    quote_start: int  # offsets of ``text`` in the review text
    quote_end: int


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
    # positive / (positive + negative); 0.0 when no review judges it either way.
    share_positive: float = 0.0
    best_positive: MentionQuote | None = None
    best_negative: MentionQuote | None = None
    # One line for a reader: "La musique : 21 avis positifs sur 26 — « … »".
    line: str = ""


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
    # The rated reviews split as the verdict reads them (``verdict.rating_split``):
    # good (>= 70 % of the scale), middling, bad (<= 40 %).
    good_ratings: int = 0
    middling_ratings: int = 0
    bad_ratings: int = 0


@dataclass(frozen=True)
class SubjectSummary:
    """Everything the subject page says above the review cards."""

    verdict: Verdict
    aspects: tuple[Aspect, ...] = ()
    pros: tuple[Quote, ...] = ()
    cons: tuple[Quote, ...] = ()
    consensus: str = ""
    disagreements: frozenset[str] = field(default_factory=frozenset)  # review ids
    # How each review's mentions read as the subject's aspects
    # (``aspect_summary.MentionKeys``: names merged, the title left out); None for
    # a summary made without reviews.
    mention_keys: Any = None
    # What plugins add (their ``summarise_subject`` hooks: JSON values by name), or
    # None without such plugins.
    extra: dict[str, Any] | None = field(default=None, hash=False, repr=False)

    def mentions_of(self, text: str, analysis: ReviewAnalysis) -> tuple[Mention, ...]:
        """A review's mentions under the subject's aspect keys (``text``: the
        review's text), without those of the subject's own title."""
        if self.mention_keys is None:
            return ()
        return self.mention_keys.resolve(analysis, text)
