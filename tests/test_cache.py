"""The persistent build cache: analyses keyed by text and settings, hits and misses,
invalidation, and two builds sharing one cache at once."""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
import sys
from pathlib import Path

import pytest

from generator.analysis import AnalysisSettings
from generator.cache import (
    BuildCache,
    decode_analysis,
    encode_analysis,
    schema_signature,
    text_hash,
)
from generator.commands import build as build_module
from generator.commands.build import build
from generator.config import SiteConfig, Thresholds
from generator.content import Review
from generator.executors import get_analyzer
from generator.readers import read_content

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import make_corpus

TEXTS = [
    "Un film magnifique. Les acteurs sont excellents, la musique aussi !",
    "Quel ennui... Le scénario est plat et la fin est ratée.",
    "Pas terrible. M. Dupont joue bien, mais c'est trop long.",
    "",
    "Bof.\n\nJe ne le reverrai pas.",
]


def site(tmp_path: Path, reviews: int = 60, subjects: int = 4, **changes) -> SiteConfig:
    root = tmp_path / "site"
    if not (root / "content").exists():
        make_corpus(root, reviews=reviews, subjects=subjects, seed=3, mean_chars=250)
    config = SiteConfig(
        content_dir=root / "content",
        output_dir=root / "output",
        templates_dir=root / "templates",
        config_path=root / "sitegen.toml",
        page_size=10,
    )
    return config.replace(**changes) if changes else config


@pytest.mark.parametrize("text", TEXTS)
def test_encoded_analysis_decodes_to_the_same_analysis(text: str) -> None:
    analysis = get_analyzer(AnalysisSettings()).analyze(text)
    data = encode_analysis(analysis, text)
    assert decode_analysis(data, text) == analysis
    if analysis.sentences:  # sentence texts are not stored: they are slices of the text
        assert analysis.sentences[0].text.encode() not in data


def test_cache_lives_under_the_site_root(tmp_path: Path) -> None:
    config = site(tmp_path)
    build(config, executor="serial")
    assert (config.root / ".sitegen-cache" / "cache.sqlite").is_file()


def test_second_build_is_all_hits(tmp_path: Path) -> None:
    config = site(tmp_path)
    first = build(config, executor="serial")
    assert first.analyzed == first.reviews > 0 and first.cache_hits == 0
    # Same content into another output folder: nothing to reuse from the output,
    # everything from the analysis cache.
    second = build(config.replace(output_dir=config.root / "other"), executor="serial")
    assert second.analyzed == 0 and second.cache_hits == second.reviews == first.reviews
    assert second.subjects_rebuilt == second.subjects


def test_duplicate_texts_are_analysed_once(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.txt").write_text("Très bon film.\nTrès bon film.\nNul.\n", encoding="utf-8")
    report = build(
        SiteConfig(
            content_dir=content, output_dir=tmp_path / "out", config_path=tmp_path / "sitegen.toml"
        ),
        executor="serial",
    )
    assert report.reviews == 3 and report.analyzed == 2


def test_new_thresholds_are_a_miss(tmp_path: Path) -> None:
    config = site(tmp_path)
    first = build(config, executor="serial")
    changed = build(
        config.replace(thresholds=Thresholds(positive=0.3, negative=-0.3)), executor="serial"
    )
    assert changed.analyzed == first.reviews
    again = build(config, executor="serial")  # the old settings' entries are still there
    assert again.analyzed == 0


def test_new_analyzer_version_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = site(tmp_path)
    first = build(config, executor="serial")
    original = AnalysisSettings.cache_key
    monkeypatch.setattr(
        AnalysisSettings, "cache_key", lambda self: original(self) + ":next-version"
    )
    second = build(config, executor="serial")
    assert second.analyzed == first.reviews
    assert second.subjects_rebuilt == second.subjects  # and every page is re-rendered


def test_namespace_holds_the_settings_key_and_the_result_shape(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "c.sqlite")
    a = store.namespace(AnalysisSettings().cache_key() + "|" + schema_signature())
    b = store.namespace(AnalysisSettings(positive=0.2).cache_key() + "|" + schema_signature())
    assert a != b
    store.put_analyses(a, [(text_hash("x"), b"1")])
    assert store.get_analyses(a, [text_hash("x")]) == {text_hash("x"): b"1"}
    assert store.get_analyses(b, [text_hash("x")]) == {}
    store.put_analyses(a, [(text_hash("x"), b"2")])  # INSERT OR IGNORE: first one stays
    assert store.get_analyses(a, [text_hash("x")])[text_hash("x")] == b"1"
    assert "polarity" in schema_signature() and "sentences" in schema_signature()


def test_cache_with_another_schema_version_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    store = BuildCache(path)
    ns = store.namespace("k")
    store.put_analyses(ns, [(b"h" * 16, b"data")])
    store.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    db.commit()
    db.close()
    store = BuildCache(path)
    assert store.count_analyses() == 0


def test_a_subjects_bulk_is_read_apart_even_after_the_cache_is_closed(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "c.sqlite")
    store.put_subjects([(b"d", ("a",), b"bulk", b"fragment")])
    assert store.get_subjects([b"d"]) == {b"d": ("a",)}
    assert store.get_fragments([b"d"]) == {b"d": b"fragment"}
    assert store.get_subject_bulk(b"d") == b"bulk" and store.get_subject_bulk(b"e") is None
    store.close()
    assert store.get_subject_bulk(b"d") == b"bulk"  # through a connection of its own
    assert BuildCache(None).get_subject_bulk(b"d") is None


def _build_in_process(args: tuple[str, str, str]) -> tuple[int, int]:
    content, output, root = args
    config = SiteConfig(
        content_dir=Path(content),
        output_dir=Path(output),
        templates_dir=Path(root) / "templates",
        config_path=Path(root) / "sitegen.toml",
        page_size=10,
    )
    report = build(config, executor="serial")
    return report.reviews, report.files


def test_two_builds_at_once_share_one_cache(tmp_path: Path) -> None:
    config = site(tmp_path, reviews=400, subjects=8)
    root = str(config.root)
    jobs = [(str(config.content_dir), str(config.root / f"out{i}"), root) for i in range(2)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.map(_build_in_process, jobs)
    assert results[0] == results[1] and results[0][0] == 400
    db = sqlite3.connect(config.root / ".sitegen-cache" / "cache.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    # Every analysis is in the cache exactly once, and usable.
    report = build(config.replace(output_dir=config.root / "out3"), executor="serial")
    assert report.analyzed == 0
    store = BuildCache.for_site(config.root)
    texts = {text_hash(r.text) for r in read_content(config).reviews}
    assert len(texts) > 300 and store.count_analyses() == len(texts)
    for name in ("out0", "out1"):
        a = sorted(
            p.relative_to(config.root / name)
            for p in (config.root / name).rglob("*")
            if p.is_file()
        )
        b = sorted(
            p.relative_to(config.root / "out3")
            for p in (config.root / "out3").rglob("*")
            if p.is_file()
        )
        assert a == b
        for rel in a:
            assert (config.root / name / rel).read_bytes() == (
                config.root / "out3" / rel
            ).read_bytes()


def test_no_cache_writes_no_cache_folder(tmp_path: Path) -> None:
    config = site(tmp_path)
    report = build(config, executor="serial", cache=False)
    assert report.analyzed == report.reviews
    assert not (config.root / ".sitegen-cache").exists()


def test_custom_analyze_function_bypasses_the_cache(tmp_path: Path) -> None:
    config = site(tmp_path)
    build(config, executor="serial")
    calls = []

    def analyze(reviews, settings):
        calls.append(len(reviews))
        return build_module.analyze_reviews(reviews, settings)

    report = build(config, analyze=analyze)
    assert calls == [report.reviews]


def test_file_reviews_come_back_as_stored_under_their_stamp_only(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache.sqlite")
    reviews = [
        Review(
            id=f"r{i}", subject="film", text="Très bon film. " * (i % 50), source=tmp_path, line=i
        )
        for i in range(3000)
    ]
    full = (reviews, bytes(16 * len(reviews)), bytes(len(reviews)))
    cache.put_files([("/c/film.csv", "stamp-1", ([], [], [], [], b"", b"", [], [], {}), full)])
    assert cache.get_file_reviews("/c/film.csv", "stamp-1") == full  # (pickle frames: many)
    assert cache.get_file_reviews("/c/film.csv", "stamp-2") is None
    assert cache.get_file_reviews("/c/other.csv", "stamp-1") is None
    # Replaced by another build's read (another connection): the new stamp only.
    other = BuildCache(tmp_path / "cache.sqlite")
    newer = (reviews[:10], bytes(160), bytes(10))
    other.put_files([("/c/film.csv", "stamp-2", ([], [], [], [], b"", b"", [], [], {}), newer)])
    assert cache.get_file_reviews("/c/film.csv", "stamp-1") is None
    assert cache.get_file_reviews("/c/film.csv", "stamp-2") == newer
    # Reviews stored by an older sitegen (a list, no row keys), pickled as text.
    cache.put_files([("/c/old.csv", "s", [], pickle.dumps(reviews[:3], protocol=0))])
    assert cache.get_file_reviews("/c/old.csv", "s") == (reviews[:3], b"", b"")
    # Inside a transaction of the caller's, left open.
    with cache._transaction():
        assert cache.get_file_reviews("/c/film.csv", "stamp-2") == newer
        assert cache._db.in_transaction
    assert not cache._db.in_transaction
