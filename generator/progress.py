"""Build progress on the terminal: a rich progress bar that appears only when a
build lasts (after ``DELAY`` seconds) and only on a terminal; nothing with
``--quiet``, in scripts, or in tests."""

from __future__ import annotations

import sys
import time
from typing import Any

DELAY = 2.0


class NullProgress:
    """Progress that shows nothing (``--quiet``, not a terminal, library use)."""

    def stage(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class BarProgress(NullProgress):
    """One bar per stage, shown once the build has run for ``delay`` seconds."""

    def __init__(self, delay: float = DELAY, stream: Any = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._started = time.monotonic()
        self._delay = delay
        self._shown = False
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream or sys.stderr),
            transient=True,
        )
        self._task: Any = None

    def _maybe_show(self) -> None:
        if not self._shown and time.monotonic() - self._started >= self._delay:
            self._progress.start()
            self._shown = True

    def stage(self, description: str, total: int | None = None) -> None:
        if self._task is not None:
            self._progress.update(self._task, visible=False)
        self._task = self._progress.add_task(description, total=total)
        self._maybe_show()

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)
        self._maybe_show()

    def close(self) -> None:
        if self._shown:
            self._progress.stop()
            self._shown = False


def make_progress(quiet: bool, stream: Any = None) -> NullProgress:
    stream = stream or sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return NullProgress()
    return BarProgress(stream=stream)
