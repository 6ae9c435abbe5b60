"""Putting one new file in place of an old one in a single atomic step.

``os.replace`` (``rename``) over an existing file is atomic, but on ext4 it is
not cheap for a big new file: the "replace by rename" heuristic
(``auto_da_alloc``) makes the call allocate the new file's blocks and start
writing them out, which for the 332 MB ``data.json`` of a 100,000-review site
took 0.1-0.3 s inside the rename, measured on this project's machine
(``benchmarks/bench_swap.py``). Exchanging the two names instead (Linux's
``renameat2(RENAME_EXCHANGE)``, ext4, XFS, Btrfs, tmpfs) is just as atomic --
a reader sees the old file or the new one, never none -- and leaves the
writing to the kernel's usual write-back. The old file is then at the new
file's former name, for the caller to remove.

Where the exchange is not available (another system or file system, an old C
library), ``os.replace`` is used, as before.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# errors that mean "no exchange here": fall back to a rename
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV}

_exchange: Callable[[str, str], None] | None = None
_looked_up = False


def _lookup() -> Callable[[str, str], None] | None:
    """``renameat2(..., RENAME_EXCHANGE)`` from the C library, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # local: only a build that swaps files in place pays for it

        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):  # not glibc >= 2.28 (or musl >= 1.2.?)
        return None
    function.argtypes = (
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    )
    function.restype = ctypes.c_int

    def exchange(first: str, second: str) -> None:
        if function(
            _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
        ):
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), first, None, second)

    return exchange


def swap_file(source: str, target: str) -> bool:
    """Put the file ``source`` at ``target`` atomically. Returns True when the two
    were exchanged (the replaced file is now at ``source``), False when ``source``
    was renamed over ``target`` (``source`` is gone)."""
    global _exchange, _looked_up
    if not _looked_up:
        _exchange, _looked_up = _lookup(), True
    if _exchange is not None:
        try:
            # only over a regular file: anything else is replaced (or refused) by
            # rename as before, never moved into the caller's folder
            regular = stat.S_ISREG(os.lstat(target).st_mode)
        except FileNotFoundError:
            regular = False
        if regular:
            try:
                _exchange(source, target)
                return True
            except OSError as exc:
                if exc.errno not in _UNSUPPORTED:
                    raise
                log.debug("no exchange of %s and %s (%s): renaming", source, target, exc)
    os.replace(source, target)
    return False
