"""The read stage of a cold build (``incremental.sources.read_sources``, a new
cache each time), in the build's process alone and shared with a local process
pool started for it (``--jobs N``): wall and CPU seconds of the build's
process, how many files the pool parsed, and when the pool was ready (the
analysis that follows uses it).

    python benchmarks/corpus.py /tmp/c10k --reviews 10000 --subjects 100
    python benchmarks/bench_read.py /tmp/c10k --jobs 2 --runs 3
    python benchmarks/bench_read.py /tmp/c10k --jobs 2 --runs 4 --builds

``--builds`` times whole cold ``sitegen build`` runs instead (wall seconds, a new
cache and output each time), with the shared read and with it switched off (no
file set is large enough to share), in turns.

Each run is a fresh process (imports done before timing), alone and pooled in
turn; the table shows medians. The wall times need a quiet machine; the CPU of
the build's process is what it spends reading whatever the load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, os, sys, time
from pathlib import Path

def pool_start(jobs, snapshot):
    # Seconds until a pool of ``jobs`` processes has done a first task each.
    import concurrent.futures as cf
    from generator.analysis import AnalysisSettings
    from generator.executors import _process_pool

    started = time.perf_counter()
    pool = _process_pool(jobs, AnalysisSettings(), snapshot)
    try:
        cf.wait([pool.submit(os.getpid) for _ in range(jobs)])
        return time.perf_counter() - started
    finally:
        pool.shutdown()


def main():
    site, jobs, pooled = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
    os.chdir(site)
    from generator.analysis import AnalysisSettings
    from generator.cache import BuildCache
    from generator.config import load_config
    from generator.incremental import keys, sources
    from generator.plugins import loaded
    from generator.progress import NullProgress

    config = load_config(site / "sitegen.toml")
    store = BuildCache.for_site(config.root)
    reader_keys = keys.reader_keys(config, loaded(config.plugins))
    remote = []
    wall, cpu = time.perf_counter(), time.process_time()
    if not pooled:  # (as any version of sitegen reads; the pool started after)
        found, parsed = sources.read_sources(config, store, reader_keys, NullProgress())
        read, cpu = time.perf_counter() - wall, time.process_time() - cpu
        ready = read + pool_start(jobs, store.path.parent)
    else:
        from generator import executors
        from generator.executors import LocalPool

        real = executors.shared_map

        def spy(*args, **kwargs):
            for tag, result, remotely in real(*args, **kwargs):
                remote.append(remotely)
                yield tag, result, remotely

        executors.shared_map = spy
        with LocalPool("process", jobs, AnalysisSettings(), store.path.parent) as pool:
            found, parsed = sources.read_sources(
                config, store, reader_keys, NullProgress(), pool
            )
            read, cpu = time.perf_counter() - wall, time.process_time() - cpu
            pool.start()
            while pool.ready() < pool.workers:
                time.sleep(0.002)
            ready = time.perf_counter() - wall
    store.close()
    print(json.dumps({"wall": read, "ready": ready, "cpu": cpu, "files": parsed,
                      "reviews": len(found.ids), "in_pool": sum(remote)}))

if __name__ == "__main__":
    main()
"""


def run(site: Path, jobs: int, pooled: bool) -> dict[str, float]:
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(CHILD)
    try:
        out = subprocess.run(
            [sys.executable, handle.name, str(site), str(jobs), "1" if pooled else "0"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    return json.loads(out.strip().splitlines()[-1])


BUILD = """
import sys
from generator.incremental import sources
if sys.argv.pop(1) == "off":
    sources.SHARED_MIN_FILES = 10**9  # never share the read
sys.argv[0] = "sitegen"
from generator.cli import main
main()
"""


def build(site: Path, jobs: int, pooled: bool) -> float:
    """Wall seconds of one cold ``sitegen build`` in ``site``."""
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    shutil.rmtree(site / "output", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    mode = "on" if pooled else "off"
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", BUILD, mode, "build", "-q", "--jobs", str(jobs)],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"build failed in {site}:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder made by benchmarks/corpus.py")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--alone", action="store_true", help="only the read alone (any version of sitegen)"
    )
    parser.add_argument(
        "--builds", action="store_true", help="whole cold builds, shared read on and off"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sitegen-read-"))
    try:
        site = work / "site"
        shutil.copytree(args.corpus, site)
        past = time.time() - 60
        for path in (site / "content").iterdir():
            os.utime(path, (past, past))
        if args.builds:
            times: dict[str, list[float]] = {"off": [], "on": []}
            for _ in range(args.runs):
                for name, values in times.items():
                    values.append(build(site, args.jobs, name == "on"))
            print(
                f"cold builds, --jobs {args.jobs}, {args.runs} run(s) each in turns, "
                f"load {os.getloadavg()[0]:.1f}"
            )
            for name, values in times.items():
                runs = ", ".join(f"{v:.2f}" for v in values)
                print(f"shared read {name}: median {statistics.median(values):.2f} s ({runs})")
            return
        rows: dict[str, list[dict[str, float]]] = {"alone": []}
        if not args.alone:
            rows["pooled"] = []
        for _ in range(args.runs):
            for name, values in rows.items():
                values.append(run(site, args.jobs, name == "pooled"))
        first = rows["alone"][0]
        print(
            f"read stage, cold: {first['files']:,} files, {first['reviews']:,} reviews; "
            f"--jobs {args.jobs}, {args.runs} run(s), load {os.getloadavg()[0]:.1f}"
        )
        print(
            "| read | read, wall s | read and pool ready, wall s "
            "| read, CPU s of the build's process | files parsed in the pool |"
        )
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, values in rows.items():
            wall = statistics.median(v["wall"] for v in values)
            ready = statistics.median(v["ready"] for v in values)
            cpu = statistics.median(v["cpu"] for v in values)
            pool = statistics.median(v["in_pool"] for v in values)
            print(f"| {name} | {wall:.2f} | {ready:.2f} | {cpu:.2f} | {pool:.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
