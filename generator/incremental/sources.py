"""The read stage: every content file's reviews, through the build cache.

A file whose stamp (mtime, size, inode and ``keys.reader_keys``) is unchanged is
not read again: its light index (ids, subjects, text hashes, problems) comes from
the cache, and its full reviews are loaded only for the subjects being rebuilt
(``load_reviews``). The result, ``Sources``, is what ``read_content`` gives
(same reviews, problems and order: ``tests/test_incremental.py`` checks it),
column by column.
"""

from __future__ import annotations

import array
import bisect
import dataclasses
import hashlib
import operator
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import executors, metadata
from generator.cache import BuildCache, pickled, text_hash
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.exceptions import ConfigError, ContentError, Problem
from generator.executors import LocalPool
from generator.incremental import keys as _keys
from generator.incremental.context import BuildContext
from generator.incremental.keys import stable_hash as _hash
from generator.progress import NullProgress
from generator.readers import _unique_ids, content_files
from generator.readers.base import ReadContext, reader_for
from generator.readers.memo import RowMemo
from generator.readers.records import review_from

_REVIEW_EXTRA = tuple(f.name for f in dataclasses.fields(Review) if f.name not in ("id", "text"))
_extra_fields = operator.attrgetter(*_REVIEW_EXTRA)  # (a tuple of them, in one call)


def _record_hash(review: Review) -> bytes:
    """Hash of a review's fields other than its id and text."""
    return _hash(_extra_fields(review))[:8]


# --------------------------------------------------------------------------- reading


# One review, lightly: what every build needs to know about every review.
# (id as read, subject, text hash, hash of the other fields, source, line)
Record = tuple[str, str, bytes, bytes, Path, int]


@dataclass
class SourceFile:
    """One content file's light index, column by column (cheap to unpickle: equal
    subjects and sources are one object each, hashes are one bytes string)."""

    path: Path
    stamp: str
    metas: list[SubjectMeta]
    problems: list[Problem]
    ids: list[str]  # as read
    subjects: list[str]
    digests: bytes  # 16 bytes of text hash per review
    others: bytes  # 8 bytes of hash of the other fields per review
    sources: list[Path]
    lines: Sequence[int]  # (an array: 8 bytes a review, not an int object each)
    parts: dict[str, bytes]  # subject -> hash of its records in this file (ids as read)
    reviews: list[Review] | None = None  # loaded only when needed

    def light(self) -> tuple[Any, ...]:
        return (
            self.metas,
            self.problems,
            self.ids,
            self.subjects,
            self.digests,
            self.others,
            self.sources,
            self.lines,
            self.parts,
        )

    def record(self, row: int) -> Record:
        return (
            self.ids[row],
            self.subjects[row],
            self.digests[16 * row : 16 * row + 16],
            self.others[8 * row : 8 * row + 8],
            self.sources[row],
            self.lines[row],
        )


def _file_from_reviews(
    path: Path,
    stamp: str,
    metas: list[SubjectMeta],
    problems: list[Problem],
    reviews: list[Review],
    last: _LastRead | None = None,
) -> SourceFile:
    """``last``: the file as read last time, when rows were taken back from it."""
    interned: dict[str, str] = {}
    subjects = [interned.setdefault(r.subject, r.subject) for r in reviews]
    if last is not None and len(last.memo.rows) == len(reviews):
        digests, others = last.hashes(reviews)
    else:
        digests = b"".join(text_hash(r.text) for r in reviews)
        others = b"".join(_record_hash(r) for r in reviews)
    entry = SourceFile(
        path,
        stamp,
        metas,
        problems,
        [r.id for r in reviews],
        subjects,
        digests,
        others,
        [r.source for r in reviews],
        array.array("q", [r.line for r in reviews]),
        {},
        reviews,
    )
    entry.parts = _parts(entry)
    return entry


def _parts(entry: SourceFile) -> dict[str, bytes]:
    hashes: dict[str, Any] = {}
    digests, others = entry.digests, entry.others
    for row, (rid, subject) in enumerate(zip(entry.ids, entry.subjects)):
        h = hashes.get(subject)
        if h is None:
            h = hashes[subject] = hashlib.blake2b(digest_size=16)
        h.update(rid.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(digests[16 * row : 16 * row + 16])
        h.update(others[8 * row : 8 * row + 8])
    return {subject: h.digest() for subject, h in hashes.items()}


@dataclass
class Sources:
    files: list[SourceFile]
    starts: list[int]  # index of each file's first review among all reviews
    subjects: list[str]  # subject of every review, input order
    ids: list[str]  # final ids (duplicates suffixed)
    metas: dict[str, SubjectMeta]
    problems: list[Problem]
    renamed: list[tuple[int, str]] = field(
        default_factory=list
    )  # (review, final id) where not as read

    def owner(self, index: int) -> tuple[int, int]:
        """(file index, row in file) of review ``index``."""
        file_index = bisect.bisect_right(self.starts, index) - 1
        while not self.files[file_index].ids:  # empty files share their start
            file_index -= 1
        return file_index, index - self.starts[file_index]

    @property
    def records(self) -> list[Record]:
        """Every review's light record, input order (built on demand)."""
        return [entry.record(row) for entry in self.files for row in range(len(entry.ids))]


def _resolved(path: Path, folder: Path, root: str) -> str:
    """``str(path.resolve())`` for a file found under ``folder`` by ``content_files``
    (which does not enter linked folders): ``root`` is the folder resolved (once
    per build: a relative folder means another one after a change of folder), the
    file itself is resolved only when it is a link."""
    if os.path.islink(path):
        return str(path.resolve())
    name, under = str(path), str(folder) + os.sep
    # (``content_files`` joins plain names to the folder: the rest of the path is
    # what ``relpath`` gives, without its two calls for the working folder)
    rel = name[len(under) :] if name.startswith(under) else os.path.relpath(path, folder)
    return os.path.join(root, rel)


def read(ctx: BuildContext) -> Sources:
    """The read stage: every content file's reviews (``read_sources``), its problems
    in the report; under ``ctx.strict`` any content error fails the build here, and
    so does a content folder without reviews or subjects."""
    config, report = ctx.config, ctx.report
    found, report.files_parsed = read_sources(
        config,
        ctx.store,
        _keys.reader_keys(config, ctx.plugins),
        ctx.progress,
        ctx.pool if ctx.reuse else None,  # (a caller's own analysis uses no pool)
    )
    ctx.phase("read")
    report.problems = list(found.problems)
    if ctx.strict and report.errors:
        raise ContentError(
            report.errors, f"{len(report.errors)} problem(s) in the content (--strict):"
        )
    if not found.ids and not found.metas:
        raise ContentError(
            report.errors,
            f"no reviews found in {config.content_dir} (formats: .txt, .md, .csv, .tsv, .json, .jsonl)",
        )
    return found


def read_sources(
    config: SiteConfig,
    store: BuildCache,
    reader_keys: dict[str, str],
    progress: NullProgress,
    pool: LocalPool | None = None,
) -> tuple[Sources, int]:
    """``read_content``, file by file through the cache; and how many files were
    parsed (the others came from the cache). With ``pool`` (the build's local
    process pool), many files new to the cache are parsed there and here at once
    (``_parse_shared``)."""
    folder = config.content_dir
    if not folder.is_dir():
        raise ConfigError(
            f"content folder {folder} does not exist (use --content DIR or create it)"
        )
    context = ReadContext(config=config, content_dir=folder, absolute=True)
    paths = content_files(folder, context)
    progress.stage("Reading", len(paths))
    files: list[SourceFile | None] = [None] * len(paths)
    # Each file's problems as shown, gathered in the order of the files whatever
    # the order they are read in (after the folder's own).
    shown: list[list[Problem]] = [[] for _ in paths]
    walked = context.problems
    fresh = _Fresh(store)
    now = time.time()
    root = str(folder.resolve())
    keys = [_resolved(path, folder, root) for path in paths]
    cached_index = store.get_file_indexes(keys)
    new: list[tuple[int, Path, str, str, os.stat_result]] = []  # files the cache lacks
    parsed = 0
    for i, (path, key) in enumerate(zip(paths, keys)):
        st = path.stat()
        reader_key = reader_keys.get(path.suffix.lower()) or reader_keys[""]
        stamp = f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}:{reader_key}"
        cached = cached_index.get(key)
        context.problems = shown[i]
        if cached is None:
            new.append((i, path, key, stamp, st))
            continue
        if cached[0] == stamp:
            files[i] = _from_index(path, stamp, cached[1].value, context)
        else:
            parsed += 1
            last = _LastRead.of(store, key, cached, reader_key)
            memo = last.memo if last is not None else RowMemo() if store.persistent else None
            files[i] = _parse_here(path, key, stamp, st, context, memo, last, fresh, now)
        progress.advance()
    del cached_index
    parsed += len(new)
    if _shared(config, pool, new):
        assert pool is not None
        _parse_shared(pool, context, new, files, shown, fresh, now, progress)
    else:
        for i, path, key, stamp, st in new:
            context.problems = shown[i]
            memo = RowMemo() if store.persistent else None
            files[i] = _parse_here(path, key, stamp, st, context, memo, None, fresh, now)
            progress.advance()
    fresh.flush()
    context.problems = walked + [p for problems in shown for p in problems]
    read = [entry for entry in files if entry is not None]
    assert len(read) == len(paths)
    return _assemble(read, context, folder), parsed


# Files new to the cache are parsed in the build's process pool too when there are
# at least this many, of at least this many bytes in all (the pool is started for
# them: the analysis that follows uses it).
SHARED_MIN_FILES = 4
SHARED_MIN_BYTES = 2_000_000


def _shared(config: SiteConfig, pool: LocalPool | None, new: list[Any]) -> bool:
    """Whether to parse the files ``new`` in the pool too: a local pool, many
    files, the built-in readers only (a plugin's reader stays in this process)."""
    return (
        pool is not None
        and pool.available
        and not config.plugins
        and len(new) >= SHARED_MIN_FILES
        and sum(item[4].st_size for item in new) >= SHARED_MIN_BYTES
    )


class _Fresh:
    """Files read by this build, stored in the cache as they come (never the whole
    corpus pickled at once)."""

    def __init__(self, store: BuildCache) -> None:
        self.store = store
        self.rows: list[tuple[str, str, Any, Any]] = []

    def add(self, key: str, stamp: str, light: Any, full: Any) -> None:
        self.rows.append((key, stamp, light, full))
        if len(self.rows) >= 32:
            self.flush()

    def flush(self) -> None:
        self.store.put_files(self.rows)
        self.rows = []


def _trusted(st: os.stat_result, now: float) -> bool:
    """A file changed in the last two seconds may change again within the same
    mtime tick: its stamp is not trusted later (it is not stored)."""
    return now - st.st_mtime_ns / 1e9 > 2.0


def _parse_here(
    path: Path,
    key: str,
    stamp: str,
    st: os.stat_result,
    context: ReadContext,
    memo: RowMemo | None,
    last: _LastRead | None,
    fresh: _Fresh,
    now: float,
) -> SourceFile:
    """Parse one file in this process (``_parse``), stored in the cache for later."""
    entry, reviews = _parse(path, stamp, context, memo, last)
    if _trusted(st, now):
        rows = memo.stored(len(reviews)) if memo is not None else (b"", b"")
        fresh.add(key, stamp, entry.light(), (reviews, *rows))
    return entry


def _parse_shared(
    pool: LocalPool,
    context: ReadContext,
    new: list[tuple[int, Path, str, str, os.stat_result]],
    files: list[SourceFile | None],
    shown: list[list[Problem]],
    fresh: _Fresh,
    now: float,
    progress: NullProgress,
) -> None:
    """Parse the files ``new``, the largest first, in the pool's processes and in
    this one (while none of the pool's is done): the same entries, reviews and
    problems as ``_parse_here`` would give, file by file."""
    persistent = fresh.store.persistent
    config = context.config
    by_path = {item[1]: item for item in new}

    def here(path: Path, stamp: str, *_: Any) -> SourceFile:
        i, _, key, _, st = by_path[path]
        context.problems = shown[i]
        memo = RowMemo() if persistent else None
        return _parse_here(path, key, stamp, st, context, memo, None, fresh, now)

    calls = [
        (item, (item[1], item[3], config, persistent))
        for item in sorted(new, key=lambda item: -item[4].st_size)
    ]
    parts = executors.shared_map(pool.start(), parse_elsewhere, here, calls, pool.slots)
    for (i, path, key, stamp, st), result, remotely in parts:
        if remotely:
            light, full, shown[i] = result
            reviews = pickle.loads(full)[0]
            files[i] = SourceFile(path, stamp, *pickle.loads(light), reviews)
            if _trusted(st, now):
                fresh.add(key, stamp, light, full)
        else:
            files[i] = result
        progress.advance()


def parse_elsewhere(
    path: Path, stamp: str, config: SiteConfig, persistent: bool
) -> tuple[bytes, bytes, list[Problem]]:
    """The task of a pool's process (``_parse_shared``): one file parsed as
    ``_parse_here`` parses it (the pool's processes start in the build's folder,
    as ``multiprocessing`` starts them); its index and its reviews pickled as the
    cache keeps them (``cache.pickled``), and its problems as shown."""
    context = ReadContext(config=config, content_dir=config.content_dir, absolute=True)
    memo = RowMemo() if persistent else None
    entry, reviews = _parse(path, stamp, context, memo)
    rows = memo.stored(len(reviews)) if memo is not None else (b"", b"")
    return pickled(entry.light()), pickled((reviews, *rows)), context.problems


@dataclass
class _LastRead:
    """A file as the cache kept it from its last read: its reviews, their text
    hashes and other fields' hashes (its index), and the memo of its rows."""

    reviews: list[Review]
    digests: bytes
    others: bytes
    memo: RowMemo

    @classmethod
    def of(cls, store: BuildCache, key: str, cached: Any, reader_key: str) -> _LastRead | None:
        """The file the cache last kept under ``key`` (``cached``: its stamp then and
        its index), when it was read by the same readers with the same settings."""
        stamp = cached[0]
        if stamp.split(":", 3)[-1] != reader_key:
            return None
        found = store.get_file_reviews(key, stamp)
        if found is None:
            return None
        reviews, keys, flags = found
        digests, others = cached[1].value[4:6]
        if len(digests) != 16 * len(reviews) or len(others) != 8 * len(reviews):
            return None
        return cls(reviews, digests, others, RowMemo(reviews, keys, flags))

    def hashes(self, reviews: list[Review]) -> tuple[bytes, bytes]:
        """``_file_from_reviews``' text hashes and other fields' hashes of this
        read's reviews: those of the reviews taken back, from the last index."""
        digests, others = [], []
        for review, j in zip(reviews, self.memo.rows, strict=True):
            if j < 0:
                digests.append(text_hash(review.text))
                others.append(_record_hash(review))
                continue
            digests.append(self.digests[16 * j : 16 * j + 16])
            same = review is self.reviews[j]  # (not at another line)
            others.append(self.others[8 * j : 8 * j + 8] if same else _record_hash(review))
        return b"".join(digests), b"".join(others)


def _from_index(path: Path, stamp: str, light: Any, context: ReadContext) -> SourceFile:
    """A file's entry from its cached index. Its problems are stored with absolute
    paths and shown relative to the current folder (which may have changed)."""
    metas, problems, ids, subjects, digests, others, shown, lines, parts = light
    problems = [dataclasses.replace(p, path=context.display(Path(p.path))) for p in problems]
    context.problems.extend(problems)
    return SourceFile(
        path, stamp, metas, problems, ids, subjects, digests, others, shown, lines, parts
    )


def _parse(
    path: Path,
    stamp: str,
    context: ReadContext,
    memo: RowMemo | None = None,
    last: _LastRead | None = None,
) -> tuple[SourceFile, list[Review]]:
    """Read one file with its reader: its entry and its reviews. Every path they
    hold is made absolute (problems are shown relative to the current folder when
    reported): what the cache keeps does not depend on the folder a build ran in.
    ``memo``: what its rows gave last time (a table reader takes the unchanged
    rows' reviews back), filled for the next time; ``last``: the read it comes from."""
    read = reader_for(path, context.config)
    assert read is not None
    before = len(context.problems)
    context.memo = memo
    try:
        result = read(path, context)
    finally:
        context.memo = None
    problems = [
        dataclasses.replace(p, path=Path(os.path.abspath(p.path)))
        for p in context.problems[before:]
    ]
    reviews = absolute_sources(result.reviews)
    metas = [
        dataclasses.replace(m, source=Path(os.path.abspath(m.source))) if m.source else m
        for m in result.subjects
    ]
    return _file_from_reviews(path, stamp, metas, problems, reviews, last), reviews


def absolute_sources(reviews: list[Review]) -> list[Review]:
    """The reviews with their source as an absolute path (one object per file
    for those made now). A review whose source is absolute already is kept as it
    is: the reviews taken back from the cache (``RowMemo``) share another object
    than the rows made again, and a copy of each would be hashed again
    (``_LastRead.hashes`` knows a review taken back by identity)."""
    sources: dict[Path, Path] = {}
    out = []
    last: Any = None  # (the reviews of a file share their source object: once per object)
    for review in reviews:
        if review.source is not last:
            last = review.source
            source = sources.get(last)
            if source is None:
                absolute = os.path.abspath(last)
                source = sources[last] = last if str(last) == absolute else Path(absolute)
            keep = source is last or str(source) == str(last)
        out.append(review if keep else _with_source(review, source))
    return out


def _with_source(review: Review, source: Path) -> Review:
    """``dataclasses.replace(review, source=source)`` (``records.review_from``)."""
    return review_from({**vars(review), "source": source})


def _assemble(files: list[SourceFile], context: ReadContext, folder: Path) -> Sources:
    """Every file's columns end to end; duplicate ids renamed and subjects without
    reviews reported, exactly as ``read_content`` does."""
    starts: list[int] = []
    all_ids: list[str] = []
    all_subjects: list[str] = []
    read_metas: list[SubjectMeta] = []
    for entry in files:
        starts.append(len(all_ids))
        all_ids.extend(entry.ids)
        all_subjects.extend(entry.subjects)
        read_metas.extend(entry.metas)
    # (the subjects' keys, first seen first, as read_content gives them to attach)
    metas, meta_problems = metadata.attach(
        metadata.collect(read_metas),
        dict.fromkeys(all_subjects),
        context.config.subjects,
        context.config.config_path,
        folder,
    )
    sources = Sources(files, starts, all_subjects, all_ids, metas, context.problems)
    # Duplicate ids, exactly as read_content does it, on stand-ins whose text is the
    # text's hash (equal hashes, equal texts).
    if len(set(all_ids)) != len(all_ids):  # the usual case, no duplicate, needs none of this
        # (Sources as the user knows them: the problems name them.)
        stand_ins = [
            Review(
                id=rid,
                subject=subject,
                text=digest.hex(),
                source=context.display(source),
                line=line,
            )
            for rid, subject, digest, _, source, line in sources.records
        ]
        unique, duplicates = _unique_ids(stand_ins)
        context.problems.extend(duplicates)
        sources.ids = [review.id for review in unique]
        sources.renamed = [
            (i, final) for i, (rid, final) in enumerate(zip(all_ids, sources.ids)) if rid != final
        ]
    context.problems.extend(meta_problems)  # (after the duplicates', as read_content)
    return sources


def subject_groups(sources: Sources) -> dict[str, Sequence[int]]:
    """Subject key -> indexes of its reviews: subjects in first-seen order, then
    those with metadata only."""
    groups: dict[str, Any] = {}
    # (``sources.subjects`` is each file's subjects end to end: ``_assemble``.)
    for entry, start in zip(sources.files, sources.starts, strict=True):
        names = entry.subjects
        if names and names.count(names[0]) == len(names):
            # A file of one subject (the usual case): its indexes taken whole, as a
            # ``range`` (not a list of 100,000 ints at 100k reviews: 4 MB in an edit).
            taken = range(start, start + len(names))
            known = groups.get(names[0])
            groups[names[0]] = taken if known is None else [*known, *taken]
            continue
        for index, subject in enumerate(names, start):
            known = groups.get(subject)
            if type(known) is not list:
                known = groups[subject] = [*(known or ())]
            known.append(index)
    for key in sources.metas:
        groups.setdefault(key, [])
    return groups


def subject_parts(sources: Sources, groups: dict[str, Sequence[int]]) -> dict[str, list[Any]]:
    """Per subject: its part in each file (in file order), and the ids that differ
    from the ones read (duplicates renamed): what its digest hashes."""
    parts: dict[str, list[Any]] = {key: [] for key in groups}
    for entry in sources.files:
        for key, part in entry.parts.items():
            parts[key].append((os.path.abspath(entry.path), part))
    for i, final in sources.renamed:
        parts[sources.subjects[i]].append((i, final))
    return parts


def load_reviews(
    config: SiteConfig,
    store: BuildCache,
    sources: Sources,
    groups: dict[str, Sequence[int]],
    keys: list[str],
) -> tuple[dict[str, list[Review]], dict[str, list[bytes]]]:
    """The full reviews of ``keys``' subjects, with their final ids, and their
    texts' hashes."""
    owners = {i: sources.owner(i) for key in keys for i in groups[key]}
    reread = _load_files(config, store, sources, {owner[0] for owner in owners.values()})
    out: dict[str, list[Review]] = {}
    hashes: dict[str, list[bytes]] = {}
    for key in keys:
        reviews = []
        digests = []
        for i in groups[key]:
            file_index, row = owners[i]
            entry = sources.files[file_index]
            review = entry.reviews[row]  # type: ignore[index]
            if review.id != sources.ids[i]:
                review = dataclasses.replace(review, id=sources.ids[i])
            reviews.append(review)
            digests.append(
                text_hash(review.text)
                if file_index in reread
                else entry.digests[16 * row : 16 * row + 16]
            )
        out[key] = reviews
        hashes[key] = digests
    for entry in sources.files:  # keep memory for what comes next
        entry.reviews = None
    return out, hashes


def _load_files(
    config: SiteConfig, store: BuildCache, sources: Sources, needed: set[int]
) -> set[int]:
    """Load the reviews of the files ``needed`` (from the cache, else read again);
    the files read again (their index's text hashes may not match)."""
    reread = set()
    for index in sorted(needed):
        entry = sources.files[index]
        if entry.reviews is None:
            found = store.get_file_reviews(str(entry.path.resolve()), entry.stamp)
            entry.reviews = found[0] if found is not None else None
            if entry.reviews is None:  # the cache lost it meanwhile: read again
                reread.add(index)
                context = ReadContext(config=config, content_dir=config.content_dir, absolute=True)
                read = reader_for(entry.path, config)
                assert read is not None
                entry.reviews = absolute_sources(read(entry.path, context).reviews)
    return reread
