"""Small rebuilds swap their few new files into the live output one by one, after a
journal: a build killed before the journal leaves the output exactly as it was, one
killed during the renames is finished by the next build; the result is always what
a full build gives."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_exchange import interrupted_at_the_second_swap
from test_incremental import full_build, inodes, make_site, tree

from generator.commands.build import build
from generator.exceptions import UnsafeOutputError
from generator.output import StagedOutput, output_lock

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import edit_one_review

# Runs a build in a child process killed (SIGKILL) at the N-th file put in place
# by generator.output's swap loop (``swap_file``: an exchange, or a rename).
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import generator.output as output
    from generator.commands.build import build
    from generator.config import SiteConfig

    content, out, templates, root, when = sys.argv[1:6]
    when = int(when)
    calls = 0
    real_swap = output.swap_file

    def swap(src, dst):
        global calls
        calls += 1
        if calls == when:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_swap(src, dst)

    if when < 0:  # killed just before the journal is written: nothing committed
        real_dump = output.json.dump
        def dump(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        output.json.dump = dump
    output.swap_file = swap
    build(SiteConfig(content_dir=Path(content), output_dir=Path(out), templates_dir=Path(templates),
                     config_path=Path(root) / "sitegen.toml", page_size=10), executor="serial")
    """
)


def killed_build(config, when: int) -> int:
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLER,
            str(config.content_dir),
            str(config.output_dir),
            str(config.templates_dir),
            str(config.root),
            str(when),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return process.returncode


def test_killed_before_the_journal_leaves_the_output_exactly_as_it_was(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    before = tree(config.output_dir)
    edit_one_review(config.content_dir / "film-0002.csv")
    assert killed_build(config, -1) == -9
    assert tree(config.output_dir) == before  # not a byte, not a hidden file more
    report = build(config, executor="serial")  # the next build cleans up and succeeds
    assert report.subjects_rebuilt == 1
    assert tree(config.output_dir) == full_build(config)
    assert not list(config.output_dir.parent.glob(".output.sitegen-new-*"))


def test_killed_during_the_renames_is_rolled_forward(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    before = tree(config.output_dir)
    edit_one_review(config.content_dir / "film-0002.csv")
    assert killed_build(config, 2) == -9  # after one file of several was swapped in
    middle = tree(config.output_dir)
    assert middle != before and set(middle) == set(before)  # half new, no stray file
    [staging] = config.output_dir.parent.glob(".output.sitegen-new-*")
    assert (staging / "JOURNAL").is_file()
    with output_lock(config.output_dir.resolve()):
        StagedOutput(config.output_dir).abort()  # what every build does first: recover
    assert not list(config.output_dir.parent.glob(".output.sitegen-new-*"))
    assert tree(config.output_dir) == full_build(config)  # the killed build's result, complete
    report = build(config, executor="serial")
    assert tree(config.output_dir) == full_build(config)
    assert report.analyzed == 0


def test_small_change_is_swapped_in_place_and_identical(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    marker = inodes(config.output_dir)[".sitegen-output"]
    edit_one_review(config.content_dir / "film-0004.csv")
    report = build(config, executor="serial")
    assert report.pages_written >= 2  # its page(s) and data.json at least
    assert inodes(config.output_dir)[".sitegen-output"] == marker  # same folder: in place
    assert tree(config.output_dir) == full_build(config)


def test_a_file_added_by_hand_makes_a_full_swap(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    (config.output_dir / "film-0001" / "stray.html").write_text("x", encoding="utf-8")
    edit_one_review(config.content_dir / "film-0002.csv")
    build(config, executor="serial")
    assert not (config.output_dir / "film-0001" / "stray.html").exists()
    assert tree(config.output_dir) == full_build(config)


def test_data_json_is_spliced_byte_identical(tmp_path: Path, monkeypatch) -> None:
    spliced = []
    real = StagedOutput.write_spliced
    monkeypatch.setattr(
        StagedOutput, "write_spliced", lambda self, *a: spliced.append(a[0]) or real(self, *a)
    )
    config = make_site(tmp_path, reviews=200, subjects=8)
    build(config, executor="serial")
    for name in ("film-0003.csv", "film-0007.csv", "film-0001.csv"):
        edit_one_review(config.content_dir / name)
        build(config, executor="serial")
        assert (config.output_dir / "data.json").read_bytes() == full_build(config)["data.json"]
    assert spliced == ["data.json"] * 3


def test_only_the_pages_that_changed_are_rendered_again(tmp_path: Path) -> None:
    """An edit that leaves the subject's summary as it was (here: a review's author)
    re-renders the one page showing that review; the rest of the subject is kept."""
    import csv

    config = make_site(tmp_path, reviews=200, subjects=3)
    build(config, executor="serial")
    path = max(config.content_dir.glob("*.csv"), key=lambda p: p.stat().st_size)
    slug = path.stem
    pages = sorted(
        p.relative_to(config.output_dir).as_posix()
        for p in (config.output_dir / slug).rglob("index.html")
    )
    assert len(pages) >= 4
    before = inodes(config.output_dir)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[25][2] = "Quelqu'un d'autre"  # the 25th review: on page 3 of 10 cards a page
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = build(config, executor="serial")
    after = inodes(config.output_dir)
    changed = sorted(p for p in pages if after[p] != before[p])
    assert changed == [f"{slug}/page/3/index.html"]
    assert (
        after["index.html"] == before["index.html"]
    )  # nothing the home page shows changed: not rendered
    assert report.subjects_rebuilt == 1
    assert tree(config.output_dir) == full_build(config)
    # And a text edit (which may change the summary) still gives a full build's bytes.
    edit_one_review(path)
    build(config, executor="serial")
    assert tree(config.output_dir) == full_build(config)


def test_ctrl_c_during_the_renames_keeps_the_journal_and_the_next_build_finishes_first(
    tmp_path: Path, monkeypatch
) -> None:
    import os

    config = make_site(tmp_path)
    build(config, executor="serial")
    edited = config.content_dir / "film-0002.csv"
    original = edited.read_bytes()
    edit_one_review(edited)
    with interrupted_at_the_second_swap(monkeypatch):
        build(config, executor="serial")
    [staging] = config.output_dir.parent.glob(".output.sitegen-new-*")
    assert (staging / "JOURNAL").is_file()  # committed: kept for the next build
    # The edit is undone before the next build: that build must first finish the
    # interrupted swap, then see that the pages differ from the content again.
    edited.write_bytes(original)
    os.utime(edited, (1, 1))
    build(config, executor="serial")
    assert not list(config.output_dir.parent.glob(".output.sitegen-new-*"))
    assert tree(config.output_dir) == full_build(config)


def test_a_folder_replaced_by_a_link_with_its_times_kept_is_never_written_through(
    tmp_path: Path,
) -> None:
    # The folder moved out (same inode, same times) and a symbolic link left in its
    # place, its parent's times put back: only the link's own stat tells.
    config = make_site(tmp_path)
    build(config, executor="serial")
    largest = max(config.content_dir.glob("*.csv"), key=lambda p: p.stat().st_size)
    parent = config.output_dir / largest.stem / "page"
    folder, moved = parent / "2", tmp_path / "elsewhere"
    assert folder.is_dir()
    then = parent.stat()
    folder.rename(moved)
    folder.symlink_to(moved, target_is_directory=True)
    os.utime(parent, ns=(then.st_atime_ns, then.st_mtime_ns))
    before = tree(moved)
    other = next(p for p in sorted(config.content_dir.glob("*.csv")) if p != largest)
    edit_one_review(other)
    with pytest.raises(UnsafeOutputError, match="symbolic link"):
        build(config, executor="serial")
    assert tree(moved) == before
    assert folder.is_symlink()
