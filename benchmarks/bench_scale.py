"""How sitegen scales: a synthetic French corpus, timed end to end.

    python benchmarks/bench_scale.py --reviews 100000 --subjects 1000 \\
        [--data ../shared/data/films-dev.csv] [--reference-sample 5000] [--jobs 2]

Writes N reviews over M subjects as CSV files into a temporary folder
(``benchmarks/corpus.py``; with ``--data``, sentences of that file, read where it
lies, are mixed into the generated ones; nothing is copied into the repository),
then times, in one run:

1. the reference: one process running textblob-fr's ``PatternAnalyzer`` over every
   review text and nothing else (``--reference-sample K``: K reviews spread over the
   corpus, extrapolated to N, and labelled so);
2. a cold ``sitegen build`` (empty cache), as a subprocess so its memory is measured
   (``--cold-runs N``: N times, the median shown: this machine's speed varies);
3. a rebuild with nothing changed;
4. a rebuild after editing one review of a typical subject (the median file);
5. a rebuild after editing one review of the largest subject (``--edit-runs N``:
   steps 3-5 N times each, the median shown);
6. with ``--verify``, a ``--no-cache`` build into another folder, compared byte for
   byte with the incremental output.

``--site DIR`` works in DIR and keeps it: the corpus is made only when DIR has no
``content/``, and the reference and the cold build run only when DIR has no
``output/`` yet, so a second run re-times (or, with ``--edits-only``, profiles by
hand) the rebuilds of the same built site without redoing the cold build.

Peak RSS is the largest single process (``/usr/bin/time -v`` when present, else
``getrusage(RUSAGE_CHILDREN)`` of a wrapper); with psutil installed, the peak of
the whole process tree (the build and its workers together) is sampled as well.
Prints a Markdown table: seconds and the ratio to the reference.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import edit_one_review, make_corpus

REFERENCE = r"""
import csv, glob, json, sys, time
from generator.analysis.textblob_fr_patch import apply
apply()
from textblob_fr import PatternAnalyzer
folder, sample = sys.argv[1], int(sys.argv[2])
texts = []
for path in sorted(glob.glob(folder + "/*.csv")):
    with open(path, encoding="utf-8", newline="") as handle:
        texts.extend(row["texte"] for row in csv.DictReader(handle))
total = len(texts)
if 0 < sample < total:
    step = total / sample
    texts = [texts[int(i * step)] for i in range(sample)]
analyzer = PatternAnalyzer()
analyzer.analyze("Un premier texte pour charger les lexiques.")
started = time.perf_counter()
for text in texts:
    analyzer.analyze(text)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "timed": len(texts), "total": total}))
"""

# Runs a command and reports its children's peak RSS when /usr/bin/time is missing.
WRAPPER = r"""
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "maxrss_kb": peak}), file=sys.stderr)
sys.exit(code)
"""


class TreeSampler:
    """Peak summed RSS of a process and its descendants, sampled (needs psutil)."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:
            self._thread = None
            return
        self._psutil = psutil
        self._pid = pid
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        psutil = self._psutil
        try:
            root = psutil.Process(self._pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def stop(self) -> int | None:
        if self._thread is None:
            return None
        self._stop.set()
        self._thread.join()
        return self.peak


def run_build(site: Path, extra: list[str]) -> dict[str, object]:
    """``sitegen build`` in ``site`` as a subprocess: wall seconds, peak RSS, its summary."""
    command = [sys.executable, "-m", "generator", "build", *extra]
    use_time = Path("/usr/bin/time").exists()
    if use_time:
        full = ["/usr/bin/time", "-v", *command]
    else:
        full = [sys.executable, "-c", WRAPPER, *command]
    started = time.perf_counter()
    proc = subprocess.Popen(
        full, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeSampler(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    tree = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{out}\n{err[-4000:]}")
    if use_time:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        maxrss = int(match.group(1)) if match else 0
    else:
        maxrss = json.loads(err.strip().splitlines()[-1])["maxrss_kb"]
    return {
        "seconds": seconds,
        "rss_mb": maxrss / 1024,
        "tree_mb": (tree or 0) / 2**20 or None,
        "summary": out.strip(),
    }


def run_reference(content: Path, sample: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", REFERENCE, str(content), str(sample)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"reference failed:\n{proc.stderr[-4000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["extrapolated"] = data["timed"] < data["total"]
    data["full_seconds"] = data["seconds"] * data["total"] / max(1, data["timed"])
    return data


def median_and_largest(content: Path) -> tuple[Path, Path]:
    sizes = sorted(
        (sum(1 for _ in csv.reader(p.open(encoding="utf-8", newline=""))), p)
        for p in content.glob("*.csv")
    )
    return sizes[len(sizes) // 2][1], sizes[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description="Time sitegen on a synthetic corpus.")
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--subjects", type=int, default=100)
    parser.add_argument(
        "--data",
        type=Path,
        help="CSV with a 'texte' column to sample sentences from (read in place)",
    )
    parser.add_argument(
        "--reference-sample",
        type=int,
        default=0,
        metavar="K",
        help="time the reference on K reviews and extrapolate (default: every review)",
    )
    parser.add_argument("--jobs", type=int, help="--jobs for sitegen build")
    parser.add_argument("--executor", help="--executor for sitegen build")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--verify", action="store_true", help="also compare with a --no-cache build"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--site",
        type=Path,
        metavar="DIR",
        help="work in DIR and keep it; reuse its corpus and, when it has an output/ "
        "already, its built site (no reference, no cold build: the rebuilds only)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=1,
        metavar="N",
        help="time the cold build N times (cache and output removed between runs); "
        "the table shows the median, every run is printed",
    )
    parser.add_argument(
        "--edit-runs",
        type=int,
        default=1,
        metavar="N",
        help="time each rebuild step N times (a review edited again before each); "
        "the table shows the median, every run is printed",
    )
    args = parser.parse_args()

    if args.site is not None:
        folder = args.site.resolve()
        folder.mkdir(parents=True, exist_ok=True)
        args.keep = True
    else:
        folder = Path(tempfile.mkdtemp(prefix="sitegen-bench-"))
    built = (folder / "output").is_dir()
    try:
        started = time.perf_counter()
        if (folder / "content").is_dir():
            paths = sorted((folder / "content").glob("*.csv"))
            made = "reused"
        else:
            paths = make_corpus(
                folder,
                reviews=args.reviews,
                subjects=args.subjects,
                data=args.data,
                seed=args.seed,
            )
            made = f"made in {time.perf_counter() - started:.1f} s"
            # Older than the cache's 2-second "racy file" window, as a real corpus is.
            past = time.time() - 60
            for p in paths:
                os.utime(p, (past, past))
        size = sum(p.stat().st_size for p in paths)
        print(
            f"corpus: {args.reviews:,} reviews, {len(paths):,} subjects, {size / 1e6:.1f} MB of CSV "
            f"in {folder} ({made})",
            flush=True,
        )

        extra: list[str] = []
        if args.jobs:
            extra += ["--jobs", str(args.jobs)]
        if args.executor:
            extra += ["--executor", args.executor]

        rows: list[tuple[str, dict[str, object]]] = []
        if built:
            reference = None
            print(f"{folder / 'output'} is built: no reference, no cold build", flush=True)
        else:
            reference = run_reference(folder / "content", args.reference_sample)
            print(
                f"reference: {reference['seconds']:.1f} s for {reference['timed']:,} reviews",
                flush=True,
            )

        def step(name: str, result: dict[str, object]) -> None:
            rows.append((name, result))
            print(
                f"{name}: {result['seconds']:.2f} s, {result['rss_mb']:.0f} MB — {result['summary']}",
                flush=True,
            )

        colds = []
        for n in range(0 if built else max(1, args.cold_runs)):
            if n:
                shutil.rmtree(folder / ".sitegen-cache", ignore_errors=True)
                shutil.rmtree(folder / "output", ignore_errors=True)
            colds.append(run_build(folder, extra))
            print(f"cold build, run {n + 1}: {colds[-1]['seconds']:.2f} s", flush=True)
        if colds:
            cold = sorted(colds, key=lambda r: r["seconds"])[len(colds) // 2]
            name = "cold build (empty cache)" + (
                f", median of {len(colds)} runs ({', '.join(format(r['seconds'], '.1f') for r in colds)} s)"
                if len(colds) > 1
                else ""
            )
            step(name, cold)

        def repeated(name: str, edit: Path | None) -> None:
            """The rebuild ``--edit-runs`` times (editing ``edit`` again before each),
            the median shown."""
            runs = []
            for _ in range(max(1, args.edit_runs)):
                if edit is not None:
                    edit_one_review(edit)
                runs.append(run_build(folder, extra))
            result = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            if len(runs) > 1:
                name += f", median of {len(runs)} runs ({', '.join(format(r['seconds'], '.2f') for r in runs)} s)"
            step(name, result)

        repeated("rebuild, nothing changed", None)
        median, largest = median_and_largest(folder / "content")
        repeated(f"rebuild, 1 review edited ({median.stem}, typical)", median)
        repeated(f"rebuild, 1 review edited ({largest.stem}, largest)", largest)
        verified = None
        if args.verify:
            other = folder / "output-full"
            shutil.rmtree(other, ignore_errors=True)
            step(
                "full build --no-cache (for --verify)",
                run_build(folder, [*extra, "--no-cache", "--output", str(other)]),
            )
            cmp = filecmp.dircmp(folder / "output", other)
            verified = _identical(cmp)

        ref = reference["full_seconds"] if reference is not None else None
        print()
        print(
            f"sitegen scaling benchmark: {args.reviews:,} reviews, {len(paths):,} subjects, {size / 1e6:.0f} MB; "
            f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}; Python {platform.python_version()}"
        )
        print()
        print(
            "| step | seconds | × reference | peak RSS, largest process (MB) | peak RSS, process tree (MB) |"
        )
        print("| --- | ---: | ---: | ---: | ---: |")
        if reference is not None:
            label = "reference (PatternAnalyzer only)" + (
                f", extrapolated from {reference['timed']:,} reviews"
                if reference["extrapolated"]
                else ""
            )
            print(f"| {label} | {ref:.1f} | 1.00 | | |")
        for name, result in rows:
            tree = f"{result['tree_mb']:.0f}" if result.get("tree_mb") else "n/a"
            ratio = f"{result['seconds'] / ref:.3f}" if ref else "n/a"
            print(
                f"| {name} | {result['seconds']:.2f} | {ratio} | {result['rss_mb']:.0f} | {tree} |"
            )
        if verified is not None:
            print()
            print(
                "incremental output identical to a --no-cache build:", "yes" if verified else "NO"
            )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {"reference": reference, "steps": rows, "verified": verified},
                    indent=2,
                    default=str,
                )
            )
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _identical(cmp: filecmp.dircmp) -> bool:
    # dircmp compares by stat signature first; compare contents for the common files.
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_identical(sub) for sub in cmp.subdirs.values())


if __name__ == "__main__":
    main()
