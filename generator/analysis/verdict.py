"""A subject's overall verdict (score, label, counts by label, ratings) and the
reviews whose text and rating disagree."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from generator.analysis.types import UNANALYSED, ReviewAnalysis, Verdict
from generator.config import SiteConfig
from generator.content import Review

log = logging.getLogger(__name__)

VERDICT_LABELS = {
    "fr": {
        "very_positive": "Très positif",
        "positive": "Positif",
        "mixed": "Partagé",
        "negative": "Négatif",
        "very_negative": "Très négatif",
        "none": "Pas encore d'avis",
    },
    "en": {
        "very_positive": "Very positive",
        "positive": "Positive",
        "mixed": "Mixed",
        "negative": "Negative",
        "very_negative": "Very negative",
        "none": "No reviews yet",
    },
}
GOOD_RATING = 0.7  # share of the scale from which a rating is "good" (3.5/5)
BAD_RATING = (
    0.4  # share of the scale up to which a rating is "bad" (2/5): cons come only from these
)
DISAGREE_HIGH = 0.8  # rating >= 80% of the scale but text clearly negative
DISAGREE_LOW = 0.4  # rating <= 40% of the scale but text clearly positive
CLEAR_TEXT = 0.5  # |polarity| from which a text is "clearly" positive/negative


def verdict_key(score: int) -> str:
    if score >= 80:
        return "very_positive"
    if score >= 60:
        return "positive"
    if score >= 40:
        return "mixed"
    if score >= 20:
        return "negative"
    return "very_negative"


def rating_split(ratings: Sequence[float], scale: int) -> tuple[int, int, int]:
    """How many ratings are good (>= ``GOOD_RATING`` of the scale), middling and bad
    (<= ``BAD_RATING``): the verdict's breakdown when it comes from the ratings."""
    good = sum(1 for r in ratings if r >= GOOD_RATING * scale)
    bad = sum(1 for r in ratings if r <= BAD_RATING * scale)
    return good, len(ratings) - good - bad, bad


def compute_verdict(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> Verdict:
    if any(a.label == UNANALYSED for a in analyses):
        # Reviews in a language sitegen does not analyse are shown, not counted.
        kept = [(r, a) for r, a in zip(reviews, analyses) if a.label != UNANALYSED]
        reviews = [r for r, _ in kept]
        analyses = [a for _, a in kept]
    counts = {label: 0 for label in ("positive", "negative", "mixed", "neutral")}
    for analysis in analyses:
        counts[analysis.label] += 1
    total = len(analyses)
    share = counts["positive"] / total if total else 0.0
    opinionated = counts["positive"] + counts["negative"] + counts["mixed"]
    score = (
        round(100 * (counts["positive"] + 0.5 * counts["mixed"]) / opinionated)
        if opinionated
        else 50
    )
    ratings = [r.rating for r in reviews if r.rating is not None]
    scale = config.rating_scale
    split = rating_split(ratings, scale)
    average = share_good = None
    based_on = "text"
    if total and ratings and len(ratings) / total >= config.thresholds.rated_share:
        average = round(sum(ratings) / len(ratings), 2)
        share_good = round(split[0] / len(ratings), 4)
        score = max(0, min(100, round(100 * average / scale)))
        based_on = "ratings"
    key = verdict_key(score) if total else "none"
    return Verdict(
        score=score,
        label=VERDICT_LABELS[config.language][key],
        key=key,
        positive=counts["positive"],
        negative=counts["negative"],
        mixed=counts["mixed"],
        neutral=counts["neutral"],
        share_positive=round(share, 4),
        average_rating=average,
        share_good_ratings=share_good,
        rated=len(ratings),
        based_on=based_on,
        good_ratings=split[0],
        middling_ratings=split[1],
        bad_ratings=split[2],
    )


def find_disagreements(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> frozenset[str]:
    """Reviews rated high with a clearly negative text, or rated low with a clearly
    positive one."""
    scale = config.rating_scale
    out = set()
    for review, analysis in zip(reviews, analyses):
        if review.rating is None:
            continue
        high = review.rating >= DISAGREE_HIGH * scale
        low = review.rating <= DISAGREE_LOW * scale
        if (high and analysis.label == "negative" and analysis.polarity <= -CLEAR_TEXT) or (
            low and analysis.label == "positive" and analysis.polarity >= CLEAR_TEXT
        ):
            out.add(review.id)
    return frozenset(out)
