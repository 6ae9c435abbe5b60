"""A new file put in place of an old one in one atomic step (``exchange.swap_file``),
and the in-place swap's journal that uses it: an exchange interrupted anywhere is
finished by the next build without ever putting an old file back; a journal of an
earlier version (renames, no inodes) still rolls forward."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_journal_trust import make_output, recover

import generator.output as output_module
from generator import exchange
from generator.output import StagedOutput, file_stat
from generator.render import OutputFile

LINUX = sys.platform.startswith("linux")


@contextlib.contextmanager
def interrupted_at_the_second_swap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The block must end in a Ctrl-C raised by ``output.swap_file``'s second call
    (between two files of an in-place swap); the real ``swap_file`` is back after."""
    real_swap = output_module.swap_file
    calls = 0

    def swap(src: str, dst: str) -> bool:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real_swap(src, dst)

    monkeypatch.setattr(output_module, "swap_file", swap)
    try:
        with pytest.raises(KeyboardInterrupt):
            yield
    finally:
        monkeypatch.setattr(output_module, "swap_file", real_swap)


def test_a_file_is_exchanged_with_the_one_it_replaces(tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "data.json"
    new.write_bytes(b"new")
    old.write_bytes(b"old")
    new_inode = new.stat().st_ino
    exchanged = exchange.swap_file(str(new), str(old))
    assert old.read_bytes() == b"new" and old.stat().st_ino == new_inode
    if exchanged:  # the replaced file is left where the new one was
        assert new.read_bytes() == b"old"
    else:
        assert not new.exists()
    if LINUX and exchange._exchange is not None:
        assert exchanged  # glibc has renameat2 and tmp_path's file system exchanges


def test_without_a_target_or_over_a_folder_it_is_a_rename(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.write_bytes(b"new")
    assert exchange.swap_file(str(new), str(tmp_path / "fresh")) is False
    assert (tmp_path / "fresh").read_bytes() == b"new" and not new.exists()
    folder = tmp_path / "folder"
    (folder / "inside").mkdir(parents=True)
    (tmp_path / "new").write_bytes(b"new")
    with pytest.raises(OSError):  # as os.replace: a folder is never swapped away
        exchange.swap_file(str(tmp_path / "new"), str(folder))
    assert (folder / "inside").is_dir() and (tmp_path / "new").read_bytes() == b"new"


def test_without_the_exchange_it_renames(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(exchange, "_exchange", None)
    monkeypatch.setattr(exchange, "_looked_up", True)
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_bytes(b"new")
    old.write_bytes(b"old")
    assert exchange.swap_file(str(new), str(old)) is False
    assert old.read_bytes() == b"new" and not new.exists()


def staged_two_files(out: Path) -> StagedOutput:
    dirs = {"": file_stat(out), "a": file_stat(out / "a")}
    staged = StagedOutput(out, in_place=True, dirs=dirs, files={"index.html", "a/x.html"})
    staged.write(OutputFile("index.html", b"new home"))
    staged.write(OutputFile("a/x.html", b"new x"))
    return staged


def test_an_interrupted_exchange_is_finished_never_undone(tmp_path: Path, monkeypatch) -> None:
    """Stopped after the first file was exchanged (the old one now sits at the new
    one's pending name): recovery, run twice, finishes the second and leaves the
    first as it is."""
    out = make_output(tmp_path)
    staged = staged_two_files(out)
    with interrupted_at_the_second_swap(monkeypatch):
        staged.commit()
    staged.abort()  # committed (journal written): kept for the next build
    journal = json.loads((staged.staging / "JOURNAL").read_text(encoding="utf-8"))
    assert len(journal["inodes"]) == 2
    first = {"index.html": b"new home", "a/x.html": b"new x"}[journal["moves"][0][1]]
    assert (out / journal["moves"][0][1]).read_bytes() == first
    recover(out)
    recover(out)
    assert (out / "index.html").read_bytes() == b"new home"
    assert (out / "a" / "x.html").read_bytes() == b"new x"
    assert not staged.staging.exists()


def test_a_journal_without_inodes_still_rolls_forward(tmp_path: Path) -> None:
    """A journal written by an earlier sitegen (moves by rename, no inodes) is
    carried out as before."""
    out = make_output(tmp_path)
    staging = out.parent / f".{out.name}.sitegen-new-earlier"
    (staging / "pending").mkdir(parents=True)
    (staging / "pending" / "1").write_bytes(b"new x")
    moves = [("1", "a/x.html")]
    key = output_module._journal_key(out, create=True)
    mac = output_module._journal_mac(key, str(out), staging.name, moves)
    (staging / "JOURNAL").write_text(
        json.dumps({"output": str(out), "staging": staging.name, "moves": moves, "mac": mac}),
        encoding="utf-8",
    )
    recover(out)
    assert (out / "a" / "x.html").read_bytes() == b"new x"
    assert not staging.exists()


def test_a_journal_with_forged_inodes_is_not_executed(tmp_path: Path) -> None:
    """The inodes are signed with the moves: changed, the journal is set aside."""
    out = make_output(tmp_path)
    staged = staged_two_files(out)
    staged.commit()
    staging = out.parent / f".{out.name}.sitegen-new-forged"
    (staging / "pending").mkdir(parents=True)
    (staging / "pending" / "1").write_bytes(b"planted")
    moves = [("1", "index.html")]
    key = output_module._journal_key(out, create=True)
    mac = output_module._journal_mac(key, str(out), staging.name, moves, [1])
    inode = os.lstat(staging / "pending" / "1").st_ino
    journal = {"output": str(out), "staging": staging.name, "moves": moves, "mac": mac}
    (staging / "JOURNAL").write_text(json.dumps({**journal, "inodes": [inode]}), encoding="utf-8")
    recover(out)
    assert (out / "index.html").read_bytes() == b"new home"
    assert list(out.parent.glob(f".{out.name}.sitegen-untrusted-*"))
