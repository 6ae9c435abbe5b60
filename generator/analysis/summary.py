"""Per-subject summary: verdict, aspects, pro and con quotes, consensus sentence,
and the reviews whose text and rating disagree.

Pure function of the subject's reviews and their analyses, in input order.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from generator.analysis import aspects as _aspects
from generator.analysis.analyzer import STRONG_SENTENCE
from generator.analysis.tokens import fold
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
GOOD_RATING = 0.7  # share of the scale from which a rating is "good" (3.5/5)
DISAGREE_HIGH = 0.8  # rating >= 80% of the scale but text clearly negative
DISAGREE_LOW = 0.4  # rating <= 40% of the scale but text clearly positive
CLEAR_TEXT = 0.5  # |polarity| from which a text is "clearly" positive/negative
MAX_ASPECTS = 12
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS = 6, 40
QUOTE_MIN_POLARITY = 0.5
# Quotes come first from reviews the analyzer is sure about: the smallest
# |polarity| (0.01 steps) at which the review-level label was right for >= 99% of
# reviews on both sides in 5-fold cross-validation on the training data
# (allocine-tv-train, out-of-fold scores: 99.0% of positives, 99.4% of negatives).
# Slots still free (a subject with few reviews) go to reviews from
# QUOTE_FALLBACK_REVIEW (there 97.5% and 98.9%).
QUOTE_MIN_REVIEW = 0.97
QUOTE_FALLBACK_REVIEW = 0.9
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


# Invariable nouns: written with a final -s/-x in the singular too.
_INVARIABLE = frozenset(
    "univers heros succes corps pays temps prix propos discours parcours remords repas proces "
    "acces exces progres dos bras fils poids mois avis sens virus campus concours secours "
    "voix choix croix paradis rebus puits".split()
)


def _edit_distance_le1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one inserted, deleted or replaced
    character ("seigner" / "seignier")."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def _full_name_in(sentence: str, first: str, by_first: dict[str, list[str]]) -> str | None:
    """The full name starting with ``first`` that ``sentence`` writes out, in any
    case ("la voix d'emmanuelle seigner"), or None."""
    folded = fold(sentence)
    for name in by_first[first]:
        at = folded.find(name)
        while at >= 0:
            end = at + len(name)
            if (at == 0 or not folded[at - 1].isalnum()) and (end == len(folded) or not folded[end].isalnum()):
                return name
            at = folded.find(name, end)
    return None


def compute_aspects(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> tuple[Aspect, ...]:
    """The subject's aspects, most talked about first.

    Counts are per review, so they always add up:

    * ``mentions`` -- reviews with at least one sentence naming the aspect;
    * ``positive`` / ``negative`` -- reviews whose sentences naming the aspect have
      summed polarity >= 0.3 / <= -0.3 (so ``positive + negative <= mentions``).

    Names are merged the way a reader would: a last name alone ("Seigner") or a
    full name partly in lower case ("emmanuelle seigner") joins the full name, a slightly
    misspelt last name ("Emmanuelle Seignier") joins the most mentioned spelling,
    and a lone first name ("Emmanuelle") joins the full name it starts -- the one
    named in the same review, else the most mentioned one; when two full names
    share it equally it is dropped (it could be either person). Ranked by
    mentions, then by polar mentions.
    """
    excluded = _title_keys(reviews)
    nouns, _ = _aspects._load_tables()
    # Display forms of each key, as written in the sentences naming it.
    forms: dict[str, dict[str, int]] = {}
    # (Sentences naming no aspect add nothing anywhere below: they are skipped.)
    pairs = Counter(
        chain.from_iterable(
            zip(sentence.aspects, sentence.aspect_forms)
            for analysis in analyses
            for sentence in analysis.sentences
            if sentence.aspects
        )
    )
    for (key, shown), n in pairs.items():
        forms.setdefault(key, {})[shown] = n
    # A name glued to the next capitalised word ("James Cameron Avatar", keyed
    # "avatar") names two things: the known full name and the rest.
    multi = [
        (key, shown)
        for (key, shown) in pairs
        if " " in shown and shown[:1].isupper() and not shown.isupper()
    ]
    names = {fold(shown): key for key, shown in multi}
    compound: dict[tuple[str, str], str] = {}  # (key, form) -> the other name's key
    for key, shown in multi:
        parts = shown.split()
        if len(parts) < 3:
            continue
        low = fold(shown).split()
        for n in range(len(parts) - 1, 1, -1):
            other = names.get(" ".join(low[:n]))
            if other is not None and other != key:
                compound[key, shown] = other
                rest = " ".join(parts[n:])
                f = forms[key]
                f[rest] = f.get(rest, 0) + f.pop(shown)
                break
    # Full names ("Emmanuelle Seigner"): folded first name -> keys, folded name -> key.
    full: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for key, shown in multi:
        if (key, shown) not in compound:
            name = fold(shown)
            full.setdefault(name.split()[0], set()).add(key)
            spelled.setdefault(name, key)
    by_first: dict[str, list[str]] = {}
    for name in sorted(spelled):
        by_first.setdefault(name.split()[0], []).append(name)
    compound_keys = {key for key, _ in compound}
    # Per review, per sentence: polarity and the keys it names.
    per_review: list[list[tuple[float, tuple[str, ...]]]] = []
    for analysis in analyses:
        if not (compound_keys or by_first):
            per_review.append([(s.polarity, s.aspects) for s in analysis.sentences if s.aspects])
            continue
        rows = []
        for sentence in analysis.sentences:
            keys = sentence.aspects
            if keys:
                if not compound_keys.isdisjoint(keys):
                    extra = [compound.get(pair) for pair in zip(keys, sentence.aspect_forms)]
                    keys = tuple(dict.fromkeys(keys + tuple(k for k in extra if k)))
                if not by_first.keys().isdisjoint(keys):
                    # A first name the extractor found alone, but the sentence
                    # goes on with the last name in lower case ("d'emmanuelle
                    # seigner"): the full name.
                    for first in by_first.keys() & set(keys):
                        name = _full_name_in(sentence.text, first, by_first)
                        if name is not None:
                            key = spelled[name]
                            keys = tuple(k for k in keys if k not in (first, key)) + (key,)
                rows.append((sentence.polarity, keys))
        per_review.append(rows)
    # Misspelt last names of the same first name join the most mentioned spelling.
    name_keys = {key for keys in full.values() for key in keys}
    mentions: Counter[str] = Counter()
    for rows in per_review:
        mentions.update(name_keys.intersection(chain.from_iterable(keys for _, keys in rows)))
    alias: dict[str, str] = {}
    for keys in full.values():
        ordered = sorted(keys, key=lambda k: (-mentions[k], k))
        for i, key in enumerate(ordered):
            for target in ordered[:i]:
                if target not in alias and len(key) >= 5 and _edit_distance_le1(key, target):
                    alias[key] = target
                    break
    if alias:
        mentions = Counter()
        for rows in per_review:
            mentions.update({alias.get(k, k) for _, keys in rows for k in keys if k in name_keys})
        for key, target in alias.items():
            for shown, n in forms.pop(key, {}).items():
                forms.setdefault(target, {})[shown] = forms.get(target, {}).get(shown, 0) + n
    # Lone first names: the full name named in the same review, else the most
    # mentioned one; None (dropped) when two full names are equally likely.
    lone: dict[str, str | None] = {}
    candidates: dict[str, set[str]] = {}
    for first, keys in full.items():
        if first in keys or first in nouns or first in excluded:
            continue
        targets = sorted({alias.get(k, k) for k in keys}, key=lambda k: (-mentions[k], k))
        candidates[first] = set(targets)
        if len(targets) > 1 and mentions[targets[0]] == mentions[targets[1]]:
            lone[first] = None
        else:
            lone[first] = targets[0]
    counts: dict[str, list[int]] = {}  # key -> [mentions, positive, negative]
    renamed = set(alias) | set(lone)
    for rows in per_review:
        named: set[str] = set()
        if renamed:
            named = set(chain.from_iterable(keys for _, keys in rows))
            if alias:
                named = {alias.get(k, k) for k in named}
        sums: dict[str, float] = {}
        for polarity, keys in rows:
            if renamed and not renamed.isdisjoint(keys):
                resolved = set()
                for key in keys:
                    key = alias.get(key, key)
                    if key in lone:
                        here = candidates[key] & named
                        target = min(here) if len(here) == 1 else lone[key]
                        if target is None:
                            continue
                        key = target
                    resolved.add(key)
                keys = tuple(resolved)
            for key in keys:
                sums[key] = sums.get(key, 0.0) + polarity
        for key, total in sums.items():
            c = counts.get(key)
            if c is None:
                c = counts[key] = [0, 0, 0]
            c[0] += 1
            if total >= STRONG_SENTENCE:
                c[1] += 1
            elif total <= -STRONG_SENTENCE:
                c[2] += 1
    minimum = 2 if len(reviews) > 3 else 1
    ranked = sorted(
        (k for k, c in counts.items() if k not in excluded and c[0] >= minimum),
        key=lambda k: (-counts[k][0], -(counts[k][1] + counts[k][2]), k),
    )
    out = []
    for key in ranked:
        if len(out) == MAX_ASPECTS:
            break
        shown = _display(forms.get(key))
        if not shown:
            continue
        m, pos, neg = counts[key]
        out.append(Aspect(key, shown, m, pos, neg))
    return tuple(out)


def _display(f: dict[str, int] | None) -> str:
    """How to write an aspect: a full name rather than a lone last name, then its
    most used form, then capitalised rather than lower case."""
    if not f:
        return ""
    return max(f, key=lambda s: (len(s.split()) > 1 and s[:1].isupper(), f[s], s[:1].isupper(), s))


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = set(fold(a).split()), set(fold(b).split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > 0.6


# Openings that tie a sentence to the one before ("Et le pire c'est que..."): a
# short sentence opening with one reads as a fragment once quoted alone.
_CONNECTORS = frozenset("et mais donc or puis ou car ni sinon alors ensuite pourtant".split())
_SHORT_CONNECTED = 12  # words: from this length, a connector opening is fine
_LONG_ELLIPSIS = 8  # words: from this length, a complete sentence may trail off "..."
_WORDS = re.compile(r"\w+")


def is_fragment(text: str, next_text: str = "", names: int = 0) -> bool:
    """Whether a sentence reads as a fragment once quoted on its own.

    Fragments: opening in lower case ("...mais pas la fin."); a short sentence
    opening with a connector ("Et le pire c'est que les gens regardent ...");
    one trailing off with "..." or "…" unless long and complete (a verb, and the
    review does not go on in lower case: "Un excellent film sur les stars...
    mais aussi..."); unbalanced brackets; no noun at all, or no verb and a single
    noun (a nominal sentence needs two: "Un film obsolète, une histoire incensée.").
    ``names`` is how many aspects the sentence names (proper names count as nouns);
    ``next_text`` is the review's next sentence.
    """
    opening = text.lstrip("«\"“'( ")
    if not opening or not (opening[0].isupper() or opening[0].isdigit()):
        return True
    words = _WORDS.findall(fold(text))
    n = len(text.split())
    if words and words[0] in _CONNECTORS and n < _SHORT_CONNECTED:
        return True
    if text.count("(") != text.count(")"):
        return True
    verbs, nouns = _aspects.word_classes()
    has_verb = any(w in verbs for w in words)
    noun_count = names
    for w in words:
        if noun_count >= 2:
            break
        if w in nouns or (w[-1] in "sx" and w[:-1] in nouns):
            noun_count += 1
    if noun_count == 0 or (not has_verb and noun_count < 2):
        return True
    stripped = text.rstrip(" \"'»”)")
    if stripped.endswith(("...", "…", "..", ",", ":", ";")):
        if stripped.endswith((",", ":", ";")):
            return True
        if n < _LONG_ELLIPSIS or not has_verb:
            return True
        if next_text[:1].islower():
            return True
    return False


def pick_quotes(
    reviews: Sequence[Review],
    analyses: Sequence[ReviewAnalysis],
    *,
    positive: bool,
    limit: int = 3,
    aspects: Sequence[Aspect] = (),
    scale: int = 5,
) -> tuple[Quote, ...]:
    """Whole, readable (6-40 words), strongly polar sentences from reviews that agree
    with them: never a question or a fragment (``is_fragment``), never two from one
    review, never near-duplicates; reviews the analyzer is most sure about first
    (``QUOTE_MIN_REVIEW``, then ``QUOTE_FALLBACK_REVIEW`` for free slots);
    sentences naming one of the subject's aspects preferred, and each quote on an
    aspect not yet quoted when there is one."""
    important = {a.key: i for i, a in enumerate(aspects)}
    candidates = []
    for review, analysis in zip(reviews, analyses):
        if analysis.label != ("positive" if positive else "negative"):
            continue
        if abs(analysis.polarity) < QUOTE_FALLBACK_REVIEW:
            continue
        tier = 0 if abs(analysis.polarity) >= QUOTE_MIN_REVIEW else 1
        if review.rating is not None:
            share = review.rating / scale
            if (positive and share < GOOD_RATING) or (not positive and share > 0.5):
                continue
        sentences = analysis.sentences
        last = max(1, len(sentences) - 1)
        for index, sentence in enumerate(sentences):
            text = sentence.text
            words = len(text.split())
            if words < QUOTE_MIN_WORDS or words > QUOTE_MAX_WORDS or "?" in text:
                continue
            polarity = sentence.polarity if positive else -sentence.polarity
            if polarity < QUOTE_MIN_POLARITY:
                continue
            following = sentences[index + 1].text if index + 1 < len(sentences) else ""
            named = sorted((k for k in sentence.aspects if k in important), key=important.get)
            strength = (
                polarity
                + abs(analysis.polarity)
                + (0.2 if named else 0.0)
                + QUOTE_LATE_BONUS * index / last
            )
            candidates.append(
                (tier, -round(strength, 6), review.id, sentence.start, review, sentence, named, following)
            )
    candidates.sort(key=lambda c: c[:4])
    chosen: list[Quote] = []
    used_reviews: set[str] = set()
    used_aspects: set[str] = set()
    fragments: dict[int, bool] = {}  # checked lazily: only the few candidates reached
    # Confident reviews first (both passes), then the fallback tier for free slots.
    for tier_, pass_ in ((0, 0), (0, 1), (1, 0), (1, 1)):
        for n, (tier, _, _, _, review, sentence, named, following) in enumerate(candidates):
            if len(chosen) == limit:
                break
            if tier != tier_:
                continue
            if review.id in used_reviews:
                continue
            fresh = [k for k in named if k not in used_aspects]
            if pass_ == 0 and named and not fresh:
                continue
            if n not in fragments:
                fragments[n] = is_fragment(sentence.text, following, len(sentence.aspects))
            if fragments[n]:
                continue
            if any(_near_duplicate(sentence.text, q.text) for q in chosen):
                continue
            used_reviews.add(review.id)
            aspect = fresh[0] if fresh else (named[0] if named else "")
            used_aspects.update(named)
            chosen.append(
                Quote(sentence.text, review.id, sentence.polarity, sentence.start, sentence.end, aspect)
            )
    return tuple(chosen)


# --- consensus -----------------------------------------------------------------

NNBSP = "\u202f"  # narrow no-break space, before ; : ! ? in French
# Gender of common review nouns, by aspect key (folded singular).
_MASCULINE = frozenset(
    (
        "scenario acteur casting dialogue episode personnage jeu rythme montage doublage "
        "decor costume suspense humour univer univers heros mechant duo role sujet film "
        "realisateur scenariste comedien chanteur interprete effets effets speciaux "
        "son pilote final finale-de-saison cliffhanger zombie groupe succes cliche "
        "interet amour ton message propos theme format visuel spectacle talent charisme "
        "plan cadre recit denouement twist rebondissement traitement realisme "
        "travail script casting doublage sous-titre generique tournage budget"
    ).split()
) | {"effets speciaux"}
_FEMININE_KEYS = frozenset(
    (
        "histoire mise en scene musique chanson realisation fin saison actrice interpretation "
        "intrigue scene image photographie voix serie emotion comedie idee ambiance atmosphere "
        "performance chanteuse presence psychologie relation star bande originale heroine "
        "realisatrice comedienne fille famille planete banlieue longueur lenteur "
        "suite narration tension action violence morale bo b.o bande-son distribution "
        "intensite qualite duree partition vie realite bande-annonce"
    ).split()
) | {"mise en scene", "bande originale"}
# Words whose "h" forbids elision ("le héros", not "l'héros").
_H_ASPIRE = frozenset("heros hasard haine honte hauteur handicap hall hockey huis hurlement".split())
_FEMININE_ENDINGS = ("tion", "sion", "ure", "ence", "ance", "ette", "euse", "trice", "ude", "esse", "aison", "ite")
_MASCULINE_ENDINGS = ("ment", "isme", "oir", "ier", "eau")


def _gender(aspect: Aspect, guess: bool = True) -> str:
    """"m", "f" or "" (unknown) for a common noun: from the table, else (with
    ``guess``) from a telling ending ("-tion", "-ment")."""
    shown = fold(aspect.text)
    for word in (fold(aspect.key), shown, shown[:-1] if shown[-1:] in "sx" else shown):
        if word in _FEMININE_KEYS:
            return "f"
        if word in _MASCULINE:
            return "m"
    if not guess:
        return ""
    key = fold(aspect.key)
    if key.endswith(_FEMININE_ENDINGS) and len(key) > 5:
        return "f"
    if key.endswith(_MASCULINE_ENDINGS) and len(key) > 5 and key not in ("eau", "peau"):
        return "m"
    return ""


def _is_name(aspect: Aspect) -> bool:
    text = aspect.text
    return (
        text[:1].isupper()
        and not text.isupper()
        and not _gender(aspect, guess=False)
    )


def _is_plural(aspect: Aspect) -> bool:
    shown = fold(aspect.text)
    last = shown.split()[-1] if shown.split() else shown
    if last in _INVARIABLE or shown in _INVARIABLE:
        return False
    return shown.endswith(("s", "x")) and shown != aspect.key


def _with_article(aspect: Aspect, language: str) -> str | None:
    """The aspect as a noun phrase ("les chansons", "l'histoire", "Emmanuelle
    Seigner"); None when its article is unknown (French gender not known)."""
    text = aspect.text
    if _is_name(aspect):
        return text  # a name takes no article
    if language == "en":
        return f"the {text}"
    if _is_plural(aspect):
        return f"les {text}"
    shown = fold(text)
    if shown[:1] in "aeiouy" or (shown[:1] == "h" and shown.split()[0] not in _H_ASPIRE):
        return f"l'{text}"
    gender = _gender(aspect)
    if gender == "f":
        return f"la {text}"
    if gender == "m":
        return f"le {text}"
    return None


def _join(items: list[str], language: str) -> str:
    word = " and " if language == "en" else " et "
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + word + items[-1]


def _split_opinions(aspects: Sequence[Aspect]) -> tuple[list[Aspect], list[Aspect], list[Aspect]]:
    """(praised, criticised, divisive) aspects, in rank order: praised when at
    least twice as many reviews praise it as criticise it, criticised the reverse,
    divisive when neither side is twice the other; at least two polar reviews."""
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
    return praised, criticised, divisive


def consensus_sentence(aspects: Sequence[Aspect], language: str = "fr") -> str:
    """One deterministic sentence from the aspects' per-review counts: up to two
    praised aspects, two criticised, one divisive.

    French: names take no article, common nouns the article of their gender and
    number ("les chansons", "la mise en scène", "l'histoire"); a list with a noun
    whose gender is unknown is written without articles after a colon. French
    typography: a narrow no-break space (U+202F) before ";" and ":".
    """
    praised, criticised, divisive = _split_opinions(aspects)
    p, c, d = praised[:2], criticised[:2], divisive[:1]
    if language == "en":
        parts = []
        if p:
            parts.append(f"Reviewers mostly praise {_join([_with_article(a, 'en') or a.text for a in p], 'en')}")
        if c:
            parts.append(f"{'they criticise' if p else 'Reviewers criticise'} {_join([_with_article(a, 'en') or a.text for a in c], 'en')}")
        if d:
            phrase = f"{_join([_with_article(a, 'en') or a.text for a in d], 'en')} {'divide' if len(d) > 1 else 'divides'} opinion"
            parts.append(phrase if parts else phrase[0].upper() + phrase[1:])
        return ("; ".join(parts) + ".") if parts else ""

    def phrases(items: list[Aspect]) -> tuple[str, bool]:
        """The items joined, and whether they all took an article."""
        with_articles = [_with_article(a, "fr") for a in items]
        if all(w is not None for w in with_articles):
            return _join(with_articles, "fr"), True  # type: ignore[arg-type]
        return ", ".join(a.text for a in items), False

    parts = []
    if p:
        text, ok = phrases(p)
        subject = "ils saluent" if parts else "Les spectateurs saluent"
        parts.append(f"{subject} surtout {text}" if ok else f"{subject} surtout{NNBSP}: {text}")
    if c:
        text, ok = phrases(c)
        subject = "ils critiquent" if parts else "Les spectateurs critiquent"
        parts.append(f"{subject} {text}" if ok else f"{subject}{NNBSP}: {text}")
    if d:
        text, ok = phrases(d)
        if ok:
            plural = len(d) > 1 or text.startswith("les ")
            phrase = f"{text} {'divisent' if plural else 'divise'}"
        else:
            phrase = f"les avis divergent{NNBSP}: {text}"
        parts.append(phrase if parts else phrase[0].upper() + phrase[1:])
    return (f"{NNBSP}; ".join(parts) + ".") if parts else ""


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
