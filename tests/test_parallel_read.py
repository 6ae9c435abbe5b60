"""Reading the content in the build's process pool and in the build's own process
at once (``incremental.sources._parse_shared``) gives exactly what reading it
here gives: the same reviews, problems (file and line, shown relative to the
build's folder), subjects, cache entries, and site."""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import pytest
from test_incremental import tree

from generator import executors
from generator.analysis import AnalysisSettings
from generator.cache import BuildCache
from generator.commands.build import build
from generator.config import SiteConfig
from generator.exceptions import ContentError
from generator.executors import LocalPool
from generator.incremental import sources
from generator.incremental.sources import read_sources
from generator.progress import NullProgress
from generator.readers import content_files, read_content

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import make_corpus


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _content(root: Path) -> SiteConfig:
    """Files of every kind with problems of every kind: bad ratings, empty and
    duplicated reviews, an unreadable date, a file that is not UTF-8, a
    subject folder of Markdown reviews, a subject with metadata only."""
    content = root / "content"
    (content / "sujet").mkdir(parents=True)
    (content / "sans-avis").mkdir()
    (content / "a.txt").write_text("Très bon.\nTrès bon.\nNul, vraiment nul.\n", encoding="utf-8")
    (content / "sujet" / "un.md").write_text(
        "---\nrating: 4\n---\nUn avis en Markdown, **bien** écrit.\n", encoding="utf-8"
    )
    (content / "sans-avis" / "index.md").write_text(
        "---\ntitle: Un sujet\n---\nSans avis.\n", encoding="utf-8"
    )
    header = ["id", "film", "texte", "note", "date"]
    _write(
        content / "b.csv",
        [
            header,
            ["x1", "a", "Magnifique film.", "4", "2024-03-10"],
            ["x1", "c", "Pas mal du tout.", "douze", "hier"],
            ["x3", "c", "", "3", ""],
            ["x4", "c", "Une date illisible encore.", "2", "avant-hier"],
        ],
    )
    _write(content / "c.csv", [header, ["y1", "a", "Encore meilleur revu.", "5", ""]])
    (content / "d.csv").write_bytes(
        "id;film;texte;note\nz1;d;Très réussi, bravo à l'équipe.;4\nz2;d;Décevant.;9/10\n".encode(
            "cp1252"
        )
    )
    for i in range(6):
        _write(
            content / f"e{i}.csv",
            [header]
            + [[f"e{i}-{j}", f"e{i}", f"Avis numéro {j} du film {i}.", "3", ""] for j in range(30)]
            + [[f"e{i}-x", f"e{i}", "Note fausse, date illisible.", "onze", "jadis"], ["e0-1"]],
        )
    for path in content.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    return SiteConfig(
        content_dir=content, output_dir=root / "out", config_path=root / "sitegen.toml"
    )


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Files parsed in the pool whatever their number and size, the pool used as
    soon as it has started; the list of ``remotely`` flags, one per file parsed."""
    monkeypatch.setattr(sources, "SHARED_MIN_FILES", 1)
    monkeypatch.setattr(sources, "SHARED_MIN_BYTES", 0)
    real_slots = LocalPool.slots

    def slots(self: LocalPool) -> int:  # wait for the pool (a small corpus is read at once)
        deadline = time.monotonic() + 60
        while self.ready() < self.workers and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_slots(self)

    monkeypatch.setattr(LocalPool, "slots", slots)
    flags: list[bool] = []
    real_map = executors.shared_map

    def spy(*args, **kwargs):
        for tag, result, remotely in real_map(*args, **kwargs):
            flags.append(remotely)
            yield tag, result, remotely

    monkeypatch.setattr(executors, "shared_map", spy)
    return flags


def test_reading_in_the_pool_equals_reading_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: list[bool]
) -> None:
    config = _content(tmp_path / "site")
    monkeypatch.chdir(tmp_path)  # problems name files relative to the build's folder
    expected = read_content(config)
    assert any(p.line for p in expected.problems) and len(expected.problems) >= 5
    count = len(content_files(config.content_dir))
    stores, read = {}, {}
    for name in ("here", "pool"):
        store = stores[name] = BuildCache.for_site(tmp_path / name)
        with LocalPool("process", 2, AnalysisSettings()) as pool:
            found, parsed = read_sources(
                config, store, {"": "k"}, NullProgress(), pool if name == "pool" else None
            )
        read[name] = found
        assert parsed == count
        assert found.ids == [r.id for r in expected.reviews]
        assert [(r[1], r[4], r[5]) for r in found.records] == [
            (r.subject, r.source.resolve(), r.line) for r in expected.reviews
        ]
        assert list(found.metas) == list(expected.subjects)
    assert len(shared) == count and any(shared)
    here, found = read["here"], read["pool"]
    assert found.problems == here.problems and found.metas == here.metas
    assert [p for p in found.problems if p.line] == [p for p in expected.problems if p.line]
    assert [e.light() for e in found.files] == [e.light() for e in here.files]
    assert [e.reviews for e in found.files] == [e.reviews for e in here.files]
    # What the cache keeps of each file (index, reviews, row keys, language flags)
    # is the same, and a read from it gives the same sources.
    for path in config.content_dir.rglob("*.*"):
        key = str(path.resolve())
        one, two = (stores[n].get_file_indexes([key]).get(key) for n in ("here", "pool"))
        assert one is not None and two is not None
        assert one[0] == two[0] and one[1].value == two[1].value
        kept = stores["here"].get_file_reviews(key, one[0])
        assert kept is not None and kept == stores["pool"].get_file_reviews(key, one[0])
    again, parsed = read_sources(config, stores["pool"], {"": "k"}, NullProgress())
    assert parsed == 0 and again.ids == found.ids and again.problems == here.problems
    for store in stores.values():
        store.close()


def test_a_build_reading_in_the_pool_equals_a_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: list[bool]
) -> None:
    root = tmp_path / "site"
    make_corpus(root, reviews=200, subjects=8, seed=3, mean_chars=200)
    config = SiteConfig(
        content_dir=root / "content",
        output_dir=root / "serial",
        config_path=root / "sitegen.toml",
        page_size=10,
    )
    serial = build(config, executor="serial", cache=False)
    monkeypatch.setattr(executors, "MIN_POOL_CHARS", 0)
    pooled = build(config.replace(output_dir=root / "pooled"), jobs=2)
    assert pooled.executor == "2 processes" and pooled.files_parsed == 8
    assert any(shared)
    assert tree(root / "pooled") == tree(root / "serial")
    assert pooled.problems == serial.problems


def test_strict_fails_on_a_problem_found_in_the_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: list[bool]
) -> None:
    """Under ``strict``, an error in a file parsed in the pool fails the build with
    its file and line, before anything is written; the pool is shut down."""
    config = _content(tmp_path / "site")
    started: list[LocalPool] = []
    real_start = LocalPool.start

    def start(self: LocalPool):  # type: ignore[no-untyped-def]
        started.append(self)
        return real_start(self)

    monkeypatch.setattr(LocalPool, "start", start)
    with pytest.raises(ContentError) as caught:
        build(config, strict=True, jobs=2)
    assert any(shared) and started and all(pool.executor is None for pool in started)
    assert any(p.path.name == "e0.csv" and p.line == 32 for p in caught.value.problems)
    assert not config.output_dir.exists()
