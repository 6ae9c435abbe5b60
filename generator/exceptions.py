"""Every error sitegen shows to a user, with messages people can act on.

Errors carry the file and line they are about, so the CLI can print
``content/films.csv:12: the rating "abc" is not a number`` instead of a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# What must never reach a terminal raw: C0 and C1 control characters (ESC starts
# the ANSI sequences that move the cursor, clear the screen or retitle the window),
# DEL, bidirectional overrides and isolates (they reorder what is shown), line and
# paragraph separators, and lone surrogates (undecodable bytes of a file name).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNPRINTABLE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` safe to print on a terminal: every control character (an escape
    sequence in a file name from an untrusted archive, say) shown as ``\\x1b``,
    ``\\u202e``... (``newlines``: line breaks kept as they are). The one place file
    names, paths and problems are made printable."""
    text = str(text)
    if text.isprintable():  # the usual case: nothing to escape
        return text
    return (_UNPRINTABLE_BUT_NEWLINE if newlines else _UNPRINTABLE).sub(_escape, text)


class SitegenError(Exception):
    """Base class: an error whose message is meant for the user."""

    exit_code = 1


class ConfigError(SitegenError):
    """``sitegen.toml`` or a command-line option is wrong."""

    exit_code = 2


class PluginError(SitegenError):
    """A plugin's hook gave what sitegen cannot use (the message names the plugin)."""


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
        return printable(f"{self.path}:{self.line}" if self.line else self.path)

    def __str__(self) -> str:
        """``file:line: message (hint)``, safe to print (``printable``)."""
        text = f"{self.location()}: {printable(self.message)}"
        if self.hint:
            text += f" ({printable(self.hint)})"
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
