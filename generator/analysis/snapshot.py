"""A pickled copy of the analyzer's tables, kept in the build cache.

Building ``Analyzer``'s tables (textblob-fr's sentiment XML merged with sitegen's
review lexicon, the model's weights, the aspect word lists folded from
textblob-fr's 80,000-line tagged lexicon) takes about 0.13 s. An incremental
``sitegen build`` that has one edited review to analyse paid that on every run;
loading this snapshot takes about 0.03 s (``benchmarks/bench_scale.py`` times the
edits).

The snapshot holds exactly the objects the loaders build (``load_lexicon``,
``load_model``, ``aspects._load_tables``) and only pre-fills those per-process
singletons: anything it lacks is built as usual, and the per-word memo tables
start empty either way. Its file name is a hash of everything the tables are
built from -- the analysis code, the shipped model and lexicon, textblob-fr's
data files, the Python version -- so a snapshot never outlives its inputs. An
unreadable or foreign file is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.analysis import aspects, lexicon, model
from generator.analysis.textblob_fr_patch import textblob_fr_data_path

log = logging.getLogger(__name__)

FORMAT = 1
_key: str | None = None


def _inputs() -> list[Path]:
    """Every file the tables are built from (the analysis code included)."""
    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    data = [model.MODEL_PATH, lexicon.ADDITIONS_PATH]
    textblob = [Path(textblob_fr_data_path(name)) for name in ("fr-sentiment.xml", "fr-lexicon.txt")]
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
    return lexicon._lexicon is not None and model._model is not None and aspects._tables is not None


def _state() -> tuple[Any, ...]:
    m = model.load_model()
    fields = {
        name: getattr(m, name)
        for name in (
            "weights", "intercept", "lex_weights", "negation_marking", "digest",
            "char_weights", "word_floor", "char_floor",
        )
    }
    tables = aspects._load_tables()
    return (FORMAT, lexicon.load_lexicon(), fields, tables, aspects.word_classes(), aspects._accented_non_nouns)


def load_snapshot(folder: Path) -> bool:
    """Pre-fill this process's tables from ``folder``'s snapshot; whether they are
    filled now (False: no usable snapshot, the loaders will build them)."""
    if _loaded():
        return True
    path = snapshot_path(folder)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    try:
        fmt, lex, fields, tables, word_classes, accented = pickle.loads(data)
        if fmt != FORMAT or not isinstance(lex, lexicon.Lexicon):
            raise ValueError(f"format {fmt!r}")
        built = model.Model(lexicon=lex, **fields)
    except Exception as exc:  # noqa: BLE001 - any unreadable snapshot is rebuilt
        log.debug("ignoring the analyzer snapshot %s: %s", path, exc)
        return False
    with lexicon._lock:
        if lexicon._lexicon is None:
            lexicon._lexicon = lex
    with model._lock:
        if model._model is None and lexicon._lexicon is lex:
            model._model = built
    with aspects._lock:
        if aspects._tables is None:
            aspects._tables = tables
            aspects._word_classes = word_classes
            aspects._accented_non_nouns = accented
    return _loaded()


def save_snapshot(folder: Path) -> None:
    """Write the tables of this process into ``folder``, replacing any snapshot
    there (atomically; best effort: a read-only cache only costs the next build
    its load time)."""
    path = snapshot_path(folder)
    data = pickle.dumps(_state(), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("analyzer-*.pickle"):  # snapshots of other versions
            with contextlib.suppress(OSError):
                old.unlink()
        fd, tmp = tempfile.mkstemp(prefix=".analyzer-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
