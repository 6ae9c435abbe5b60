"""Re-reading an edited table file takes its unchanged rows' reviews back from the
build cache (``readers.memo.RowMemo``): what the build reads is still exactly what
``read_content`` reads (reviews at their new lines, problems, metadata, the light
index's hashes), edit after edit, and an incremental build equals a ``--no-cache``
one; only the changed rows are made again."""

from __future__ import annotations

import csv
import dataclasses
import os
import sys
from pathlib import Path

import pytest
from test_incremental import tree

from generator.cache import BuildCache
from generator.commands.build import build
from generator.config import SiteConfig
from generator.incremental import sources as sources_module
from generator.incremental.sources import load_reviews, read_sources, subject_groups
from generator.progress import NullProgress
from generator.readers import read_content
from generator.readers import table as table_module
from generator.readers.base import ReadContext
from generator.readers.memo import RowMemo

HEADER = ["id", "film", "texte", "note", "date", "auteur"]


def _rows(n: int) -> list[list[str]]:
    films = ["Alpha", "Beta"]
    return [
        [
            f"r{i}",
            films[i % 3 == 0],
            (
                f"Avis numéro {i} : un film {'excellent' if i % 2 else 'raté'}, "
                f"la musique est {'belle' if i % 5 else 'pénible'}."
            ),
            str(1 + i % 5),
            f"2024-0{1 + i % 9}-1{i % 10}",
            f"Auteur {i % 7}",
        ]
        for i in range(n)
    ]


def _write(path: Path, rows: list[list[str]], when: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    os.utime(path, (when, when))  # not "just modified": the file cache keeps it


# Each step edits the rows of the previous one: texts, lines shifted by an inserted
# row and by a quoted text spanning lines, rows that report a problem (a rating
# that is no number, an empty text, an unreadable date: one warning per file, so a
# later row's report depends on the rows before), a row in another language, a
# duplicate id, a ragged row, quotes, a row moved, a row removed.
def _steps() -> list[list[list[str]]]:
    rows = _rows(40)
    steps = [[list(r) for r in rows]]

    def step(change) -> None:  # type: ignore[no-untyped-def]
        change(rows)
        steps.append([list(r) for r in rows])

    step(lambda r: r[0].__setitem__(2, r[0][2] + " Édition : revu, encore mieux."))
    step(lambda r: r.insert(3, ["n1", "Alpha", "Un nouvel avis\nsur deux lignes.", "4", "", ""]))
    step(lambda r: r[10].__setitem__(3, "douze"))
    step(lambda r: r[12].__setitem__(4, "un jour de pluie"))
    step(lambda r: r[20].__setitem__(4, "le lendemain"))
    step(lambda r: r[12].__setitem__(4, "2024-02-02"))
    step(lambda r: r[5].__setitem__(2, ""))
    step(lambda r: r[6].__setitem__(2, "The music is great and the plot is fun, I loved it."))
    step(lambda r: r[7].__setitem__(2, "Der Film war sehr langweilig und viel zu lang."))
    step(lambda r: r[8].__setitem__(0, "r1"))
    step(lambda r: r[9].append("de trop"))
    step(lambda r: r[11].__setitem__(2, 'Un "avis", entre guillemets; et plus.'))
    step(lambda r: r.insert(25, r.pop(2)))
    step(lambda r: r.pop(0))
    step(lambda r: r[20].__setitem__(4, "2024-05-05"))
    return steps


def _made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the reviews the table reader makes (``make_review`` calls)."""
    calls = [0]
    make = table_module.make_review

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return make(*args, **kwargs)

    monkeypatch.setattr(table_module, "make_review", counted)
    return calls


def _with_genres(steps: list[list[list[str]]]) -> list[list[list[str]]]:
    """The steps with a column of the subject's metadata (genres, some rows empty)."""

    def genre(row: list[str]) -> str:
        return "Drame, Policier" if row[1] == "Alpha" else "Comédie" * row[0].endswith("7")

    return [[[*r[:6], genre(r), *r[6:]] for r in rows] for rows in steps]


@pytest.mark.parametrize("genres", [False, True], ids=["reviews", "with-metadata"])
def test_an_edited_table_read_through_the_cache_equals_read_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, genres: bool
) -> None:
    if genres:  # (rows taken back still give the subject's metadata)
        monkeypatch.setattr(sys.modules[__name__], "HEADER", [*HEADER, "genre"])
    content = tmp_path / "content"
    content.mkdir()
    config = SiteConfig(
        content_dir=content, output_dir=tmp_path / "out", config_path=tmp_path / "sitegen.toml"
    )
    made = _made(monkeypatch)
    hashed = [0]  # the other fields' hashes made (a review taken back has its own)
    record_hash = sources_module._record_hash

    def counted_hash(review):  # type: ignore[no-untyped-def]
        hashed[0] += 1
        return record_hash(review)

    monkeypatch.setattr(sources_module, "_record_hash", counted_hash)
    path = content / "avis.csv"
    taken_back = rehashed = 0
    steps = _with_genres(_steps()) if genres else _steps()
    for n, rows in enumerate(steps):
        _write(path, rows, 1_600_000_000 + n)
        made[0] = 0
        expected = read_content(config)
        fresh = made[0]
        made[0] = hashed[0] = 0
        store = BuildCache.for_site(tmp_path)
        found, parsed = read_sources(config, store, {"": "k"}, NullProgress())
        through_cache, rehashed_now = made[0], hashed[0]
        assert parsed == 1
        groups = subject_groups(found)
        reviews, _ = load_reviews(config, store, found, groups, list(groups))
        store.close()
        assert sorted((r for rs in reviews.values() for r in rs), key=lambda r: r.line) == sorted(
            expected.reviews, key=lambda r: r.line
        )
        assert found.ids == [r.id for r in expected.reviews]
        assert found.problems == expected.problems
        assert found.metas == expected.subjects
        assert not genres or any(m.categories for m in found.metas.values())
        # The index is the one of the file read afresh.
        (entry,) = found.files
        again, _ = sources_module._parse(
            path, entry.stamp, ReadContext(config=config, content_dir=content)
        )
        assert entry.light() == again.light()
        if n:  # only the changed rows (and those after an unreadable date) made again
            taken_back += fresh - through_cache
            rehashed += rehashed_now
            assert through_cache < fresh, (n, through_cache, fresh)
        else:
            assert through_cache == fresh
    assert taken_back > 20 * (len(_steps()) - 1)
    # A review taken back at its line keeps its other fields' hash: only those
    # made again or moved are hashed (``absolute_sources`` keeps them as they are).
    assert rehashed < taken_back / 2


def test_an_edited_table_builds_as_without_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "site"
    content = root / "content"
    content.mkdir(parents=True)
    config = SiteConfig(
        content_dir=content,
        output_dir=root / "output",
        templates_dir=root / "templates",
        config_path=root / "sitegen.toml",
        page_size=8,
    )
    full = config.replace(output_dir=root / "full")
    path = content / "avis.csv"
    for n, rows in enumerate(_steps()[:9]):
        _write(path, rows, 1_600_000_000 + n)
        build(config, executor="serial")
        build(full, executor="serial", cache=False)
        assert tree(config.output_dir) == tree(full.output_dir), n


def test_reviews_whose_source_is_absolute_already_are_kept_as_they_are(tmp_path: Path) -> None:
    """``absolute_sources``: a review taken back from the cache keeps its identity
    (its hashes are reused by it) even when its source is another object than the
    one of the rows made again; a relative source is made absolute."""
    from generator.content import Review

    path = tmp_path / "avis.csv"
    made_now = Review("r1", "s", "Un avis.", Path(str(path)), 2)
    taken = [Review(f"r{i}", "s", "Un avis.", Path(str(path)), i + 1) for i in (2, 3)]
    relative = Review("r4", "s", "Un avis.", Path(os.path.relpath(path)), 5)
    out = sources_module.absolute_sources([made_now, *taken, relative])
    assert out[0] is made_now and out[1] is taken[0] and out[2] is taken[1]
    assert out[3] == dataclasses.replace(relative, source=path)
    assert out[3].source.is_absolute()


def _review(memo: RowMemo, row: list[str], line: int, make, reported):  # type: ignore[no-untyped-def]
    """A row read as the table reader reads it: taken back, else made and told."""
    review = memo.taken(row, line)
    if review is None:
        review = make()
        memo.made(review, review is not None and reported())
    return review


def test_a_memo_takes_back_only_the_rows_it_kept() -> None:
    memo = RowMemo()
    memo.start(("h",), Path("/x/a.csv"))
    made: list[str] = []

    def make(text: str):  # type: ignore[no-untyped-def]
        def run():  # type: ignore[no-untyped-def]
            made.append(text)
            from generator.content import Review

            return Review(id=text, subject="s", text=text, source=Path("/x/a.csv"), line=2)

        return run

    first = _review(memo, ["a", "b"], 2, make("ab"), lambda: False)
    _review(memo, ["c"], 3, make("c"), lambda: True)  # reported something: not kept
    _review(memo, ["d\0", "e"], 4, make("d"), lambda: False)  # NUL in a field: not kept
    keys, flags = memo.stored(3)
    assert len(keys) == 48 and len(flags) == 3
    assert memo.stored(2) == (b"", b"")  # not one key per review: nothing kept

    again = RowMemo([first, first, first], keys, flags)  # type: ignore[list-item]
    again.start(("h",), Path("/x/a.csv"))
    made.clear()
    moved = _review(again, ["a", "b"], 5, make("ab"), lambda: False)
    assert made == [] and moved == dataclasses.replace(first, line=5)  # type: ignore[arg-type]
    _review(again, ["c"], 3, make("c"), lambda: False)
    _review(again, ["d\0", "e"], 4, make("d"), lambda: False)
    assert made == ["c", "d"]
    assert again.rows == [0, -1, -1]

    other = RowMemo([first], keys[:16], flags[:1])  # type: ignore[list-item]
    other.start(("another header",), Path("/x/a.csv"))
    made.clear()
    _review(other, ["a", "b"], 2, make("ab"), lambda: False)
    assert made == ["ab"]  # another salt: made again
