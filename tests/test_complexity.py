"""The complexity bound: no block of ``generator/`` (function, method, closure or
class) above radon's rank C, that is of cyclomatic complexity more than 20. A
function that grows past it is split before it is merged (``radon cc -s -n D
generator/`` lists the offenders)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# radon is in the test extra (.ci/run installs it); a virtual environment made
# before it was added skips these tests until `pip install -e '.[test]'`.
radon_complexity = pytest.importorskip("radon.complexity", reason="pip install -e '.[test]'")
cc_rank, cc_visit = radon_complexity.cc_rank, radon_complexity.cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
BOUND = 20  # the highest complexity of rank C


def blocks(code: str) -> Iterator[object]:
    """Every block radon ranks in ``code``: functions, classes, their methods (which
    ``cc_visit`` lists at the top level too) and closures, at any depth."""
    todo = list(cc_visit(code))
    while todo:
        block = todo.pop()
        yield block
        todo.extend(getattr(block, "inner_classes", ()))
        todo.extend(getattr(block, "closures", ()))


def too_complex(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for block in blocks(path.read_text(encoding="utf-8")):
            if block.complexity > BOUND:  # type: ignore[attr-defined]
                name = f"{path.relative_to(folder.parent).as_posix()}:{block.fullname}"  # type: ignore[attr-defined]
                found.append(f"{name} {cc_rank(block.complexity)} ({block.complexity})")  # type: ignore[attr-defined]
    return found


def test_no_block_of_the_generator_is_above_rank_c() -> None:
    assert too_complex(PACKAGE) == []


def test_the_check_finds_a_complex_function_and_a_closure_in_a_method(tmp_path: Path) -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(21))
    body = f"(x):\n{branches}\n    return -1\n"
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "mod.py").write_text(
        f"def plain{body}\n"
        f"class Klass:\n    def method(self, x):\n        def inner{body.replace(chr(10), chr(10) + '        ')}\n"
        f"        return inner(x)\n\n"
        f"def simple(x):\n    return x\n",
        encoding="utf-8",
    )
    found = too_complex(folder)
    assert [line.split()[0] for line in sorted(found)] == ["pkg/mod.py:inner", "pkg/mod.py:plain"]
    assert all(" D (22)" in line for line in found)
