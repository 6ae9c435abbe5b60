"""Counting the instructions a command executes, with valgrind's cachegrind: the
measure the benchmarks compare versions by when the machine is loaded (wall and
CPU seconds move with the load; the count does not). Used by ``bench_cpu.py``,
``bench_edit.py``, ``bench_instructions.py`` and ``bench_subject.py``."""

from __future__ import annotations

import re

# What runs a command under cachegrind: put before the command's own words.
COMMAND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")

_COUNT = re.compile(r"I\s+refs:\s+([\d,]+)")


def counted(stderr: str) -> int | None:
    """The instructions executed, as cachegrind reports them on ``stderr``; None
    when it reported none."""
    found = _COUNT.search(stderr)
    return int(found.group(1).replace(",", "")) if found else None
