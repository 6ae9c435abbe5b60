"""When CPython's cyclic garbage collector runs during a build.

A build makes millions of small objects that live until it ends (reviews,
analyses, their sentences, the cached summaries and states it unpickles), and
hardly any reference cycle: the collector, which walks the objects made since its
last run (every 700 allocations by default, a full walk now and then), mostly
walks live objects for nothing. ``bulk_allocations`` (around a whole build, and
each subject task) makes it run 100 times less often; ``paused`` stops it while a
large value of plain data is unpickled, and keeps it from walking that value
again until the build ends. ``release_free_memory`` hands the memory a large
subject task freed back to the system (a worker process otherwise keeps it for
the rest of the build).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)


@contextlib.contextmanager
def bulk_allocations() -> Iterator[None]:
    """Run a burst of allocations with CPython's cyclic garbage collector mostly
    out of the way. A build makes millions of small objects that live until it
    ends (reviews, analyses, their sentences); with the default thresholds the
    collector walks all of them again every few thousand allocations (measured:
    decoding the 6,400 cached analyses of one subject took 0.77 s instead of
    0.13 s, and analysing while keeping the results was 23 % slower). Inside,
    collections happen 100 times less often; the thresholds come back after."""
    global _bulk_depth, _bulk_saved, _frozen
    with _bulk_lock:  # tasks may overlap in one process (threads of a Dask worker)
        if not _bulk_depth:
            _bulk_saved = gc.get_threshold()
            gc.set_threshold(max(_bulk_saved[0], 70_000), *_bulk_saved[1:])
        _bulk_depth += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_depth -= 1
            if not _bulk_depth:
                gc.set_threshold(*_bulk_saved)
                if _frozen:
                    gc.unfreeze()
                    _frozen = False


_bulk_lock = threading.Lock()
_bulk_depth = 0
_bulk_saved = gc.get_threshold()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while a large value of plain data is unpickled (a summary
    state, the cached subjects' artifacts, the analyzer's snapshot), and, inside
    ``bulk_allocations``, none walking it later: it makes no reference cycle, so a
    collection would find nothing in it, yet each gen-0 collection walked up to
    70,000 of its objects (measured, an edit of the largest subject of 100,000
    reviews: 0.07 s of its CPU, in 60 collections during these loads; merely
    paused, one collection after walked them all). So the objects tracked then
    are frozen (``gc.freeze``: left out of every collection) until the outermost
    ``bulk_allocations`` ends, when they go back to the oldest generation (a
    server building again and again collects the cycles among them then). The
    collector is back on after, unless it was off before."""
    global _paused_depth, _was_enabled, _frozen
    with _bulk_lock:
        if not _paused_depth:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused_depth += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _paused_depth -= 1
            if not _paused_depth:
                if _bulk_depth:
                    gc.freeze()
                    _frozen = True
                if _was_enabled:
                    gc.enable()


_paused_depth = 0
_was_enabled = True
_frozen = False  # (objects frozen by ``paused``, until ``bulk_allocations`` ends)


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return None


_malloc_trim = _find_malloc_trim()


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``;
    elsewhere nothing, and False). After a subject of thousands of reviews, a
    worker process's heap holds the hundreds of MB its pages and files took,
    free but resident until the process ends (glibc keeps freed large blocks
    for reuse); in a cold build with 2 workers that made the process tree's
    peak about 250 MB larger. Costs a few ms; call it after large tasks only."""
    if _malloc_trim is None:
        return False
    _malloc_trim(0)
    return True
