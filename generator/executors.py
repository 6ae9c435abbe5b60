"""Where the analysis runs: in this process, in a pool of local processes, or on
any ``concurrent.futures``-style executor such as a Dask cluster.

``Runner.map`` runs any module-level task: ``sitegen build`` sends one changed
subject per task (``incremental/worker.py``) and, for very large subjects,
their texts first in chunks (``analyze_texts``: a few hundred kilobytes each,
never one by one). Analyses come back as the compact bytes the cache stores
(``cache.encode_analysis``), so the parent process only writes them to SQLite.
Each worker builds its ``Analyzer`` once: in its initializer for a local pool
(from the tables' snapshot in the build cache when there is one:
``analysis/snapshot.py``), elsewhere on its first task with a text to analyse.

With ``--executor process``, the build's pool (``LocalPool``) is started when
first needed: by the read stage when it has many files to parse
(``incremental.sources``, which shares the files between the pool and this
process: ``shared_map``), else by the runner; either way it is shut down when
the runner is done.

``--executor``:

* ``process`` (default): a pool of ``--jobs`` processes (default: every core);
  with ``--jobs 1`` the analysis runs in the build's own process;
* ``serial``: in the build's own process;
* ``dask://HOST:PORT`` (or ``tcp://``/``tls://``): a Dask distributed scheduler,
  through ``Client.get_executor()``. Needs ``pip install sitegen[dask]``; every
  worker needs sitegen installed. Dask is imported only then.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.analysis import AnalysisSettings, Analyzer
from generator.analysis.snapshot import add_packed, load_snapshot, save_snapshot
from generator.cache import encode_analysis
from generator.collector import paused
from generator.exceptions import ConfigError
from generator.plugins import loaded

log = logging.getLogger(__name__)

CHUNK_CHARS = 200_000  # about 200 reviews: big enough to amortise a round trip
CHUNK_TEXTS = 500
DASK_CHUNK_CHARS = 2_000_000
MIN_POOL_CHARS = 2 * CHUNK_CHARS  # less work than this runs here: a pool costs ~0.5 s to start

_ANALYZERS: dict[AnalysisSettings, Analyzer] = {}


def get_analyzer(settings: AnalysisSettings, snapshot: Path | None = None) -> Analyzer:
    """One analyzer per settings per process: lexicons and model load once, also
    across the rebuilds of ``sitegen serve`` and across a worker's chunks. With
    ``snapshot`` (a folder of the build cache), the tables come from the snapshot
    kept there when it matches this code and data, and are saved there when not
    (``analysis/snapshot.py``)."""
    analyzer = _ANALYZERS.get(settings)
    if analyzer is None:
        with paused():  # (plain data: tables)
            restored = snapshot is not None and load_snapshot(snapshot)
        analyzer = _ANALYZERS[settings] = Analyzer(settings)
        if snapshot is not None and not restored:
            save_snapshot(snapshot)
        elif restored:
            add_packed()  # (once per snapshot)
    return analyzer


def analyze_texts(
    settings: AnalysisSettings, texts: Sequence[str], plugins: Sequence[str] = ()
) -> list[bytes]:
    """The task a worker runs: analyse a chunk (with the ``analyse_review`` hooks of
    the site's ``plugins``), return the encoded results in order."""
    analyzer = get_analyzer(settings)
    hooks = loaded(plugins)
    return [encode_analysis(hooks.analysed(text, analyzer.analyze(text)), text) for text in texts]


def _initialize(
    settings: AnalysisSettings, parent: int | None = None, snapshot: Path | None = None
) -> None:
    # Ctrl-C is the parent's to handle (it shuts the pool down); a worker that
    # also got it would print a traceback for nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    get_analyzer(settings, snapshot)


def _exit_with(parent: int) -> None:
    """A build killed outright (SIGKILL, SIGTERM) cannot shut its pool down, and
    idle workers would wait for work forever: leave when the build is gone."""
    while True:
        time.sleep(1.0)
        if not _alive(parent):
            os._exit(1)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs: a killed build whose own parent has
    not reaped it yet is a zombie, which ``kill(pid, 0)`` still finds."""
    if _PROC:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        except (OSError, IndexError):
            pass
        else:
            return state not in (b"Z", b"X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


_PROC = os.path.isdir("/proc/self")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Runner:
    """An executor (or none: run here), with how many tasks to keep in flight and
    how big a chunk to send."""

    executor: cf.Executor | None
    description: str
    in_flight: int = 1
    chunk_chars: int = CHUNK_CHARS
    workers: int = 1  # how many tasks can run at once
    local: bool = True  # tasks run on this machine (they may write files here)

    def run(
        self,
        settings: AnalysisSettings,
        chunks: Iterable[tuple[Any, list[str]]],
        plugins: Sequence[str] = (),
    ) -> Iterator[tuple[Any, list[bytes]]]:
        """Analyse ``(tag, texts)`` chunks (``plugins``: the site's, for their
        ``analyse_review``); yield ``(tag, encoded results)`` as they finish (any
        order). At most ``in_flight`` chunks are queued at once, so memory stays
        bounded whatever the corpus size."""
        calls = ((tag, (settings, texts, tuple(plugins))) for tag, texts in chunks)
        return self.map(analyze_texts, calls)

    def map(
        self, task: Callable[..., Any], calls: Iterable[tuple[Any, tuple[Any, ...]]]
    ) -> Iterator[tuple[Any, Any]]:
        """Run ``task(*args)`` for each ``(tag, args)``; yield ``(tag, result)`` as they
        finish (any order), at most ``in_flight`` queued at once. ``task`` must be
        a module-level function (it travels to the workers by name)."""
        if self.executor is None:
            for tag, args in calls:
                yield tag, task(*args)
            return
        pending: dict[cf.Future[Any], Any] = {}
        source = iter(calls)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < self.in_flight:
                    try:
                        tag, args = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    with _interrupts_held():
                        pending[self.executor.submit(task, *args)] = tag
                if not pending:
                    return
                done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
                for future in done:
                    tag = pending.pop(future)
                    yield tag, future.result()
        finally:
            for future in pending:
                future.cancel()


def chunked(
    items: Iterable[tuple[Any, str]], max_chars: int, max_texts: int = CHUNK_TEXTS
) -> Iterator[tuple[list[Any], list[str]]]:
    """Group ``(tag, text)`` pairs into ``(tags, texts)`` chunks of bounded size."""
    tags: list[Any] = []
    texts: list[str] = []
    size = 0
    for tag, text in items:
        tags.append(tag)
        texts.append(text)
        size += len(text)
        if size >= max_chars or len(texts) >= max_texts:
            yield tags, texts
            tags, texts, size = [], [], 0
    if texts:
        yield tags, texts


def _process_pool(
    jobs: int, settings: AnalysisSettings, snapshot: Path | None = None
) -> cf.ProcessPoolExecutor:
    # forkserver: workers start from a clean process (not a copy of a parent holding
    # the whole corpus and a progress thread), yet start fast.
    import multiprocessing  # local: a build with one subject to make starts no pool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(
            [
                "generator.executors",
                "generator.incremental.worker",
                "generator.incremental.sources",
            ]
        )
        # Started here, not by the first ``submit``, where SIGINT is held back
        # (``_interrupts_held``): it would keep that mask, and so would every
        # process it starts later.
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return cf.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_initialize,
        initargs=(settings, os.getpid(), snapshot),
    )


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) delivered only once the block is done (main thread, where
    the platform can). Around ``submit``: a process pool starts its workers there,
    and a build stopped while one was half started left that worker printing a
    traceback (it found the pool's semaphores already gone)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, before)


class LocalPool:
    """The build's pool of local processes (``--executor process`` with more than
    one job), started when first needed (``start``): by the read stage to parse
    files, or by ``open_runner`` for the analysis; ``close`` shuts it down."""

    def __init__(
        self,
        spec: str | cf.Executor | None,
        jobs: int | None,
        settings: AnalysisSettings,
        snapshot: Path | None = None,
    ) -> None:
        local = spec is None or (isinstance(spec, str) and spec.strip() in _LOCAL)
        self.workers = (jobs or default_jobs()) if local else 0
        self.settings = settings
        self.snapshot = snapshot
        self.executor: cf.ProcessPoolExecutor | None = None
        self._probes: list[cf.Future[Any]] = []
        self._prober: threading.Thread | None = None

    @property
    def available(self) -> bool:
        """Whether there is a pool to use (a local one, of more than one process)."""
        return self.workers > 1

    def start(self) -> cf.ProcessPoolExecutor:
        """The pool, started now if it is not yet. Its processes are started by a
        thread of this process (the first ``submit`` starts them, which takes a
        while), each sent a first small task (``ready``)."""
        assert self.available
        if self.executor is None:
            self.executor = _process_pool(self.workers, self.settings, self.snapshot)
            self._prober = threading.Thread(target=self._probe, args=(self.executor,), daemon=True)
            self._prober.start()
        return self.executor

    def _probe(self, executor: cf.Executor) -> None:
        with contextlib.suppress(RuntimeError):  # (shut down meanwhile)
            for _ in range(self.workers):
                self._probes.append(executor.submit(os.getpid))

    def ready(self) -> int:
        """How many of its processes are ready for work, about (those that did
        their first task)."""
        return sum(1 for f in list(self._probes) if f.done() and f.exception() is None)

    def slots(self) -> int:
        """How many tasks to keep queued on the pool now: none before a process of
        it is ready (a task queued then would wait), else one more than are."""
        ready = self.ready()
        return min(ready + 1, self.workers + 1) if ready else 0

    def close(self) -> None:
        if self._prober is not None:
            self._prober.join()
            self._prober = None
        if self.executor is not None:
            executor, self.executor = self.executor, None
            executor.shutdown(wait=True, cancel_futures=True)
        self._probes = []

    def __enter__(self) -> LocalPool:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_LOCAL = ("process", "local", "")


def shared_map(
    executor: cf.Executor,
    remote: Callable[..., Any],
    local: Callable[..., Any],
    calls: Sequence[tuple[Any, tuple[Any, ...]]],
    slots: Callable[[], int],
) -> Iterator[tuple[Any, Any, bool]]:
    """Run every call, in order, on ``executor`` (``remote(*args)``, at most
    ``slots()`` queued there) or in this process (``local(*args)``, the next call
    whenever none of the executor's is done). Yields ``(tag, result, remotely)``
    as they finish. (Calls sorted by decreasing cost: the last ones, small, keep
    every process busy until the end.)"""
    pending: dict[cf.Future[Any], Any] = {}
    calls = iter(calls)
    call = next(calls, None)
    try:
        while call is not None or pending:
            while call is not None and len(pending) < slots():
                with _interrupts_held():
                    pending[executor.submit(remote, *call[1])] = call[0]
                call = next(calls, None)
            done = [future for future in pending if future.done()]
            if not done and call is not None:
                tag, args = call
                call = next(calls, None)
                yield tag, local(*args), False
                continue
            if not done:
                done = list(cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)[0])
            for future in done:
                yield pending.pop(future), future.result(), True
    finally:
        for future in pending:
            future.cancel()


@contextlib.contextmanager
def open_runner(
    spec: str | cf.Executor | None,
    jobs: int | None,
    settings: AnalysisSettings,
    *,
    work: int = 0,
    snapshot: Path | None = None,
    pool: LocalPool | None = None,
) -> Iterator[Runner]:
    """The runner for ``--executor``/``--jobs``. ``work`` is the number of characters
    to analyse: small jobs run here rather than pay for starting a pool (a pool
    the build started already, ``pool``, is used for any work; it is shut down
    when the runner is done). ``snapshot``: the build cache's folder, where a
    local pool's workers load (or save) the analyzer's tables (``get_analyzer``)."""
    if isinstance(spec, cf.Executor):
        yield Runner(
            spec,
            type(spec).__name__,
            in_flight=max(2, 2 * (jobs or default_jobs())),
            workers=jobs or default_jobs(),
            local=False,
        )
        return
    name = (spec or "process").strip()
    if name in _LOCAL:
        workers = jobs or default_jobs()
        started = pool is not None and pool.executor is not None
        if workers <= 1 or work < (1 if started else MIN_POOL_CHARS):
            if pool is not None:
                pool.close()  # (started by the read stage, not needed now)
            yield Runner(None, "this process")
            return
        pool = pool or LocalPool(spec, jobs, settings, snapshot)
        try:
            yield Runner(
                pool.start(), f"{workers} processes", in_flight=3 * workers, workers=workers
            )
        finally:
            pool.close()
        return
    if name in ("serial", "none"):
        yield Runner(None, "this process")
        return
    if name.startswith(("dask://", "tcp://", "tls://")):
        with _dask_runner(name, jobs) as runner:
            yield runner
        return
    raise ConfigError(f"unknown executor {spec!r}: use process, serial or dask://HOST:PORT")


@contextlib.contextmanager
def _dask_runner(address: str, jobs: int | None) -> Iterator[Runner]:
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError("--executor dask://… needs Dask: pip install 'sitegen[dask]'") from None
    if address.startswith("dask://"):
        address = "tcp://" + address.removeprefix("dask://")
    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        threads = sum(client.nthreads().values()) or 1
        executor = client.get_executor(pure=False)
        try:
            yield Runner(
                executor,
                f"Dask at {address} ({threads} worker threads)",
                in_flight=max(4, 2 * (jobs or threads)),
                workers=jobs or threads,
                local=False,
                chunk_chars=DASK_CHUNK_CHARS,
            )
        finally:
            executor.shutdown(wait=True)
    finally:
        client.close()


AnalyzeFn = Callable[[Sequence[Any], AnalysisSettings], list[Any]]
