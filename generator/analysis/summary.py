"""Per-subject summary: verdict, aspects, pro and con quotes, consensus sentence,
and the reviews whose text and rating disagree.

Pure function of the subject's reviews and their analyses, in input order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from generator.analysis.types import (
    Aspect,
    Quote,
    ReviewAnalysis,
    SubjectSummary,
    Verdict,
)
from generator.analysis.tokens import fold
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
DISAGREE_HIGH = 0.8  # rating >= 80% of the scale but text clearly negative
DISAGREE_LOW = 0.4  # rating <= 40% of the scale but text clearly positive
CLEAR_TEXT = 0.5  # |polarity| from which a text is "clearly" positive/negative
MAX_ASPECTS = 12
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS = 6, 40
QUOTE_MIN_POLARITY = 0.5
# Quotes come only from reviews the analyzer is sure about: at |polarity| >= 0.9
# the review-level label was right for >= 97.5% of reviews on both sides in 5-fold
# cross-validation on the training data (allocine-tv-train, out-of-fold scores).
QUOTE_MIN_REVIEW = 0.9
QUOTE_LATE_BONUS = 0.1  # the verdict tends to come last: prefer later sentences


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
    ratings = [r.rating for r in reviews if r.rating is not None]
    scale = config.rating_scale
    average = share_good = None
    based_on = "text"
    if total and ratings and len(ratings) / total >= config.thresholds.rated_share:
        average = round(sum(ratings) / len(ratings), 2)
        share_good = round(sum(1 for r in ratings if r >= GOOD_RATING * scale) / len(ratings), 4)
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
        if review.rating >= DISAGREE_HIGH * scale and analysis.label == "negative" and analysis.polarity <= -CLEAR_TEXT:
            out.add(review.id)
        elif review.rating <= DISAGREE_LOW * scale and analysis.label == "positive" and analysis.polarity >= CLEAR_TEXT:
            out.add(review.id)
    return frozenset(out)


def _title_keys(reviews: Sequence[Review]) -> set[str]:
    keys: set[str] = set()
    for review in reviews[:1]:
        for word in re.split(r"[\W_]+", fold(review.subject)):
            if word:
                keys.add(word)
                if len(word) > 3 and word[-1] in "sx":
                    keys.add(word[:-1])
    return keys


def compute_aspects(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> tuple[Aspect, ...]:
    excluded = _title_keys(reviews)
    mentions: dict[str, int] = {}
    positive: dict[str, int] = {}
    negative: dict[str, int] = {}
    forms: dict[str, dict[str, int]] = {}
    for analysis in analyses:
        for key, shown in zip(analysis.aspect_keys, analysis.key_phrases):
            mentions[key] = mentions.get(key, 0) + 1
            f = forms.setdefault(key, {})
            f[shown] = f.get(shown, 0) + 1
        for sentence in analysis.sentences:
            for key in sentence.aspects:
                if sentence.polarity >= 0.3:
                    positive[key] = positive.get(key, 0) + 1
                elif sentence.polarity <= -0.3:
                    negative[key] = negative.get(key, 0) + 1
    # A lone first name joins the only full name it starts ("Emmanuelle" ->
    # "Emmanuelle Seigner").
    firsts: dict[str, set[str]] = {}
    for key, f in forms.items():
        for shown in f:
            parts = shown.split()
            if len(parts) > 1:
                firsts.setdefault(fold(parts[0]), set()).add(key)
    for key in list(mentions):
        targets = firsts.get(key, set()) - {key}
        if len(targets) == 1 and key not in excluded:
            (target,) = targets
            mentions[target] += mentions.pop(key)
            positive[target] = positive.get(target, 0) + positive.pop(key, 0)
            negative[target] = negative.get(target, 0) + negative.pop(key, 0)
            forms.pop(key, None)
    ranked = sorted(
        (k for k in mentions if k not in excluded and mentions[k] >= (2 if len(reviews) > 3 else 1)),
        key=lambda k: (-mentions[k], -(positive.get(k, 0) + negative.get(k, 0)), k),
    )
    out = []
    for key in ranked[:MAX_ASPECTS]:
        # Display: the most used form, a full name preferred over a lone surname.
        f = forms[key]
        shown = max(f, key=lambda s: (len(s.split()) > 1, f[s], s))
        out.append(Aspect(key, shown, mentions[key], positive.get(key, 0), negative.get(key, 0)))
    return tuple(out)


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = set(fold(a).split()), set(fold(b).split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > 0.6


def pick_quotes(
    reviews: Sequence[Review],
    analyses: Sequence[ReviewAnalysis],
    *,
    positive: bool,
    limit: int = 3,
    aspects: Sequence[Aspect] = (),
    scale: int = 5,
) -> tuple[Quote, ...]:
    """Whole, readable, strongly polar sentences from reviews that agree with them:
    never two from one review, never near-duplicates, different aspects preferred."""
    important = {a.key: i for i, a in enumerate(aspects)}
    candidates = []
    for review, analysis in zip(reviews, analyses):
        if analysis.label != ("positive" if positive else "negative"):
            continue
        if abs(analysis.polarity) < QUOTE_MIN_REVIEW:
            continue
        if review.rating is not None:
            share = review.rating / scale
            if (positive and share < GOOD_RATING) or (not positive and share > 0.5):
                continue
        last = max(1, len(analysis.sentences) - 1)
        for index, sentence in enumerate(analysis.sentences):
            text = sentence.text
            words = len(text.split())
            if words < QUOTE_MIN_WORDS or words > QUOTE_MAX_WORDS or "?" in text:
                continue
            if not text[0].isupper() and not text[0].isdigit():
                continue  # a fragment ("...mais pas la fin.")
            polarity = sentence.polarity if positive else -sentence.polarity
            if polarity < QUOTE_MIN_POLARITY:
                continue
            named = [k for k in sentence.aspects if k in important]
            aspect = min(named, key=important.get) if named else ""
            strength = (
                polarity
                + abs(analysis.polarity)
                + (0.2 if aspect else 0.0)
                + QUOTE_LATE_BONUS * index / last
            )
            candidates.append((-round(strength, 6), review.id, sentence.start, review, sentence, aspect))
    candidates.sort(key=lambda c: c[:3])
    chosen: list[Quote] = []
    used_reviews: set[str] = set()
    used_aspects: set[str] = set()
    for pass_ in (0, 1):
        for _, _, _, review, sentence, aspect in candidates:
            if len(chosen) == limit:
                break
            if review.id in used_reviews:
                continue
            if pass_ == 0 and aspect and aspect in used_aspects:
                continue
            if any(_near_duplicate(sentence.text, q.text) for q in chosen):
                continue
            used_reviews.add(review.id)
            if aspect:
                used_aspects.add(aspect)
            chosen.append(
                Quote(sentence.text, review.id, sentence.polarity, sentence.start, sentence.end, aspect)
            )
    return tuple(chosen)


_FEMININE = frozenset(
    "musique histoire chanson actrice interpretation realisation mise en scene bande originale "
    "intrigue scene fin image photographie voix serie saison emotion comedie idee ambiance "
    "atmosphere performance chanteuse presence psychologie relation star bo".split()
)


def _with_article(aspect: Aspect, language: str) -> str:
    text = aspect.text
    if language == "en":
        return text if text[:1].isupper() else f"the {text}"
    if text[:1].isupper() and text not in ("BO",):
        return text  # a name
    shown = fold(text)
    if aspect.mentions and (shown.endswith(("s", "x")) and shown != aspect.key):
        return f"les {text}"
    if shown[:1] in "aeiouyh":
        return f"l'{text}"
    key = aspect.key
    feminine = key in _FEMININE or key.endswith(("tion", "ure", "ite", "ence", "ance", "ique", "ette", "elle", "euse", "trice", "ie", "ade"))
    return f"{'la' if feminine else 'le'} {text}"


def _join(items: list[str], language: str) -> str:
    word = " and " if language == "en" else " et "
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + word + items[-1]


def consensus_sentence(aspects: Sequence[Aspect], language: str = "fr") -> str:
    """One deterministic sentence from the aspects' positive/negative counts."""
    praised, criticised, divisive = [], [], []
    for a in aspects:
        if a.positive + a.negative < 2:
            continue
        if a.positive >= 2 * max(1, a.negative):
            praised.append(a)
        elif a.negative >= 2 * max(1, a.positive):
            criticised.append(a)
        else:
            divisive.append(a)
    parts = []
    p = [_with_article(a, language) for a in praised[:2]]
    c = [_with_article(a, language) for a in criticised[:2]]
    d = [_with_article(a, language) for a in divisive[:1]]
    if language == "en":
        if p:
            parts.append(f"Reviewers mostly praise {_join(p, language)}")
        if c:
            parts.append(f"{'they criticise' if p else 'Reviewers criticise'} {_join(c, language)}")
        if d:
            parts.append(f"{_join(d, language)} divides opinion" if parts else f"{_join(d, language)[0].upper()}{_join(d, language)[1:]} divides opinion")
        return ("; ".join(parts) + ".") if parts else ""
    if p:
        parts.append(f"Les spectateurs saluent surtout {_join(p, language)}")
    if c:
        parts.append(f"{'ils critiquent' if p else 'Les spectateurs critiquent'} {_join(c, language)}")
    if d:
        plural = len(d) > 1 or d[0].startswith("les ")
        phrase = f"{_join(d, language)} {'divisent' if plural else 'divise'}"
        parts.append(phrase if parts else phrase[0].upper() + phrase[1:])
    return (" ; ".join(parts) + ".") if parts else ""


def summarize_subject(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> SubjectSummary:
    aspects = compute_aspects(reviews, analyses)
    scale = config.rating_scale
    return SubjectSummary(
        verdict=compute_verdict(reviews, analyses, config),
        aspects=aspects,
        pros=pick_quotes(reviews, analyses, positive=True, aspects=aspects, scale=scale),
        cons=pick_quotes(reviews, analyses, positive=False, aspects=aspects, scale=scale),
        consensus=consensus_sentence(aspects, config.language),
        disagreements=find_disagreements(reviews, analyses, config),
    )
