"""Every error sitegen shows to a user, with messages people can act on.

Errors carry the file and line they are about, so the CLI can print
``content/films.csv:12: the rating "abc" is not a number`` instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class SitegenError(Exception):
    """Base class: an error whose message is meant for the user."""

    exit_code = 1


class ConfigError(SitegenError):
    """``sitegen.toml`` or a command-line option is wrong."""

    exit_code = 2


class UnsafeOutputError(SitegenError):
    """The output folder is one that a build must never replace."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    path: Path
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" (the row or file was skipped) or "warning"

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ContentError(SitegenError):
    """Input files are broken; raised under ``--strict`` or when nothing can be built."""

    def __init__(self, problems: list[Problem] | Problem, summary: str = "") -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        lines = [summary] if summary else []
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None
