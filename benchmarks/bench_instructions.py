"""Instructions one warm pass of the per-review analysis executes, counted by
valgrind's cachegrind: for comparing two versions of the analysis on a shared,
loaded machine, where times are noise but instruction counts are not.

    python benchmarks/bench_instructions.py ../shared/data/films-dev.csv --limit 200
    python benchmarks/bench_instructions.py DATA base=/tmp/base new=.   # two source trees
    SITEGEN_PURE_PYTHON=1 python benchmarks/bench_instructions.py DATA  # the plain Python core
    python benchmarks/bench_instructions.py DATA --cold  # memos emptied before each pass

For each NAME=SOURCE (default: this checkout), a child process with
``SOURCE`` first on ``sys.path`` builds an ``Analyzer`` and analyses the texts
(read as ``bench_analyzer.py`` reads them) ``--passes`` times, then once
more; the difference of the two runs' instruction totals is one pass with the
per-word memos filled, without the start-up and the loading (with ``--cold``,
``clear_caches`` empties them before every pass: one pass as a fresh process
runs it, as ``bench_analyzer.py``'s first sitegen pass). The compiled core
runs where it was built for SOURCE (``SITEGEN_PURE_PYTHON=1`` forces the .py).
Versions are counted in turn. Needs ``valgrind`` on the PATH; slow (about 50x
the run time), so a few hundred reviews are enough. The children run with
``PYTHONHASHSEED=0`` (unless set): string hashes, and so the dict probes,
differ from one seed to another by about 2 % of the count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cachegrind

CHILD = """
import sys
sys.path.insert(0, sys.argv[2])
from bench_analyzer import load_texts  # (puts this checkout first on sys.path)
sys.path.insert(0, sys.argv[1])  # before it: SOURCE's generator is the one imported
from pathlib import Path
texts = load_texts(Path(sys.argv[3]))
limit = int(sys.argv[5])
if limit:
    texts = texts[:limit]
from generator.analysis import AnalysisSettings, Analyzer
from generator.analysis._core import describe
analyzer = Analyzer(AnalysisSettings())
cold = sys.argv[6] == "cold"
if cold:
    from generator.analysis import clear_caches
for _ in range(int(sys.argv[4])):
    if cold:
        clear_caches()
    for text in texts:
        analyzer.analyze(text)
import generator
print(describe(), generator.__file__, file=sys.stderr)
"""


def instructions(
    source: str, data: Path, passes: int, limit: int, cold: bool = False
) -> tuple[int, str]:
    """(instructions executed, which core ran) of a child doing ``passes`` passes."""
    proc = subprocess.run(
        [
            *cachegrind.COMMAND,
            sys.executable,
            "-c",
            CHILD,
            str(Path(source).resolve()),
            str(HERE),
            str(data),
            str(passes),
            str(limit),
            "cold" if cold else "warm",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0")),
    )
    count = cachegrind.counted(proc.stderr)
    if proc.returncode or count is None:
        raise SystemExit(f"valgrind run failed for {source}:\n{proc.stderr[-3000:]}")
    core = proc.stderr.strip().splitlines()
    which = next((line for line in core if line.startswith(("compiled", "pure"))), "?")
    if not which.endswith(str(Path(source).resolve() / "generator" / "__init__.py")):
        raise SystemExit(f"{source}: the child imported another generator ({which})")
    which = which.rsplit(" ", 1)[0]
    return count, which


def warm_up(source: str, data: Path) -> None:
    """Import ``source``'s analysis once without valgrind, so that the counted
    runs find its ``.pyc`` files written (otherwise the run of fewer passes,
    the first, also compiles them, and the difference reads low)."""
    subprocess.run(
        [sys.executable, "-c", CHILD, str(Path(source).resolve()), str(HERE), str(data), "0", "1"]
        + ["warm"],
        capture_output=True,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="a .csv or .tsv as bench_analyzer.py reads")
    parser.add_argument("versions", nargs="*", metavar="NAME=SOURCE")
    parser.add_argument("--limit", type=int, default=200, help="first N texts (0: all)")
    parser.add_argument(
        "--passes", type=int, default=2, help="warm-up passes before the one counted"
    )
    parser.add_argument(
        "--cold", action="store_true", help="empty the per-word memos before each pass"
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    versions = [v.split("=", 1) for v in args.versions] or [["this", str(HERE.parent)]]
    for name, source in versions:
        warm_up(source, args.data)
        before, which = instructions(source, args.data, args.passes, args.limit, args.cold)
        after, _ = instructions(source, args.data, args.passes + 1, args.limit, args.cold)
        kind = "cold" if args.cold else "warm"
        print(
            f"{name}: {(after - before) / 1e6:,.1f} M instructions per {kind} pass"
            f" ({args.data.name}, {args.limit or 'all'} texts; {which})",
            flush=True,
        )


if __name__ == "__main__":
    main()
