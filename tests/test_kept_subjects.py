"""Subjects an incremental build does not render again are ``KeptSubject`` in the
site model: what the site-wide pages show of a subject, no reviews. A template
that asks for their reviews fails with a message naming ``--no-cache``, instead
of printing blanks; with ``--no-cache`` every subject is there in full."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_incremental import tree

from generator.commands.build import build
from generator.config import SiteConfig
from generator.incremental.sitemodel import KeptPage, KeptSubject, NotLoadedError
from generator.render import theme_dir

HOME_WITH_REVIEWS = """<!doctype html><title>x</title>
{% for subject in site.subjects %}<h2>{{ subject.title }}</h2>
{% for review in subject.reviews %}<p>{{ review.text }}</p>{% endfor %}{% endfor %}
"""
HOME_WITH_SUMMARIES = """<!doctype html><title>x</title>
{% for subject in site.subjects %}<h2>{{ subject.title }} {{ subject.review_count }} {{ subject.summary.verdict.score }}
{{ subject.summary.aspects | length }} {{ subject.summary.pros | length }} {{ subject.latest | length }}</h2>
{% for page in subject.pages %}<a href="{{ page.path }}">{{ page.number }}</a>{% endfor %}{% endfor %}
"""


def make_site(tmp_path: Path, home: str) -> SiteConfig:
    content = tmp_path / "content"
    content.mkdir()
    (content / "dune.txt").write_text("Un film magnifique.\nTrop long.\n", encoding="utf-8")
    (content / "heat.txt").write_text("Une mise en scène sublime.\nBof.\n", encoding="utf-8")
    for path in content.iterdir():
        os.utime(path, (1_600_000_000, 1_600_000_000))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html").write_text(home, encoding="utf-8")
    return SiteConfig(
        content_dir=content,
        output_dir=tmp_path / "output",
        templates_dir=templates,
        config_path=tmp_path / "sitegen.toml",
    )


def test_a_template_reading_reviews_of_a_kept_subject_fails_naming_no_cache(tmp_path: Path) -> None:
    config = make_site(tmp_path, HOME_WITH_REVIEWS)
    build(config, executor="serial")  # a first build renders every subject
    assert b"Trop long." in (config.output_dir / "index.html").read_bytes()
    before = tree(config.output_dir)
    with (config.content_dir / "heat.txt").open("a", encoding="utf-8") as handle:
        handle.write("Un régal.\n")
    with pytest.raises(NotLoadedError) as caught:
        build(config, executor="serial")
    assert (
        "--no-cache" in str(caught.value)
        and "'reviews'" in str(caught.value)
        and "'dune'" in str(caught.value)
    )
    assert tree(config.output_dir) == before  # the failed build left the site as it was
    report = build(config, executor="serial", cache=False)
    home = (config.output_dir / "index.html").read_bytes()
    assert b"Trop long." in home and "Un régal.".encode() in home
    assert report.subjects_rebuilt == 2


def test_a_template_showing_what_kept_subjects_hold_builds_as_without_cache(tmp_path: Path) -> None:
    config = make_site(tmp_path, HOME_WITH_SUMMARIES)
    build(config, executor="serial")
    with (config.content_dir / "heat.txt").open("a", encoding="utf-8") as handle:
        handle.write("Un régal.\n")
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1
    kept = [s for s in report.site.subjects if isinstance(s, KeptSubject)]
    assert [s.key for s in kept] == ["dune"] and kept[0].review_count == 2
    incremental = tree(config.output_dir)
    full = build(config, executor="serial", cache=False)
    assert tree(config.output_dir) == incremental
    # What the cache holds of a kept subject beyond its verdict, read after the
    # build closed the cache (through a connection of its own): the same.
    dune = next(s for s in full.site.subjects if s.key == "dune")
    assert kept[0].summary == dune.summary and kept[0].summary.pros == dune.summary.pros
    assert tuple(kept[0].latest) == dune.latest


def test_kept_subjects_and_pages_have_no_reviews_or_cards() -> None:
    page = KeptPage(1, "dune/index.html", "dune")
    subject = KeptSubject("dune", "dune", "Dune", None, None, 3, (page,))  # type: ignore[arg-type]
    assert subject.url == "dune/index.html" and subject.review_count == 3
    for name in ("reviews", "analyses", "review_page"):
        with pytest.raises(NotLoadedError):
            getattr(subject, name)
    with pytest.raises(NotLoadedError):
        page.cards  # noqa: B018
    assert not hasattr(subject, "__html__")  # what Jinja and markupsafe probe stays a plain miss
    assert (theme_dir() / "index.html").is_file()


def test_kept_subjects_get_the_slugs_titles_and_order_build_site_gives(tmp_path: Path) -> None:
    """``model_site`` models kept subjects without building them in full first: the
    same keys, slugs (colliding ones too), titles (metadata, ``title_case``),
    metadata and order (score, then title, then slug) as ``build_site``."""
    import dataclasses
    from types import SimpleNamespace

    from generator.analysis.summary import compute_verdict
    from generator.analysis.types import SubjectSummary
    from generator.content import SubjectMeta
    from generator.incremental.artifacts import Artifact
    from generator.incremental.sitemodel import model_site
    from generator.site import build_site

    config = SiteConfig(content_dir=tmp_path, output_dir=tmp_path / "out", title_case="words")
    keys = ["Été", "ete", "film", "Film", "le_grand_bleu", "b", "index", "fire tv stick"]
    scores = [50, 50, 70, 70, 50, 90, 10, 50]
    metas = {"b": SubjectMeta(key="b", title="Zorro"), "ete": SubjectMeta(key="ete", year="2020")}
    verdict = compute_verdict([], [], config)
    summaries = {
        k: SubjectSummary(verdict=dataclasses.replace(verdict, score=s))
        for k, s in zip(keys, scores)
    }
    expected = build_site(config, [(k, (), (), summaries[k]) for k in keys], metas)
    done = {
        s.key: Artifact(summaries[s.key], 0, tuple(p.path for p in s.pages))
        for s in expected.subjects
    }
    got = model_site(SimpleNamespace(config=config), {k: [] for k in keys}, metas, done, {}, {}, {})
    assert all(isinstance(s, KeptSubject) for s in got.subjects)

    def shown(site):
        return [
            (s.key, s.slug, s.title, s.meta, s.summary.verdict, [p.path for p in s.pages])
            for s in site.subjects
        ]

    assert shown(got) == shown(expected)
    assert len({s.slug for s in got.subjects}) == len(keys)


def test_a_kept_subjects_summary_is_read_from_the_cache_when_first_asked(tmp_path: Path) -> None:
    # Read neither by the pages nor during the build: read after the build closed
    # the cache, through a read-only connection of its own.
    config = make_site(
        tmp_path, "{% for subject in site.subjects %}{{ subject.title }}{% endfor %}"
    )
    build(config, executor="serial")
    with (config.content_dir / "heat.txt").open("a", encoding="utf-8") as handle:
        handle.write("Un régal.\n")
    report = build(config, executor="serial")
    (kept,) = [s for s in report.site.subjects if isinstance(s, KeptSubject)]
    assert kept.summary._bulk._value is None
    full = build(config.replace(output_dir=tmp_path / "full"), executor="serial", cache=False)
    dune = next(s for s in full.site.subjects if s.key == "dune")
    assert kept.summary.aspects == dune.summary.aspects and kept.summary == dune.summary
    assert kept.summary._bulk._value is not None
