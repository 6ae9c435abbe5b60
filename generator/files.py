"""Which files of a site folder sitegen may read or copy, and reading them safely.

One walk serves the content folder and the templates folders (their ``static/``
files are copied into the output, their templates rendered): a site's folders
may come from an untrusted archive or a third-party theme, so

* hidden names (any path component starting with ``.``) are never read or copied;
* a symlink is followed only when it leads to a regular file inside the folder
  walked (not hidden there either); links to folders are never followed;
* anything that is not a regular file (a FIFO, a socket, a device, a link leading
  out of the folder or to nothing) is left out with a warning naming it.

``read_bytes`` reads one file without trusting its ``st_size``: it never opens a
FIFO for long (non-blocking open, then ``fstat``), refuses what is not a regular
file, and reads at most ``limit + 1`` bytes, so a file that is (or grows) larger
than the limit is refused after that many bytes, whatever the file system says.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# Largest file read whole (a content file, a template or a static asset): a CSV
# export of 100,000 long reviews is about 90 MB.
MAX_FILE_BYTES = 128 * 1024 * 1024

# warn(path, message, hint)
Warn = Callable[[Path, str, str], None]


class RefusedFile(OSError):
    """A file sitegen will not read (not a regular file, or larger than the limit)."""


def _ignore(path: Path, message: str, hint: str) -> None:
    log.debug("%s: %s", path, message)


def is_hidden(relative: str | Path) -> bool:
    """Whether a relative path has a component starting with ``.``."""
    return any(part.startswith(".") for part in Path(relative).parts)


def _inside(target: str, root: str) -> bool:
    try:
        return target == root or os.path.commonpath([target, root]) == root
    except ValueError:  # (another drive)
        return False


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def refusal(path: Path, root: str) -> str:
    """Why the file ``path`` found under the folder whose real path is ``root`` may
    not be read ('' when it may)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(path)
        if not _inside(target, root):
            return f"is a link leading out of {root} (to {target})"
        if is_hidden(os.path.relpath(target, root)):
            return "is a link to a hidden file"
        try:
            info = os.stat(path)
        except OSError:
            return "is a link to nothing"
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind(info.st_mode)}"
    return ""


def walk_files(
    folder: Path,
    warn: Warn = _ignore,
    *,
    wanted: Callable[[str], bool] = lambda name: True,
    enter: Callable[[str], bool] = lambda name: True,
) -> list[Path]:
    """The regular files under ``folder`` that may be read, in a stable order (each
    folder's files sorted by name, then its sub-folders in sorted order).

    ``wanted(name)`` picks files by name and ``enter(name)`` folders (hidden ones
    are never picked nor entered); a picked file that may not be read is left out
    with ``warn(path, message, hint)``."""
    root = os.path.realpath(folder)
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):  # (never follows links to folders)
        here = Path(current)
        kept = []
        for name in sorted(dirs):
            if name.startswith(".") or not enter(name):
                continue
            path = here / name
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not _inside(target, root):
                    warn(
                        path,
                        f"is a link to a folder outside {root} (to {target}); not followed",
                        "copy the files into the folder instead",
                    )
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith(".") or not wanted(name):
                continue
            path = here / name
            reason = refusal(path, root)
            if reason:
                warn(
                    path,
                    f"this {reason}; it is left out",
                    "keep only regular files (no pipes, devices or links leading out) in the folder",
                )
                continue
            found.append(path)
    return found


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``RefusedFile`` for anything that is not a regular file (checked on the
    open file: a FIFO is opened without blocking and never read) and for a file
    holding more than ``limit`` bytes (counted as read, not taken from ``st_size``),
    ``OSError`` when it cannot be opened."""
    fd = os.open(
        path,
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_NOCTTY", 0)
        | getattr(os, "O_BINARY", 0),
    )
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"it is {_kind(info.st_mode)}, not a regular file")
        chunks = []
        total = 0
        want = (
            min(info.st_size, limit) + 1
        )  # the size as a hint only: read until EOF or past the limit
        while total <= limit:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = 1 << 20
        if total > limit:
            raise RefusedFile(f"it holds more than {limit // 2**20} MB (the limit for one file)")
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
