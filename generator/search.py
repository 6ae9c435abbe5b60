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
import bisect
import json
import logging
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
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


def fold(text: str) -> str:
    """Lowercase, no accents, ``œ`` and ``æ`` spelt out (as ``search.js`` does)."""
    return _MARKS.sub("", _decomposed(text))


def _decomposed(text: str) -> str:
    """``fold`` but for taking the accents (combining marks) out."""
    return unicodedata.normalize("NFD", text.lower().replace("œ", "oe").replace("æ", "ae"))


_MARKS = re.compile("[\u0300-\u036f]+")


def stem(word: str) -> str:
    """A light French and English stemmer: plurals and a few endings (never "")."""
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
    """The stems of ``text``'s words (its fold's runs of ``[a-z0-9]``), stop
    words and single letters left out."""
    # In UTF-8 a character beyond ASCII is a lead byte (0xC2-0xF4) and
    # continuation bytes (0x80-0xBF). Every continuation byte deleted, and every
    # other byte but [a-z0-9] made a space, leaves those runs between spaces. The
    # accents ``fold`` takes out, U+0300-U+036F, are the characters led by 0xCC
    # and 0xCD, deleted too: the fold itself is never made. (0xCD also leads
    # U+0370-U+037F, a few Greek letters, which are no accents: a text holding
    # one is folded.)
    raw = _decomposed(text).encode("utf-8", "surrogatepass")
    if _NOT_MARKS.search(raw):
        raw = fold(text).encode("utf-8", "surrogatepass").translate(_RUNS, _CONTINUATION)
    else:
        raw = raw.translate(_RUNS, _MARKS_AND_CONTINUATION)
    runs = raw.decode("ascii").split()
    return list(filter(None, map(_TERMS.__getitem__, runs)))


_RUNS = bytes(b if 0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A else 0x20 for b in range(256))
_CONTINUATION = bytes(range(0x80, 0xC0))
_MARKS_AND_CONTINUATION = _CONTINUATION + b"\xcc\xcd"
_NOT_MARKS = re.compile(b"\xcd[\xb0-\xbf]")  # U+0370-U+037F


def term(word: str) -> str:
    """A folded word's stem, or "" for a word left out of the index: a stop word,
    a single letter."""
    if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
        return ""
    return stem(word)


class _Terms(dict[str, str]):
    """Folded word -> ``term(word)``, made when first asked for (``words`` looks
    words up in C instead of calling ``term`` for each); the first
    ``_TERMS_KEPT`` words met are kept."""

    def __missing__(self, word: str) -> str:
        found = term(word)
        if len(self) < _TERMS_KEPT:
            self[word] = found
        return found


_TERMS_KEPT = 200_000
_TERMS = _Terms()


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


class LastShard:
    """The last shard of a subject, for ``subject_index``: its postings, and which
    of its cards are cards of the new one (new card index -> old card index, for
    cards whose title, text and author are unchanged)."""

    def __init__(self, postings: dict[str, list[int]], count: int, same: Mapping[int, int]) -> None:
        self.postings = postings
        self.count = count
        self.same = same

    @classmethod
    def parse(cls, script: str, same: Mapping[int, int]) -> LastShard | None:
        """The shard ``script`` (``subject_index``'s); None when it is not one."""
        prefix, suffix = "sitegenSearch.add(", ");\n"
        if not (script.startswith(prefix) and script.endswith(suffix)):
            return None
        try:
            data = json.loads(script[len(prefix) : -len(suffix)])
            postings, count = data["words"], len(data["cards"])
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(postings, dict):
            return None
        return cls(postings, count, same)

    def card_words(self) -> dict[int, list[str]]:
        """The words of each reused card, by new card index."""
        found: dict[int, list[str]] = {}
        for term, cards in self.postings.items():
            for card in cards:
                found.setdefault(card, []).append(term)
        return {i: found[j] for i, j in self.same.items() if j in found}

    def in_place(self, cards: int) -> bool:
        """Whether every reused card keeps its index and the shard its number of
        cards (an edit): the postings can then be patched instead of remade."""
        return self.count == cards and all(i == j for i, j in self.same.items())


def subject_index(
    slug: str,
    title: str,
    meta: SubjectMeta,
    summary: SubjectSummary,
    pages: Sequence[CardPage],
    known: Mapping[int, Iterable[str]] | LastShard | None = None,
) -> SubjectIndex:
    """The search shard of a subject: per word, the cards holding it (``-1``: the
    subject itself, by its title, year, consensus, aspects and categories); per
    card, its link from the site's root, title and excerpt. ``known``: the words
    of cards whose title, text and author are those of a card of the last shard
    (``card_words``), not made again; or the last shard itself (``LastShard``),
    whose postings are patched where only some cards changed in place."""
    cards = []
    texts = []
    for page in pages:
        for card in page.cards:
            review = card.review
            texts.append(review.title + " " + review.text + " " + review.author)
            text = (
                review.text
                if len(review.text) <= EXCERPT_CHARS
                else review.text[: EXCERPT_CHARS - 1].rstrip() + "…"
            )
            cards.append([page.path + "#review-" + review.id, review.title, text])
    about = " ".join(
        [title, meta.year, summary.consensus, *(a.text for a in summary.aspects), *meta.categories]
    )
    if isinstance(known, LastShard) and known.in_place(len(cards)):
        postings = _patched(known, about, texts)
    else:
        if isinstance(known, LastShard):
            known = known.card_words()
        postings = _postings(about, texts, known or {})
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


def _postings(
    about: str, texts: Sequence[str], known: Mapping[int, Iterable[str]]
) -> dict[str, list[int]]:
    """Per word, the cards holding it, each once, in card order (the subject's
    own ``SUBJECT_CARD`` first)."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    lists = postings.__getitem__

    def add(text: str, card: int) -> None:
        terms = known.get(card)
        # Each of its words' lists gets the card once, in C: ``list.append`` mapped
        # over the words' lists (made empty when first asked for), in the order
        # ``postings.setdefault(term, []).append(card)`` would append them.
        _consume(
            map(
                list.append,
                map(lists, dict.fromkeys(words(text)) if terms is None else terms),
                repeat(card),
            )
        )

    add(about, SUBJECT_CARD)
    for number, text in enumerate(texts):
        add(text, number)
    return postings


_consume = deque(maxlen=0).extend  # runs an iterator to its end, keeping nothing


def _patched(last: LastShard, about: str, texts: Sequence[str]) -> dict[str, list[int]]:
    """``_postings`` made from the last shard's: the cards not reused taken out of
    the words they held and put into the words they hold now, the subject's card
    made again. The same postings (lists sorted by card, each card once)."""
    changed = sorted(set(range(len(texts))) - set(last.same))
    postings: dict[str, list[int]] = {}
    for term, cards in last.postings.items():
        if cards and cards[0] == SUBJECT_CARD:
            cards = cards[1:]
        if changed and cards and changed[0] <= cards[-1]:
            drop = [i for i in changed if _holds(cards, i)]
            if drop:
                cards = [c for c in cards if c not in drop]
        if cards:
            postings[term] = cards
    for number in changed:
        for term in dict.fromkeys(words(texts[number])):
            cards = postings.get(term)
            if cards is None:
                postings[term] = [number]
            else:  # (the last shard's lists become this one's: it is used once)
                bisect.insort(cards, number)
    for term in dict.fromkeys(words(about)):
        postings[term] = [SUBJECT_CARD, *postings.get(term, ())]
    return postings


def _holds(cards: list[int], card: int) -> bool:
    at = bisect.bisect_left(cards, card)
    return at < len(cards) and cards[at] == card


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
