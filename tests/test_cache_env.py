"""The build cache never stops a build: a damaged database (garbage bytes, whole or
in part) is set aside as ``cache.sqlite.corrupt-<time>`` and a new one made, with a
warning, so the next build is fast again by itself; a cache folder that is a file,
or that cannot be written, gives a build without cache and a warning naming the
folder and what to do. Never a traceback."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cache import site
from test_incremental import full_build, tree

from generator.cache import CACHE_DIRNAME, CACHE_FILENAME
from generator.commands.build import build
from generator.config import SiteConfig


def cache_file(config: SiteConfig) -> Path:
    return config.root / CACHE_DIRNAME / CACHE_FILENAME


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def cli_site(tmp_path: Path, **sizes: int) -> SiteConfig:
    """``test_cache.site`` with a ``sitegen.toml`` saying what its config says, so
    the command and ``build(config)`` build the same site."""
    config = site(tmp_path, **sizes)
    config.config_path.write_text(f"page_size = {config.page_size}\n", encoding="utf-8")
    return config


def sitegen_build(config: SiteConfig) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator", "build", "-j", "1"]
    return subprocess.run(
        command, cwd=config.root, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_cache_of_garbage_bytes_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    config = cli_site(tmp_path)
    build(config, executor="serial")
    expected = tree(config.output_dir)
    cache_file(config).write_bytes(b"\x13garbage, not SQLite\x00" * 4000)
    result = sitegen_build(config)  # the command, as a user runs it
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr and "set aside" in result.stderr
    [aside] = cache_file(config).parent.glob(f"{CACHE_FILENAME}.corrupt-*")
    assert aside.read_bytes().startswith(b"\x13garbage")
    assert tree(config.output_dir) == expected
    again = sitegen_build(config)  # healed: the new cache serves, without a word
    assert again.returncode == 0 and again.stderr == ""
    assert "already up to date" in again.stdout and "0 reviews analysed" in again.stdout


def test_a_cache_damaged_inside_is_set_aside_during_the_build(tmp_path: Path, caplog) -> None:
    """The header is sound (the database opens), the pages are not: the damage
    shows only when the build reads them; the build starts again with a new cache."""
    config = site(tmp_path)
    build(config, executor="serial")
    path = cache_file(config)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    assert len(data) > 4 * page
    for offset in range(
        page, len(data), page
    ):  # every page after the first: b-tree headers trashed
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        build(config, executor="serial")
    assert any("damaged" in w for w in warnings_of(caplog))
    assert list(path.parent.glob(f"{CACHE_FILENAME}.corrupt-*"))
    assert tree(config.output_dir) == full_build(config)
    assert build(config, executor="serial").analyzed == 0


def test_a_cache_folder_that_is_a_file_builds_without_cache(tmp_path: Path) -> None:
    config = cli_site(tmp_path, reviews=20, subjects=2)
    (config.root / CACHE_DIRNAME).write_text("not a folder", encoding="utf-8")
    result = sitegen_build(config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "cache" in line]
    assert CACHE_DIRNAME in line and "is a file" in line and "remove or rename it" in line
    assert (config.root / CACHE_DIRNAME).read_text(encoding="utf-8") == "not a folder"
    assert (config.output_dir / "index.html").is_file()


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """``folder`` made unwritable: by its mode, or for root (whom modes do not stop)
    by the immutable attribute."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if (
        chattr is None
        or subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False).returncode
    ):
        pytest.skip("running as root without a working chattr: cannot make a folder unwritable")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


@pytest.mark.parametrize("existing", [False, True], ids=["empty-folder", "existing-cache"])
def test_an_unwritable_cache_folder_builds_without_cache(tmp_path: Path, existing: bool) -> None:
    config = cli_site(tmp_path, reviews=20, subjects=2)
    folder = config.root / CACHE_DIRNAME
    if existing:
        build(config, executor="serial")
        expected = tree(config.output_dir)
    else:
        folder.mkdir()
    with unwritable(folder):
        result = sitegen_build(config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "cache" in line]
    assert str(folder) in line and "building without it" in line and "writable" in line
    if existing:
        assert tree(config.output_dir) == expected
    assert (config.output_dir / "index.html").is_file()
