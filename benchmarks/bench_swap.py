"""What putting a new ``data.json`` in place costs: rename over the old file, or
exchange the two (``generator.exchange.swap_file``).

    python benchmarks/bench_swap.py [--mb 332] [--rounds 6] [--dir FOLDER]

Writes a file of ``--mb`` MB into a temporary folder under ``--dir`` (default: the
system's temporary folder; give a folder on the file system of your output), then
``--rounds`` times, alternating the two ways, does what an incremental build does
to its ``data.json``: copies it into a new file (``copy_file_range``, as
``output.StagedOutput.write_spliced``), puts the new file in place, removes the old
one, and waits a second (as between two edits). Prints the seconds of each step,
then the medians per way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.exchange import swap_file


def copy(source: str, target: str) -> None:
    size = os.path.getsize(source)
    with open(source, "rb") as old, open(target, "xb") as new:
        offset = 0
        while offset < size:
            done = os.copy_file_range(old.fileno(), new.fileno(), size - offset, offset)
            if done <= 0:
                raise OSError("copy_file_range copied nothing")
            offset += done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=332)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sitegen-swap-", dir=args.dir))
    try:
        data = str(folder / "data.json")
        block = os.urandom(1 << 20)
        with open(data, "wb") as handle:
            handle.writelines(block for _ in range(args.mb))
        os.sync()
        times: dict[str, list[tuple[float, float, float]]] = {"rename": [], "exchange": []}
        for round_ in range(args.rounds):
            way = "rename" if round_ % 2 == 0 else "exchange"
            new = str(folder / "new")
            started = time.perf_counter()
            copy(data, new)
            copied = time.perf_counter()
            if way == "rename":
                os.link(data, str(folder / "old"))  # the old one removed apart, as below
                os.replace(new, data)
                os.replace(str(folder / "old"), new)
            else:
                if not swap_file(new, data):
                    raise SystemExit("no exchange on this file system: nothing to compare")
            placed = time.perf_counter()
            os.unlink(new)  # the old file
            removed = time.perf_counter()
            step = (copied - started, placed - copied, removed - placed)
            times[way].append(step)
            print(
                f"{way}: copy {step[0]:.3f} s, put in place {step[1]:.4f} s, old removed {step[2]:.3f} s"
            )
            time.sleep(1.0)
        load = os.getloadavg()[0]
        print(
            f"\n{args.mb} MB, medians of {args.rounds // 2} rounds each (load average {load:.1f}):"
        )
        for way, steps in times.items():
            if steps:
                columns = [statistics.median(s[i] for s in steps) for i in range(3)]
                print(
                    f"  {way:8}: copy {columns[0]:.3f} s, put in place {columns[1]:.4f} s, "
                    f"old removed {columns[2]:.3f} s"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
