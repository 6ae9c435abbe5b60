"""Per-subject summary: verdict, aspects, pro and con quotes, consensus sentence.

Pure function of the subject's reviews and their analyses, in input order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from generator.analysis.types import (
    Aspect,
    Quote,
    ReviewAnalysis,
    SubjectSummary,
    Verdict,
)
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


def compute_verdict(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> Verdict:
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
    )


def pick_quotes(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], *, positive: bool, limit: int = 3
) -> tuple[Quote, ...]:
    candidates = []
    for review, analysis in zip(reviews, analyses):
        for sentence in analysis.sentences:
            words = len(sentence.text.split())
            if words < 5 or words > 45 or sentence.text.rstrip().endswith("?"):
                continue
            polarity = sentence.polarity if positive else -sentence.polarity
            if polarity >= 0.2:
                candidates.append((polarity, review, sentence))
    candidates.sort(key=lambda c: -c[0])
    chosen: list[Quote] = []
    used_reviews: set[str] = set()
    for polarity, review, sentence in candidates:
        if review.id in used_reviews:
            continue
        used_reviews.add(review.id)
        chosen.append(
            Quote(sentence.text, review.id, sentence.polarity, sentence.start, sentence.end)
        )
        if len(chosen) == limit:
            break
    return tuple(chosen)


def summarize_subject(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> SubjectSummary:
    aspects: dict[str, list[int]] = {}
    for analysis in analyses:
        for phrase in set(analysis.key_phrases):
            entry = aspects.setdefault(phrase, [0, 0, 0])
            entry[0] += 1
    ranked = sorted(aspects.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return SubjectSummary(
        verdict=compute_verdict(reviews, analyses, config),
        aspects=tuple(Aspect(k, k, m, p, n) for k, (m, p, n) in ranked[:12]),
        pros=pick_quotes(reviews, analyses, positive=True),
        cons=pick_quotes(reviews, analyses, positive=False),
    )
