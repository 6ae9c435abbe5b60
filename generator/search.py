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
import functools
import json
import logging
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.analysis.types import SubjectSummary
    from generator.content import SubjectMeta
    from generator.site import Card, CardPage

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
    return _MARKS.sub("", _decomposed(_lowered(text)))


def _lowered(text: str) -> str:
    """``fold``'s first step: lowercase, ``œ`` and ``æ`` spelt out."""
    return text.lower().replace("œ", "oe").replace("æ", "ae")


def _decomposed(lowered: str) -> str:
    """``fold`` of a ``_lowered`` text but for taking the accents (combining
    marks) out."""
    return unicodedata.normalize("NFD", lowered)


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
    return list(_terms(text))


def _terms(text: str) -> Iterator[str]:
    """``words``, one at a time."""
    return filter(None, map(_TERMS.__getitem__, _runs(text)))


def _runs(text: str) -> list[str]:
    """The runs of ``[a-z0-9]`` of ``fold(text)``, in order."""
    try:
        # Most reviews are Latin-1 text once their typographic apostrophes and
        # ellipses are made spaces (which the fold makes them): one byte a
        # character, each lowercased and folded by one table
        # (``_LATIN1_LOWER_RUNS``: ``str.lower`` of a Latin-1 text, a character
        # at a time through Unicode's tables, was a quarter of this function), but
        # "æ" and "Æ", which ``_lowered`` spells out.
        raw = text.replace("\u2019", " ").replace("\u2026", " ").encode("latin-1")
    except UnicodeEncodeError:
        return _lowered_runs(_lowered(text))
    raw = raw.replace(b"\xe6", b"ae").replace(b"\xc6", b"ae")
    return raw.translate(_LATIN1_LOWER_RUNS).decode("ascii").split()


def _lowered_runs(lowered: str) -> list[str]:
    """``_runs`` of a ``_lowered`` text."""
    try:
        raw = lowered.replace("\u2019", " ").replace("\u2026", " ").encode("latin-1")
    except UnicodeEncodeError:
        return _folded_runs(lowered)
    return raw.translate(_LATIN1_RUNS).decode("ascii").split()


def _folded_runs(lowered: str) -> list[str]:
    """``_runs`` of any ``_lowered`` text."""
    return _folded(lowered).decode("ascii").split()


def _folded(lowered: str) -> bytes:
    """A ``_lowered`` text's fold with every character but ``[a-z0-9]`` made a
    space or taken out."""
    # In UTF-8 a character beyond ASCII is a lead byte (0xC2-0xF4) and
    # continuation bytes (0x80-0xBF). Every continuation byte deleted, and every
    # other byte but [a-z0-9] made a space, leaves those runs between spaces. The
    # accents ``fold`` takes out, U+0300-U+036F, are the characters led by 0xCC
    # and 0xCD, deleted too: the fold itself is never made. (0xCD also leads
    # U+0370-U+037F, a few Greek letters, which are no accents: a text holding
    # one is folded.)
    decomposed = _decomposed(lowered)
    raw = decomposed.encode("utf-8", "surrogatepass")
    if _NOT_MARKS.search(raw):
        raw = _MARKS.sub("", decomposed).encode("utf-8", "surrogatepass")
        return raw.translate(_RUNS, _CONTINUATION)
    return raw.translate(_RUNS, _MARKS_AND_CONTINUATION)


_RUNS = bytes(b if 0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A else 0x20 for b in range(256))
_CONTINUATION = bytes(range(0x80, 0xC0))
_MARKS_AND_CONTINUATION = _CONTINUATION + b"\xcc\xcd"
_NOT_MARKS = re.compile(b"\xcd[\xb0-\xbf]")  # U+0370-U+037F


def _latin1_byte(char: str) -> int:
    """What ``_folded`` makes of a Latin-1 character: the one ASCII letter or
    digit it folds to, or spaces (one here)."""
    folded = _folded(char)
    if len(folded) == 1:
        return folded[0]
    if folded and not folded.strip():
        return 0x20
    raise ValueError(f"{char!r} folds to {folded!r}")  # pragma: no cover - as Unicode has it


# Latin-1 byte -> ``_latin1_byte``: ``_runs``'s fold of a Latin-1 text, one byte
# at a time. ("æ", folded to two letters, is never met: ``_lowered`` spells it out.)
_LATIN1_RUNS = bytes(0x20 if b == 0xE6 else _latin1_byte(chr(b)) for b in range(256))


def _lower_latin1(byte: int) -> int:
    """The Latin-1 character ``str.lower`` makes of a Latin-1 character (always
    one: Unicode lowercases none of them to more characters or beyond Latin-1)."""
    lowered = chr(byte).lower()
    if len(lowered) != 1 or ord(lowered) > 0xFF:  # pragma: no cover - as Unicode has it
        raise ValueError(f"{chr(byte)!r} lowercases to {lowered!r}")
    return ord(lowered)


# ``_LATIN1_RUNS`` of each Latin-1 byte lowercased (``_runs`` of a text not lowered yet)
_LATIN1_LOWER_RUNS = bytes(_LATIN1_RUNS[_lower_latin1(b)] for b in range(256))


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
        h1, h2 = _TERM_HASHES.get(term) or _term_hashes(term)
        for i in range(HASHES):
            bit = (h1 + i * h2) % size
            bits[bit >> 3] |= 1 << (bit & 7)
    return base64.b64encode(bytes(bits)).decode("ascii")


def _term_hashes(term: str) -> tuple[int, int]:
    """The two FNV hashes ``bloom`` derives a term's bits from; the first
    ``_TERM_HASHES_KEPT`` terms' kept (a byte at a time in Python, and every
    subject's filter holds most of the site's common words, met first)."""
    found = _fnv(term, 0x811C9DC5), _fnv(term, 0x01000193) | 1
    if len(_TERM_HASHES) < _TERM_HASHES_KEPT:
        _TERM_HASHES[term] = found
    return found


_TERM_HASHES: dict[str, tuple[int, int]] = {}
_TERM_HASHES_KEPT = 20_000  # (about 3 MB at most)


@dataclass(frozen=True)
class SubjectIndex:
    script: str  # <slug>/search.js
    filter: str  # its Bloom filter, for search/index.js


class LastShard:
    """The last shard of a subject, for ``subject_index``: its cards and postings as
    the shard's JSON text has them (each card's text; each word's list of cards,
    decoded only when needed), and which of its cards are cards of the new one
    (new card index -> old card index, for cards whose title, text and author are
    unchanged)."""

    def __init__(self, cards: list[str], words: dict[str, str], same: Mapping[int, int]) -> None:
        self.cards = cards  # each card's JSON text (``_safe`` already)
        self.words = words  # word -> its cards' JSON text, without the brackets: "-1,0,7"
        self.count = len(cards)
        self.same = same

    @classmethod
    def parse(cls, script: str, same: Mapping[int, int]) -> LastShard | None:
        """The shard ``script`` (``subject_index``'s); None when it is not one. Its
        JSON is cut where its layout says (keys sorted, no spaces: ``"cards"``
        first, ``"words"`` last): a string never holds an unescaped ``"``, so
        neither ``"],["`` between two cards nor a key of the object can be found
        inside one."""
        # (cut by offsets into ``script``: no copy of the whole, or of a section,
        # is made before its pieces; a large subject's shard is megabytes)
        if not (script.startswith(_SHARD_HEAD) and script.endswith(_SHARD_TAIL)):
            return None
        start, stop = len(_SHARD_HEAD), len(script) - len(_SHARD_TAIL)
        end = script.find(_CARDS_END, start, stop)
        at = script.find(_WORDS_START, end, stop) if end >= 0 else -1
        if end < 0 or at < 0:
            return None
        texts = _cut_cards(script, start, end)
        words = _cut_words(script, at + len(_WORDS_START), stop)
        if texts is None or words is None:
            return None
        return cls(texts, words, same)

    @functools.cached_property
    def postings(self) -> dict[str, list[int]]:
        """Every word's cards, decoded."""
        return {term: _cards_of(text) for term, text in self.words.items()}

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

    def holding(self, card: int) -> set[str]:
        """The words whose lists hold ``card`` (found in the lists' text)."""
        number = str(card)
        inner = "," + number + ","
        return {
            term
            for term, text in self.words.items()
            if text == number
            or inner in text
            or text.startswith(number + ",")
            or text.endswith("," + number)
        }


def _cut_cards(script: str, start: int, end: int) -> list[str] | None:
    """The cards' JSON texts of the shard ``script``, whose ``"cards"`` list's items
    lie from ``start`` to ``end``; None when they are not laid out so."""
    if end == start:
        return []
    if end - start < 4 or not (
        script.startswith('["', start, end) and script.endswith('"]', start, end)
    ):
        return None
    # Cut where ``split`` of the section inside the outer brackets would cut it, but
    # each card taken with its brackets straight from ``script``: no copy of the
    # section, and of each card one only (a large subject's shard is megabytes).
    cards = []
    at, stop = start + 2, end - 2
    while True:
        apart = script.find(_CARDS_APART, at, stop)
        if apart < 0:
            cards.append(script[at - 2 : end])
            return cards
        cards.append(script[at - 2 : apart + 2])
        at = apart + len(_CARDS_APART)


def _cut_words(script: str, at: int, stop: int) -> dict[str, str] | None:
    """The postings' texts of the shard ``script``, by word, whose ``"words"``
    object's items lie from ``at`` to ``stop`` (with its closing brace); None when
    they are not laid out so."""
    # "word":[cards],"word":[cards]}  ->  word":[cards / word":[cards
    if at == stop - 1 and script[at] == "}":
        return {}
    if stop - at < 3 or not (script.startswith('"', at, stop) and script.endswith("]}", at, stop)):
        return None
    # (``split('],"')`` of the section, then ``partition('":[')`` of each piece,
    # by offsets: no copy of the section, nor of its pieces)
    words: dict[str, str] = {}
    pieces = 0
    at, end = at + 1, stop - 2
    while True:
        apart = script.find('],"', at, end)
        piece_end = end if apart < 0 else apart
        cut = script.find('":[', at, piece_end)
        pieces += 1
        if cut >= 0 and cut + 3 < piece_end:
            words[script[at:cut]] = script[cut + 3 : piece_end]
        if apart < 0:
            break
        at = apart + 3
    # (a word of the index is letters and digits: its JSON is itself quoted)
    if len(words) != pieces or not _plain("".join(words)):
        return None
    return words


def _plain(text: str) -> bool:
    return text.isascii() and text.isalnum()


_SHARD_HEAD, _SHARD_TAIL = 'sitegenSearch.add({"cards":[', "});\n"
_CARDS_END, _CARDS_APART, _WORDS_START = '],"slug":', '"],["', ',"words":{'


def _cards_of(text: str) -> list[int]:
    return list(map(int, text.split(",")))


_dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def _card(page: CardPage, card: Card) -> tuple[list[str], str]:
    """A card's entry in the shard (its link from the site's root, title and
    excerpt), and the text its words come from."""
    review = card.review
    text = (
        review.text
        if len(review.text) <= EXCERPT_CHARS
        else review.text[: EXCERPT_CHARS - 1].rstrip() + "…"
    )
    entry = [page.path + "#review-" + review.id, review.title, text]
    return entry, review.title + " " + review.text + " " + review.author


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
    whose postings are patched, and whose unchanged cards' text is kept, where
    only some cards changed in place."""
    about = " ".join(
        [title, meta.year, summary.consensus, *(a.text for a in summary.aspects), *meta.categories]
    )
    count = sum(len(page.cards) for page in pages)
    if isinstance(known, LastShard) and known.in_place(count):
        return _patched_index(known, slug, title, about, pages)
    cards = []
    texts = []
    for page in pages:
        for card in page.cards:
            entry, text = _card(page, card)
            cards.append(entry)
            texts.append(text)
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
    words = _words_text(postings, count)
    if words is None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    else:
        # What that ``json.dumps`` writes (keys sorted: "cards", "slug", "title",
        # "url", "words"), the postings' numbers written by ``_words_text``
        del data["cards"], data["words"]
        text = "".join(['{"cards":', _dumps(cards), ",", _dumps(data)[1:-1], words, "}"])
    text = _safe(text)
    return SubjectIndex(f"sitegenSearch.add({text});\n", bloom(postings))


def _words_text(postings: Mapping[str, list[int]], count: int) -> str | None:
    """``,"words":{...}`` as ``json.dumps(..., separators=(",", ":"),
    sort_keys=True)`` writes the postings of a shard of ``count`` cards: each
    card number's text made once for the shard, not once each time a word's list
    holds it (a million numbers at 10,000 reviews). None when a word is not
    plain letters and digits (it might need escaping; the index's never do)."""
    if not postings or not _plain("".join(postings)):
        return None
    # card number -> its text; the subject's own card, ``SUBJECT_CARD``, last
    numerals = [*map(str, range(count)), str(SUBJECT_CARD)]
    if SUBJECT_CARD != -1:  # pragma: no cover - (found at the list's end by index -1)
        return None
    name = numerals.__getitem__
    listed = [f'"{term}":[{",".join(map(name, postings[term]))}]' for term in sorted(postings)]
    return ',"words":{' + ",".join(listed) + "}"


def _patched_index(
    last: LastShard, slug: str, title: str, about: str, pages: Sequence[CardPage]
) -> SubjectIndex:
    """``subject_index`` from the last shard, its cards in place: the text of the
    cards not changed kept, the changed ones' made, the postings patched
    (``_patched``); the very text ``json.dumps`` of the whole gives (a test
    compares)."""
    same = last.same
    cards = list(last.cards)
    texts: dict[int, str] = {}
    number = 0
    for page in pages:
        for card in page.cards:
            if number not in same:
                entry, texts[number] = _card(page, card)
                cards[number] = _safe(_dumps(entry))
            number += 1
    words = _patched(last, about, texts)
    head = _dumps({"slug": slug, "title": title, "url": f"{slug}/index.html"})[1:-1]
    # In one join of all the pieces: joining the cards first, then the whole,
    # copied the cards twice (megabytes for a subject of thousands of reviews).
    pieces = [_SHARD_HEAD]
    for number, card in enumerate(cards):
        if number:
            pieces.append(",")
        pieces.append(card)
    pieces += ("],", _safe(head), ',"words":{')
    for number, (term, numbers) in enumerate(words.items()):
        pieces += ("," if number else "", '"', term, '":[', numbers, "]")
    pieces += ("}", _SHARD_TAIL)
    text = "".join(pieces)
    del pieces
    return SubjectIndex(text, bloom(words))


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
                map(lists, dict.fromkeys(_terms(text)) if terms is None else terms),
                repeat(card),
            )
        )

    add(about, SUBJECT_CARD)
    for number, text in enumerate(texts):
        add(text, number)
    return postings


_consume = deque(maxlen=0).extend  # runs an iterator to its end, keeping nothing


def _patched(last: LastShard, about: str, texts: Mapping[int, str]) -> dict[str, str]:
    """``_postings`` made from the last shard's, as the shard writes them (each
    word's cards joined by commas), in word order: the cards not reused
    (``texts``: by card index, the text of their words now) taken out of the words
    they held and put into the words they hold now, the subject's card made again.
    A word's list stays the last shard's text when none of this changes it."""
    changed = sorted(texts)
    held = {number: last.holding(number) for number in changed}
    now = {number: set(words(texts[number])) for number in changed}
    subject = set(words(about))
    old = last.words
    # The words whose lists may change: a changed card's, before or after, that
    # it does not hold both times; the subject's card's, before or after.
    touched = {term for term, text in old.items() if text.startswith("-1")} ^ subject
    for number in changed:
        touched |= held[number] ^ now[number]
    new_terms = touched - old.keys()
    out: dict[str, str] = {}
    for term in sorted(old.keys() | new_terms) if new_terms else old:
        text = old.get(term, "")
        if term not in touched:
            out[term] = text
            continue
        cards = _cards_of(text) if text else []
        if cards and cards[0] == SUBJECT_CARD:
            cards = cards[1:]
        cards = [c for c in cards if c not in texts]
        for number in changed:
            if term in now[number]:
                bisect.insort(cards, number)
        if term in subject:
            cards = [SUBJECT_CARD, *cards]
        if cards:
            out[term] = ",".join(map(str, cards))
    return out


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
