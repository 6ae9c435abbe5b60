"""Builds sitegen's optional compiled analysis core (everything else is in
pyproject.toml).

The modules listed in ``generator/analysis/_core.py`` (``COMPILED``) are
compiled by Cython into extension modules of the same names, with the
machine's C compiler: each ``.py`` as it is, with the C types that the
augmenting ``.pxd`` file beside it (when there is one) declares for its hot
functions. Each is optional: without a compiler (or when Cython
cannot compile a module) the install goes on and that module runs as plain
Python, with the same results (``generator/analysis/_core.py`` explains how the
one is chosen over the other at run time). ``SITEGEN_PURE_PYTHON=1`` at install
time builds nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent
ANALYSIS = ROOT / "generator" / "analysis"
# Cython's reading of the sources: Python semantics (annotations are not C
# types); the only C types are the .pxd files' (so the compiled modules compute
# exactly what the .py do). ``binding``: functions stay introspectable,
# picklable and replaceable in tests as Python functions are.
DIRECTIVES = {"language_level": 3, "annotation_typing": False, "binding": True}


def _core():
    """generator/analysis/_core.py, loaded from its file without importing the
    package (its dependencies are not installed while it is being built); it
    needs only the standard library."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_sitegen_core_setup", ANALYSIS / "_core.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiled_names() -> tuple[str, ...]:
    """``COMPILED`` from generator/analysis/_core.py."""
    return tuple(_core().COMPILED)


def remove_built() -> None:
    """Delete compiled modules an earlier install left beside the sources, so a
    module that fails to compile now (or is not compiled at all) runs from its
    ``.py`` rather than from an old build that the new source record would bless."""
    for name in compiled_names():
        for built in [*ANALYSIS.glob(f"{name}.*.so"), *ANALYSIS.glob(f"{name}.*.pyd")]:
            built.unlink()


def extensions() -> list[Extension]:
    remove_built()
    if os.environ.get("SITEGEN_PURE_PYTHON", "") not in ("", "0"):
        print("sitegen: SITEGEN_PURE_PYTHON set, the analysis core stays pure Python")
        return []
    try:
        from Cython.Build import cythonize
        from Cython.Compiler.Errors import CompileError as CythonError
    except ImportError:
        print("sitegen: Cython is not installed, the analysis core stays pure Python")
        return []
    names = [n for n in compiled_names() if (ANALYSIS / f"{n}.py").is_file()]
    # What each extension is built from: the run time uses a compiled module
    # only while its .py and .pxd are still these ones.
    core = _core()
    record = {n: core.sources_digest(ANALYSIS, n) for n in names}
    (ANALYSIS / "_core_sources.json").write_text(
        json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    out: list[Extension] = []
    for name in names:
        ext = Extension(
            f"generator.analysis.{name}",
            [f"generator/analysis/{name}.py"],
            optional=True,  # a failed compilation leaves the pure-Python module
            # No debugging symbols: a third of the compile time, a tenth of the size.
            extra_compile_args=[] if sys.platform == "win32" else ["-g0"],
        )
        try:
            out += cythonize(
                [ext],
                compiler_directives=DIRECTIVES,
                build_dir="build/cython",
                quiet=True,
                force=True,  # never trust a .c by its date (cp -p, rsync -a keep old ones)
            )
        except CythonError as error:  # Cython could not translate it: keep the .py
            print(f"sitegen: {name}.py not compiled ({error}); it runs as pure Python")
    return out


if __name__ == "__main__":  # also under setuptools' build backend, which runs it so
    setup(ext_modules=extensions())
