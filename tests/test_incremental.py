"""Incremental rebuilds: only the pages whose inputs changed are rendered and
written, the others are hard-linked from the previous output, and the result is
byte for byte what a full build gives."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import pytest
from conftest import read_data
from reference_build import build_uncached

from generator import render as render_module
from generator.cache import BuildCache
from generator.commands import build as build_module
from generator.commands.build import build
from generator.config import SiteConfig
from generator.incremental.sources import _resolved, read_sources, subject_groups
from generator.output import (
    data_json,
    data_json_from,
    subject_data_file,
    subject_data_json,
    subject_fragment,
)
from generator.progress import NullProgress
from generator.readers import content_files, read_content

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import edit_one_review, make_corpus


def make_site(tmp_path: Path, reviews: int = 120, subjects: int = 6) -> SiteConfig:
    root = tmp_path / "site"
    make_corpus(root, reviews=reviews, subjects=subjects, seed=5, mean_chars=250)
    past = 1_600_000_000
    for path in (root / "content").iterdir():
        os.utime(path, (past, past))  # not "just modified": the file cache trusts them
    return SiteConfig(
        content_dir=root / "content",
        output_dir=root / "output",
        templates_dir=root / "templates",
        config_path=root / "sitegen.toml",
        page_size=10,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def full_build(config: SiteConfig, name: str = "full") -> dict[str, bytes]:
    other = config.replace(output_dir=config.root / name)
    build(other, executor="serial", cache=False)
    return tree(other.output_dir)


def test_nothing_changed_writes_no_subject_page(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    first = build(config, executor="serial")
    before = inodes(config.output_dir)
    second = build(config, executor="serial")
    after = inodes(config.output_dir)
    assert after == before  # not one file replaced: the output already was the result
    assert second.up_to_date and second.pages_written == 0 and second.files == first.files
    assert second.subjects_rebuilt == 0 and second.analyzed == 0
    assert second.files_parsed == 0
    assert tree(config.output_dir) == full_build(config)


def subject_summary(config: SiteConfig, slug: str) -> dict:
    """A subject's entry in data.json without its reviews."""
    data = read_data(config.output_dir)
    entry = next(s for s in data["subjects"] if s["slug"] == slug)
    return {k: v for k, v in entry.items() if k != "reviews"}


def test_one_edited_review_rewrites_only_its_subject(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    before = inodes(config.output_dir)
    summary_before = subject_summary(config, "film-0002")
    edited = config.content_dir / "film-0002.csv"
    edit_one_review(edited)
    report = build(config, executor="serial")
    after = inodes(config.output_dir)
    # The subject's other pages are kept when its summary (verdict, aspects,
    # consensus) is unchanged; an edit that changes it rewrites them (as a full
    # build would write them: checked below).
    summary_kept = subject_summary(config, "film-0002") == summary_before
    assert report.analyzed == 1 and report.subjects_rebuilt == 1 and report.files_parsed == 1
    # Kept: the other subjects' pages, and the site-wide files that render the same.
    assert report.pages_linked >= len(
        [p for p in before if p.startswith("film-") and not p.startswith("film-0002/")]
    )
    for path, inode in before.items():
        if path == "film-0002/index.html":  # the page of the edited review (its other
            assert after[path] != inode  # pages are kept when the summary is unchanged)
        elif path in ("film-0002/search.js", "film-0002/cards.js", "film-0002/data.json"):
            # its search shard, its cards data file and its data.json: with its pages
            assert after[path] != inode
        elif path in ("film-0002/feed.xml", "film-0002/badge.svg"):
            continue  # written again only if the edit changed what they show
        elif path.startswith("film-0002/") and not summary_kept:
            continue
        elif path.startswith(("film-", "static/")) or path in (
            "robots.txt",
            "404.html",
            ".sitegen-output",
        ):
            assert after[path] == inode, path
    assert report.pages_written == len(before) - report.pages_linked - 1  # the marker is neither
    assert tree(config.output_dir) == full_build(config)


def test_added_and_removed_subjects(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    (config.content_dir / "film-0003.csv").unlink()
    (config.content_dir / "nouveau.txt").write_text(
        "Un film superbe, vraiment.\nTrès ennuyeux.\n", encoding="utf-8"
    )
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1
    assert not (config.output_dir / "film-0003").exists()
    assert (config.output_dir / "nouveau" / "index.html").is_file()
    assert tree(config.output_dir) == full_build(config)


def test_template_change_rerenders_everything(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    config.templates_dir.mkdir()
    theme = Path(build_module.__file__).resolve().parents[2] / "templates"
    text = (theme / "subject.html").read_text(encoding="utf-8")
    (config.templates_dir / "subject.html").write_text(
        text.replace("{% block main %}", "{% block main %}<p>modèle local</p>", 1), encoding="utf-8"
    )
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == report.subjects and report.analyzed == 0
    assert b"mod\xc3\xa8le local" in (config.output_dir / "film-0001" / "index.html").read_bytes()
    assert tree(config.output_dir) == full_build(config)


def test_a_page_changed_in_the_output_is_rebuilt(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    page = config.output_dir / "film-0001" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1
    assert page.read_bytes() == original
    home = config.output_dir / "index.html"
    original = home.read_bytes()
    home.write_bytes(b"edited by hand")
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 0 and not report.up_to_date
    assert home.read_bytes() == original


def test_building_twice_gives_identical_bytes(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    assert full_build(config, "a") == full_build(config, "b")


def test_fast_path_equals_the_straightforward_pipeline(tmp_path: Path) -> None:
    config = make_site(tmp_path, reviews=60, subjects=3)
    build(config, executor="serial")
    reference = config.replace(output_dir=config.root / "reference")
    build_uncached(reference)
    assert tree(config.output_dir) == tree(reference.output_dir)


def test_a_failing_rebuild_leaves_the_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(tmp_path)
    build(config, executor="serial")
    before, before_inodes = tree(config.output_dir), inodes(config.output_dir)
    edit_one_review(config.content_dir / "film-0001.csv")

    def broken(self, subject, *pages):
        raise RuntimeError("boom")

    monkeypatch.setattr(render_module.Renderer, "subject_pages", broken)
    with pytest.raises(RuntimeError):
        build(config, executor="serial")
    assert tree(config.output_dir) == before and inodes(config.output_dir) == before_inodes
    assert not list(config.root.glob(".output.sitegen-new-*"))
    monkeypatch.undo()
    build(config, executor="serial")
    assert tree(config.output_dir) == full_build(config)


def test_reading_through_the_cache_equals_read_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "sujet").mkdir(parents=True)
    (content / "a.txt").write_text("Très bon.\nTrès bon.\nNul, vraiment nul.\n", encoding="utf-8")
    (content / "sujet" / "index.md").write_text(
        "---\ntitle: Un sujet\n---\nSans avis.\n", encoding="utf-8"
    )
    with open(content / "b.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "film", "texte", "note"])
        writer.writerow(["x1", "a", "Magnifique film.", "4"])
        writer.writerow(["x1", "c", "Pas mal du tout.", "douze"])
        writer.writerow(["x3", "c", "", "3"])
    with open(content / "c.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "film", "texte", "note"])
        writer.writerow(["y1", "a", "Encore meilleur revu.", "5"])
        writer.writerow(["y2", "a", "Trop long.", "2"])
    for path in content.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    config = SiteConfig(
        content_dir=content, output_dir=tmp_path / "out", config_path=tmp_path / "sitegen.toml"
    )
    expected = read_content(config)
    for round_ in range(2):  # parsed, then from the cache
        store = BuildCache.for_site(tmp_path)
        sources, parsed = read_sources(config, store, {"": "k"}, NullProgress())
        store.close()
        reviews = [r.id for r in expected.reviews]
        assert sources.ids == reviews
        assert [(r[1], r[4], r[5]) for r in sources.records] == [
            (r.subject, r.source, r.line) for r in expected.reviews
        ]
        assert sources.problems == expected.problems
        assert sources.metas == expected.subjects
        assert parsed == (0 if round_ else 4)
        # Each subject's reviews, in first-seen order (a file of one subject, a.txt,
        # taken whole; b.csv's two subjects row by row; c.csv, of one subject seen
        # before, taken whole after them; "sujet" without reviews).
        groups: dict[str, list[int]] = {}
        for index, review in enumerate(expected.reviews):
            groups.setdefault(review.subject, []).append(index)
        groups.update((key, []) for key in expected.subjects if key not in groups)
        made = subject_groups(sources)  # (a file of one subject: a range)
        assert [(key, list(found)) for key, found in made.items()] == list(groups.items())


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="POSIX links")
def test_a_content_files_cache_key_is_its_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sources._resolved`` (the rest of the path after the folder, joined to the
    folder resolved once) is ``str(path.resolve())`` however the folder is written."""
    real = tmp_path / "real"
    (real / "content" / "sous").mkdir(parents=True)
    (real / "content" / "a.txt").write_text("Bon.\n", encoding="utf-8")
    (real / "content" / "sous" / "b.txt").write_text("Bon.\n", encoding="utf-8")
    (real / "content" / "lien.txt").symlink_to(real / "content" / "sous" / "b.txt")
    (tmp_path / "site").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    folders = ["site/content", "./site/content", "site/../site/content", "site/content/"]
    folders += [str(tmp_path / f) for f in folders]
    for written in folders:
        folder = Path(written)
        paths = content_files(folder)
        assert len(paths) == 3
        root = str(folder.resolve())
        assert [_resolved(p, folder, root) for p in paths] == [str(p.resolve()) for p in paths]


def test_data_json_from_fragments_is_data_json(tmp_path: Path) -> None:
    config = make_site(tmp_path, reviews=40, subjects=3)
    # (A custom analysis renders every subject in this process: the model holds them all in full.)
    site = build(
        config,
        executor="serial",
        cache=False,
        analyze=lambda r, s: build_module.analyze_reviews(r, s),
    ).site
    assert data_json_from(subject_fragment(s) for s in site.subjects) == data_json(site)
    assert data_json_from(subject_fragment(s).encode() for s in site.subjects) == data_json(site)
    for s in site.subjects:  # each subject's own data.json (``render._subject_data``)
        assert subject_data_file(s)[0] == subject_data_json(s).data
    empty = type(site)(config=config, subjects=())
    assert data_json_from([]) == data_json(empty)


def _paged_subject(config: SiteConfig, analysis: dict | None = None, **changes: object):
    """A subject of 25 reviews, 10 cards a page; ``changes`` edit review r14
    (on page 2), ``analysis`` its analysis, before the model is made."""
    import dataclasses

    from generator.analysis.types import ReviewAnalysis, SubjectSummary, Verdict
    from generator.content import Review
    from generator.site import make_subject

    reviews = [
        Review(
            f"r{i}", "film", f"Avis numéro {i}, très réussi.", Path("film.csv"), i + 2, 4.0, "Ana"
        )
        for i in range(25)
    ]
    reviews[14] = dataclasses.replace(reviews[14], **changes)
    analyses = [ReviewAnalysis(0.8, 0.5, "positive") for _ in reviews]
    analyses[14] = dataclasses.replace(analyses[14], **(analysis or {}))
    summary = SubjectSummary(Verdict(80, "Très positif", "very_positive", 25, 0, 0, 0, 1.0))
    return make_subject(config, "film", "film", None, reviews, analyses, summary)


@pytest.mark.parametrize(
    "change", [{"text": "Avis numéro 14, finalement raté."}, {"author": "Bruno"}, {"rating": 2.0}]
)
def test_page_digests_change_with_what_a_card_shows_and_only_on_its_page(
    tmp_path: Path, change: dict
) -> None:
    from generator.cache import text_hash
    from generator.incremental.worker import page_digests

    config = make_site(tmp_path, reviews=10, subjects=1)
    before = _paged_subject(config)
    after = _paged_subject(config, **change)
    assert [len(p.cards) for p in before.pages] == [10, 10, 5]
    one, two = page_digests(b"site", before), page_digests(b"site", after)
    changed = sorted(path for path in one if one[path] != two[path])
    if "rating" in change:  # the ratings are shown on every page (histogram)
        assert len(changed) == 3
    else:
        assert changed == [after.pages[1].path]
    # Hashes given by the build (as build_subject does) give the same digests.
    given = page_digests(b"site", after, [text_hash(r.text) for r in after.reviews])
    assert given == two


@pytest.mark.parametrize(
    "change", [{"label": "mixed"}, {"polarity": 0.1}, {"key_phrases": ("casting",)}]
)
def test_page_digests_change_with_a_cards_analysis(tmp_path: Path, change: dict) -> None:
    from generator.incremental.worker import page_digests

    """A card's analysis is told by its text and the site key, which holds the
    analyses' namespace (analyzer, analysis settings, plugins): another analysis
    of the same text comes with another site key, and changes every page's
    digest; a text changed changes its page's (the test above). The subject's
    label counts are on every page."""
    config = make_site(tmp_path, reviews=10, subjects=1)
    before, after = _paged_subject(config), _paged_subject(config, analysis=change)
    one, two = page_digests(b"site", before), page_digests(b"site", after)
    changed = sorted(path for path in one if one[path] != two[path])
    if "label" in change:  # every page's filter bar counts the subject's labels
        assert changed == [p.path for p in after.pages]
    else:
        assert changed == []
    other = page_digests(b"site of other analyses", after)
    assert all(other[path] != two[path] for path in two)
