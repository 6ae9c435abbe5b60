"""The compiled analysis core (``generator/analysis/_core.py``, built by
``setup.py``) and the pure-Python modules give the same analyses, bit for bit.

This suite runs in the process as installed (compiled when a C compiler was
there) and compares with a child process forced to pure Python by
``SITEGEN_PURE_PYTHON=1``; ``.ci/run`` also runs the analysis tests again under
``SITEGEN_PURE_PYTHON=1``, and sets ``SITEGEN_REQUIRE_COMPILED=1`` so that CI
fails when the extension was not built.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from generator.analysis import _core

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# The golden corpus's digest, the bench_analyzer-style digest of a few texts and
# which core ran, computed in a child process.
CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
import test_golden_analysis as golden
from generator.analysis import Analyzer, _core
from test_analysis_speed import TEXTS
analyzer = Analyzer()
print(json.dumps({{
    "core": _core.describe(),
    "files": {{m: __import__("generator.analysis." + m, fromlist=["x"]).__file__ for m in _core.COMPILED}},
    "golden": golden.digest(),
    "texts": [repr(analyzer.analyze(t)) for t in TEXTS],
}}))
"""


def _child(**env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(tests=str(TESTS))],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def test_pure_python_gives_the_same_analyses_as_this_process() -> None:
    import test_golden_analysis as golden
    from test_analysis_speed import TEXTS

    from generator.analysis import Analyzer

    pure = _child(SITEGEN_PURE_PYTHON="1")
    assert pure["core"] == "pure Python"
    assert all(path.endswith(".py") for path in pure["files"].values()), pure["files"]
    recorded = json.loads((TESTS / "golden_analysis.json").read_text(encoding="utf-8"))
    assert pure["golden"] == recorded["digest"] == golden.digest()
    analyzer = Analyzer()
    assert pure["texts"] == [repr(analyzer.analyze(t)) for t in TEXTS]


def test_ci_runs_the_compiled_core() -> None:
    if not os.environ.get("SITEGEN_REQUIRE_COMPILED"):
        pytest.skip("SITEGEN_REQUIRE_COMPILED not set (CI sets it)")
    if os.environ.get(_core.PURE_ENV):
        pytest.skip("this run is the pure-Python one")
    assert _core.describe() == "compiled (Cython)", _core.status()
    child = _child()
    assert child["core"] == "compiled (Cython)"
    assert not any(path.endswith(".py") for path in child["files"].values()), child["files"]


def _fake_build(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name in _core.COMPILED:
        (folder / f"{name}.py").write_text(f"X = {name!r}\n", encoding="utf-8")
    for name in names:
        (folder / f"{name}{suffix}").write_bytes(b"")
    return {name: _core.sources_digest(folder, name) for name in _core.COMPILED}


def test_an_extension_is_used_only_if_built_from_the_source_beside_it(tmp_path: Path) -> None:
    first, second = _core.COMPILED[:2]
    recorded = _fake_build(tmp_path, (first, second))
    chosen = _core.choose(tmp_path, recorded, pure=False)
    assert chosen[first] == chosen[second] == "compiled"
    assert all(how == "python" for name, how in chosen.items() if name not in (first, second))
    # The source changed since the build (an edit in an editable install): its .py.
    (tmp_path / f"{second}.py").write_text("X = 'edited'\n", encoding="utf-8")
    chosen = _core.choose(tmp_path, recorded, pure=False)
    assert (chosen[first], chosen[second]) == ("compiled", "python")
    # No record of the build, or pure Python asked for: every .py.
    assert set(_core.choose(tmp_path, {}, pure=False).values()) == {"python"}
    assert set(_core.choose(tmp_path, recorded, pure=True).values()) == {"python"}


def test_an_extension_is_used_only_with_the_pxd_it_was_built_with(tmp_path: Path) -> None:
    first, second, third = _core.COMPILED[:3]
    (tmp_path / f"{first}.pxd").write_text("cdef int x\n", encoding="utf-8")
    recorded = _fake_build(tmp_path, (first, second, third))
    assert set(recorded[first]) == {f"{first}.py", f"{first}.pxd"}
    assert set(recorded[second]) == {f"{second}.py"}
    assert {_core.choose(tmp_path, recorded, pure=False)[n] for n in (first, second, third)} == {
        "compiled"
    }
    # Its .pxd edited, a .pxd added to a module built without one, one removed:
    # each of these modules runs from its .py, the untouched one stays compiled.
    (tmp_path / f"{first}.pxd").write_text("cdef long x\n", encoding="utf-8")
    (tmp_path / f"{second}.pxd").write_text("cdef int y\n", encoding="utf-8")
    chosen = _core.choose(tmp_path, recorded, pure=False)
    assert (chosen[first], chosen[second], chosen[third]) == ("python", "python", "compiled")
    (tmp_path / f"{second}.pxd").unlink()
    recorded[third] = {**recorded[third], f"{third}.pxd": "0" * 64}  # built with one
    chosen = _core.choose(tmp_path, recorded, pure=False)
    assert (chosen[second], chosen[third]) == ("compiled", "python")


def test_every_pxd_types_a_compiled_module_and_is_installed() -> None:
    # An augmenting .pxd only acts on the module of the same name; pyproject
    # ships them so that the installed record can be checked against them.
    analysis = ROOT / "generator" / "analysis"
    assert {p.stem for p in analysis.glob("*.pxd")} <= set(_core.COMPILED)
    assert '"*.pxd"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_setup_compiles_the_modules_core_names() -> None:
    # setup.py reads COMPILED without importing the package; same list.
    namespace = runpy.run_path(str(ROOT / "setup.py"), run_name="setup_under_test")
    assert namespace["compiled_names"]() == _core.COMPILED
    analysis = ROOT / "generator" / "analysis"
    assert all((analysis / f"{name}.py").is_file() for name in _core.COMPILED)
