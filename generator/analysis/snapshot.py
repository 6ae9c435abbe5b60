"""A pickled copy of the analyzer's tables, kept in the build cache.

Building ``Analyzer``'s tables (textblob-fr's sentiment XML merged with sitegen's
review lexicon, the model's weights, the aspect word lists folded from
textblob-fr's 80,000-line tagged lexicon) takes about 0.13 s. An incremental
``sitegen build`` that has one edited review to analyse paid that on every run;
loading this snapshot takes about 0.03 s (``benchmarks/bench_scale.py`` times the
edits).

The snapshot holds exactly the objects the loaders build (``load_lexicon``,
``load_model``, ``aspects._load_tables``, ``language.load_table``: the French
analysis and the language detector; English tables load on a process's first
English review) and only pre-fills those per-process
singletons: anything it lacks is built as usual, and the per-word memo tables
start as a fresh process's do either way (empty, but for the model file's
per-word character sums, a field of the model like its weights). Its file name is a hash of everything the tables are
built from -- the analysis code, the shipped model and lexicon, textblob-fr's
data files, the Python version -- so a snapshot never outlives its inputs. An
unreadable or foreign file is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import pickle
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from generator.analysis import aspects, language, lexicon, model
from generator.analysis.textblob_fr_patch import textblob_fr_data_path

log = logging.getLogger(__name__)

FORMAT = 2
_key: str | None = None


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
    for path in paths:
        data = path.read_bytes()
        h.update(f"\0{path.name}\0{len(data)}\0".encode())
        h.update(data)
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


# Every field of Model but the lexicon (stored whole) and its derived look-up
# tables (rebuilt by Model.__post_init__): a field added later travels too.
_MODEL_FIELDS = tuple(
    f.name for f in dataclasses.fields(model.Model) if f.name not in ("lexicon", "_fast")
)


def _state() -> tuple[Any, ...]:
    m = model.load_model()
    fields = {name: getattr(m, name) for name in _MODEL_FIELDS}
    tables = aspects._load_tables()
    return (
        FORMAT,
        lexicon.load_lexicon(),
        fields,
        tables,
        aspects.word_classes(),
        aspects._accented_non_nouns,
        language.load_table(),
    )


def load_snapshot(folder: Path) -> bool:
    """Pre-fill the tables this process has not built yet from ``folder``'s
    snapshot. Returns whether a valid snapshot was there (False: none, or an
    unreadable one; ``save_snapshot`` should then write it)."""
    if _loaded():
        return True
    path = snapshot_path(folder)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    try:
        fmt, lex, fields, tables, word_classes, accented, detector = pickle.loads(data)
        if (
            fmt != FORMAT
            or not isinstance(lex, lexicon.Lexicon)
            or set(fields) != set(_MODEL_FIELDS)
        ):
            raise ValueError(f"format {fmt!r}")
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
            model._model = model.Model(lexicon=installed, **fields)
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
    its load time)."""
    path = snapshot_path(folder)
    data = pickle.dumps(_state(), protocol=pickle.HIGHEST_PROTOCOL)
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
