"""Where the CPU of an edit rebuild goes: one review of a built site edited, then
``sitegen build`` run in this process with the main stages timed (CPU seconds,
``time.process_time``, and minor page faults: fresh memory touched, which a
loaded machine's wall-clock times hide), each inclusive of what it calls.

    python benchmarks/bench_scale.py --reviews 15000 --subjects 4 --site /tmp/s15k
    python benchmarks/bench_edit.py /tmp/s15k --runs 3      # the largest subject
    python benchmarks/bench_edit.py /tmp/s15k --file film-0002.csv

Each run edits the first review of ``--file`` (default: the largest CSV of the
site's ``content/``) as ``bench_scale.py`` does, in a fresh process; the table
shows each stage's median over the runs. The first build after a change of
sitegen's code rebuilds more than an edit does: run it once before (or look at
the second run).

    python benchmarks/bench_edit.py /tmp/s15k --instructions   # valgrind on the PATH
    python benchmarks/bench_edit.py /tmp/s15k --file film-0002.csv --instructions
    python benchmarks/bench_edit.py /tmp/s15k --no-edit --instructions  # nothing changed

``--instructions``: each run's ``sitegen build`` (the whole process, start-up
included) counted by valgrind's cachegrind, with ``PYTHONHASHSEED=0``: robust to
a loaded machine where CPU seconds are not (about 50 times slower). ``--no-edit``:
the rebuild with nothing changed.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cachegrind

# (module, attribute): the stages timed, in the order they run (a function where
# its caller finds it: ``worker`` imports ``make_subject`` by name)
STAGES = [
    ("generator.incremental.pipeline", "run"),
    ("generator.incremental.sources", "read_sources"),
    ("generator.incremental.schedule", "build_subjects"),
    ("generator.incremental.schedule", "_Schedule._summary_states"),
    ("generator.incremental.worker", "_build_subject"),
    ("generator.incremental.worker", "_summarise"),
    ("generator.incremental.worker", "get_analyzer"),
    ("generator.incremental.worker", "pickled_state"),
    ("generator.incremental.worker", "make_subject"),
    ("generator.site", "make_cards"),
    ("generator.incremental.worker", "_Last.search_words"),
    ("generator.incremental.worker", "card_digests"),
    ("generator.search", "LastShard.parse"),
    ("generator.search", "subject_index"),
    ("generator.incremental.worker", "_render"),
    ("generator.incremental.worker", "page_digests"),
    ("generator.incremental.worker", "_Last.data_file"),
    ("generator.incremental.worker", "_Last.cards_file"),
    ("generator.render", "Renderer._render"),
    ("generator.incremental.worker", "_write_pending"),
    ("generator.cache", "BuildCache.put_states"),
]

CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from bench_edit import child
child()
"""


def child() -> None:
    """In the build's process: time the stages, run ``sitegen build``, print JSON."""
    seconds: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    calls: Counter[str] = Counter()

    def wrap(module: str, attribute: str) -> None:
        owner_name, _, name = attribute.rpartition(".")
        owner: Any = importlib.import_module(module)
        if owner_name:
            owner = getattr(owner, owner_name)
        real = getattr(owner, name)

        @functools.wraps(real)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            touched = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            try:
                return real(*args, **kwargs)
            finally:
                seconds[attribute] += time.process_time() - started
                faults[attribute] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - touched
                calls[attribute] += 1

        setattr(owner, name, timed)

    started = time.process_time()
    touched = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for module, attribute in STAGES:
        wrap(module, attribute)
    from generator import cli

    status = 0

    def leave(code: int = 0) -> None:  # (cli.main ends with os._exit)
        raise SystemExit(code)

    os._exit = leave  # type: ignore[assignment]
    sys.argv = ["sitegen", "build", "--quiet"]
    try:
        cli.main()
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    rows = {a: (seconds[a], faults[a], calls[a]) for _, a in STAGES if calls[a]}
    rows["(whole process, from the imports)"] = (
        time.process_time() - started,
        resource.getrusage(resource.RUSAGE_SELF).ru_minflt - touched,
        1,
    )
    print(json.dumps({"status": status, "rows": rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site built by bench_scale.py --site DIR")
    parser.add_argument("--file", help="the CSV of content/ to edit (default: the largest)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (cachegrind)"
    )
    parser.add_argument("--no-edit", action="store_true", help="edit nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from corpus import edit_one_review

    site = args.site.resolve()
    content = site / "content"
    path = content / args.file if args.file else max(content.glob("*.csv"), key=os.path.getsize)
    if args.instructions:
        _count_instructions(site, path, args)
        return
    runs = []
    for _ in range(args.runs):
        edit_one_review(path)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(HERE)],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        if result["status"]:
            raise SystemExit(f"build failed ({result['status']})")
        runs.append(result["rows"])
    print(f"edit of one review of {path.name}, {args.runs} run(s), load {os.getloadavg()[0]:.1f}")
    print("| stage (inclusive) | CPU s (median) | runs | minor faults | calls |")
    print("| --- | ---: | --- | ---: | ---: |")
    for name in runs[0]:
        values = [r[name] for r in runs if name in r]
        cpu = statistics.median(v[0] for v in values)
        each = ", ".join(f"{v[0]:.3f}" for v in values)
        faults = statistics.median(v[1] for v in values)
        print(f"| {name} | {cpu:.3f} | {each} | {faults:,.0f} | {values[0][2]} |")


def _count_instructions(site: Path, path: Path, args: argparse.Namespace) -> None:
    """Each run: the edit (unless ``--no-edit``), then ``sitegen build`` under
    cachegrind; its instruction count."""
    from corpus import edit_one_review

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONHASHSEED", "0")  # (dict probes vary with the seed)
    command = [
        *cachegrind.COMMAND,
        sys.executable,
        "-m",
        "generator",
        "build",
        "--quiet",
    ]
    counts = []
    for _ in range(args.runs):
        if not args.no_edit:
            edit_one_review(path)
        done = subprocess.run(
            command, check=False, cwd=site, env=env, capture_output=True, text=True
        )
        count = cachegrind.counted(done.stderr)
        if done.returncode or count is None:
            raise SystemExit(f"build failed ({done.returncode}):\n{done.stderr[-2000:]}")
        counts.append(count)
    what = "nothing changed" if args.no_edit else f"edit of one review of {path.name}"
    print(f"{what}: instructions per build (cachegrind, whole process), {args.runs} run(s):")
    print(
        ", ".join(f"{c / 1e9:.3f} G" for c in counts),
        f"(median {statistics.median(counts) / 1e9:.3f} G)",
    )


if __name__ == "__main__":
    main()
