"""Which implementation of the per-review analysis runs: the compiled core or
the pure-Python modules -- the same source either way.

The modules in ``COMPILED`` (the per-review hot path, and the summary's loops
over a subject's mentions and sentences) are plain Python. When
sitegen is installed on a machine with a C compiler, ``setup.py`` also compiles
each of them with Cython into an extension module of the same name beside its
``.py`` (Python imports an extension before a source file of the same name).
There is one implementation of every rule: Cython compiles the very same code,
annotations are not taken as C types (``annotation_typing`` off); the only C
types are those an augmenting ``.pxd`` beside a module declares (``tokens.pxd``,
``clauses.pxd``, ``model.pxd``, ``sentences.pxd``, ``aspects.pxd``,
``language.pxd``, ``lexicon.pxd``, ``packed.pxd``: C integers for offsets and counts, ``Py_UCS4`` characters, C
doubles added in the order Python adds them, ``cpdef`` functions, which stay
importable; only the small ``cdef`` helpers of ``tokens`` and ``sentences`` are
not; ``aspects``' per-sentence walk is an extension type whose methods are called
in C). Where a loop is fast only in C (a scan
of the characters instead of a regular expression, a sum instead of
``map``/``sum``), the module holds both, the loop as a plain Python function
run when ``cython.compiled`` is true, and the tests check it against the form it
replaces in both builds. Results are identical bit for bit: the golden corpus
and the reference tests run under both (``tests/test_compiled_core.py``,
``.ci/run``).

A compiled module is used only when it was built from the sources beside it:
the build records the SHA-256 of each module's ``.py`` and ``.pxd``
(``sources_digest``) in ``_core_sources.json``; a module whose ``.py`` or
``.pxd`` changed since (an editable install after an edit or a ``git pull``) is
imported from its ``.py`` instead, with a debug line. Setting
``SITEGEN_PURE_PYTHON=1`` imports every one of them from its ``.py``. Without a
compiler the install still succeeds and everything runs as pure Python.

This module is imported by ``generator/analysis/__init__.py`` before any of the
compiled modules, and is never compiled itself (``setup.py`` loads it from its
file, needing only the standard library).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PACKAGE = "generator.analysis"
# The per-review hot path, and the summary's loops over every mention
# (aspect_summary) and sentence (quotes) of a subject, compiled when a compiler
# is there (setup.py reads this).
COMPILED = (
    "analyzer",
    "aspect_summary",
    "aspects",
    "clauses",
    "language",
    "lexicon",
    "model",
    "packed",
    "quotes",
    "sentences",
    "tokens",
)
SOURCES_RECORD = HERE / "_core_sources.json"
PURE_ENV = "SITEGEN_PURE_PYTHON"


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sources_digest(directory: Path, name: str) -> dict[str, str]:
    """What module ``name`` in ``directory`` is built from: its ``.py`` and, when
    there is one, the ``.pxd`` beside it (Cython's C types for it), each file's
    name -> its SHA-256. ``setup.py`` records this at the build; the run time
    compares it with the files there now."""
    return {
        path.name: source_digest(path)
        for path in (directory / f"{name}.py", directory / f"{name}.pxd")
        if path.is_file()
    }


def _extension(directory: Path, name: str) -> Path | None:
    """The compiled module ``name`` in ``directory``, if there is one."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = directory / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Imports the named modules from their ``.py``, not from the compiled
    extension beside it."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(self, fullname, path=None, target=None):
        source = self.sources.get(fullname)
        if source is None:
            return None
        return importlib.util.spec_from_file_location(fullname, source)


_state: dict[str, str] = {}  # module name -> "compiled" or "python"


def choose(directory: Path, recorded: dict[str, str], pure: bool) -> dict[str, str]:
    """Each module of ``COMPILED``: "compiled" when its extension is in
    ``directory``, was built from the ``.py`` and ``.pxd`` there (``recorded``:
    name -> ``sources_digest`` at the build) and ``pure`` is off; else "python"."""
    chosen = {}
    for name in COMPILED:
        built = _extension(directory, name)
        source = directory / f"{name}.py"
        if built is None or pure or not source.is_file():
            chosen[name] = "python"
        elif recorded.get(name) != sources_digest(directory, name):
            log.debug("%s: built from other sources than %s.py/.pxd; using the .py", built, name)
            chosen[name] = "python"
        else:
            chosen[name] = "compiled"
    return chosen


def install() -> None:
    """Decide, once per process, which modules of ``COMPILED`` run compiled;
    make the others import from their ``.py``."""
    if _state:
        return
    pure = os.environ.get(PURE_ENV, "") not in ("", "0")
    try:
        recorded = json.loads(SOURCES_RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    _state.update(choose(HERE, recorded, pure))
    forced = {
        f"{PACKAGE}.{name}": HERE / f"{name}.py"
        for name, how in _state.items()
        if how == "python" and _extension(HERE, name) is not None
    }
    if forced:
        sys.meta_path.insert(0, _SourceFinder(forced))
    if "compiled" not in _state.values():
        log.debug(
            "analysis core: pure Python%s",
            f" ({PURE_ENV} set)" if pure else " (not compiled: no C compiler at install?)",
        )


def status() -> dict[str, str]:
    """Each module of ``COMPILED``: "compiled" or "python" (in this process)."""
    install()
    return dict(_state)


def describe() -> str:
    """One line for benchmarks and ``--version``: which core runs."""
    state = status()
    compiled = sorted(n for n, how in state.items() if how == "compiled")
    if not compiled:
        return "pure Python"
    if len(compiled) == len(state):
        return "compiled (Cython)"
    return f"compiled (Cython): {', '.join(compiled)}; pure Python: the others"
