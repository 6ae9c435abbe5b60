"""How fast review dates are read: ``generator.dates.parse_date`` over the date
formats of the benchmark corpus (``corpus.make_date``), and, for comparison, the
libraries one might use instead when they happen to be installed (``python-dateutil``
reads the English and ISO forms only; ``dateparser`` all of them).

    python benchmarks/bench_dates.py [--dates 20000]
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_date

from generator.dates import parse_date


def timed(name: str, parse, dates: list[str]) -> None:
    started = time.perf_counter()
    read = sum(1 for d in dates if parse(d))
    seconds = time.perf_counter() - started
    print(
        f"{name:>28}: {seconds / len(dates) * 1e6:7.1f} µs per date, {read:,} of {len(dates):,} read"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dates", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(1)
    dates = [make_date(rng) for _ in range(args.dates)]
    timed("sitegen (generator/dates.py)", parse_date, dates)
    for module, call in (("dateutil.parser", "parse"), ("dateparser", "parse")):
        try:
            started = time.perf_counter()
            lib = importlib.import_module(module)
            imported = time.perf_counter() - started
        except ImportError:
            print(f"{module:>28}: not installed")
            continue
        function = getattr(lib, call)

        def attempt(text: str, function=function) -> bool:
            try:
                return bool(text) and function(text) is not None
            except (ValueError, OverflowError):
                return False

        print(f"{module:>28}: imported in {imported:.2f} s")
        timed(module, attempt, dates[: min(len(dates), 2000)])


if __name__ == "__main__":
    main()
