"""Per-subject summary: verdict, aspects, pro and con quotes, consensus sentence,
and the reviews whose text and rating disagree.

Pure function of the subject's reviews and their analyses; their order makes no
difference. Built in stages whose sums can be updated after a small edit
(``generator/analysis/summary_state.py``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import Any

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


# --- aspects ---------------------------------------------------------------------
#
# ``compute_aspects`` works in stages, so that a large subject's aspects can be
# updated after a small edit (``generator/analysis/summary_state.py``) with the
# same code that makes them from scratch:
#
# 1. ``pairs``: how often each (key, form) is written, summed over the reviews;
# 2. ``_Names``: what the capitalised multi-word forms among them say about
#    people's names (a function of the *set* of those forms);
# 3. per review, its sentences' polarity and keys with names resolved (``_rows``);
#    summed: how many reviews name each name key (``raw``);
# 4. ``_Aliases``: misspelt last names and lone first names (from 2 and 3);
#    summed again with the aliases: ``final``;
# 5. per review, the keys it names and whether it praises or criticises them
#    (``_review_counts``); summed: ``counts``;
# 6. ranking and display forms (``_rank``).
#
# Sums are additive over reviews; 2 and 4 are recomputed from them.


class AspectTally:
    """The sums ``compute_aspects`` ranks from (see above): what a review adds to
    them can be taken off again."""

    __slots__ = ("counts", "final", "pairs", "raw")

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()  # (key, form) -> sentences
        self.raw: Counter[str] = Counter()  # name key -> reviews naming it
        self.final: Counter[str] = Counter()  # the same, aliases applied
        self.counts: dict[str, list[int]] = {}  # key -> [mentions, positive, negative]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AspectTally) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return (dict(self.pairs), dict(self.raw), dict(self.final), self.counts)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        pairs, raw, final, self.counts = state
        self.pairs, self.raw, self.final = Counter(pairs), Counter(raw), Counter(final)


class _Names:
    """What the subject's capitalised multi-word forms say about names. Made from
    the sorted set of those forms, so it does not depend on the reviews' order."""

    def __init__(self, pairs: Counter[tuple[str, str]]) -> None:
        self.multi = sorted(
            (key, shown) for (key, shown) in pairs if " " in shown and shown[:1].isupper() and not shown.isupper()
        )
        multi = self.multi
        names = {fold(shown): key for key, shown in multi}
        # A name glued to the next capitalised word ("James Cameron Avatar", keyed
        # "avatar") names two things: the known full name and the rest.
        # (key, form) -> (the other name's key, the rest of the form)
        self.compound: dict[tuple[str, str], tuple[str, str]] = {}
        for key, shown in multi:
            parts = shown.split()
            if len(parts) < 3:
                continue
            low = fold(shown).split()
            for n in range(len(parts) - 1, 1, -1):
                other = names.get(" ".join(low[:n]))
                if other is not None and other != key:
                    self.compound[key, shown] = (other, " ".join(parts[n:]))
                    break
        # Full names ("Emmanuelle Seigner"): folded first name -> keys, folded name -> key.
        self.full: dict[str, set[str]] = {}
        self.spelled: dict[str, str] = {}
        for key, shown in multi:
            if (key, shown) not in self.compound:
                name = fold(shown)
                self.full.setdefault(name.split()[0], set()).add(key)
                self.spelled.setdefault(name, key)
        self.by_first: dict[str, list[str]] = {}
        for name in sorted(self.spelled):
            self.by_first.setdefault(name.split()[0], []).append(name)
        self.compound_keys = {key for key, _ in self.compound}
        self.name_keys = {key for keys in self.full.values() for key in keys}


class _NeedsText(Exception):
    """A review's rows depend on its sentence texts, which the caller does not have."""


def _rows(analysis: ReviewAnalysis, names: _Names, texts: bool = True) -> list[tuple[float, tuple[str, ...]]]:
    """Per sentence naming an aspect: its polarity and the keys it names, names
    resolved. ``texts=False``: the sentences' texts are not known (raises
    ``_NeedsText`` when they would be needed)."""
    compound_keys, by_first = names.compound_keys, names.by_first
    if not (compound_keys or by_first):
        return [(s.polarity, s.aspects) for s in analysis.sentences if s.aspects]
    rows = []
    for sentence in analysis.sentences:
        keys = sentence.aspects
        if keys:
            if not compound_keys.isdisjoint(keys):
                extra = [names.compound.get(pair) for pair in zip(keys, sentence.aspect_forms)]
                keys = tuple(dict.fromkeys(keys + tuple(k[0] for k in extra if k)))
            if not by_first.keys().isdisjoint(keys):
                # A first name the extractor found alone, but the sentence
                # goes on with the last name in lower case ("d'emmanuelle
                # seigner"): the full name.
                if not texts:
                    raise _NeedsText
                for first in sorted(by_first.keys() & set(keys)):
                    name = _full_name_in(sentence.text, first, by_first)
                    if name is not None:
                        key = names.spelled[name]
                        keys = tuple(k for k in keys if k not in (first, key)) + (key,)
            rows.append((sentence.polarity, keys))
    return rows


def _named(rows: list[tuple[float, tuple[str, ...]]], names: _Names, alias: dict[str, str]) -> set[str]:
    """The name keys a review's rows name, aliases applied."""
    found = names.name_keys.intersection(chain.from_iterable(keys for _, keys in rows))
    return {alias.get(k, k) for k in found} if alias else found


class _Aliases:
    """Misspelt last names and lone first names, from the names and how many
    reviews name each."""

    def __init__(self, names: _Names, raw: Counter[str], final: Counter[str] | None, nouns: Any, excluded: set[str]) -> None:
        # Misspelt last names of the same first name join the most mentioned spelling.
        self.alias: dict[str, str] = {}
        alias = self.alias
        for keys in names.full.values():
            ordered = sorted(keys, key=lambda k: (-raw[k], k))
            for i, key in enumerate(ordered):
                for target in ordered[:i]:
                    if target not in alias and len(key) >= 5 and _edit_distance_le1(key, target):
                        alias[key] = target
                        break
        # A key shared by two first names ("Seigner": Emmanuelle and Mathilde) may be
        # a target in one group and join another spelling in the next: follow the
        # chain to its end, or the reviews that named the first spelling would count
        # under a key that no longer has a display form.
        for key, target in alias.items():
            seen = {key}
            while target in alias and target not in seen:
                seen.add(target)
                target = alias[target]
            alias[key] = target
        mentions = final if (alias and final is not None) else raw
        # Lone first names: the full name named in the same review, else the most
        # mentioned one; None (dropped) when two full names are equally likely.
        self.lone: dict[str, str | None] = {}
        self.candidates: dict[str, set[str]] = {}
        for first, keys in names.full.items():
            if first in keys or first in nouns or first in excluded:
                continue
            targets = sorted({alias.get(k, k) for k in keys}, key=lambda k: (-mentions[k], k))
            self.candidates[first] = set(targets)
            if len(targets) > 1 and mentions[targets[0]] == mentions[targets[1]]:
                self.lone[first] = None
            else:
                self.lone[first] = targets[0]
        self.renamed = set(alias) | set(self.lone)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Aliases)
            and self.alias == other.alias
            and self.lone == other.lone
            and self.candidates == other.candidates
        )


def _review_counts(rows: list[tuple[float, tuple[str, ...]]], aliases: _Aliases) -> dict[str, float]:
    """The keys one review names, each with the summed polarity of its sentences
    naming it."""
    alias, lone, candidates, renamed = aliases.alias, aliases.lone, aliases.candidates, aliases.renamed
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
    return sums


def _add_counts(counts: dict[str, list[int]], sums: dict[str, float], sign: int = 1) -> None:
    """Add (``sign`` 1) or take off (-1) one review's ``_review_counts``."""
    for key, total in sums.items():
        c = counts.get(key)
        if c is None:
            c = counts[key] = [0, 0, 0]
        c[0] += sign
        if total >= STRONG_SENTENCE:
            c[1] += sign
        elif total <= -STRONG_SENTENCE:
            c[2] += sign
        if not c[0]:
            del counts[key]


def _aspect_pairs(analysis: ReviewAnalysis) -> Counter[tuple[str, str]]:
    return Counter(
        chain.from_iterable(zip(s.aspects, s.aspect_forms) for s in analysis.sentences if s.aspects)
    )


def _rank(tally: AspectTally, names: _Names, aliases: _Aliases, excluded: set[str], reviews: int) -> tuple[Aspect, ...]:
    """The aspects to show, from the sums: most mentioned first, with their display
    forms (as written in the sentences naming them)."""
    forms: dict[str, dict[str, int]] = {}
    for (key, shown), n in tally.pairs.items():
        forms.setdefault(key, {})[shown] = n
    for (key, shown), (_, rest) in names.compound.items():
        f = forms[key]
        f[rest] = f.get(rest, 0) + f.pop(shown)
    for key, target in aliases.alias.items():
        for shown, n in forms.pop(key, {}).items():
            forms.setdefault(target, {})[shown] = forms.get(target, {}).get(shown, 0) + n
    counts = tally.counts
    minimum = 2 if reviews > 3 else 1
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
    mentions, then by polar mentions. The reviews' order makes no difference.
    """
    return aspects_with_tally(reviews, analyses)[0]


def aspects_with_tally(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis]
) -> tuple[tuple[Aspect, ...], AspectTally]:
    """``compute_aspects`` and the sums it ranked from."""
    excluded = _title_keys(reviews)
    nouns, _ = _aspects._load_tables()
    tally = AspectTally()
    # (Sentences naming no aspect add nothing anywhere below: they are skipped.)
    tally.pairs = Counter(
        chain.from_iterable(
            zip(sentence.aspects, sentence.aspect_forms)
            for analysis in analyses
            for sentence in analysis.sentences
            if sentence.aspects
        )
    )
    names = _Names(tally.pairs)
    per_review = [_rows(analysis, names) for analysis in analyses]
    if names.name_keys:
        for rows in per_review:
            tally.raw.update(_named(rows, names, {}))
    aliases = _Aliases(names, tally.raw, None, nouns, excluded)
    if aliases.alias:
        for rows in per_review:
            tally.final.update(_named(rows, names, aliases.alias))
        aliases = _Aliases(names, tally.raw, tally.final, nouns, excluded)
    else:
        tally.final = Counter(tally.raw)
    for rows in per_review:
        _add_counts(tally.counts, _review_counts(rows, aliases))
    return _rank(tally, names, aliases, excluded, len(reviews)), tally


def update_aspects(
    tally: AspectTally,
    excluded: set[str],
    reviews: int,
    removed: Sequence[ReviewAnalysis],
    added: Sequence[ReviewAnalysis],
) -> tuple[tuple[Aspect, ...], AspectTally] | None:
    """The aspects once the reviews analysed as ``removed`` are taken out of a
    subject summed up in ``tally`` and those analysed as ``added`` put in
    (``reviews``: how many it then has; ``excluded``: ``_title_keys``), and the new
    sums: what ``aspects_with_tally`` would give on the whole new subject. None
    when the edit changes how names are merged (the caller then starts afresh),
    or when a removed review's rows would need its sentence texts (``removed`` are
    decoded without them)."""
    nouns, _ = _aspects._load_tables()
    names = _Names(tally.pairs)
    try:
        removed_rows = [_rows(a, names, texts=False) for a in removed]
    except _NeedsText:
        return None
    added_rows = [_rows(a, names) for a in added]
    new = AspectTally()
    new.pairs = Counter(tally.pairs)
    for a in removed:
        new.pairs.subtract(_aspect_pairs(a))
    for a in added:
        new.pairs.update(_aspect_pairs(a))
    new.pairs = +new.pairs  # (only positive counts)
    if _Names(new.pairs).multi != names.multi:
        return None
    before = _Aliases(names, tally.raw, tally.final, nouns, excluded)
    new.raw = Counter(tally.raw)
    new.final = Counter(tally.final)
    for rows_list, sign in ((removed_rows, -1), (added_rows, 1)):
        for rows in rows_list:
            for key in _named(rows, names, {}):
                new.raw[key] += sign
            for key in _named(rows, names, before.alias):
                new.final[key] += sign
    new.raw, new.final = +new.raw, +new.final
    after = _Aliases(names, new.raw, new.final, nouns, excluded)
    if after != before:
        return None
    new.counts = {key: list(c) for key, c in tally.counts.items()}
    for rows in removed_rows:
        _add_counts(new.counts, _review_counts(rows, before), -1)
    for rows in added_rows:
        _add_counts(new.counts, _review_counts(rows, before))
    return _rank(new, names, after, excluded, reviews), new


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


def quote_candidates(
    review: Review,
    analysis: ReviewAnalysis,
    *,
    positive: bool,
    important: dict[str, int],
    scale: int = 5,
) -> list[tuple[Any, ...]]:
    """One review's sentences that ``pick_quotes`` may pick on one side, as sortable
    tuples whose first four items (tier, -strength, review id, sentence start) are
    their rank (``important``: the subject's aspect keys -> rank)."""
    if analysis.label != ("positive" if positive else "negative"):
        return []
    if abs(analysis.polarity) < QUOTE_FALLBACK_REVIEW:
        return []
    tier = 0 if abs(analysis.polarity) >= QUOTE_MIN_REVIEW else 1
    if review.rating is not None:
        share = review.rating / scale
        if (positive and share < GOOD_RATING) or (not positive and share > 0.5):
            return []
    candidates = []
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
    return candidates


# A rank after every candidate's (tiers are 0 and 1).
EVERYTHING: tuple[Any, ...] = (2,)


def select_quotes(candidates: list[tuple[Any, ...]], limit: int = 3) -> tuple[tuple[Quote, ...], tuple[Any, ...]]:
    """``pick_quotes``' choice among ``candidates`` (``quote_candidates``, sorted),
    and its horizon: the rank up to which candidates were looked at. Candidates
    ranked after it made no difference: one more or one less there picks the
    same quotes."""
    chosen: list[Quote] = []
    used_reviews: set[str] = set()
    used_aspects: set[str] = set()
    fragments: dict[int, bool] = {}  # checked lazily: only the few candidates reached
    horizon = EVERYTHING
    # Confident reviews first (both passes), then the fallback tier for free slots.
    for tier_, pass_ in ((0, 0), (0, 1), (1, 0), (1, 1)):
        if len(chosen) == limit:
            break
        for n, (tier, _, _, _, review, sentence, named, following) in enumerate(candidates):
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
            if len(chosen) == limit:
                # Every candidate before this one was looked at, in this pass or
                # (lower tier, or this tier's first pass) in an earlier one.
                horizon = candidates[n][:4] if pass_ == 0 else (tier_, float("inf"))
                break
    if len(chosen) < limit:
        horizon = EVERYTHING
    return tuple(chosen), horizon


def _quotes_side(
    reviews: Sequence[Review],
    analyses: Sequence[ReviewAnalysis],
    positive: bool,
    important: dict[str, int],
    scale: int,
    limit: int = 3,
) -> tuple[tuple[Quote, ...], tuple[Any, ...], list[tuple[Any, ...] | None]]:
    """One side's quotes, their horizon (``select_quotes``) and each review's best
    candidate rank (None: it has none)."""
    candidates = []
    best: list[tuple[Any, ...] | None] = []
    for review, analysis in zip(reviews, analyses):
        found = quote_candidates(review, analysis, positive=positive, important=important, scale=scale)
        best.append(min(c[:4] for c in found) if found else None)
        candidates.extend(found)
    candidates.sort(key=lambda c: c[:4])
    quotes, horizon = select_quotes(candidates, limit)
    return quotes, horizon, best


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
    return _quotes_side(reviews, analyses, positive, important, scale, limit)[0]


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
    return summarize_parts(reviews, analyses, config)[0]


def summarize_parts(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> tuple[SubjectSummary, AspectTally, tuple[tuple[Any, ...], tuple[Any, ...]], list[tuple[Any, Any]]]:
    """``summarize_subject``, and what it was made of (for
    ``generator.analysis.summary_state``): the aspect sums, the pros' and cons'
    horizons, and per review its best pro and con candidate ranks."""
    aspects, tally = aspects_with_tally(reviews, analyses)
    scale = config.rating_scale
    important = {a.key: i for i, a in enumerate(aspects)}
    pros, pro_horizon, pro_best = _quotes_side(reviews, analyses, True, important, scale)
    cons, con_horizon, con_best = _quotes_side(reviews, analyses, False, important, scale)
    summary = SubjectSummary(
        verdict=compute_verdict(reviews, analyses, config),
        aspects=aspects,
        pros=pros,
        cons=cons,
        consensus=consensus_sentence(aspects, config.language),
        disagreements=find_disagreements(reviews, analyses, config),
    )
    return summary, tally, (pro_horizon, con_horizon), list(zip(pro_best, con_best))
