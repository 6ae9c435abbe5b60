"""Files from outside the site, special files and unbounded reads (issue 18, classes 1
and 3): the content walk and the templates walk (``generator/files.py``) refuse, with
a warning naming the path, links leading out of their folder, FIFOs, devices and
hidden paths; sizes are counted as read, never taken from ``st_size``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands.build import build
from generator.config import SiteConfig
from generator.files import RefusedFile, read_bytes, walk_files
from generator.readers import read_content

needs_symlinks = pytest.mark.skipif(
    not hasattr(os, "symlink") or sys.platform == "win32", reason="POSIX links"
)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def site(tmp_path: Path) -> tuple[SiteConfig, Path]:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / "film.txt").write_text(
        "Un très beau film, je recommande.\n", encoding="utf-8"
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("MOT-DE-PASSE-123 secret absolu\n", encoding="utf-8")
    config = SiteConfig(
        config_path=root / "sitegen.toml",
        content_dir=root / "content",
        output_dir=root / "output",
        templates_dir=root / "templates",
    )
    return config, outside


def published(output: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file())


@needs_symlinks
def test_content_link_leading_out_is_refused_with_a_warning(tmp_path: Path) -> None:
    config, outside = site(tmp_path)
    (config.content_dir / "fuite.txt").symlink_to(outside / "secret.txt")
    (config.content_dir / "dossier").symlink_to(outside, target_is_directory=True)
    (config.content_dir / "alias.txt").symlink_to(config.content_dir / "film.txt")  # inside: read
    corpus = read_content(config)
    assert sorted(r.source.name for r in corpus.reviews) == ["alias.txt", "film.txt"]
    assert all("MOT-DE-PASSE" not in r.text for r in corpus.reviews)
    named = {Path(p.path).name: p for p in corpus.problems}
    assert named["fuite.txt"].severity == "warning" and "leading out" in named["fuite.txt"].message
    assert "not followed" in named["dossier"].message
    report = build(config, executor="serial", cache=False)
    assert b"MOT-DE-PASSE" not in published(config.output_dir)
    assert any(Path(p.path).name == "fuite.txt" for p in report.warnings)


@needs_symlinks
def test_static_links_leading_out_and_hidden_files_are_not_copied(tmp_path: Path) -> None:
    config, outside = site(tmp_path)
    static = config.templates_dir / "static"
    (static / ".private").mkdir(parents=True)
    (static / ".private" / "token.txt").write_text("TOKEN-PRIVE", encoding="utf-8")
    (static / ".env").write_text("TOKEN-ENV", encoding="utf-8")
    (static / "logo.txt").symlink_to(outside / "secret.txt")
    (static / "mine.css").write_text("body{color:red}", encoding="utf-8")
    (static / "copie.css").symlink_to(static / "mine.css")  # inside the templates folder: copied
    (config.templates_dir / "base.html").symlink_to(
        outside / "secret.txt"
    )  # a template leading out: never rendered
    report = build(config, executor="serial", cache=False)
    out = config.output_dir
    assert (out / "static" / "mine.css").read_text() == "body{color:red}"
    assert (out / "static" / "copie.css").read_text() == "body{color:red}"
    assert not (out / "static" / "logo.txt").exists()
    assert not (out / "static" / ".private").exists() and not (out / "static" / ".env").exists()
    data = published(out)
    assert b"MOT-DE-PASSE" not in data and b"TOKEN" not in data
    assert {Path(p.path).name for p in report.warnings} >= {"logo.txt", "base.html"}


@needs_fifo
def test_fifo_and_device_links_do_not_hang_the_build(tmp_path: Path) -> None:
    config, _ = site(tmp_path)
    os.mkfifo(config.content_dir / "tube.txt")
    os.mkfifo(config.content_dir / "tube.csv")
    if os.path.exists("/dev/zero"):
        # /dev/zero is outside the folder; a link inside to it is refused too, as a device.
        (config.content_dir / "zero.txt").symlink_to("/dev/zero")
    (config.root / "templates" / "static").mkdir(parents=True)
    os.mkfifo(config.root / "templates" / "static" / "tube.css")
    # In a child process with a timeout: on a hang the test fails instead of hanging.
    script = (
        "import sys; from pathlib import Path; from generator.config import SiteConfig;"
        "from generator.commands.build import build;"
        f"r = Path({str(config.root)!r});"
        "c = SiteConfig(config_path=r/'sitegen.toml', content_dir=r/'content', output_dir=r/'output', templates_dir=r/'templates');"
        "rep = build(c, executor='serial', cache=False);"
        "print('\\n'.join(str(p) for p in rep.warnings)); print('REVIEWS', rep.reviews)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "REVIEWS 1" in done.stdout
    for name in ("tube.txt", "tube.csv", "tube.css"):
        assert f"{name}: this is a named pipe (FIFO); it is left out" in done.stdout
    if os.path.exists("/dev/zero"):
        assert "zero.txt: this is a link leading out" in done.stdout


@needs_fifo
def test_read_bytes_never_blocks_on_a_fifo_and_refuses_devices(tmp_path: Path) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    with pytest.raises(RefusedFile, match="FIFO"):
        read_bytes(fifo)  # (a blocking open would wait for a writer forever)
    if os.path.exists("/dev/zero"):
        with pytest.raises(RefusedFile, match="device"):
            read_bytes(Path("/dev/zero"))


def test_size_limit_counts_bytes_read_not_st_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "avis.txt"
    path.write_bytes(b"x" * 5000)
    assert read_bytes(path, limit=5000) == b"x" * 5000
    with pytest.raises(RefusedFile, match="more than"):
        read_bytes(path, limit=4999)
    # A file system that says 0 (as /proc does, or a file growing while read):
    real_fstat = os.fstat

    class Lying:
        def __init__(self, fd: int) -> None:
            self._st = real_fstat(fd)

        def __getattr__(self, name: str):
            return 0 if name == "st_size" else getattr(self._st, name)

    monkeypatch.setattr(os, "fstat", Lying)
    assert read_bytes(path, limit=5000) == b"x" * 5000
    with pytest.raises(RefusedFile):
        read_bytes(path, limit=100)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_size_limit_holds_for_files_whose_st_size_is_zero() -> None:
    proc = Path("/proc/self/status")
    assert proc.stat().st_size == 0
    assert b"Name:" in read_bytes(proc)
    with pytest.raises(RefusedFile):
        read_bytes(proc, limit=16)


def test_content_over_the_limit_is_a_problem_not_a_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.readers import base

    config, _ = site(tmp_path)
    (config.content_dir / "gros.txt").write_bytes(b"Bien.\n" * 2000)
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 10_000)
    corpus = read_content(config)
    [problem] = [p for p in corpus.problems if Path(p.path).name == "gros.txt"]
    assert problem.severity == "error" and "more than" in problem.message and problem.hint
    assert [r.source.name for r in corpus.reviews] == ["film.txt"]


def test_walk_leaves_hidden_paths_out_silently(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("x")
    (tmp_path / "a" / ".cache").mkdir(parents=True)
    (tmp_path / "a" / ".cache" / "b.txt").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "seen.txt").write_text("x")
    warnings: list[Path] = []
    found = walk_files(tmp_path, lambda path, message, hint: warnings.append(path))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/seen.txt"]
    assert warnings == []
