"""A build that fails or is interrupted (SIGKILL, Ctrl-C) leaves the previous output
exactly as it was, and the next build succeeds."""

from __future__ import annotations

import csv
import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.commands.build import build
from generator.config import SiteConfig
from generator.exceptions import SitegenError
from generator.output import MARKER, write_site
from generator.render import OutputFile


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file's relative path -> sha256 of its bytes (and folders, as '<dir>')."""
    result = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        result[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def sitegen_command() -> list[str]:
    exe = shutil.which("sitegen", path=str(Path(sys.executable).parent)) or shutil.which("sitegen")
    return [exe] if exe else [sys.executable, "-m", "generator"]


def build_command(tmp_path: Path, content: Path, output: Path, *options: str) -> list[str]:
    """``sitegen build`` of ``content`` into ``output``, templates in ``tmp_path``."""
    return [
        *sitegen_command(),
        "build",
        "--content",
        str(content),
        "--output",
        str(output),
        "--templates",
        str(tmp_path / "templates"),
        *options,
    ]


def run_build(
    tmp_path: Path, content: Path, output: Path, *options: str, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """``build_command`` run to its end, its output captured."""
    return subprocess.run(
        build_command(tmp_path, content, output, *options),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def make_big_content(folder: Path, reviews: int = 20_000, subjects: int = 2_000) -> None:
    rng = random.Random(7)
    good = ["excellent", "superbe", "réussi", "magnifique", "drôle"]
    bad = ["raté", "ennuyeux", "décevant", "trop long", "mauvais"]
    aspects = ["scénario", "jeu des acteurs", "musique", "fin", "mise en scène", "dialogues"]
    folder.mkdir(parents=True)
    with open(folder / "gros.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["film", "texte", "note"])
        for i in range(reviews):
            writer.writerow(
                [
                    f"Film {i % subjects}",
                    f"Le {rng.choice(aspects)} est {rng.choice(good)} mais la {rng.choice(aspects)} est {rng.choice(bad)}. Avis {i}.",
                    rng.randint(0, 5),
                ]
            )


@pytest.fixture
def previous_site(tmp_path: Path) -> Path:
    """A project with a built site in ``out/`` from small content."""
    small = tmp_path / "petit"
    small.mkdir()
    (small / "film.txt").write_text("Un film très réussi.\nUne fin ratée.\n", encoding="utf-8")
    output = tmp_path / "out"
    build(SiteConfig(content_dir=small, output_dir=output, templates_dir=tmp_path / "templates"))
    assert (output / MARKER).is_file() and (output / "index.html").is_file()
    return output


def _holds_files(folder: Path) -> bool:
    """Whether a file was written anywhere in ``folder`` (gone: it was swapped in)."""
    try:
        return any(path.is_file() for path in folder.rglob("*"))
    except OSError:
        return True


def run_and_interrupt(tmp_path: Path, output: Path, sig: int) -> subprocess.CompletedProcess | int:
    big = tmp_path / "gros"
    if not big.exists():
        make_big_content(big)
    process = subprocess.Popen(
        build_command(tmp_path, big, output),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    staging = None
    while time.monotonic() < deadline and process.poll() is None:
        found = list(output.parent.glob(f".{output.name}.sitegen-new-*"))
        if found:
            staging = found[0]
            break
        time.sleep(0.002)
    if staging is None:
        process.kill()
        process.wait()
        pytest.fail(
            "the build ended (or timed out) before its staging folder appeared; nothing was interrupted"
        )
    # Midway through writing: once the new tree holds files, before the swap.
    while time.monotonic() < deadline and process.poll() is None and not _holds_files(staging):
        time.sleep(0.002)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


@pytest.mark.slow
def test_sigkill_midway_leaves_previous_output_unchanged(
    tmp_path: Path, previous_site: Path
) -> None:
    before = tree_hash(previous_site)
    code, _ = run_and_interrupt(tmp_path, previous_site, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert tree_hash(previous_site) == before
    # The next build recovers: it succeeds and leaves no staging folder behind.
    result = run_build(tmp_path, tmp_path / "gros", previous_site, "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (previous_site / "film-0" / "index.html").is_file()
    assert not list(tmp_path.glob(".out.sitegen-new-*"))


@pytest.mark.slow
def test_ctrl_c_midway_leaves_previous_output_unchanged(
    tmp_path: Path, previous_site: Path
) -> None:
    before = tree_hash(previous_site)
    code, stderr = run_and_interrupt(tmp_path, previous_site, signal.SIGINT)
    assert code != 0
    assert tree_hash(previous_site) == before
    assert not list(tmp_path.glob(".out.sitegen-new-*"))  # cleaned up on the way out
    assert "Traceback" not in stderr


def test_failing_build_leaves_previous_output_unchanged(
    tmp_path: Path, previous_site: Path
) -> None:
    before = tree_hash(previous_site)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "subject.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ subject.nope.nope }}{% endblock %}"
    )
    with pytest.raises(SitegenError):
        build(
            SiteConfig(
                content_dir=previous_site.parent / "petit",
                output_dir=previous_site,
                templates_dir=templates,
            )
        )
    assert tree_hash(previous_site) == before


def test_error_while_writing_leaves_previous_output_unchanged(
    tmp_path: Path, previous_site: Path
) -> None:
    before = tree_hash(previous_site)

    def files():
        yield OutputFile("index.html", b"nouveau")
        yield OutputFile("a/b.html", b"x")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_site(files(), previous_site)
    assert tree_hash(previous_site) == before
    assert not list(tmp_path.glob(".out.sitegen-new-*"))


def test_output_outside_escape_is_refused_while_writing(
    tmp_path: Path, previous_site: Path
) -> None:
    before = tree_hash(previous_site)
    with pytest.raises(SitegenError):
        write_site([OutputFile("../evil.html", b"x")], previous_site)
    assert not (tmp_path / "evil.html").exists()
    assert tree_hash(previous_site) == before


def test_a_finished_build_leaves_nothing_beside_the_output(
    tmp_path: Path, previous_site: Path
) -> None:
    """The old tree of a full rewrite is removed in the background; the command
    waits for it at exit, so no ``.sitegen-trash-*`` folder is left behind."""
    for _ in range(2):  # --no-cache rewrites every page: the whole tree is swapped
        result = run_build(
            tmp_path, tmp_path / "petit", previous_site, "--no-cache", "-q", timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert (previous_site / "index.html").is_file()
        left = sorted(
            p.name
            for p in tmp_path.iterdir()
            if "sitegen-" in p.name and not p.name.endswith("-lock")
        )
        assert left == []


def test_an_edit_swapped_in_place_leaves_nothing_beside_the_output(
    tmp_path: Path, previous_site: Path
) -> None:
    """An edit's new files are exchanged with the old ones inside the output; the
    staging folder, holding the replaced files, is removed in the background while
    the build records, and the command waits for it at exit."""
    film = tmp_path / "petit" / "film.txt"
    marker = None
    for n in range(3):  # the first records the output in this cache; then two edits
        film.write_text(f"Un film très réussi.\nUne fin ratée, version {n}.\n", encoding="utf-8")
        result = run_build(tmp_path, tmp_path / "petit", previous_site, "-q", timeout=120)
        assert result.returncode == 0, result.stderr
        if marker is not None:  # in place, not a new tree
            assert (previous_site / MARKER).stat().st_ino == marker
        marker = (previous_site / MARKER).stat().st_ino
        assert f"version {n}" in (previous_site / "film" / "data.json").read_text(encoding="utf-8")
        beside = f".{previous_site.name}.sitegen-"
        left = sorted(
            p.name
            for p in tmp_path.iterdir()
            if p.name.startswith(beside) and not p.name.endswith("-lock")
        )
        assert left == []


def test_a_build_waiting_for_another_says_so_then_finishes(
    tmp_path: Path, previous_site: Path
) -> None:
    """While another build holds the output's lock, a build says it waits, and
    builds once the lock is free."""
    import fcntl
    import threading

    lock = tmp_path / ".out.sitegen-lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as a running build holds it
        process = subprocess.Popen(
            build_command(tmp_path, tmp_path / "petit", previous_site, "--no-cache"),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        said = threading.Event()
        lines: list[str] = []

        def watch() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                lines.append(line)
                if "waiting for it to finish" in line:
                    said.set()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            assert said.wait(60), "".join(lines)
            assert process.poll() is None  # still waiting
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    assert process.wait(timeout=120) == 0, "".join(lines)
    watcher.join(10)
    assert str(previous_site) in "".join(lines)
