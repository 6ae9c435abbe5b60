"""CPU-seconds of ``sitegen build`` for several source trees of sitegen, taking
turns on copies of one corpus: for comparing two commits on a loaded machine,
where wall-clock times are noise but the CPU a build uses is not.

    python benchmarks/corpus.py /tmp/c10k --reviews 10000 --subjects 100
    git worktree add /tmp/base <commit>   # (or: git archive <commit> | tar -x -C /tmp/base)
    python benchmarks/bench_cpu.py base=/tmp/base main=. --corpus /tmp/c10k --rounds 2

Each NAME=SOURCE runs ``python -m generator build --executor serial`` with
``PYTHONPATH=SOURCE`` in its own copy of the corpus (files dated a minute back,
as ``bench_scale.py`` does). Steps: ``cold`` (no cache, no output), ``nochange``,
``edit`` (one review of the median subject edited), ``edit_largest`` (one of the
largest), ``nocache`` (``--no-cache`` into another folder), ``pages`` (a cold
build whose review analyses are in the cache already: no output, and nothing else
cached, so everything but the analysis itself; run after a step that filled the
cache, such as ``cold``). The CPU is the
build process's user + system time (``os.times()`` children). Versions run in
turn, in reverse order every other round; the table shows medians.

``--instructions``: count the instructions each build executes instead (valgrind's
cachegrind, ``PYTHONHASHSEED=0`` unless set; about 50 times slower, so a corpus of
a few thousand reviews): robust to a loaded machine, where even CPU-seconds vary by
several per cent from run to run.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cachegrind
from corpus import edit_one_review


def _build(
    source: str, site: Path, extra: list[str], prefix: tuple[str, ...] = (), **env_extra: str
) -> tuple[subprocess.CompletedProcess, float]:
    """One serial ``sitegen build`` of ``site`` with sitegen from ``source``
    (after ``prefix``, such as cachegrind's command): the process, wall seconds."""
    env = dict(os.environ, PYTHONPATH=source)
    for name, value in env_extra.items():
        env.setdefault(name, value)
    started = time.perf_counter()
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "generator", "build", "-q", "--executor", "serial", *extra],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"build failed in {site}:\n{proc.stderr[-3000:]}")
    return proc, wall


def cpu_seconds(source: str, site: Path, extra: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one build."""
    before = os.times()
    _, wall = _build(source, site, extra)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return cpu, wall


def instructions(source: str, site: Path, extra: list[str]) -> tuple[float, float]:
    """(billions of instructions, wall seconds) of one build, under cachegrind."""
    # (PYTHONHASHSEED unless set: string hashes change the dict probes)
    proc, wall = _build(source, site, extra, tuple(cachegrind.COMMAND), PYTHONHASHSEED="0")
    count = cachegrind.counted(proc.stderr)
    if count is None:
        raise SystemExit(f"no instruction count from valgrind:\n{proc.stderr[-3000:]}")
    return count / 1e9, wall


def keep_only_analyses(database: Path) -> None:
    """Empty every table of a build cache but the review analyses (and their
    namespaces): the next build parses, summarises, renders and writes everything
    anew, and analyses nothing."""
    if not database.exists():
        raise SystemExit(f"{database} is missing: run a step that fills the cache first")
    with sqlite3.connect(database) as db:
        tables = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            if table not in _ANALYSIS_TABLES and not table.startswith("sqlite_"):
                db.execute(f'DELETE FROM "{table}"')


# What ``keep_only_analyses`` keeps (``generator.cache``'s schema): the analyses,
# their namespaces and the cache's own format.
_ANALYSIS_TABLES = {"analysis", "namespaces", "meta"}


def median_and_largest(content: Path) -> tuple[str, str]:
    sizes = sorted(
        (sum(1 for _ in csv.reader(p.open(encoding="utf-8", newline=""))), p.name)
        for p in content.glob("*.csv")
    )
    return sizes[len(sizes) // 2][1], sizes[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="+", metavar="NAME=SOURCE")
    parser.add_argument(
        "--corpus", type=Path, required=True, help="a folder made by benchmarks/corpus.py"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", default="cold,nochange,edit,edit_largest")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions (cachegrind) instead of CPU-seconds",
    )
    args = parser.parse_args()
    measure, unit = (instructions, "G instr") if args.instructions else (cpu_seconds, "CPU-s")
    versions = [v.split("=", 1) for v in args.versions]
    steps = args.steps.split(",")
    results: dict[str, dict[str, list[float]]] = {name: {} for name, _ in versions}
    work = Path(tempfile.mkdtemp(prefix="sitegen-cpu-"))
    try:
        past = time.time() - 60
        sites = {}
        for name, _ in versions:
            site = sites[name] = work / name
            shutil.copytree(args.corpus, site)
            for path in (site / "content").iterdir():
                os.utime(path, (past, past))
        median, largest = median_and_largest(args.corpus / "content")
        for round_ in range(args.rounds):
            for step in steps:
                for name, source in versions if round_ % 2 == 0 else versions[::-1]:
                    site = sites[name]
                    extra: list[str] = []
                    if step == "cold":
                        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
                        shutil.rmtree(site / "output", ignore_errors=True)
                    elif step == "pages":
                        shutil.rmtree(site / "output", ignore_errors=True)
                        keep_only_analyses(site / ".sitegen-cache" / "cache.sqlite")
                    elif step == "nocache":
                        extra = ["--no-cache", "--output", "output-nocache"]
                    elif step == "edit":
                        edit_one_review(site / "content" / median)
                    elif step == "edit_largest":
                        edit_one_review(site / "content" / largest)
                    cost, wall = measure(source, site, extra)
                    results[name].setdefault(step, []).append(cost)
                    print(
                        f"round {round_} {step:13s} {name:12s} {unit} {cost:6.2f}  wall {wall:6.2f} s",
                        flush=True,
                    )
        print()
        print(f"| step (median {unit}) | " + " | ".join(name for name, _ in versions) + " |")
        print("| --- |" + " ---: |" * len(versions))
        for step in steps:
            row = " | ".join(
                f"{statistics.median(results[name][step]):.2f}" for name, _ in versions
            )
            print(f"| {step} | {row} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
