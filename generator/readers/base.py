"""What every reader shares: the registry by file extension, the reading context,
decoding of bytes to text, stable review ids and rating parsing.

A reader is a class with ``extensions`` and ``read(path, context)``; it returns the
reviews (and subject metadata) of one file and records problems in the context,
never raising for bad content, so one broken file does not stop the site.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.exceptions import Problem
from generator.files import MAX_FILE_BYTES, RefusedFile, read_bytes
from generator.readers.memo import RowMemo

log = logging.getLogger(__name__)

MAX_REVIEW_CHARS = 100_000  # longer "reviews" are broken pastes, not reviews


@dataclass
class ReadContext:
    """Settings and the problem list shared by the readers of one build."""

    config: SiteConfig
    content_dir: Path
    problems: list[Problem] = field(default_factory=list)
    # Files whose unreadable date was reported (one warning per file).
    unread_dates: set[Path] = field(default_factory=set, repr=False, compare=False)
    # The file being read: what its rows gave last time (``memo.RowMemo``; the
    # build cache's reading sets it, table readers use it).
    memo: RowMemo | None = field(default=None, repr=False, compare=False)
    # Reviews hold their source as the build cache keeps it (``source``), not as
    # shown (the build cache's reading sets it: no copy of each review after).
    absolute: bool = field(default=False, repr=False, compare=False)

    def problem(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.display(path), line, message, hint))

    def warn(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.display(path), line, message, hint, "warning"))

    _shown: dict[tuple[Path, str], Path] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _last_shown: tuple[Path, Path] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def display(self, path: Path) -> Path:
        """The path as the user knows it: relative to the current folder when possible.
        Memoised per path (readers call it for every review; resolving is a few
        system calls each), keyed with the current folder in case it changes."""
        last = self._last_shown
        if last is not None and last[0] is path:  # the same file as the call before
            return last[1]
        cwd = os.getcwd()
        key = (path, cwd)
        shown = self._shown.get(key)
        if shown is None:
            try:
                shown = path.resolve().relative_to(Path(cwd).resolve())
            except ValueError:
                shown = path
            self._shown[key] = shown
        self._last_shown = (path, shown)
        return shown

    def source(self, path: Path) -> Path:
        """A review's source as the build cache keeps it: the path shown, made
        absolute (``incremental.sources.absolute_sources``)."""
        return Path(os.path.abspath(self.display(path)))

    _last_source: tuple[Path, Path, Path] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def review_source(self, path: Path) -> Path:
        """The source a review read from ``path`` holds: ``source`` with
        ``absolute``, else the path shown (one object per file)."""
        shown = self.display(path)
        if not self.absolute:
            return shown
        last = self._last_source
        if last is None or last[0] is not path or last[1] is not shown:
            last = self._last_source = (path, shown, Path(os.path.abspath(shown)))
        return last[2]


@dataclass
class FileResult:
    """What one file holds."""

    reviews: list[Review] = field(default_factory=list)
    subjects: list[SubjectMeta] = field(default_factory=list)


class Reader:
    """Base class: subclasses set ``extensions`` and implement ``parse``.

    ``read`` decodes the file (reporting unreadable, binary or mis-encoded files)
    and hands the text to ``parse``, which adds reviews and subject metadata to the
    result and records problems in the context."""

    extensions: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path, context: ReadContext) -> FileResult:
        result = FileResult()
        text = read_text(path, context)
        if text is not None:
            self.parse(text, path, context, result)
            if result.reviews and context.config.analysis.language == "auto":
                warn_unanalysed(result.reviews, path, context)
        return result

    def parse(
        self, text: str, path: Path, context: ReadContext, result: FileResult
    ) -> None:  # pragma: no cover
        raise NotImplementedError


def warn_unanalysed(reviews: list[Review], path: Path, context: ReadContext) -> None:
    """One warning for a file's reviews in a language sitegen does not analyse
    (``generator.analysis.language``: the analyzer's own detection), with their
    count and the line of the first."""
    from generator.analysis.language import LANGUAGES, detect

    def unanalysed(text: str) -> bool:
        return detect(text) not in LANGUAGES

    if context.memo is not None:  # (the rows read last time were checked then)
        flags = context.memo.unanalysed(reviews, unanalysed)
        others = [r for r, flag in zip(reviews, flags) if flag]
    else:
        others = [r for r in reviews if unanalysed(r.text)]
    if others:
        n = len(others)
        what = "a review" if n == 1 else f"{n} reviews"
        context.warn(
            path,
            others[0].line,
            f"{what} in a language sitegen does not analyse (neither French nor English)"
            f"{'' if n == 1 else ', the first here'}: shown as not analysed, left out of the verdict, quotes and aspects",
            'if they are French or English, set [analysis] language = "fr" or "en" in sitegen.toml',
        )


READERS: dict[str, type[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator: make ``cls`` the reader for its extensions."""
    for ext in cls.extensions:
        READERS[ext] = cls
    return cls


def readers_of(config: SiteConfig | None) -> dict[str, type[Reader]]:
    """Extension -> reader class: the built-in readers, and those of the site's
    plugins (``generator.plugins``), which win."""
    if config is None or not config.plugins:
        return READERS
    from generator.plugins import loaded

    return {**READERS, **loaded(config.plugins).readers()}


def reader_for(
    path: Path, config: SiteConfig | None = None
) -> Callable[[Path, ReadContext], FileResult] | None:
    cls = readers_of(config).get(path.suffix.lower())
    return cls().read if cls else None


def decode(path: Path, data: bytes, context: ReadContext) -> str | None:
    """Bytes to text: UTF-8 (with or without BOM) first, else the detected legacy
    encoding (Windows-1252 for most French spreadsheet exports) with a warning.
    Returns None, with a problem recorded, for binary or undecodable files."""
    if not data or data.isspace():  # (not data.strip(): no copy of a large file)
        context.warn(
            path, None, "the file is empty; nothing to read", "add reviews to it or delete it"
        )
        return None
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        context.problem(
            path, None, "this is a binary file, not text", "remove it or export it as UTF-8 text"
        )
        return None
    try:
        text = data.decode("utf-8-sig")  # (a BOM dropped without copying the bytes)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        from charset_normalizer import (
            from_bytes,  # only for files that are not UTF-8 (slow to import)
        )

        match = from_bytes(data).best()
        if match is None or match.encoding in ("utf_8", "ascii"):
            context.problem(
                path,
                line,
                "the file is not valid UTF-8 text and its encoding could not be recognised",
                "save it as UTF-8",
            )
            return None
        encoding = match.encoding
        if encoding in (
            "latin_1",
            "iso8859_15",
            "cp1250",
            "cp1252",
            "iso8859_1",
        ) or encoding.startswith("iso8859"):
            encoding = "cp1252"  # a superset of Latin-1 for the characters French uses
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "latin-1"
        context.warn(
            path,
            line,
            f"not UTF-8: read as {encoding}",
            "save the file as UTF-8 to silence this warning",
        )
    text = text.removeprefix("\ufeff")
    if "\r" in text:  # (each replace copies the text: only when there is a CR)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path, context: ReadContext) -> str | None:
    """The text of one content file, or None with a problem recorded (a file that is
    not a regular file, larger than ``MAX_FILE_BYTES``, unreadable or not text)."""
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except RefusedFile as exc:
        context.problem(
            path,
            None,
            f"not read: {exc}",
            "split it into smaller files"
            if "MB" in str(exc)
            else "keep only regular files in the content folder",
        )
        return None
    except OSError as exc:
        context.problem(
            path,
            None,
            f"cannot read the file: {exc.strerror or exc}",
            "check that it exists and that you may read it",
        )
        return None
    return decode(path, data, context)


def stable_id(subject: str, text: str) -> str:
    """An id derived from the review itself: the same from build to build, and
    unchanged when reviews are reordered or other reviews are added."""
    digest = hashlib.sha1(f"{subject}\n{' '.join(text.split())}".encode()).hexdigest()
    return digest[:10]


_RATING = re.compile(
    r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:(?:/|sur|out of)\s*(\d+(?:[.,]\d+)?))?\s*(?:★|étoiles?|stars?)?\s*$",
    re.IGNORECASE,
)


def parse_rating(value: object, scale: int) -> tuple[float | None, str]:
    """Read a rating such as ``4``, ``4,5``, ``8/10``, ``3.5 étoiles``.

    Returns ``(rating on the site's scale, error message)``; a rating given with
    its own scale (``8/10``) is converted. Empty values are no rating, not an error.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool):
        return None, f"the rating {value!r} is not a number"
    if isinstance(value, int | float):
        if isinstance(value, int) and abs(value) > 10**9:
            return None, f"the rating {str(value)[:20]}… is outside the site's scale 0–{scale}"
        number, of = float(value), None
    elif not isinstance(
        value, str
    ):  # a list or mapping: never str() it (YAML aliases can make it huge)
        return None, f"the rating is {type(value).__name__}, not a number"
    else:
        match = _RATING.match(str(value))
        if not match:
            return None, f"the rating {str(value)[:40]!r} is not a number"
        number = float(match.group(1).replace(",", "."))
        of = float(match.group(2).replace(",", ".")) if match.group(2) else None
    shown = str(value)[:40]
    if of is not None:
        if not 0 < of < float("inf") or not 0 <= number <= of:
            return None, f"the rating {shown} is outside its own scale"
        number = number / of * scale
    if math.isnan(number) or not 0 <= number <= scale:
        return (
            None,
            f"the rating {shown} is outside the site's scale 0–{scale} (set rating_scale in sitegen.toml)",
        )
    return round(number, 2), ""


# C0 and C1 control characters (but tab and newline), and lone surrogates (which a
# JSON "\\ud800" escape can produce and which cannot be written as UTF-8).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Trim and drop control characters and lone surrogates a review should never hold."""
    if text.isprintable():  # holds none of them (the usual one-line field): no regex pass
        return text.strip()
    return _CONTROL.sub("", text).strip()
