"""A copy of the analyzer's tables, kept in the build cache.

Building ``Analyzer``'s tables (textblob-fr's sentiment XML merged with sitegen's
review lexicon, the model's weights, the aspect word lists folded from
textblob-fr's 80,000-line tagged lexicon) takes about 0.13 s. An incremental
``sitegen build`` that has one edited review to analyse paid that on every run;
with this snapshot it costs a few milliseconds (``benchmarks/bench_edit.py``
shows ``get_analyzer``).

The snapshot holds exactly the objects the loaders build (``load_lexicon``,
``load_model``, ``aspects._load_tables``, ``language.load_table``: the French
analysis and the language detector; English tables load on a process's first
English review) and only pre-fills those per-process singletons: anything it
lacks is built as usual, and the per-word memo tables start as a fresh
process's do either way (empty, but for the model file's per-word character
sums, a field of the model like its weights). Its file name is a hash of
everything the tables are built from -- the analysis code, the shipped model
and lexicon, textblob-fr's data files, the Python version -- so a snapshot
never outlives its inputs. An unreadable, cut or foreign file is ignored and
replaced.

The file: ``MAGIC``, the length of a pickle of the small tables (lexicon,
aspects, language detector, the model's other fields) and the sections'
places, that pickle, then the model's big tables (``model.StoredTables``):
packed, to be looked up word by word where the file is mapped (``packed.py``),
and as one pickle, read whole once a process has met ``model.LAZY_WORDS`` new
words. A build that analyses one review touches a few pages of the first and
none of the second. ``save_snapshot`` (a process that built its tables, as a
cold build does, which then analyses much) leaves the packed tables out: the
first process that loads the snapshot to analyse writes it again with them
(``add_packed``), once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import marshal
import mmap
import os
import pickle
import struct
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from generator.analysis import aspects, language, lexicon, model
from generator.analysis.packed import BLOBS, FLOATS, Packed, pack
from generator.analysis.textblob_fr_patch import textblob_fr_data_path

log = logging.getLogger(__name__)

FORMAT = 3
MAGIC = b"sgsnap\0\3"
_HEAD = struct.Struct("=8sQ")  # MAGIC, length of the head's pickle
_key: str | None = None
# The folder of the snapshot this process's model came from, when it had no
# packed tables (``add_packed``).
_unpacked: Path | None = None


def _inputs() -> list[Path]:
    """Every file the tables are built from (the analysis code included)."""
    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    data = [model.MODEL_PATH, lexicon.ADDITIONS_PATH, language.DATA_PATH]
    textblob = [
        Path(textblob_fr_data_path(name)) for name in ("fr-sentiment.xml", "fr-lexicon.txt")
    ]
    return [*code, *data, *textblob]


def key_of(paths: list[Path]) -> str:
    """Hash of the files' names and bytes, the snapshot format and Python's version."""
    h = hashlib.sha256(f"{FORMAT}:{sys.version}".encode())
    # (read through one buffer: no copy of each file, 3 MB in all, is made)
    buffer = bytearray(1 << 16)
    view = memoryview(buffer)
    for path in paths:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            h.update(f"\0{path.name}\0{size}\0".encode())
            while read := handle.readinto(buffer):
                h.update(view[:read])
    return h.hexdigest()[:20]


def snapshot_path(folder: Path) -> Path:
    """Where the snapshot of the installed code and data lives in ``folder``."""
    global _key
    if _key is None:
        _key = key_of(_inputs())
    return folder / f"analyzer-{_key}.pickle"


def _loaded() -> bool:
    return (
        lexicon._lexicon is not None
        and model._model is not None
        and aspects._tables is not None
        and language._table is not None
    )


# Every field of Model but the lexicon, its derived look-up tables (rebuilt by
# Model.__post_init__) and its big tables (stored apart): a field added later
# travels too.
_MODEL_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(model.Model)
    if f.name not in ("lexicon", "_fast", *model.TABLE_FIELDS)
)


def _align(n: int) -> int:
    return n + (-n % 8)


def _contents(packed: bool) -> bytes:
    """The snapshot's bytes (``MAGIC``, the head, the sections), with the
    model's packed tables or not."""
    m = model.load_model()
    weights, char_weights, sums, follows, _, nots = m.tables()
    sections = {}
    if packed:
        # (a word's weight is looked up by the word: a token never holds a space,
        # and a key with one is a bigram's, found through ``follows``)
        words = {key: value for key, value in weights.items() if " " not in key}
        sections = {
            "weights": pack(words, list(words.values()), FLOATS),
            "nots": pack(nots, list(nots.values()), FLOATS),
            "char_weights": pack(char_weights, list(char_weights.values()), FLOATS),
            "word_char_sums": pack(sums, list(sums.values()), FLOATS),
            "follows": pack(follows, list(map(marshal.dumps, follows.values())), BLOBS),
        }
    sections["whole"] = pickle.dumps(
        (weights, char_weights, sums), protocol=pickle.HIGHEST_PROTOCOL
    )
    layout = {}
    at = 0
    for name, data in sections.items():
        layout[name] = (at, len(data))
        at = _align(at + len(data))
    head = pickle.dumps(
        (
            FORMAT,
            lexicon.load_lexicon(),
            {name: getattr(m, name) for name in _MODEL_FIELDS},
            aspects._load_tables(),
            aspects.word_classes(),
            aspects._accented_non_nouns,
            language.load_table(),
            layout,
        ),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    parts = [_HEAD.pack(MAGIC, len(head)), head]
    at = _HEAD.size + len(head)
    for data in sections.values():
        parts.append(bytes(_align(at) - at))
        parts.append(data)
        at = _align(at) + len(data)
    return b"".join(parts)


def _stored(buffer: mmap.mmap, base: int, layout: dict) -> model.StoredTables:
    """The model's big tables in the mapped file (sections from ``base``)."""
    if set(layout) not in ({"whole"}, {*model.PACKED, "whole"}):
        raise ValueError(f"sections {sorted(layout)}")
    for at, length in layout.values():
        if base + at + length > len(buffer):
            raise ValueError("cut short")
    at, length = layout["whole"]
    whole = memoryview(buffer)[base + at : base + at + length]
    packed = None
    if len(layout) > 1:
        packed = {name: Packed(buffer, base + layout[name][0]) for name in model.PACKED}
    return model.StoredTables(load=lambda: pickle.loads(whole), packed=packed)


def read_snapshot(path: Path) -> tuple[Any, ...]:
    """The tables in the snapshot at ``path``: the lexicon, the model's fields
    (but the lexicon and ``model.TABLE_FIELDS``), the aspect tables, word
    classes and accented non-nouns, the language detector's table and the
    model's big tables (``model.StoredTables``, in the file, mapped). Raises
    ``OSError`` or ``ValueError`` (or any error of ``pickle``) when the file is
    not a whole snapshot of this format."""
    with open(path, "rb") as handle:
        buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if len(buffer) < _HEAD.size:
        raise ValueError("cut short")
    magic, size = _HEAD.unpack_from(buffer)
    if magic != MAGIC:
        raise ValueError(f"magic {magic!r}")
    head = memoryview(buffer)[_HEAD.size : _HEAD.size + size]
    fmt, lex, fields, tables, word_classes, accented, detector, layout = pickle.loads(head)
    if fmt != FORMAT or not isinstance(lex, lexicon.Lexicon) or set(fields) != set(_MODEL_FIELDS):
        raise ValueError(f"format {fmt!r}")
    stored = _stored(buffer, _align(_HEAD.size + size), layout)
    return lex, fields, tables, word_classes, accented, detector, stored


def load_snapshot(folder: Path) -> bool:
    """Pre-fill the tables this process has not built yet from ``folder``'s
    snapshot. Returns whether a valid snapshot was there (False: none, or an
    unreadable one; ``save_snapshot`` should then write it)."""
    if _loaded():
        return True
    path = snapshot_path(folder)
    try:
        lex, fields, tables, word_classes, accented, detector, stored = read_snapshot(path)
    except FileNotFoundError:
        return False
    except Exception as exc:  # noqa: BLE001 - any unreadable snapshot is rebuilt
        log.debug("ignoring the analyzer snapshot %s: %s", path, exc)
        return False
    with lexicon._lock:
        if lexicon._lexicon is None:
            lexicon._lexicon = lex
        installed = lexicon._lexicon
    with model._lock:
        # The model holds the process's lexicon (built already, e.g. by a summary,
        # or the snapshot's): the same one the loaders would give it.
        if model._model is None and installed.digest == lex.digest:
            model._model = model.restored(fields, installed, stored)
            if stored.packed is None:
                global _unpacked
                _unpacked = folder
    with language._lock:
        if language._table is None:
            language._table = detector
    with aspects._lock:
        if aspects._tables is None:
            aspects._tables = tables
            aspects._word_classes = word_classes
            aspects._accented_non_nouns = accented
    return True


def save_snapshot(folder: Path) -> None:
    """Write the tables of this process into ``folder``, replacing any snapshot
    there (atomically; best effort: a read-only cache only costs the next build
    its load time). Without the model's packed tables: a process that builds
    its tables analyses many reviews (a cold build), and packing them is left
    to the first that loads the snapshot to analyse (``add_packed``)."""
    _write(folder, _contents(packed=False))


def add_packed() -> None:
    """When this process's model came from a snapshot without packed tables
    (``load_snapshot``), write it again with them, once: the processes that
    load it next look its words up where it lies."""
    global _unpacked
    folder, _unpacked = _unpacked, None
    if folder is not None and model._model is not None:
        _write(folder, _contents(packed=True))


def _write(folder: Path, data: bytes) -> None:
    path = snapshot_path(folder)
    # A unique name the sweep below recognises; open() applies the umask, as for
    # the cache's other files (mkstemp would make it readable by its owner only).
    tmp = folder / f"analyzer-{os.getpid()}-{uuid.uuid4().hex}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in [*folder.glob("analyzer-*.pickle"), *folder.glob("analyzer-*.tmp")]:
            if old != path and not _busy(old):  # other versions', or left by a killed build
                with contextlib.suppress(OSError):
                    old.unlink()
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("could not save the analyzer snapshot in %s: %s", folder, exc)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()  # still there only if the write failed or was interrupted


def _busy(path: Path) -> bool:
    """A temporary file another process may still be writing (under a minute old)."""
    try:
        return path.suffix == ".tmp" and time.time() - path.stat().st_mtime < 60
    except OSError:
        return False
