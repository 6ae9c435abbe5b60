"""Recovery trusts only the journals this user's sitegen wrote: a staging folder
planted beside the output (a shared preview folder, an extracted archive) is set
aside with a warning, never executed; a journal is never carried out through a
symbolic link inside the output. A real interrupted in-place swap still rolls
forward (here, and in tests/test_incremental_inplace.py)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

import generator.output as output_module
from generator.exceptions import UnsafeOutputError
from generator.output import StagedOutput, file_stat, output_lock, recover_output, write_site
from generator.render import OutputFile


def make_output(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_site([OutputFile("index.html", b"home"), OutputFile("a/x.html", b"old x")], out)
    return out.resolve()


def recover(out: Path) -> None:
    with output_lock(out):
        recover_output(out)


def plant(out: Path, journal: dict, pending: dict[str, bytes] | None = None) -> Path:
    staging = out.parent / f".{out.name}.sitegen-new-planted"
    (staging / "pending").mkdir(parents=True)
    for name, data in (pending or {}).items():
        (staging / "pending" / name).write_bytes(data)
    (staging / "JOURNAL").write_text(json.dumps(journal), encoding="utf-8")
    return staging


def set_aside(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.sitegen-untrusted-*"))


def test_a_planted_journal_naming_an_absolute_path_moves_nothing(tmp_path: Path, caplog) -> None:
    out = make_output(tmp_path)
    victim = tmp_path / "elsewhere" / "secret.txt"
    victim.parent.mkdir()
    victim.write_bytes(b"private")
    plant(
        out,
        {
            "output": str(out),
            "moves": [[str(victim), "index.html"], ["../../elsewhere/secret.txt", "b.html"]],
        },
    )
    with caplog.at_level(logging.WARNING):
        recover(out)
    assert victim.read_bytes() == b"private"  # not moved into the output (nor deleted with it)
    assert (out / "index.html").read_bytes() == b"home"
    assert not (out / "b.html").exists()
    assert len(set_aside(out)) == 1 and not list(out.parent.glob(".out.sitegen-new-*"))
    assert "set aside" in caplog.text and "sitegen-new-planted" in caplog.text


def test_a_journal_without_this_outputs_secret_is_not_executed(tmp_path: Path) -> None:
    """Flat names, paths inside the output, the right output: still refused, since
    whoever wrote it did not hold the secret in the output's private lock file."""
    out = make_output(tmp_path)
    moves = [["1", "index.html"]]
    plant(
        out,
        {
            "output": str(out),
            "staging": ".out.sitegen-new-planted",
            "moves": moves,
            "mac": "0" * 64,
        },
        pending={"1": b"<script>planted</script>"},
    )
    recover(out)
    assert (out / "index.html").read_bytes() == b"home"
    assert len(set_aside(out)) == 1


def test_a_staging_folder_that_is_a_symlink_is_set_aside_not_followed(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "pending").mkdir(parents=True)
    (elsewhere / "pending" / "keep.txt").write_bytes(b"kept")
    (out.parent / ".out.sitegen-new-link").symlink_to(elsewhere)
    recover(out)
    assert (elsewhere / "pending" / "keep.txt").read_bytes() == b"kept"
    assert not os.path.lexists(out.parent / ".out.sitegen-new-link")
    assert len(set_aside(out)) == 1


def test_a_planted_old_tree_is_not_made_the_output(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "file.txt").write_bytes(b"x")
    out = (tmp_path / "out").resolve()
    (tmp_path / ".out.sitegen-old").symlink_to(elsewhere)
    recover(out)
    assert not out.exists() and (elsewhere / "file.txt").read_bytes() == b"x"


def interrupted_in_place_swap(out: Path, monkeypatch) -> Path:
    """A real in-place swap of ``a/x.html`` stopped (Ctrl-C) after its journal."""
    dirs = {"": file_stat(out), "a": file_stat(out / "a")}
    staged = StagedOutput(out, in_place=True, dirs=dirs, files={"index.html", "a/x.html"})
    staged.keep("index.html", file_stat(out / "index.html"))
    staged.write(OutputFile("a/x.html", b"new x"))
    real_swap = output_module.swap_file

    def swap(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(output_module, "swap_file", swap)
    with pytest.raises(KeyboardInterrupt):
        staged.commit()
    staged.abort()
    monkeypatch.setattr(output_module, "swap_file", real_swap)
    assert (staged.staging / "JOURNAL").is_file()
    return staged.staging


def test_a_real_interrupted_swap_rolls_forward(tmp_path: Path, monkeypatch) -> None:
    out = make_output(tmp_path)
    staging = interrupted_in_place_swap(out, monkeypatch)
    assert (out / "a" / "x.html").read_bytes() == b"old x"
    recover(out)
    assert (out / "a" / "x.html").read_bytes() == b"new x"
    assert not staging.exists() and not set_aside(out)
    lock = out.parent / ".out.sitegen-lock"
    assert lock.stat().st_mode & 0o077 == 0  # the secret is readable by this user only


def test_a_journal_is_never_carried_out_through_a_symlink_in_the_output(
    tmp_path: Path, monkeypatch
) -> None:
    out = make_output(tmp_path)
    staging = interrupted_in_place_swap(out, monkeypatch)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.html").write_bytes(b"someone's file")
    (out / "a").rename(tmp_path / "a-moved")
    (out / "a").symlink_to(outside)  # planted between the kill and the next build
    with pytest.raises(UnsafeOutputError, match="symbolic link"):
        recover(out)
    assert (outside / "x.html").read_bytes() == b"someone's file"
    assert sorted(p.name for p in outside.iterdir()) == ["x.html"]
    # Once the link is gone, the same journal finishes the swap.
    (out / "a").unlink()
    (tmp_path / "a-moved").rename(out / "a")
    recover(out)
    assert (out / "a" / "x.html").read_bytes() == b"new x"
    assert not staging.exists()


def test_an_in_place_swap_never_writes_through_a_symlinked_folder(tmp_path: Path) -> None:
    """A folder of the output replaced by a symlink after the last build: the build
    stages a whole tree instead, and refuses to read through the link."""
    out = make_output(tmp_path)
    dirs = {"": file_stat(out), "a": file_stat(out / "a")}
    outside = tmp_path / "outside"
    (out / "a").rename(outside)
    (out / "a").symlink_to(outside)
    staged = StagedOutput(out, in_place=True, dirs=dirs, files={"index.html", "a/x.html"})
    staged.keep("a/x.html", file_stat(out / "a" / "x.html"))
    staged.write(OutputFile("index.html", b"new home"))
    with pytest.raises(UnsafeOutputError, match="symbolic link"):
        staged.commit()
    staged.abort()
    assert (outside / "x.html").read_bytes() == b"old x"
    assert (out / "index.html").read_bytes() == b"home"


def test_a_lock_file_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "created-by-sitegen"
    target.parent.mkdir()
    (tmp_path / ".out.sitegen-lock").symlink_to(target)
    with pytest.raises(UnsafeOutputError, match="symbolic link"):
        write_site([OutputFile("index.html", b"home")], tmp_path / "out")
    assert not target.exists()


def test_only_the_newest_leftovers_set_aside_are_kept(tmp_path: Path, caplog) -> None:
    out = make_output(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"not sitegen's")
    names = [f".{out.name}.sitegen-untrusted-{1_000 + i}" for i in range(5)]
    for name in names[1:]:
        (out.parent / name).mkdir()
        (out.parent / name / "JOURNAL").write_text("{}", encoding="utf-8")
    (out.parent / names[0]).symlink_to(outside)  # the oldest: a link, removed as a link
    with caplog.at_level(logging.WARNING):
        recover(out)
    assert [p.name for p in set_aside(out)] == names[-output_module.KEEP_SET_ASIDE :]
    assert (outside / "keep.txt").read_bytes() == b"not sitegen's"
    assert sum("set aside by an earlier build" in r.getMessage() for r in caplog.records) == 2
    recover(out)  # nothing more to remove
    assert len(set_aside(out)) == output_module.KEEP_SET_ASIDE
