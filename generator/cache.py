"""The build cache: ``<site root>/.sitegen-cache/cache.sqlite``.

One SQLite file holds what makes rebuilds fast:

``analysis``
    one row per (analysis settings, review text): the compact, pickled
    ``ReviewAnalysis`` (sentence texts are not stored, they are slices of the review
    text). The namespace is ``AnalysisSettings.cache_key()`` (analyzer version,
    model and lexicon digests, thresholds) plus the shape of the result types, so a
    new analyzer or new settings never read old results.
``files``
    per content file, its parse result keyed by path, modification time, size and
    the reading settings: a light index (ids, subjects, text hashes) read at every
    build, and the full reviews, read only when one of the file's subjects changed.
``subjects``
    per subject, keyed by the hash of everything its pages depend on: what the
    next build reads of it (verdict, pages, feed dates) and its part of
    ``data.json``; ``subject_bulk``, beside it, what a build reads only when a page
    needs it (the summary in full and the feed entries).
``manifests``
    per output folder, which subject digest produced which pages, and the size,
    time and inode of every file the last build wrote, so the next build can
    hard-link the pages that did not change.

Beside it in the same folder: ``analyzer-<hash>.pickle``, the analyzer's tables
(``analysis/snapshot.py``), and ``templates/``, Jinja's compiled templates.

Safe when builds run at once (separate processes, even sharing one cache): WAL
journal, a busy timeout, ``INSERT OR IGNORE``/``INSERT OR REPLACE`` only, one short
transaction per batch. Deleting the folder is always safe: the next build is cold.

The cache never stops a build (``BuildCache.for_site``, ``BuildCache.healed``): a
damaged database is set aside as ``cache.sqlite.corrupt-<time>`` and started
afresh, with a warning; a folder that cannot be used (a file, not writable) gives
a build without cache, with a warning naming the folder and what to do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import logging
import os
import pickle
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from generator.analysis.types import ReviewAnalysis, SentenceAnalysis

log = logging.getLogger(__name__)

CACHE_DIRNAME = ".sitegen-cache"
CACHE_FILENAME = "cache.sqlite"
SCHEMA_VERSION = 7
_PICKLE = pickle.HIGHEST_PROTOCOL
_BATCH = 900  # SQLite's default limit of host parameters is 999 on old builds

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS namespaces (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS analysis (
    ns INTEGER NOT NULL, hash BLOB NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (ns, hash)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, stamp TEXT NOT NULL, light BLOB NOT NULL, full BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS subjects (
    digest BLOB PRIMARY KEY, data BLOB NOT NULL, fragment BLOB NOT NULL, used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS subject_bulk (digest BLOB PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS manifests (output TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS summary_states (
    key BLOB PRIMARY KEY, space BLOB NOT NULL, data BLOB NOT NULL, used REAL NOT NULL
);
"""


def text_hash(text: str) -> bytes:
    """16-byte hash of a review text (the analysis cache key within a namespace)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# --------------------------------------------------------------------------- encoding

_REVIEW_FIELDS = tuple(f.name for f in dataclasses.fields(ReviewAnalysis))
_SENTENCE_FIELDS = SentenceAnalysis._fields
_SENTENCES_AT = _REVIEW_FIELDS.index("sentences")
_TEXT_AT = _SENTENCE_FIELDS.index("text")
_START_AT = _SENTENCE_FIELDS.index("start")
_END_AT = _SENTENCE_FIELDS.index("end")


def schema_signature() -> str:
    """The shape of the stored results: part of the analysis namespace, so a field
    added to ``ReviewAnalysis`` or ``SentenceAnalysis`` never reads old rows."""
    return f"s{SCHEMA_VERSION}:" + ",".join(_REVIEW_FIELDS) + "/" + ",".join(_SENTENCE_FIELDS)


def encode_analysis(analysis: ReviewAnalysis, text: str) -> bytes:
    """Compact bytes for one analysis: field values in order, sentence texts left out
    when they are the slice ``text[start:end]`` (they always are for our analyzer)."""
    values = [getattr(analysis, name) for name in _REVIEW_FIELDS]
    sentences = []
    for sentence in analysis.sentences:
        row: list[Any] = list(sentence)
        if row[_TEXT_AT] == text[row[_START_AT] : row[_END_AT]]:
            row[_TEXT_AT] = None
        sentences.append(tuple(row))
    values[_SENTENCES_AT] = tuple(sentences)
    return pickle.dumps(tuple(values), _PICKLE)


def _plain(cls: type) -> bool:
    """A frozen dataclass whose ``__init__`` only stores its fields (no
    ``__post_init__``, no slots): it can be made by filling its ``__dict__``."""
    return (
        dataclasses.is_dataclass(cls)
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
    )


_FAST_DECODE = _plain(ReviewAnalysis)
_new = object.__new__
_make_tuple = tuple.__new__
# Rows are stored in field order (``encode_analysis``), the text first, as None
# when it is the slice of the review text the offsets give.
if _TEXT_AT != 0:  # pragma: no cover - decode_analysis relies on it
    raise RuntimeError("SentenceAnalysis must keep text as its first field")


def decode_analysis(data: bytes, text: str) -> ReviewAnalysis:
    values = list(pickle.loads(data))
    cls = SentenceAnalysis
    values[_SENTENCES_AT] = tuple(
        [
            _make_tuple(
                cls, row if row[0] is not None else (text[row[_START_AT] : row[_END_AT]], *row[1:])
            )
            for row in values[_SENTENCES_AT]
        ]
    )
    if _FAST_DECODE:  # the same object as through __init__, without its per-field cost
        analysis = _new(ReviewAnalysis)
        analysis.__dict__.update(zip(_REVIEW_FIELDS, values))
        return analysis
    return ReviewAnalysis(*values)


def slim_analysis(analysis: ReviewAnalysis) -> ReviewAnalysis:
    """The analysis without its sentences: what cards and data.json need, once the
    subject's summary (quotes, aspects) has been made. Keeps memory flat."""
    if not analysis.sentences:
        return analysis
    if _FAST_DECODE:  # what dataclasses.replace makes, without __init__
        slim = _new(ReviewAnalysis)
        state = slim.__dict__
        state.update(analysis.__dict__)
        state["sentences"] = ()
        return slim
    return dataclasses.replace(analysis, sentences=())


# --------------------------------------------------------------------------- the cache


class BuildCache:
    """The build cache of one site. ``path=None`` keeps it in memory (``--no-cache``)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # In memory (--no-cache), nothing outlives the build: parsed files, analyses,
        # subjects and manifests are not stored at all, which keeps memory flat.
        self.persistent = path is not None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_readme(path.parent)
        self._local = threading.local()
        self._namespaces: dict[str, int] = {}
        self._db = self._connect()

    @classmethod
    def for_site(cls, root: Path) -> BuildCache:
        """The site's cache, ready to use: a damaged database is set aside and a new
        one started; when the folder cannot be used at all, a cache in memory (the
        build then is a ``--no-cache`` one), each with a warning."""
        path = root / CACHE_DIRNAME / CACHE_FILENAME
        try:
            return cls(path)
        except sqlite3.DatabaseError as exc:
            if not damaged(exc):
                return _in_memory(path.parent, exc)
            damage = exc
        except OSError as exc:
            return _in_memory(path.parent, exc)
        try:
            _set_aside(path, damage)
            return cls(path)
        except (OSError, sqlite3.Error) as exc:
            return _in_memory(path.parent, exc)

    def healed(self, exc: BaseException) -> BuildCache | None:
        """After ``exc`` came out of a build using this cache: if it says the
        database is damaged, close it, set it aside and return a new cache for the
        build to start again with; None otherwise (the error is not the cache's)."""
        if self.path is None or not isinstance(exc, sqlite3.DatabaseError) or not damaged(exc):
            return None
        self.close()
        try:
            _set_aside(self.path, exc)
        except OSError as error:
            return _in_memory(self.path.parent, error)
        return BuildCache.for_site(self.path.parent.parent)

    def _connect(self) -> sqlite3.Connection:
        target = str(self.path) if self.path is not None else ":memory:"
        db = sqlite3.connect(target, timeout=60.0, isolation_level=None, check_same_thread=False)
        try:
            return self._prepare(db)
        except BaseException:
            db.close()
            raise

    def _prepare(self, db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("PRAGMA busy_timeout = 60000")
        if self.path is not None:
            _retry(lambda: db.execute("PRAGMA journal_mode = WAL"))
            db.execute("PRAGMA synchronous = NORMAL")
        _retry(
            lambda: db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
        )
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] != str(SCHEMA_VERSION):
            with self._transaction(db):
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if row is not None and row[0] != str(SCHEMA_VERSION):
                    log.info(
                        "cache %s has schema %s, not %s: starting afresh",
                        self.path,
                        row[0],
                        SCHEMA_VERSION,
                    )
                    for table in (
                        "analysis",
                        "files",
                        "subjects",
                        "manifests",
                        "namespaces",
                        "summary_states",
                    ):
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    db.execute("DELETE FROM meta WHERE key = 'schema'")
        _retry(lambda: db.executescript(_SCHEMA))
        _retry(
            lambda: db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
            )
        )
        return db

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> BuildCache:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self, db: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        db = db or self._db
        _retry(lambda: db.execute("BEGIN IMMEDIATE"))
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            _retry(lambda: db.execute("COMMIT"))

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction (unless one is open already): a row found and its
        blob then read stay the same row."""
        db = self._db
        own = not db.in_transaction
        if own:
            db.execute("BEGIN")
        try:
            yield db
        finally:
            if own:
                db.execute("COMMIT")

    # ---- analyses

    def namespace(self, name: str) -> int:
        """The small integer standing for an analysis namespace (settings + schema)."""
        if name not in self._namespaces:
            with self._transaction() as db:
                db.execute("INSERT OR IGNORE INTO namespaces (name) VALUES (?)", (name,))
            row = self._db.execute("SELECT id FROM namespaces WHERE name = ?", (name,)).fetchone()
            self._namespaces[name] = int(row[0])
        return self._namespaces[name]

    def get_analyses(self, ns: int, hashes: Sequence[bytes]) -> dict[bytes, bytes]:
        return dict(
            self._by_keys(
                "SELECT hash, data FROM analysis WHERE ns = ? AND hash IN ({marks})", hashes, ns
            )
        )

    def _by_keys(self, query: str, keys: Sequence[Any], *params: Any) -> Iterator[tuple[Any, ...]]:
        """The rows ``query`` selects for ``keys`` (its ``{marks}``: their
        placeholders, after ``params``'), a batch of keys at a time."""
        for i in range(0, len(keys), _BATCH):
            chunk = keys[i : i + _BATCH]
            yield from self._db.execute(
                query.format(marks=",".join("?" * len(chunk))), (*params, *chunk)
            )

    def put_analyses(self, ns: int, items: Iterable[tuple[bytes, bytes]]) -> None:
        if not self.persistent:
            return
        rows = [(ns, h, d) for h, d in items]
        if rows:
            with self._transaction() as db:
                db.executemany("INSERT OR IGNORE INTO analysis VALUES (?, ?, ?)", rows)

    def count_analyses(self, ns: int | None = None) -> int:
        if ns is None:
            return int(self._db.execute("SELECT count(*) FROM analysis").fetchone()[0])
        return int(
            self._db.execute("SELECT count(*) FROM analysis WHERE ns = ?", (ns,)).fetchone()[0]
        )

    # ---- parsed files

    def get_file_indexes(self, paths: Sequence[str]) -> dict[str, tuple[str, Any]]:
        """path -> (stamp, light index) for the paths the cache knows, in a few queries.
        The index is unpickled only when asked for (``.value``) by a caller whose
        stamp matches."""
        rows = self._by_keys("SELECT path, stamp, light FROM files WHERE path IN ({marks})", paths)
        return {path: (stamp, _Lazy(light)) for path, stamp, light in rows}

    def get_file_reviews(self, path: str, stamp: str) -> tuple[Any, bytes, bytes] | None:
        """(reviews, row keys, language flags) of the file as read under ``stamp``
        (``readers.memo``). Unpickled as SQLite reads the blob (``_BlobReader``),
        in the read transaction that found the stamp: no copy of the whole blob is
        made (for a file of 6,400 reviews, 6.7 MB twice, SQLite's and Python's)."""
        with self._reading() as db:
            row = db.execute("SELECT rowid, stamp FROM files WHERE path = ?", (path,)).fetchone()
            if row is None or row[1] != stamp:
                return None
            full = _unpickled_blob(db, "files", "full", row[0])
        return full if isinstance(full, tuple) and len(full) == 3 else (full, b"", b"")

    def put_files(self, rows: Iterable[tuple[str, str, Any, Any]]) -> None:
        """Store ``(path, stamp, light index, (reviews, row keys, language flags))``
        rows; the index and the reviews as values, or already ``pickled``."""
        if not self.persistent:
            return
        data = [(p, s, _pickled(light), _pickled(full)) for p, s, light, full in rows]
        if data:
            with self._transaction() as db:
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", data)

    # ---- subjects

    def get_subjects(self, digests: Sequence[bytes]) -> dict[bytes, Any]:
        rows = self._by_keys("SELECT digest, data FROM subjects WHERE digest IN ({marks})", digests)
        return {digest: pickle.loads(data) for digest, data in rows}

    def get_subject_bulk(self, digest: bytes) -> bytes | None:
        """The part of a subject's entry ``get_subjects`` leaves out (its ``bulk``),
        read when first needed: maybe after the build closed the cache, then
        through a read-only connection of its own."""
        query = "SELECT data FROM subject_bulk WHERE digest = ?"
        try:
            row = self._db.execute(query, (digest,)).fetchone()
        except sqlite3.ProgrammingError:  # closed
            if self.path is None:
                return None
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=60.0)
            try:
                row = db.execute(query, (digest,)).fetchone()
            finally:
                db.close()
        return row[0] if row else None

    def get_fragments(self, digests: Sequence[bytes]) -> dict[bytes, bytes]:
        return dict(
            self._by_keys(
                "SELECT digest, fragment FROM subjects WHERE digest IN ({marks})", digests
            )
        )

    def put_subjects(self, items: Iterable[tuple[bytes, Any, bytes, bytes]]) -> None:
        """Store ``(digest, data, bulk, fragment)`` rows (``data`` as a value, the
        others as bytes)."""
        if not self.persistent:
            return
        now = time.time()
        rows = iter(items)  # (one at a time: the fragments are never all held)
        first = next(rows, None)
        if first is None:
            return
        with self._transaction() as db:
            for digest, data, bulk, fragment in itertools.chain([first], rows):
                db.execute(
                    "INSERT OR REPLACE INTO subjects VALUES (?, ?, ?, ?)",
                    (digest, pickle.dumps(data, _PICKLE), fragment, now),
                )
                db.execute("INSERT OR REPLACE INTO subject_bulk VALUES (?, ?)", (digest, bulk))

    # ---- summary states (generator.analysis.summary_state)

    def get_states(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        return dict(
            self._by_keys("SELECT key, data FROM summary_states WHERE key IN ({marks})", keys)
        )

    def put_states(self, space: bytes, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store ``(key, state)`` pairs made under ``space`` (code, settings: see
        ``prune_subjects``)."""
        if not self.persistent:
            return
        now = time.time()
        rows = [(k, space, d, now) for k, d in items]
        if rows:
            with self._transaction() as db:
                db.executemany("INSERT OR REPLACE INTO summary_states VALUES (?, ?, ?, ?)", rows)

    # ---- manifests

    # A manifest is a few MB pickled at 100,000 reviews (most of it the cards'
    # records of ``page_digests``): read and written frame by frame through the
    # blob, never whole as bytes (pickling it whole, then binding it, made a
    # rebuild's peak memory 8 MB higher at its very end).

    def get_manifest(self, output: Path) -> Any | None:
        with self._reading() as db:
            row = db.execute(
                "SELECT rowid FROM manifests WHERE output = ?", (str(output),)
            ).fetchone()
            return None if row is None else _unpickled_blob(db, "manifests", "data", row[0])

    def put_manifest(self, output: Path, manifest: Any) -> None:
        if not self.persistent:
            return
        counted = _Counter()
        pickle.Pickler(counted, _PICKLE).dump(manifest)  # (its size: pickling is deterministic)
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR REPLACE INTO manifests VALUES (?, zeroblob(?))",
                (str(output), counted.size),
            )
            with db.blobopen("manifests", "data", cursor.lastrowid) as blob:
                pickle.Pickler(blob, _PICKLE).dump(manifest)
                if blob.tell() != counted.size:  # pragma: no cover - pickling changed
                    raise sqlite3.DatabaseError("manifest size changed while stored")

    def prune_subjects(
        self, keep_days: float = 7.0, every: float = 3600.0, space: bytes = b""
    ) -> int:
        """Forget subject entries that no manifest uses and no build used lately
        (at most once every ``every`` seconds: it reads every manifest), and
        summary states made under another code or settings than ``space`` (the
        current build's) and not written lately."""
        if self.persistent and every > 0:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
            now = time.time()
            with contextlib.suppress(ValueError, TypeError):
                if row is not None and now - float(row[0]) < every:
                    return 0
            with self._transaction() as db:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (repr(now),))
        used: set[bytes] = set()
        for (data,) in self._db.execute("SELECT data FROM manifests"):
            with contextlib.suppress(Exception):
                used.update(pickle.loads(data).get("subjects", {}).values())
        cutoff = time.time() - keep_days * 86400
        old = [
            d
            for (d,) in self._db.execute("SELECT digest FROM subjects WHERE used < ?", (cutoff,))
            if d not in used
        ]
        with self._transaction() as db:
            db.executemany("DELETE FROM subjects WHERE digest = ?", [(d,) for d in old])
            db.executemany("DELETE FROM subject_bulk WHERE digest = ?", [(d,) for d in old])
            db.execute("DELETE FROM summary_states WHERE used < ? AND space != ?", (cutoff, space))
        return len(old)


def pickled(value: Any) -> bytes:
    """``value`` pickled as the cache stores it."""
    return pickle.dumps(value, _PICKLE)


def _pickled(value: Any) -> bytes:
    """``value`` pickled, unless it is already (an index or a file's reviews is
    never ``bytes`` itself)."""
    return value if isinstance(value, bytes) else pickle.dumps(value, _PICKLE)


class _BlobReader:
    """A blob of the database as the file ``pickle.load`` reads: a pickle's frames
    are read one by one (about 64 KB), never the whole blob at once."""

    __slots__ = ("blob",)

    def __init__(self, blob: sqlite3.Blob) -> None:
        self.blob = blob

    def read(self, size: int = -1) -> bytes:
        return self.blob.read(size)

    def readline(self) -> bytes:
        """(Only the text opcodes of pickle protocols 0 and 1 read lines.)"""
        line = bytearray()
        while not line.endswith(b"\n"):
            char = self.blob.read(1)
            if not char:
                break
            line += char
        return bytes(line)


def _unpickled_blob(db: sqlite3.Connection, table: str, column: str, rowid: int) -> Any:
    """The value pickled in a blob, unpickled as SQLite reads it (``_BlobReader``):
    no copy of the whole blob is made, SQLite's nor Python's."""
    with db.blobopen(table, column, rowid, readonly=True) as blob:
        return pickle.load(_BlobReader(blob))


class _Counter:
    """A file that only counts the bytes written to it."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


class _Lazy:
    """Pickled bytes, unpickled on first use."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    @property
    def value(self) -> Any:
        return pickle.loads(self.data)


def _retry(action: Any, attempts: int = 50) -> Any:
    """Run a statement, retrying while another process holds a lock the busy
    timeout does not cover (``BEGIN IMMEDIATE`` on a WAL database, schema changes)."""
    for attempt in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None


def damaged(exc: BaseException) -> bool:
    """``exc`` says the database file is not a (sound) SQLite database."""
    name = getattr(exc, "sqlite_errorname", "")
    return isinstance(exc, sqlite3.DatabaseError) and (
        name in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
        or "malformed" in str(exc)
        or "not a database" in str(exc)
    )


def _set_aside(path: Path, exc: BaseException) -> None:
    """Rename a damaged database (and its WAL files) to ``<name>.corrupt-<time>``,
    removing the one set aside before, and say so."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for old in path.parent.glob(f"{path.name}.corrupt-*"):
        with contextlib.suppress(OSError):
            old.unlink()
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    log.warning(
        "the build cache %s is damaged (%s): set aside as %s, starting a new one "
        "(this build analyses every review again); delete the copy when you like",
        path,
        exc,
        aside.name,
    )


def _in_memory(folder: Path, exc: BaseException) -> BuildCache:
    """A cache in memory for this build, after ``folder`` could not be used."""
    if folder.exists() and not folder.is_dir():
        log.warning(
            "cannot use the build cache: %s is a file, not a folder; building without it "
            "(remove or rename it)",
            folder,
        )
    else:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        log.warning(
            "cannot use the build cache in %s (%s); building without it "
            "(make the folder writable, or delete it)",
            folder,
            reason,
        )
    return BuildCache(None)


def _write_readme(folder: Path) -> None:
    readme = folder / "README.txt"
    if not readme.exists():
        with contextlib.suppress(OSError):
            readme.write_text(
                "sitegen's build cache (analyses, parsed files, page manifests, the analyzer's\n"
                "tables, compiled templates). Safe to delete:\n"
                "the next build is then a full one. Keep it out of version control.\n",
                encoding="utf-8",
            )
