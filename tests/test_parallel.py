"""Parallel analysis gives exactly the serial results, on a process pool and on any
concurrent.futures executor."""

from __future__ import annotations

import concurrent.futures as cf
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental import tree

from generator import executors
from generator import output as output_module
from generator.analysis import AnalysisSettings
from generator.cache import decode_analysis
from generator.commands.build import build
from generator.config import SiteConfig
from generator.content import Review
from generator.executors import analyze_texts, chunked, get_analyzer, open_runner
from generator.incremental import pipeline
from generator.incremental import schedule as schedule_module
from generator.incremental.worker import PackedReviews

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import make_corpus


@pytest.fixture
def config(tmp_path: Path) -> SiteConfig:
    root = tmp_path / "site"
    make_corpus(root, reviews=300, subjects=5, seed=11, mean_chars=300)
    return SiteConfig(
        content_dir=root / "content",
        output_dir=root / "serial",
        config_path=root / "sitegen.toml",
        page_size=20,
    )


def test_process_pool_equals_serial(config: SiteConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = build(config, executor="serial", cache=False)
    monkeypatch.setattr(executors, "MIN_POOL_CHARS", 0)  # a pool even for a small corpus
    parallel = build(config.replace(output_dir=config.root / "parallel"), jobs=2, cache=False)
    assert parallel.executor == "2 processes"
    assert parallel.analyzed == serial.analyzed == 300
    assert tree(config.root / "parallel") == tree(config.root / "serial")


def _small_chunks(init):
    """Runner.__init__ with 5 KB text chunks: many chunks, finishing in any order."""

    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.chunk_chars = 5_000

    return patched


def test_workers_write_pages_and_big_subjects_are_split(
    config: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a process pool, subjects are summarised and rendered in the workers, which
    write their pages straight into the staging folder (the build only adopts
    them); a subject holding a large share of the work has its texts analysed in
    chunks over every worker first. The site is byte for byte the serial one."""
    serial = build(config, executor="serial", cache=False)
    adopted: list[str] = []
    real_adopt = output_module.StagedOutput.adopt

    def adopt(self, rel: str, name: str) -> None:
        adopted.append(rel)
        real_adopt(self, rel, name)

    monkeypatch.setattr(output_module.StagedOutput, "adopt", adopt)
    monkeypatch.setattr(executors, "MIN_POOL_CHARS", 0)
    monkeypatch.setattr(executors.Runner, "__init__", _small_chunks(executors.Runner.__init__))
    monkeypatch.setattr(
        schedule_module, "BIG_SUBJECT", 10
    )  # subjects over a quarter of the work are "big"
    chunks: list[int] = []
    real_chunked = schedule_module.chunked

    def spy(items, max_chars):
        for tags, texts in real_chunked(items, max_chars):
            chunks.append(len(texts))
            yield tags, texts

    monkeypatch.setattr(schedule_module, "chunked", spy)
    parallel = build(config.replace(output_dir=config.root / "parallel"), jobs=2, cache=False)
    assert parallel.executor == "2 processes" and parallel.analyzed == serial.analyzed
    assert (
        len(chunks) >= 2 and 0 < sum(chunks) < parallel.analyzed
    )  # the big subjects first, not all
    pages = {p.path for s in parallel.site.subjects for p in s.pages}
    slugs = {s.slug for s in parallel.site.subjects}
    owned = {
        path for path in tree(config.root / "parallel") if path.split("/", 1)[0] in slugs
    }  # pages and subject files
    assert set(adopted) == owned and pages <= owned and len(pages) >= 5
    assert tree(config.root / "parallel") == tree(config.root / "serial")


def test_staged_output_adopts_only_pending_names(tmp_path: Path) -> None:
    staged = output_module.StagedOutput(tmp_path / "out")
    (Path(staged.pending) / "w1-1").write_bytes(b"<p>page</p>")
    staged.adopt("a/index.html", "w1-1")
    for bad in ("7", "../x", "a/b"):
        with pytest.raises(ValueError):
            staged.adopt("b/index.html", bad)
    with pytest.raises(output_module.UnsafeOutputError):
        staged.adopt("../escape.html", "w1-2")
    staged.commit()
    assert (tmp_path / "out" / "a" / "index.html").read_bytes() == b"<p>page</p>"


def test_any_executor_equals_serial(config: SiteConfig) -> None:
    serial = build(config, executor="serial", cache=False)
    with cf.ThreadPoolExecutor(2) as pool:
        threaded = build(
            config.replace(output_dir=config.root / "threads"), executor=pool, cache=False
        )
    assert threaded.executor == "ThreadPoolExecutor"
    assert threaded.analyzed == serial.analyzed
    assert tree(config.root / "threads") == tree(config.root / "serial")


def test_runner_results_match_the_analyzer() -> None:
    settings = AnalysisSettings()
    texts = [f"Film numéro {i}. Très bon scénario, mais la fin est ratée." for i in range(50)]
    with cf.ThreadPoolExecutor(3) as pool, open_runner(pool, 3, settings) as runner:
        got = {}
        for tags, results in runner.run(settings, chunked(list(enumerate(texts)), max_chars=200)):
            got.update(zip(tags, results))
    analyzer = get_analyzer(settings)
    assert sorted(got) == list(range(50))
    assert all(decode_analysis(got[i], t) == analyzer.analyze(t) for i, t in enumerate(texts))
    assert analyze_texts(settings, texts[:2]) == [got[0], got[1]]


def test_chunks_are_bounded_and_keep_everything() -> None:
    items = [(i, "x" * (i % 7 + 1)) for i in range(100)]
    chunks = list(chunked(items, max_chars=20, max_texts=8))
    assert [tag for tags, _ in chunks for tag in tags] == list(range(100))
    assert all(len(texts) <= 8 and sum(map(len, texts)) < 20 + 7 for _, texts in chunks)


def test_unknown_executor_is_a_config_error(config: SiteConfig) -> None:
    from generator.exceptions import ConfigError

    with pytest.raises(ConfigError, match="unknown executor"):
        build(config, executor="carrier-pigeon", cache=False)


def test_cli_accepts_jobs_and_executor(config: SiteConfig) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--content",
            str(config.content_dir),
            "--output",
            str(config.root / "cli"),
            "--jobs",
            "1",
            "--executor",
            "serial",
            "--no-cache",
        ],
        cwd=config.root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "300 reviews analysed" in result.stdout and "0 from cache" in result.stdout
    assert not (config.root / ".sitegen-cache").exists()


def test_progress_is_silent_off_a_terminal_and_quiet() -> None:
    import io

    from generator.progress import BarProgress, NullProgress, make_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert type(make_progress(False, stream=io.StringIO())) is NullProgress
    assert type(make_progress(True, stream=Terminal())) is NullProgress
    stream = Terminal()
    bar = make_progress(False, stream=stream)
    assert isinstance(bar, BarProgress)
    bar.stage("Analysing", 10)
    bar.advance(5)
    bar.close()
    assert stream.getvalue() == ""  # a build shorter than the delay shows nothing
    late = BarProgress(delay=0.0, stream=stream)
    late.stage("Analysing", 10)
    late.advance(10)
    late.close()
    assert "Analysing" in stream.getvalue()


@pytest.mark.slow
def test_workers_leave_when_the_build_is_killed(tmp_path: Path) -> None:
    import signal
    import time

    psutil = pytest.importorskip("psutil")
    root = tmp_path / "site"
    make_corpus(root, reviews=3000, subjects=10, seed=4)
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--jobs", "2", "--no-cache", "-q"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    workers = []
    while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
        workers = [
            p for p in parent.children(recursive=True) if "forkserver" in " ".join(p.cmdline())
        ]
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before its pool started"
    everyone = parent.children(recursive=True)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _, alive = psutil.wait_procs(everyone, timeout=15)
    assert not alive, f"left behind: {[p.pid for p in alive]}"


def test_bulk_allocations_restores_the_collector_thresholds() -> None:
    import gc

    from generator.collector import bulk_allocations

    before = gc.get_threshold()
    with bulk_allocations():
        assert gc.get_threshold()[0] >= 70_000
        with bulk_allocations():  # nested: still raised, then back to the outer value
            pass
        assert gc.get_threshold()[0] >= 70_000
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), bulk_allocations():
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before


def test_bulk_allocations_overlapping_in_threads_restore_the_thresholds() -> None:
    import gc
    import threading

    from generator.collector import bulk_allocations

    before = gc.get_threshold()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with bulk_allocations():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with bulk_allocations():
            second_in.set()
            first_out.wait(5)  # the first one leaves while this one is inside

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert gc.get_threshold() == before


def test_the_collector_paused_comes_back_as_it_was() -> None:
    """``collector.paused`` (around large unpickles): no collection inside, nested
    or not; on again after, even when the block fails; left off when it was off."""
    import gc

    from generator.collector import paused

    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        raise RuntimeError("an unreadable state")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_paused_in_overlapping_threads_comes_back_on() -> None:
    import gc
    import threading

    from generator.collector import paused

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    inside: list[bool] = []

    def first() -> None:
        with paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with paused():
            second_in.set()
            first_out.wait(5)  # the first one leaves while this one is inside
            inside.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert inside == [False]  # (still paused for the second)
    assert gc.isenabled()


def _state(pid: int) -> bytes:
    with open(f"/proc/{pid}/stat", "rb") as handle:
        return handle.read().rsplit(b")", 1)[1].split()[0]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_a_killed_build_not_yet_reaped_counts_as_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's watch (``_exit_with``) asks whether its build still runs. A build
    killed outright stays a zombie until whoever started it reaps it, and a
    zombie still answers ``kill(pid, 0)``: it must count as gone."""
    import os
    import time

    assert executors._alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # never polled: not reaped
    deadline = time.monotonic() + 30
    while _state(child.pid) != b"Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _state(child.pid) == b"Z"
    os.kill(child.pid, 0)  # what the watch used to ask: "still there"
    assert not executors._alive(child.pid)
    child.wait()
    assert not executors._alive(child.pid)
    # Without /proc the kernel is asked (a live process stays alive).
    monkeypatch.setattr(executors, "_PROC", False)
    assert executors._alive(os.getpid())
    assert not executors._alive(child.pid)


@pytest.mark.skipif(
    not hasattr(__import__("signal"), "pthread_sigmask"), reason="needs pthread_sigmask"
)
def test_ctrl_c_is_held_back_only_while_tasks_are_submitted() -> None:
    """SIGINT is blocked while a task is submitted (a pool starts its workers
    there), then the mask is what it was; the pool's fork server, started before,
    does not keep SIGINT blocked for the processes it starts later."""
    import signal
    from multiprocessing import forkserver

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    try:
        with executors._interrupts_held():
            assert signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        after = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert signal.SIGINT not in after and signal.SIGUSR1 in after
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    with open_runner("process", 2, AnalysisSettings(), work=10**9) as runner:
        assert runner.executor is not None
        results = list(runner.run(AnalysisSettings(), [("a", ["Un film superbe."])]))
        assert results and results[0][0] == "a"
        server = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
        if server is None or not Path(f"/proc/{server}/status").is_file():
            pytest.skip("no fork server to look at")
        blocked = next(
            int(line.split()[1], 16)
            for line in Path(f"/proc/{server}/status").read_text().splitlines()
            if line.startswith("SigBlk:")
        )
        assert not blocked & (1 << (signal.SIGINT - 1))


def test_release_free_memory_gives_freed_heap_pages_back() -> None:
    """Freed blocks in the middle of the C heap stay resident until
    ``release_free_memory`` (glibc's ``malloc_trim``) hands them back."""
    import os

    from generator.collector import release_free_memory

    def resident_mb() -> float:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    if not os.path.exists("/proc/self/statm") or not release_free_memory():
        pytest.skip("needs Linux with glibc")
    blocks = [bytearray(100_000) for _ in range(600)]  # (below the mmap threshold)
    for block in blocks:
        block[::4096] = b"\1" * len(block[::4096])  # touched: resident
    above = bytearray(100_000)  # the heap's top cannot shrink past it
    del blocks
    before = resident_mb()
    assert release_free_memory()
    assert before - resident_mb() > 30
    assert len(above) == 100_000


def test_a_worker_releases_memory_before_the_task_after_a_large_subject(monkeypatch) -> None:
    from types import SimpleNamespace

    from generator.incremental import worker

    released: list[int] = []
    done: list[int] = []
    monkeypatch.setattr(worker, "RELEASE_AFTER", 3)
    monkeypatch.setattr(worker, "_release_pending", False)
    monkeypatch.setattr(worker, "release_free_memory", lambda: released.append(len(done)))

    def build(settings, config, job, bytecode):
        done.append(len(job.reviews))
        return len(job.reviews)

    monkeypatch.setattr(worker, "_build_subject", build)
    for size in (1, 5, 2, 2, 3, 1):
        assert worker.build_subject(None, None, SimpleNamespace(reviews=[0] * size)) == size
    # released at the start of the task after each subject of 3 or more reviews
    assert released == [2, 5]


def test_the_pool_is_shut_down_before_the_site_is_modelled(
    config: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its processes (and their memory) are gone once the subjects are built: the
    stages after that run in the build's own process only."""
    from generator.incremental import pipeline, sitemodel

    monkeypatch.setattr(executors, "MIN_POOL_CHARS", 0)
    seen: list[object] = []
    model_site = sitemodel.model_site

    def modelling(ctx, *args, **kwargs):
        seen.append(ctx.pool.executor)
        return model_site(ctx, *args, **kwargs)

    monkeypatch.setattr(pipeline.sitemodel, "model_site", modelling)
    report = build(config, jobs=2)
    assert report.executor == "2 processes"
    assert seen == [None]


def test_packed_reviews_travel_as_bytes_and_arrive_as_the_list() -> None:
    reviews = [
        Review(
            id=f"r{i}", subject="s", text=f"Très bien, numéro {i}", source=Path("/a.csv"), line=i
        )
        for i in range(5)
    ]
    packed = PackedReviews(reviews)
    assert len(packed) == 5 and packed.unpack() == reviews
    assert pickle.loads(pickle.dumps(packed)) == reviews


def test_subjects_rendered_elsewhere_leave_their_reviews_packed(
    config: SiteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent to an executor, a subject's reviews go packed once every worker has a
    task (a task run in the build's process unpacks them), and once its task is
    made the build holds them no more: the site model gets none. The site is
    byte for byte the serial one."""
    serial = build(config, executor="serial", cache=False)
    sent: list[type] = []
    real_build_subject = schedule_module.build_subject

    def build_subject(settings, site_config, job, bytecode):
        sent.append(type(job.reviews))
        return real_build_subject(settings, site_config, job, bytecode)

    left: list[int] = []
    real_model_site = pipeline.sitemodel.model_site

    def model_site(ctx, groups, metas, done, reviews, summaries, analyses):
        left.append(len(reviews))
        return real_model_site(ctx, groups, metas, done, reviews, summaries, analyses)

    monkeypatch.setattr(schedule_module, "build_subject", build_subject)
    monkeypatch.setattr(pipeline.sitemodel, "model_site", model_site)
    with cf.ThreadPoolExecutor(2) as pool:
        threaded = build(
            config.replace(output_dir=config.root / "threads"), executor=pool, jobs=2, cache=False
        )
    assert threaded.analyzed == serial.analyzed
    # (the first task of each of the 2 workers is sent before the others are packed)
    assert sent[:2] == [list, list] and sent[2:] == [PackedReviews] * 3 and left == [0]
    assert tree(config.root / "threads") == tree(config.root / "serial")
