"""Atom feeds: ``feed.xml`` (the site's newest reviews) and ``<slug>/feed.xml`` (a
subject's), valid Atom 1.0 (RFC 4287), linked from the pages with
``<link rel="alternate" type="application/atom+xml">``.

Written with a Jinja template (``templates/feed.xml``, overridable like the
theme's other files) rather than ``feedgen``: feedgen pulls in lxml and
python-dateutil and builds a tree per entry; a template writes the same few
elements in a fraction of the time, and escaping is Jinja's autoescape.

Only dated reviews are entries: Atom requires an ``updated`` time per entry and
per feed, and sitegen never invents one (a build must give the same bytes from
the same content, whenever it runs). A subject without dated reviews has no feed,
and a site without any has no site feed.

Ids are ``urn:uuid:`` URNs derived from the subject's slug and the review's id, so
they stay the same when the site moves to another address. Links are absolute
under ``base_url``; without one they are relative to the feed (RFC 4287 resolves
them against the feed's own URL, but some feed readers do not), and the build
says so.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.i18n import iso_date

if TYPE_CHECKING:
    from generator.analysis.types import ReviewAnalysis
    from generator.content import Review
    from generator.site import CardPage

log = logging.getLogger(__name__)

PER_SUBJECT = 20  # entries in a subject's feed
PER_SITE = 30  # entries in the site's feed
EXCERPT_CHARS = 600  # of a review's text, in its entry
SITE_FEED = "feed.xml"
_NAMESPACE = uuid.UUID("6f1c2b52-3c55-4c69-9a57-4f0d7b1f2a10")  # sitegen's, for uuid5
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Entry(NamedTuple):
    """One dated review as the feeds show it. (A named tuple: it unpickles in half
    the time of a frozen dataclass; see ``StoredEntries``.)"""

    review_id: str
    date: str  # YYYY-MM-DD (a month alone: its first day)
    title: str
    author: str
    label: str
    rating: float | None
    text: str  # at most EXCERPT_CHARS
    page: str  # output path of the card's page


class StoredEntries(Sequence[Entry]):
    """A subject's newest dated reviews as the build cache keeps them for an
    unchanged subject: their dates at hand (what the site feed's choice needs,
    ``entry_dates``), the entries read (``load``) only when a page shows them. At
    1,000 subjects, reading every subject's entries was most of reading the cached
    subjects, though the site feed shows 30. Compares, prints and pickles as a
    tuple."""

    __slots__ = ("_entries", "_load", "dates")

    def __init__(self, dates: tuple[str, ...], load: Callable[[], Sequence[Entry]]) -> None:
        self.dates = dates
        self._load = load
        self._entries: tuple[Entry, ...] | None = None

    def _all(self) -> tuple[Entry, ...]:
        if self._entries is None:
            self._entries = tuple(self._load())
        return self._entries

    def __len__(self) -> int:
        return len(self.dates)

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredEntries):
            other = other._all()
        return self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> Any:
        return (tuple, (self._all(),))


def entry_dates(entries: Sequence[Entry]) -> Sequence[str]:
    """The dates of ``entries`` (without unpickling ``StoredEntries``)."""
    if isinstance(entries, StoredEntries):
        return entries.dates
    return [e.date for e in entries]


def newest(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], pages: Sequence[CardPage]
) -> tuple[Entry, ...]:
    """A subject's newest dated reviews (at most ``PER_SUBJECT``), newest first; on
    the same day, the one further down its file first."""
    dated = []
    for index, (review, analysis) in enumerate(zip(reviews, analyses)):
        day = iso_date(review.date) if review.date else ""
        if day:
            dated.append((day if len(day) == 10 else day + "-01", index))
    if not dated:
        return ()
    dated.sort(reverse=True)
    page_of = {card.review.id: page.path for page in pages for card in page.cards}
    out = []
    for day, index in dated[:PER_SUBJECT]:
        review = reviews[index]
        text = (
            review.text
            if len(review.text) <= EXCERPT_CHARS
            else review.text[: EXCERPT_CHARS - 1].rstrip() + "…"
        )
        out.append(
            Entry(
                review.id,
                day,
                review.title,
                review.author,
                analyses[index].label,
                review.rating,
                text,
                page_of.get(review.id, ""),
            )
        )
    return tuple(out)


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (escaping is the template's)."""
    return _NOT_XML.sub("", text)


def entry_id(slug: str, review_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{slug}/{review_id}')}"


def feed_id(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'feed:{name}')}"


def subject_feed_path(slug: str) -> str:
    return f"{slug}/feed.xml"


def warn_relative_links() -> None:
    log.warning(
        "base_url is empty in sitegen.toml: the Atom feeds' links are relative to the feed, "
        "which some feed readers do not resolve; set base_url to the site's public address"
    )
