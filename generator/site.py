"""The site model: subjects with their slugs, URLs and pages, built from the corpus
and the analysis, before any rendering.

Every URL here is relative to the output root (``backstage/index.html``), and every
output path is checked to stay inside the output folder.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from slugify import slugify

from generator import feeds, search
from generator.analysis.types import Mention, ReviewAnalysis, SubjectSummary
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta

log = logging.getLogger(__name__)

MAX_SLUG = 60
# Names the site itself uses at its root, and names Windows cannot hold.
RESERVED_SLUGS = {
    "index",
    "static",
    "assets",
    "data",
    "sitemap",
    "robots",
    "404",
    "page",
    "search",
    "favicon",
    "categories",
    "feed",
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


@dataclass(frozen=True)
class Card:
    """One review as its card shows it."""

    review: Review
    analysis: ReviewAnalysis
    disagrees: bool = False  # text and rating disagree strongly
    highlight: tuple[int, int] | None = None  # offsets of the quoted sentence
    # Its aspect mentions under the subject's aspect keys (``SubjectSummary.mentions_of``)
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class CardPage:
    """One page of a subject's cards (subjects with many reviews paginate)."""

    number: int  # 1-based
    path: str  # output path, e.g. "backstage/index.html" or "backstage/page/2/index.html"
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Subject:
    """One film, series or product and everything its page shows."""

    key: str
    slug: str
    title: str
    meta: SubjectMeta
    reviews: tuple[Review, ...]
    analyses: tuple[ReviewAnalysis, ...]
    summary: SubjectSummary
    pages: tuple[CardPage, ...] = ()
    latest: tuple[feeds.Entry, ...] = ()  # newest dated reviews, for the feeds
    search_index: search.SubjectIndex | None = field(default=None, compare=False, repr=False)

    @property
    def search_filter(self) -> str:
        """Its search shard's Bloom filter (``search``)."""
        return self.search_index.filter if self.search_index is not None else ""

    @property
    def url(self) -> str:
        """Relative URL of the subject's first page from the site root."""
        return f"{self.slug}/index.html"

    @property
    def review_count(self) -> int:
        return len(self.reviews)

    @property
    def cards_path(self) -> str | None:
        """Output path of the subject's cards data file (``<slug>/cards.js``: every
        card, for the page's filters and sorting to reach all pages), or None when
        the subject has one page (its page holds every card)."""
        return f"{self.slug}/cards.js" if len(self.pages) > 1 else None

    def review_page(self, review_id: str) -> str:
        """Output path of the card page holding a review."""
        return self._page_of.get(review_id, self.url)

    @cached_property
    def _page_of(self) -> dict[str, str]:
        """Review id -> path of its card page (built once: every page links its
        quotes to their cards, and a subject may have thousands of cards)."""
        index: dict[str, str] = {}
        for page in self.pages:
            for card in page.cards:
                index.setdefault(card.review.id, page.path)
        return index


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    subjects: tuple[Subject, ...] = field(default_factory=tuple)

    @property
    def review_count(self) -> int:
        return sum(s.review_count for s in self.subjects)


def make_slug(key: str, taken: set[str]) -> str:
    """A URL-safe, stable slug that cannot escape the output folder.

    Distinct keys that would share a slug ("Été" and "ete", "Film" and "film") get
    a short suffix derived from the key itself, so slugs stay stable across builds
    whatever the input order. Reserved names (the site's own root entries, Windows
    device names such as ``con`` or ``com1``) and all-digit slugs get the suffix too.
    """
    base = slug_base(key)
    if base in RESERVED_SLUGS or base.isdigit():
        base = f"{base}-{_short_hash(key)}"
    slug = base
    if slug in taken:
        slug = f"{base[: MAX_SLUG - 9].rstrip('-')}-{_short_hash(key)}"
        n = 2
        while slug in taken:
            slug = f"{base[: MAX_SLUG - 12].rstrip('-')}-{_short_hash(key)}-{n}"
            n += 1
    taken.add(slug)
    return slug


@functools.lru_cache(maxsize=1 << 16)
def slug_base(key: str) -> str:
    """The plain slug of a key: lowercase ASCII letters, digits and ``-`` only (so no
    ``/``, ``..``, NUL or drive letter), at most ``MAX_SLUG`` characters, never empty.
    (Memoised: python-slugify takes about 20 µs, and every build asks for every
    subject's slug several times.)"""
    return slugify(key, max_length=MAX_SLUG, word_boundary=True, lowercase=True) or "sujet"


def slug_order(key: str) -> tuple[bool, str]:
    """The order keys claim slugs in: a key that is already its own slug (``film``)
    keeps it whatever other keys (``Film``, ``FILM``) appear; the rest by key, so the
    same keys always get the same slugs, whatever the input order."""
    return (slug_base(key) != key, key)


def _short_hash(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def display_title(key: str, meta: SubjectMeta | None, case: str = "as-written") -> str:
    """A subject's title: its metadata's, else its key with the separators of a file
    name (``-``, ``_``) made spaces and the words kept as the user wrote them
    (``case="as-written"``, the default: "fire tv stick" stays so). ``"first"``
    capitalises the first letter only; ``"words"`` every word but short linking
    words, and writes short words without a vowel in capitals ("Fire TV Stick")."""
    if meta and meta.title:
        return meta.title
    key = unicodedata.normalize("NFC", key).strip()
    words = (
        key if " " in key else re.sub(r"[-_]+", " ", key).strip()
    )  # a file stem such as "le_grand_bleu"
    words = words or key
    if case == "first":
        return (
            words
            if any(ch.isupper() for ch in words.split(" ")[0])
            else words[:1].upper() + words[1:]
        )
    if case == "words":
        return " ".join(_title_word(word, first=i == 0) for i, word in enumerate(words.split(" ")))
    return words


_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "but",
        "by",
        "de",
        "des",
        "du",
        "en",
        "et",
        "for",
        "from",
        "in",
        "into",
        "la",
        "le",
        "les",
        "of",
        "on",
        "or",
        "ou",
        "par",
        "pour",
        "sur",
        "the",
        "to",
        "un",
        "une",
        "with",
    ]
)


def _title_word(word: str, *, first: bool) -> str:
    if not word or any(ch.isupper() for ch in word):
        return word  # already cased by the user ("iPhone", "DVD")
    if not first and word in _SMALL_WORDS:
        return word
    if len(word) <= 3 and word.isalpha() and not any(ch in "aeiouyàâäéèêëîïôöùûü" for ch in word):
        return word.upper()  # "tv", "dvd", "hd"
    return word[:1].upper() + word[1:]


def paginate(slug: str, cards: Sequence[Card], page_size: int) -> tuple[CardPage, ...]:
    pages = []
    chunks = [cards[i : i + page_size] for i in range(0, len(cards), page_size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        path = f"{slug}/index.html" if number == 1 else f"{slug}/page/{number}/index.html"
        pages.append(CardPage(number, path, tuple(chunk)))
    return tuple(pages)


def make_cards(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], summary: SubjectSummary
) -> list[Card]:
    quoted = {q.review_id: (q.start, q.end) for q in (*summary.pros, *summary.cons)}
    return [
        Card(
            review,
            analysis,
            review.id in summary.disagreements,
            quoted.get(review.id),
            summary.mentions_of(review.text, analysis) if analysis.mentions else (),
        )
        for review, analysis in zip(reviews, analyses)
    ]


def make_subject(
    config: SiteConfig,
    key: str,
    slug: str,
    meta: SubjectMeta | None,
    reviews: Sequence[Review],
    analyses: Sequence[ReviewAnalysis],
    summary: SubjectSummary,
    known_words: Callable[[Subject], Mapping[int, Iterable[str]] | search.LastShard | None]
    | None = None,
) -> Subject:
    """One subject of the model, its slug already assigned (``build_site`` assigns
    them; a build's worker gets the one ``build_site`` will give). ``known_words``:
    given the subject, the search words of its cards known already (by card index),
    or its last search shard (``search.subject_index``)."""
    meta = meta or SubjectMeta(key=key)
    pages = paginate(slug, make_cards(reviews, analyses, summary), config.page_size)
    title = display_title(key, meta, config.title_case)
    subject = Subject(
        key=key,
        slug=slug,
        title=title,
        meta=meta,
        reviews=tuple(reviews),
        analyses=tuple(analyses),
        summary=summary,
        pages=pages,
        latest=feeds.newest(reviews, analyses, pages),
    )
    known = known_words(subject) if known_words is not None else None
    index = search.subject_index(slug, title, meta, summary, pages, known)
    return dataclasses.replace(subject, search_index=index)


def build_site(
    config: SiteConfig,
    subjects: Sequence[tuple[str, Sequence[Review], Sequence[ReviewAnalysis], SubjectSummary]],
    metas: dict[str, SubjectMeta],
) -> Site:
    """Assemble the model. ``subjects`` come in first-seen order; slugs are assigned
    in ``slug_order`` so that they do not depend on the input order, and adding a
    subject renames no other unless their slugs collide (see ``slug_order``)."""
    slugs = assign_slugs(k for k, *_ in subjects)
    built = [
        make_subject(config, key, slugs[key], metas.get(key), reviews, analyses, summary)
        for key, reviews, analyses, summary in subjects
    ]
    built.sort(key=site_order)
    return Site(config=config, subjects=tuple(built))


def assign_slugs(keys: Iterable[str]) -> dict[str, str]:
    """Subject key -> slug, as the site model has them: claimed in ``slug_order``."""
    taken: set[str] = set()
    return {key: make_slug(key, taken) for key in sorted(keys, key=slug_order)}


def site_order(subject: Any) -> tuple[int, str, str]:
    """The order of a site's subjects (home page, ``data.json``): best verdict
    first, then by title and slug."""
    return (-subject.summary.verdict.score, subject.title.casefold(), subject.slug)
