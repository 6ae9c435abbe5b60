"""Full-text search across the site, without a server: an index prebuilt at build
time, sharded by subject, searched in the browser by ``static/search.js`` on
``search/index.html``.

Why not Pagefind or lunr/MiniSearch: Pagefind indexes the built HTML in one pass
(29 s for the 10,000-review benchmark site on this loaded machine, again after
every edit, since it has no incremental mode), needs a web server (it fetches its
index and a WebAssembly module: nothing works from ``file://``), and its results
point at headings, not at review cards. One lunr or MiniSearch index of 100,000
reviews is tens of MB the browser must load before the first search. Here:

* each subject's reviews are indexed where the subject is built, into
  ``<slug>/search.js`` (its cards' words, postings per word, and short excerpts),
  written only when the subject changes, like its pages;
* ``search/index.js`` lists every subject with a Bloom filter of its words (about
  10 bits a word), so a search loads the shards of only the subjects that may
  hold every word searched;
* shards are plain scripts (``<script src>``), so search works from disk too.

Words are folded (case, accents, ``œ``), and reduced by a light stemmer for
French and English (plurals and a few common endings), the same in Python and in
``search.js`` (a test runs both on the same words).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.analysis.types import SubjectSummary
    from generator.content import SubjectMeta
    from generator.site import CardPage

log = logging.getLogger(__name__)

PAGE = "search/index.html"
INDEX = "search/index.js"
EXCERPT_CHARS = 160
HASHES = 6  # Bloom filter hash functions
BITS_PER_WORD = 10  # about 1 % false positives
SUBJECT_CARD = -1  # the "card" of the subject itself (title, consensus, aspects)

STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "d",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "est",
        "et",
        "il",
        "ils",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "mes",
        "mon",
        "n",
        "ne",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "ton",
        "tu",
        "un",
        "une",
        "vous",
        "y",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "with",
        "you",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase, no accents, ``œ`` and ``æ`` spelt out (as ``search.js`` does)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return _MARKS.sub("", unicodedata.normalize("NFD", text))


_MARKS = re.compile("[\u0300-\u036f]+")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light French and English stemmer: plurals and a few endings."""
    if len(word) <= 3 or word.isdigit():
        return word
    for ending in (
        "ements",
        "ement",
        "ations",
        "ation",
        "euses",
        "euse",
        "eux",
        "ives",
        "ive",
        "ies",
    ):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + ("i" if ending == "ies" else "")
    if word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words left out."""
    return [
        stem(w)
        for w in _WORD.findall(fold(text))
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]


def _fnv(text: str, seed: int) -> int:
    h = seed
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def bloom(terms: Iterable[str]) -> str:
    """A Bloom filter of ``terms`` (base64), as ``search.js`` tests it."""
    terms = sorted(set(terms))
    size = max(64, (len(terms) * BITS_PER_WORD + 7) // 8 * 8)
    bits = bytearray(size // 8)
    for term in terms:
        h1, h2 = _fnv(term, 0x811C9DC5), _fnv(term, 0x01000193) | 1
        for i in range(HASHES):
            bit = (h1 + i * h2) % size
            bits[bit >> 3] |= 1 << (bit & 7)
    return base64.b64encode(bytes(bits)).decode("ascii")


@dataclass(frozen=True)
class SubjectIndex:
    script: str  # <slug>/search.js
    filter: str  # its Bloom filter, for search/index.js


def subject_index(
    slug: str,
    title: str,
    meta: SubjectMeta,
    summary: SubjectSummary,
    pages: Sequence[CardPage],
    known: Mapping[int, Iterable[str]] | None = None,
) -> SubjectIndex:
    """The search shard of a subject: per word, the cards holding it (``-1``: the
    subject itself, by its title, year, consensus, aspects and categories); per
    card, its link from the site's root, title and excerpt. ``known``: the words
    of cards whose title, text and author are those of a card of the last shard
    (``card_words``), not made again."""
    postings: dict[str, list[int]] = {}
    known = known or {}

    def add(text: str, card: int) -> None:
        terms = known.get(card)
        for term in dict.fromkeys(words(text)) if terms is None else terms:
            postings.setdefault(term, []).append(card)  # (each card once per word)

    add(
        " ".join(
            [
                title,
                meta.year,
                summary.consensus,
                *(a.text for a in summary.aspects),
                *meta.categories,
            ]
        ),
        SUBJECT_CARD,
    )
    cards = []
    number = 0
    for page in pages:
        for card in page.cards:
            review = card.review
            add(review.title + " " + review.text + " " + review.author, number)
            text = (
                review.text
                if len(review.text) <= EXCERPT_CHARS
                else review.text[: EXCERPT_CHARS - 1].rstrip() + "…"
            )
            cards.append([page.path + "#review-" + review.id, review.title, text])
            number += 1
    data = {
        "slug": slug,
        "title": title,
        "url": f"{slug}/index.html",
        "cards": cards,
        "words": postings,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = _safe(text)
    return SubjectIndex(f"sitegenSearch.add({text});\n", bloom(postings))


def card_words(script: str) -> dict[int, list[str]]:
    """The words of each card of a shard (``subject_index``'s script), from its
    postings; {} when it is not one."""
    prefix, suffix = "sitegenSearch.add(", ");\n"
    if not (script.startswith(prefix) and script.endswith(suffix)):
        return {}
    try:
        data = json.loads(script[len(prefix) : -len(suffix)])
        postings = data["words"]
    except (ValueError, KeyError, TypeError):
        return {}
    found: dict[int, list[str]] = {}
    for term, cards in postings.items():
        for card in cards:
            found.setdefault(card, []).append(term)
    return found


def _safe(text: str) -> str:
    from generator.render import safe_json_text  # (render imports this module)

    return safe_json_text(text)


def shard_path(slug: str) -> str:
    return f"{slug}/search.js"


def index_script(entries: Sequence[tuple[str, str, str]]) -> str:
    """``search/index.js``: every subject (slug, title, Bloom filter), site order."""
    text = json.dumps([list(e) for e in entries], ensure_ascii=False, separators=(",", ":"))
    text = _safe(text)
    return f"sitegenSearch.subjects({text}, {HASHES});\n"
