"""The subject task: one changed subject of ``sitegen build``, built end to end where the analysis
runs (a worker process, a Dask worker, or the build's own process): the reviews
the cache lacks analysed, the subject summarised, its pages rendered (built-in
templates) and its part of ``data.json`` encoded. The build process then only
stores and writes what comes back, so summarising and rendering run in parallel
with the analysis of other subjects instead of after it, in one process.

``page_digests`` (what each page of a multi-page subject shows) lives here too:
a worker uses it to skip the pages the output already holds.
"""

from __future__ import annotations

import array
import contextlib
import dataclasses
import hashlib
import io
import itertools
import operator
import os
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator import search, template_code, trends
from generator.analysis import AnalysisSettings, summarize_subject
from generator.analysis.snapshot import load_snapshot
from generator.analysis.summary_state import (
    Entry,
    SummaryState,
    summarize_with_state,
    update_summary,
)
from generator.analysis.types import ReviewAnalysis, SubjectSummary
from generator.cache import decode_analysis, encode_analysis, slim_analysis, text_hash
from generator.collector import bulk_allocations, release_free_memory
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.executors import get_analyzer
from generator.incremental.keys import stable_hash
from generator.output import (
    DATA_FILE_END,
    ENTRY_SEP,
    entries_span,
    subject_data_parts,
    subject_data_path,
    subject_fragment,
    write_spans,
)
from generator.plugins import loaded
from generator.render import SUBJECT_FILES, OutputFile, Renderer, aspect_listing
from generator.site import Card, Site, Subject, make_subject


def _fast_pickler(buffer: io.BytesIO) -> pickle.Pickler:
    """A pickler without memo writing into ``buffer``: equal values (no cycles),
    equal bytes; and, for values of many small objects, faster to make."""
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo
    return pickler


def value_digest(value: Any) -> bytes:
    """16-byte digest of plain data (lists, tuples, strings, numbers, bytes, None)
    by value (``_fast_pickler``). Twice as fast as hashing its ``repr``."""
    return value_digests((value,))[0]


def value_digests(values: Iterable[Any]) -> list[bytes]:
    """``value_digest`` of each of ``values``, in order, with one pickler (each
    ``dump`` of a pickler without memo writes what a new one would: the same
    bytes, without making a pickler and a buffer per value), into one buffer:
    each value's bytes are hashed where they lie in it, once all are written."""
    buffer = io.BytesIO()
    pickler = _fast_pickler(buffer)
    dump, tell = pickler.dump, buffer.tell
    ends = [0]
    for value in values:
        dump(value)
        ends.append(tell())
    blake2b = hashlib.blake2b
    with buffer.getbuffer() as view:
        return [
            blake2b(view[start:end], digest_size=16).digest()
            for start, end in itertools.pairwise(ends)
        ]


def pickled_state(state: SummaryState) -> bytes:
    """A summary state as the build cache keeps it: pickled with the memo, so that
    each string the state shares (``summary_state.summarize_with_state``: the
    aspects' keys and forms of every mention) is written, and loaded, once (a
    subject of 6,400 reviews: loaded in 0.022 s instead of 0.044, 6.5k minor
    page faults instead of 11.6k, 3.2 MB instead of 5.7)."""
    return pickle.dumps(state, pickle.HIGHEST_PROTOCOL)


def page_digests(
    site_key: bytes,
    subject: Subject,
    text_hashes: Sequence[bytes] = (),
    cards: Sequence[bytes] = (),
) -> dict[str, bytes]:
    """For a subject of several pages, a digest of everything each page shows: what
    is common to its pages (summary, ratings, review ids in order, page paths,
    title, metadata, the trend's numbers, the label counts of the filter bar) and the page's own cards. A page whose digest did not change
    need not be rendered again (``tests/test_incremental.py`` checks the output
    stays what a full build gives). Only used with the built-in subject template.
    ``text_hashes``: ``cache.text_hash`` of each review's text, in order, when the
    caller has them already; ``cards``: the ``card_digests``, likewise."""
    if len(subject.pages) < 2:
        return {}
    summary = subject.summary
    common = stable_hash(
        site_key,
        subject.key,
        subject.slug,
        subject.title,
        subject.meta,
        subject.review_count,
        summary.verdict,
        summary.aspects,
        summary.pros,
        summary.cons,
        summary.consensus,
        sorted(summary.disagreements),
        summary.extra,
        [r.rating for r in subject.reviews],
        [r.id for r in subject.reviews],
        [p.path for p in subject.pages],
        sorted(Counter(a.label for a in subject.analyses).items()),
        # The trend chart (on every page), as its numbers (its words' language is
        # in ``site_key``); whether the page links a feed.
        trends.subject_trend(subject.reviews, subject.analyses, "fr"),
        bool(subject.latest),
    )
    if len(cards) != len(subject.reviews):
        cards = card_digests(site_key, subject, text_hashes)
    out = {}
    at = 0
    for page in subject.pages:
        shown = b"".join(cards[at : at + len(page.cards)])
        at += len(page.cards)
        # The first page lists each aspect's first mentions, from any page.
        listing = _listing_digest(subject) if page.number == 1 else b""
        out[page.path] = stable_hash(common, page.number, shown, listing)
    return out


def _listing_digest(subject: Subject) -> bytes:
    """``value_digest`` of the subject's aspect listing, its snippets as plain
    tuples of their fields (a ``NamedTuple`` pickles through Python code: most of
    the digest's cost)."""
    return value_digest(
        [
            (key, list(map(tuple, snippets)), count)
            for key, (snippets, count) in aspect_listing(subject).items()
        ]
    )


def card_digests(
    site_key: bytes, subject: Subject, text_hashes: Sequence[bytes] = ()
) -> list[bytes]:
    """Per card of the subject, in order, a digest of everything its HTML shows:
    the card (``_card_key``), its number (that of the last card of its review id,
    as the templates number them), which of its mentions are of the subject's
    aspects. A card whose digest did not change need not be rendered again
    (``cards.js``)."""
    if len(text_hashes) != len(subject.reviews):
        text_hashes = [text_hash(review.text) for review in subject.reviews]
    cards = [card for page in subject.pages for card in page.cards]
    numbers = {card.review.id: n for n, card in enumerate(cards, start=1)}
    is_aspect = {a.key for a in subject.summary.aspects}.__contains__
    return value_digests(
        [
            site_key,
            _card_key(card, digest),
            numbers[card.review.id],
            list(map(is_aspect, map(_first, card.mentions))),
        ]
        for card, digest in zip(cards, text_hashes)
    )


_first = operator.itemgetter(0)


_REVIEW_FIELDS = tuple(f.name for f in dataclasses.fields(Review))
_TEXT_AT, _SOURCE_AT = _REVIEW_FIELDS.index("text"), _REVIEW_FIELDS.index("source")
_CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Card))
_REVIEW_AT, _ANALYSIS_AT = _CARD_FIELDS.index("review"), _CARD_FIELDS.index("analysis")
_MENTIONS_AT = _CARD_FIELDS.index("mentions")
# In a card's key, its analysis: a string, for the analysis of its text (whose
# hash the key holds; the analyses' namespace is in the site key).
_OF_ITS_TEXT = "the analysis of its text"
# ... and its mentions when they are its analysis's (most cards): a string, which
# no tuple of mentions equals.
_AS_ANALYSED = "as analysed"
# (each field's value in one C call; the same lists as getattr one by one)
_review_values = operator.attrgetter(*_REVIEW_FIELDS)
_card_values = operator.attrgetter(*_CARD_FIELDS)


def _card_key(card: Card, digest: bytes) -> list[Any]:
    """Everything a card shows, for ``page_digests``: every field of the card, its
    review's fields with the text replaced by its hash ``digest`` (the text's
    ``repr`` made most of the cost on big subjects) and its source path by its
    string; its analysis as ``_OF_ITS_TEXT``: the analysis of a text is told by
    the text (``digest``) and the analyses' namespace, which the site key given
    with it holds (its fields made most of the bytes to digest); and the card's
    mentions as ``_AS_ANALYSED`` when they are its analysis's."""
    fields = list(_review_values(card.review))
    fields[_TEXT_AT] = digest
    fields[_SOURCE_AT] = str(fields[_SOURCE_AT])  # (a ``Path`` pickles through Python code)
    out = list(_card_values(card))
    out[_REVIEW_AT], out[_ANALYSIS_AT] = fields, _OF_ITS_TEXT
    if out[_MENTIONS_AT] == card.analysis.mentions:
        out[_MENTIONS_AT] = _AS_ANALYSED
    return out


@dataclass
class SubjectJob:
    """What a worker needs to build one subject."""

    key: str
    slug: str
    meta: SubjectMeta | None
    reviews: list[Review]  # (``PackedReviews`` until sent to another process)
    known: dict[bytes, bytes]  # text hash -> cached analysis (``cache.encode_analysis``)
    render: bool  # render its pages here (built-in templates only)
    site_key: bytes = b""
    # page path -> digest, for the pages the output still holds untouched
    kept: dict[str, bytes] = field(default_factory=dict)
    # Write the rendered pages into this folder (``StagedOutput.pending``) rather
    # than send them back: only when the job runs on the build's own machine.
    write_to: str = ""
    # ``cache.text_hash`` of each review's text, in order (the build has them).
    hashes: list[bytes] = field(default_factory=list)
    # The build cache's folder, for the analyzer's tables (``get_analyzer``).
    snapshot: str = ""
    # A large subject (``summary_state``): make its summary's state (``keep_state``),
    # or update the summary from the last one (``state``; ``known`` then only has
    # the ``added`` reviews' analyses, ``removed`` those of the entries gone).
    keep_state: bool = False
    state: SummaryState | None = None
    added: list[int] = field(default_factory=list)
    removed: dict[Entry, bytes] = field(default_factory=dict)
    # The output folder (with ``write_to``), to reuse the unchanged cards of its
    # ``cards.js``, ``search.js`` and ``data.json`` (``_Last``).
    output: str = ""


class PackedReviews:
    """A subject's reviews as the build holds them until its task is sent to
    another process: pickled and compressed (at 100,000 reviews, 20 MB instead
    of 180 MB of objects, among them the UTF-8 copy of each text that pickling a
    string leaves in it). They travel as these bytes and arrive as the list
    (``__reduce__``); a task run where it was made unpacks them (``build_subject``)."""

    __slots__ = ("count", "data")

    def __init__(self, reviews: Sequence[Review]) -> None:
        self.data = zlib.compress(pickle.dumps(reviews, pickle.HIGHEST_PROTOCOL), 1)
        self.count = len(reviews)

    def __len__(self) -> int:
        return self.count

    def unpack(self) -> list[Review]:
        return _unpacked(self.data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpacked, (self.data,))


def _unpacked(data: bytes) -> list[Review]:
    return pickle.loads(zlib.decompress(data))  # type: ignore[no-any-return]


@dataclass
class SubjectResult:
    """What comes back: the summary, the new analyses for the cache, and either the
    rendered pages (``render``) or the slim analyses for the build to render."""

    key: str
    count: int
    summary: SubjectSummary | None  # None: ``retry``
    new: list[tuple[bytes, bytes]]  # (text hash, encoded analysis) computed here
    fragment: bytes  # the subject's part of data.json (b"": in ``fragment_file``)
    pages: tuple[str, ...] = ()  # every card page path of the subject
    extra: tuple[str, ...] = ()  # its other files (``render.SUBJECT_FILES``)
    files: list[OutputFile] = field(default_factory=list)  # pages rendered
    written: list[tuple[str, str]] = field(default_factory=list)  # (page, file name in write_to)
    same: list[str] = field(default_factory=list)  # pages kept: digest unchanged
    page_sums: dict[str, bytes] = field(default_factory=dict)
    analyses: list[ReviewAnalysis] | None = None  # slim; when not rendered here
    state: bytes = b""  # the summary's new state, pickled (``job.keep_state`` or ``job.state``)
    updated: bool = False  # the summary was updated from ``job.state``
    # The update could not be made (``summary_state.update_summary``): build the
    # subject again with every analysis and no state.
    retry: bool = False
    latest: tuple[Any, ...] = ()  # the subject's newest dated reviews (``feeds.Entry``)
    search_filter: str = ""  # its search shard's Bloom filter
    # Its part of data.json written into ``job.write_to`` (its name and size): the
    # build holds no subject's part in memory (hundreds of MB at 100,000 reviews).
    fragment_file: tuple[str, int] | None = None


_BYTECODE: dict[Path, jinja2.BytecodeCache] = {}


def build_subject(
    settings: AnalysisSettings, config: SiteConfig, job: SubjectJob, bytecode: Path | None = None
) -> SubjectResult:
    """Analyse, summarise and (``job.render``) render one subject."""
    global _release_pending
    if isinstance(job.reviews, PackedReviews):  # (not sent to another process)
        job = dataclasses.replace(job, reviews=job.reviews.unpack())
    if _release_pending:  # (the last task's result is sent and freed by now)
        _release_pending = False
        release_free_memory()
    with bulk_allocations():
        result = _build_subject(settings, config, job, bytecode)
    _release_pending = len(job.reviews) >= RELEASE_AFTER
    return result


# After a subject of this many reviews, the next task in the process starts by
# giving the memory it freed back to the system (``collector.release_free_memory``).
RELEASE_AFTER = 1_000
_release_pending = False


class _Analyses:
    """A subject's analyses: from the cache's bytes, or made here (the analyzer
    loaded only if a text is not in the cache); the new ones kept for the cache."""

    def __init__(
        self, settings: AnalysisSettings, config: SiteConfig, job: SubjectJob, hashes: list[bytes]
    ) -> None:
        self.settings = settings
        self.job = job
        self.hashes = hashes
        self.analyzer: Any = None
        self.plugins = loaded(config.plugins)
        self.new: list[tuple[bytes, bytes]] = []
        self.done: dict[bytes, ReviewAnalysis] = {}

    def of(self, i: int) -> ReviewAnalysis:
        digest = self.hashes[i]
        analysis = self.done.get(digest)
        if analysis is None:
            text = self.job.reviews[i].text
            blob = self.job.known.get(digest)
            if blob is None:
                if self.analyzer is None:
                    snapshot = Path(self.job.snapshot) if self.job.snapshot else None
                    self.analyzer = get_analyzer(self.settings, snapshot)
                analysis = self.plugins.analysed(text, self.analyzer.analyze(text))
                self.new.append((digest, encode_analysis(analysis, text)))
            else:
                analysis = decode_analysis(blob, text)
            self.done[digest] = analysis
        return analysis

    def tables(self) -> None:
        """Done analysing: the summary needs the lexicon and the aspect tables, not
        the model, from the snapshot too when this process has not loaded them."""
        self.done.clear()
        if self.analyzer is None and self.job.snapshot:
            load_snapshot(Path(self.job.snapshot))


def _build_subject(
    settings: AnalysisSettings, config: SiteConfig, job: SubjectJob, bytecode: Path | None
) -> SubjectResult:
    hashes = (
        job.hashes
        if len(job.hashes) == len(job.reviews)
        else [text_hash(r.text) for r in job.reviews]
    )
    analyses = _Analyses(settings, config, job, hashes)
    made = _summarise(config, job, hashes, analyses)
    if made is None:
        return SubjectResult(job.key, len(job.reviews), None, analyses.new, b"", retry=True)
    summary, state, slim = made
    del made
    updated = job.state is not None
    state_bytes = b""
    if state is not None:
        # Pickled now and let go of, with the last one, before the subject is
        # modelled and rendered: a large subject's state is tens of MB of objects.
        state_bytes = pickled_state(state)
        job.state = state = None
    summary = analyses.plugins.summarised(job.reviews, slim, summary)
    last = _Last(job, hashes) if job.render else None
    subject = make_subject(
        config,
        job.key,
        job.slug,
        job.meta,
        job.reviews,
        slim,
        summary,
        last.search_words if last is not None else None,
    )
    fragment = subject_fragment(subject).encode("utf-8")
    pages = tuple(p.path for p in subject.pages)
    result = SubjectResult(job.key, len(job.reviews), summary, analyses.new, fragment, pages)
    result.updated, result.state = updated, state_bytes
    result.latest, result.search_filter = subject.latest, subject.search_filter
    if not job.render:
        result.analyses = slim
        return result
    _render(config, job, subject, hashes, result, bytecode, last)
    if job.write_to:
        result.fragment_file = (_write_pending(job.write_to, fragment), len(fragment))
        result.fragment = b""
    return result


_RECORD = b"cards2"  # (the format of ``_Last.record``)


class _Last:
    """What a changed subject of several pages takes from its last files, card by
    card: the unchanged cards' lines of ``cards.js``, words of ``search.js`` and
    entries of its ``data.json``, from the output (on this machine) while the plan
    found them intact. ``job.kept[cards_path]`` is what the last build recorded
    (``record``): its card digests (``card_digests``), its data.json entries'
    lengths and its cards.js lines' lengths (where each lies in those files: they
    are copied from there, not read)."""

    def __init__(self, job: SubjectJob, hashes: list[bytes]) -> None:
        self.job = job
        self.hashes = hashes
        self.cards: list[bytes] = []  # this build's card digests
        self.lengths: list[int] = []  # this build's data.json entries' lengths
        self.line_lengths: list[int] = []  # this build's cards.js lines' lengths
        self.index: dict[bytes, int] = {}  # the last build's card digest -> card index
        self.same: dict[int, int] | None = None  # (``_same``)
        self.old_lengths = array.array("I")
        self.old_line_lengths = array.array("I")

    def record(self) -> bytes:
        """What the next build gets back as ``job.kept[cards_path]``: a tag, the
        number of cards, their digests, their data.json entries' lengths and their
        cards.js lines' lengths (each all zeros when not known)."""
        count = len(self.cards)
        return b"".join(
            [
                _RECORD,
                count.to_bytes(4, "little"),
                *self.cards,
                _lengths_bytes(self.lengths, count),
                _lengths_bytes(self.line_lengths, count),
            ]
        )

    def _same(self, subject: Subject, path: str) -> dict[int, int]:
        """New card index -> the same card's index in the last files (when the last
        ``path`` is intact)."""
        if not subject.cards_path:
            return {}
        if not self.cards:
            self.cards = card_digests(self.job.site_key, subject, self.hashes)
            self._read_record(self.job.kept.get(subject.cards_path, b""))
        if path not in self.job.kept or not self.job.output:
            return {}
        if self.same is None:  # (the same for each of the subject's files)
            index = self.index
            self.same = {i: index[d] for i, d in enumerate(self.cards) if d in index}
        return self.same

    def _read_record(self, old: bytes) -> None:
        if not old.startswith(_RECORD):
            return
        at = len(_RECORD) + 4
        count = int.from_bytes(old[len(_RECORD) : at], "little")
        if len(old) != at + 24 * count:
            return
        self.index = {old[at + i * 16 : at + i * 16 + 16]: i for i in range(count)}
        at += 16 * count
        for lengths in (self.old_lengths, self.old_line_lengths):
            if lengths.itemsize == 4:
                lengths.frombytes(old[at : at + 4 * count])
                if 0 in lengths:  # (not known)
                    del lengths[:]
            at += 4 * count

    def _read(self, path: str) -> bytes | None:
        try:
            fd = os.open(Path(self.job.output, path), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            with open(fd, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def search_words(self, subject: Subject) -> search.LastShard | None:
        """The last search shard, and which of its cards are unchanged."""
        same = self._same(subject, search.shard_path(subject.slug))
        data = self._read(search.shard_path(subject.slug)) if same else None
        if data is None:
            return None
        text = data.decode("utf-8", "replace")
        del data  # (megabytes: freed before the text is cut up)
        last = search.LastShard.parse(text, same)
        return last if last is not None and last.count == len(self.index) else None

    def cards_file(self, subject: Subject, renderer: Renderer) -> _Spliced | None:
        """The subject's ``cards.js`` in parts (``Renderer.cards_ends``), the
        unchanged cards' lines as where they lie in the last one; None when the
        renderer makes it (a site's own templates). Its lines are made as they
        are written (``line_lengths`` then filled in): not held all at once."""
        path = subject.cards_path or ""
        ends = renderer.cards_ends(subject)
        if ends is None:
            return None
        head, foot = ends
        spans: dict[int, tuple[int, int]] = {}
        same = self._same(subject, path)
        if same and len(self.old_line_lengths) == len(self.index):
            spans = self._old_spans(path, same, self.old_line_lengths, None, foot)
        renderer.reused_cards = spans
        self.line_lengths = []
        lines = _measured(renderer.card_lines(subject), self.line_lengths)
        renderer.reused_cards = {}
        return _Spliced(head, lines, foot, str(Path(self.job.output, path)) if spans else "")

    def data_file(self, subject: Subject) -> _Spliced:
        """The subject's ``data.json`` in parts (``output.subject_data_parts``), the
        unchanged reviews' entries as where they lie in the last one. Its entries
        are made as they are read (``lengths`` then filled in)."""
        path = subject_data_path(subject.slug)
        spans: dict[int, tuple[int, int]] = {}
        same = self._same(subject, path)
        if same and len(self.old_lengths) == len(self.index):
            spans = self._old_spans(path, same, self.old_lengths, b"[\n", DATA_FILE_END)
        head, entries, tail = subject_data_parts(subject, spans)
        self.lengths = []
        entries = _measured(entries, self.lengths)
        return _Spliced(head, entries, tail, str(Path(self.job.output, path)) if spans else "")

    def _old_spans(
        self,
        path: str,
        same: dict[int, int],
        lengths: Sequence[int],
        opening: bytes | None,
        closing: bytes,
    ) -> dict[int, tuple[int, int]]:
        """New index -> (offset, length) in the last ``path`` of the same item, for
        the unchanged ones: the last file is ``opening`` (data.json: that of its
        list of reviews; None: cards.js, its first line), items of ``lengths``
        (as the last build recorded them) joined by ``ENTRY_SEP``, then
        ``closing``. {} when it is not laid out so (what surrounds the items, and
        each run of them taken, is checked)."""
        try:
            fd = os.open(Path(self.job.output, path), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return {}
        try:
            size = os.fstat(fd).st_size
            if opening is None:  # (after the first line)
                start = os.pread(fd, 1 << 16, 0).find(b"\n") + 1
                opening = b"\n"
            else:
                start = entries_span(size, lengths)[0]
            return _spans_in(fd, size, start, lengths, same, opening, closing)
        except OSError:
            return {}
        finally:
            os.close(fd)

    def data_sum(self, data: _Spliced) -> bytes:
        """The digest the subject's ``data.json`` (made by ``data_file``) is
        recorded and kept by: its bytes but the reviews' entries, the entries'
        lengths and the cards' digests, which tell an entry unchanged (``data_file``
        takes an entry back by its card's digest); not a hash of its tens of MB.
        A hash of the bytes when the cards are not known."""
        if not self.lengths or len(self.cards) != len(self.lengths):
            return hashlib.blake2b(data.joined(), digest_size=16).digest()
        h = hashlib.blake2b(_DATA_SUM, digest_size=16)
        h.update(data.head)
        h.update(data.tail)
        h.update(array.array("Q", self.lengths).tobytes())
        h.update(b"".join(self.cards))
        return h.digest()


def _measured(items: Iterable[Any], lengths: list[int]) -> Iterator[Any]:
    """``items`` (of a ``_Spliced``), the length of each appended to ``lengths`` as
    it passes."""
    add = lengths.append
    for item in items:
        add(len(item) if type(item) is bytes else item[1])
        yield item


def _runs(sorted_values: list[int]) -> Iterator[tuple[int, int]]:
    """The runs of consecutive integers of ``sorted_values``: (first, last)."""
    if not sorted_values:
        return
    first = last = sorted_values[0]
    for value in sorted_values[1:]:
        if value != last + 1:
            yield first, last
            first = value
        last = value
    yield first, last


def _spans_in(
    fd: int,
    size: int,
    start: int,
    lengths: Sequence[int],
    same: dict[int, int],
    opening: bytes,
    closing: bytes,
) -> dict[int, tuple[int, int]]:
    """``_Last._old_spans`` in the file ``fd`` of ``size`` bytes whose items begin
    at ``start``."""
    sep = len(ENTRY_SEP)
    offsets = list(itertools.accumulate((n + sep for n in lengths), initial=start))
    end = offsets[-1] - sep if lengths else start
    if start < len(opening) or end + len(closing) != size:
        return {}
    if os.pread(fd, len(opening), start - len(opening)) != opening:
        return {}
    if os.pread(fd, len(closing), end) != closing:
        return {}
    final = len(lengths) - 1
    for first, last in _runs(sorted(set(same.values()))):
        if first and os.pread(fd, sep, offsets[first] - sep) != ENTRY_SEP:
            return {}
        if last < final and os.pread(fd, sep, offsets[last] + lengths[last]) != ENTRY_SEP:
            return {}
    return {i: (offsets[j], lengths[j]) for i, j in same.items()}


def _lengths_bytes(lengths: Sequence[int], count: int) -> bytes:
    """``lengths`` as 4-byte integers for ``_Last.record``; zeros (not known) when
    they are not ``count``."""
    table = array.array("I", lengths if len(lengths) == count else [])
    if table.itemsize != 4 or len(table) != count:
        return bytes(4 * count)
    return table.tobytes()


@dataclass
class _Spliced:
    """A file as ``head``, items joined by ``ENTRY_SEP``, ``tail`` (a subject's
    ``data.json``: its reviews' entries; its ``cards.js``: its cards' lines); an
    item is bytes or the ``(offset, length)`` of the same item in the file
    ``source``. ``entries`` may be an iterator (``cards.js``): it is then
    read once, as the file is written."""

    head: bytes
    entries: Iterable[Any]
    tail: bytes
    source: str = ""

    def pieces(self) -> Iterator[bytes | tuple[int, int]]:
        """The file's bytes in pieces: the bytes between two spans of ``source``
        joined, in runs of about ``_RUN`` bytes (not the whole file in one more
        copy), the spans of items next to each other there merged (with the
        separator between)."""
        run: list[bytes] = [self.head]  # (before ``span``)
        size = 0  # (of ``run``'s items since the last one written)
        span: tuple[int, int] | None = None
        sep = len(ENTRY_SEP)
        for n, entry in enumerate(self.entries):
            if type(entry) is bytes:
                if span is not None or size >= _RUN:
                    yield b"".join(run)
                    if span is not None:
                        yield span
                    run, size, span = [], 0, None
                if n:
                    run.append(ENTRY_SEP)
                run.append(entry)
                size += len(entry)
            elif span is not None and span[0] + span[1] + sep == entry[0]:
                span = (span[0], span[1] + sep + entry[1])
            else:
                if span is not None:
                    yield b"".join(run)
                    yield span
                    run, size = [], 0
                if n:
                    run.append(ENTRY_SEP)
                span = entry
        if span is not None:
            yield b"".join(run)
            yield span
            run = []
        run.append(self.tail)
        yield b"".join(run)

    def joined(self) -> bytes:
        if not self.source:
            return b"".join(self.pieces())  # type: ignore[arg-type]
        with open(self.source, "rb") as handle:  # pragma: no cover - (the cards are known)
            return b"".join(
                p if isinstance(p, bytes) else os.pread(handle.fileno(), p[1], p[0])
                for p in self.pieces()
            )

    def write(self, folder: str) -> tuple[str, int]:
        """Write it as a new file in ``folder`` (``_write_pending``); its name and size."""
        fd = os.open(self.source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC) if self.source else -1
        try:
            name, handle = _new_pending(folder)
            with handle:
                write_spans(handle, self.pieces(), fd)
                return name, handle.tell()
        finally:
            if fd >= 0:
                os.close(fd)


_DATA_SUM = b"data.json by its cards 1"
_RUN = 1 << 20  # (``_Spliced.pieces``)


def _summarise(
    config: SiteConfig, job: SubjectJob, hashes: list[bytes], analyses: _Analyses
) -> tuple[SubjectSummary, SummaryState | None, list[ReviewAnalysis]] | None:
    """The subject's summary, its new state (large subjects) and slim analyses;
    None when the update from ``job.state`` gave up."""
    if job.state is not None:
        added = {i: analyses.of(i) for i in job.added}
        removed = {entry: decode_analysis(blob, "") for entry, blob in job.removed.items()}
        analyses.tables()
        return update_summary(job.state, job.reviews, hashes, removed, added, config)
    full = [analyses.of(i) for i in range(len(job.reviews))]
    analyses.tables()
    state = None
    if job.keep_state:
        summary, state = summarize_with_state(job.reviews, full, hashes, config)
    else:
        summary = summarize_subject(job.reviews, full, config)
    return summary, state, [slim_analysis(a) for a in full]


def _render(
    config: SiteConfig,
    job: SubjectJob,
    subject: Subject,
    hashes: list[bytes],
    result: SubjectResult,
    bytecode: Path | None,
    last: _Last | None = None,
) -> None:
    """Render the subject's pages but those the output holds already (same
    digest), and its other files; into ``job.write_to`` or ``result.files``. Its
    large files one at a time (``_Files``): ``cards.js`` written as the pages are
    rendered (``_lines_after_pages``), ``data.json`` made after."""
    last = last or _Last(job, hashes)
    if subject.cards_path and not last.cards:
        last.cards = card_digests(job.site_key, subject, hashes)
    sums = result.page_sums = page_digests(job.site_key, subject, hashes, last.cards)
    pages = []
    for page in subject.pages:
        if page.path in sums and job.kept.get(page.path) == sums[page.path]:
            result.same.append(page.path)
        else:
            pages.append(page)
    if not (pages or SUBJECT_FILES or config.plugins):  # (plugins may add files per subject)
        return
    data_path = subject_data_path(subject.slug)
    renderer = Renderer(Site(config=config, subjects=(subject,)))
    _use_bytecode(renderer, bytecode)
    # Its cards.js and data.json (written here, not by the renderer): the cards
    # and the reviews unchanged since the last ones kept copied from there.
    renderer.written_elsewhere.add(data_path)
    files = _Files(job, result, subject.cards_path or "")
    rendered: Iterable[OutputFile] = renderer.subject_pages(subject, pages) if pages else ()
    cards_js = last.cards_file(subject, renderer) if subject.cards_path else None
    if cards_js is not None:
        renderer.written_elsewhere.add(subject.cards_path)
        files.extra.append(subject.cards_path)
        cards_js.entries = _lines_after_pages(cards_js.entries, rendered, subject, files.put)
        files.spliced(subject.cards_path, cards_js)
        rendered = ()
    for item in itertools.chain(rendered, renderer.subject_files(subject)):
        files.put(item)
    files.extra.append(data_path)
    _data_file(job, subject, last, files)
    if subject.cards_path:  # (its entry is the cards' record: their lines' and entries' lengths)
        sums[subject.cards_path] = last.record()
    result.extra = tuple(files.extra)


def _data_file(job: SubjectJob, subject: Subject, last: _Last, files: _Files) -> None:
    """The subject's ``data.json``, and its digest (``_Last.data_sum``); kept as it
    is when the output holds it with that digest. Without a digest to compare
    with, and its cards known (the digest is then made of its entries' lengths),
    written as its entries are made: they are not held at once (tens of MB for
    a large subject)."""
    path = subject_data_path(subject.slug)
    data = last.data_file(subject)
    sums = files.result.page_sums
    if last.cards and path not in job.kept:
        files.spliced(path, data)
        sums[path] = last.data_sum(data)
        return
    data.entries = list(data.entries)
    sums[path] = last.data_sum(data)
    if job.kept.get(path) == sums[path]:
        files.result.same.append(path)
    else:
        files.spliced(path, data)


def _lines_after_pages(
    lines: Iterable[Any],
    pages: Iterable[OutputFile],
    subject: Subject,
    put: Callable[[OutputFile], None],
) -> Iterator[Any]:
    """``lines`` (of the subject's ``cards.js``), each of its ``pages`` rendered and
    ``put`` before the lines of its cards: a card's HTML, made for its page, is
    then held until its line is made only (``render.SubjectCards``), not every
    card's at once (tens of MB for a large subject)."""
    lines = iter(lines)
    counts = (len(page.cards) for page in subject.pages)
    ends = dict(zip((page.path for page in subject.pages), itertools.accumulate(counts)))
    done = 0
    for page in pages:
        put(page)
        yield from itertools.islice(lines, ends[page.path] - done)
        done = ends[page.path]
    yield from lines


class _Files:
    """Where a subject task's files go: into ``job.write_to``, or in
    ``result.files``."""

    def __init__(self, job: SubjectJob, result: SubjectResult, cards_path: str) -> None:
        self.job = job
        self.result = result
        self.cards_path = cards_path
        self.extra: list[str] = []  # the subject's files besides its pages

    def put(self, item: OutputFile) -> None:
        """A page or another file of the subject, rendered."""
        job, result = self.job, self.result
        if item.path not in result.pages:
            self.extra.append(item.path)
            if item.path != self.cards_path:
                # A file besides the pages (badge, feed, search shard) the output
                # holds with these very bytes is kept, not written again.
                digest = hashlib.blake2b(item.data, digest_size=16).digest()
                result.page_sums[item.path] = digest
                if job.kept.get(item.path) == digest:
                    result.same.append(item.path)
                    return
        if job.write_to:
            result.written.append((item.path, _write_pending(job.write_to, item.data)))
        else:
            result.files.append(item)

    def spliced(self, path: str, made: _Spliced) -> None:
        """``made`` written as ``path``."""
        if self.job.write_to:
            self.result.written.append((path, made.write(self.job.write_to)[0]))
        else:
            self.result.files.append(OutputFile(path, made.joined()))


def _use_bytecode(renderer: Renderer, bytecode: Path | None) -> None:
    """Compiled templates kept in ``bytecode`` across builds (keyed by source)."""
    if bytecode is not None and renderer.env.bytecode_cache is None:
        with contextlib.suppress(OSError):
            bytecode.mkdir(parents=True, exist_ok=True)
            renderer.env.bytecode_cache = _BYTECODE.setdefault(
                bytecode, template_code.bytecode_cache(bytecode)
            )


_written = itertools.count(1)


def _write_pending(folder: str, data: bytes) -> str:
    """Write ``data`` as a new file in ``folder``; its name (unique across the
    build's processes, never all digits: see ``StagedOutput.adopt``)."""
    name, handle = _new_pending(folder)
    with handle:
        handle.write(data)
    return name


def _new_pending(folder: str) -> tuple[str, io.BufferedWriter]:
    """A new file in ``folder`` (``_write_pending``), open for writing."""
    name = f"w{os.getpid()}-{next(_written)}"
    fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    return name, os.fdopen(fd, "wb")
