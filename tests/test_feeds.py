"""Atom feeds (the site's and each dated subject's) and badges: valid Atom parsed
with xml.etree, links absolute under base_url, relative (with a warning) without,
linked from the pages; written again only when what they show changes."""

from __future__ import annotations

import logging
import pickle
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_incremental import tree

from generator import feeds, render
from generator.commands.build import build
from generator.config import SiteConfig

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/avis/"


def site(root: Path, *, base_url: str = BASE) -> SiteConfig:
    content = root / "content"
    content.mkdir(parents=True)
    (content / "film.csv").write_text(
        "texte;date;auteur;note\n"
        "Un film magnifique.;Publiée le 10 janvier 2010;Marie;5\n"
        "Un navet ennuyeux.;2012-03-04;;1\n"
        "Très bon film\x0b, bravo.;31-Jul-18;Paul;4\n"
        "Sans date mais bien.;;;4\n",
        encoding="utf-8",
    )
    (content / "serie.csv").write_text(
        "texte;date\nUne série drôle.;2015-06-01\nUne série plate.;2019-01-02\n", encoding="utf-8"
    )
    (content / "sans-date.txt").write_text("Pas de date ici.\nNi là.\n", encoding="utf-8")
    return SiteConfig(
        title="Avis <test>",
        content_dir=content,
        output_dir=root / "output",
        templates_dir=root / "templates",
        base_url=base_url,
        page_size=2,
    )


def check_atom(path: Path) -> ET.Element:
    """The feed parsed, with the elements RFC 4287 requires checked."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text, name
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text, (
                name
            )
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    return root


def test_feeds_are_atom_with_absolute_links(tmp_path: Path) -> None:
    config = site(tmp_path)
    build(config, executor="serial", cache=False)
    out = config.output_dir
    feed = check_atom(out / "feed.xml")
    updated = [e.find(f"{ATOM}updated").text for e in feed.findall(f"{ATOM}entry")]
    assert updated == [
        "2019-01-02T00:00:00Z",
        "2018-07-31T00:00:00Z",
        "2015-06-01T00:00:00Z",
        "2012-03-04T00:00:00Z",
        "2010-01-10T00:00:00Z",
    ]  # newest first, undated reviews left out
    assert feed.find(f"{ATOM}updated").text == "2019-01-02T00:00:00Z"
    assert feed.find(f"{ATOM}title").text == "Avis <test>"
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert all(link.startswith(BASE) and "#review-" in link for link in links)
    assert f"{BASE}film/page/2/#review-" in links[1]  # the card's own page
    subject = check_atom(out / "film" / "feed.xml")
    assert len(subject.findall(f"{ATOM}entry")) == 3
    authors = [e.findtext(f"{ATOM}author/{ATOM}name") for e in subject.findall(f"{ATOM}entry")]
    assert authors == ["Paul", None, "Marie"]
    assert "\x0b" not in (out / "film" / "feed.xml").read_text(encoding="utf-8")
    assert not (out / "sans-date" / "feed.xml").exists()
    # linked from the pages
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Avis &lt;test&gt;" href="feed.xml">'
        in (out / "index.html").read_text(encoding="utf-8")
    )
    assert 'type="application/atom+xml"' in (out / "film" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'type="application/atom+xml"' not in (out / "sans-date" / "index.html").read_text(
        encoding="utf-8"
    )


def test_without_base_url_links_are_relative_and_the_build_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = site(tmp_path, base_url="")
    with caplog.at_level(logging.WARNING):
        build(config, executor="serial", cache=False)
    assert any("base_url is empty" in r.getMessage() for r in caplog.records)
    feed = check_atom(config.output_dir / "film" / "feed.xml")
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert links[0].startswith("page/2/index.html#review-") and links[2].startswith(
        "index.html#review-"
    )


def test_a_site_without_dates_has_no_feed(tmp_path: Path) -> None:
    config = site(tmp_path)
    for path in config.content_dir.glob("*.csv"):
        path.unlink()
    build(config, executor="serial", cache=False)
    assert not list(config.output_dir.rglob("feed.xml"))
    assert "application/atom+xml" not in (config.output_dir / "index.html").read_text(
        encoding="utf-8"
    )


def test_feeds_and_badges_follow_edits_like_a_full_build(tmp_path: Path) -> None:
    config = site(tmp_path)
    build(config, executor="serial")
    serie_feed = config.output_dir / "serie" / "feed.xml"
    kept = serie_feed.stat().st_ino, serie_feed.stat().st_mtime_ns
    path = config.content_dir / "film.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "Le plus récent.;2024-05-06;Zoé;5\n", encoding="utf-8"
    )
    build(config, executor="serial")
    assert (serie_feed.stat().st_ino, serie_feed.stat().st_mtime_ns) == kept  # not written again
    feed = check_atom(config.output_dir / "feed.xml")
    assert feed.find(f"{ATOM}updated").text == "2024-05-06T00:00:00Z"
    other = config.replace(output_dir=tmp_path / "full")
    build(other, executor="serial", cache=False)
    assert tree(config.output_dir) == tree(other.output_dir)
    assert build(config, executor="serial").up_to_date


def test_each_subject_has_a_badge_and_a_snippet_to_copy(tmp_path: Path) -> None:
    config = site(tmp_path)
    build(config, executor="serial", cache=False)
    svg = ET.parse(config.output_dir / "film" / "badge.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "4 avis" and "/100" in texts[1]
    assert svg.get("aria-label").startswith("film\u00a0: ") and svg.findtext(
        "{http://www.w3.org/2000/svg}title"
    )
    page = (config.output_dir / "film" / "index.html").read_text(encoding="utf-8")
    assert (
        f"&lt;img src=&#34;{BASE}film/badge.svg&#34;" in page
    )  # the snippet, escaped in a textarea
    assert f"&lt;a href=&#34;{BASE}film/&#34;&gt;" in page


def _entry(n: int, date: str) -> feeds.Entry:
    return feeds.Entry(f"r{n}", date, "", "", "positive", None, f"texte {n}", "a/index.html")


def test_stored_entries_read_as_the_tuple_and_only_the_shown_ones_are_read() -> None:
    loaded: list[str] = []

    def stored(entries: tuple[feeds.Entry, ...], name: str) -> feeds.StoredEntries:
        return feeds.StoredEntries(
            tuple(e.date for e in entries), lambda: loaded.append(name) or entries
        )

    entries = tuple(_entry(n, f"2020-01-{n % 28 + 1:02d}") for n in range(5))
    again = stored(entries, "again")
    assert feeds.entry_dates(again) == tuple(e.date for e in entries)
    assert len(again) == 5 and bool(again) and not loaded  # the dates only
    assert again == entries and list(again) == list(entries) and loaded == ["again"]
    assert again[1:3] == entries[1:3] and repr(again) == repr(entries) and loaded == ["again"]
    assert pickle.loads(pickle.dumps(again)) == entries
    assert type(pickle.loads(pickle.dumps(again))) is tuple
    assert not stored((), "empty")

    # The site feed's choice: the same as from the entries themselves, ties kept in
    # order, and a subject none of whose entries is shown is never read.
    days = ["2021-05-01", "2021-05-01", "2019-01-01"] + [f"2022-02-{d:02d}" for d in range(1, 29)]
    plain, lazy = [], []
    for i in range(12):
        latest = tuple(_entry(100 * i + j, days[(i * 7 + j) % len(days)]) for j in range(3 + i % 4))
        plain.append(SimpleNamespace(slug=f"s{i % 5}", latest=latest))
        lazy.append(SimpleNamespace(slug=f"s{i % 5}", latest=stored(latest, f"s{i}")))
    old = (_entry(9, "1990-01-01"),) * 3
    plain.append(SimpleNamespace(slug="old", latest=old))
    lazy.append(SimpleNamespace(slug="old", latest=stored(old, "old")))
    loaded.clear()
    chosen = render._newest(SimpleNamespace(subjects=lazy))
    expected = render._newest(SimpleNamespace(subjects=plain))
    assert [(s.slug, e) for s, e in chosen] == [(s.slug, e) for s, e in expected]
    assert len(chosen) == min(feeds.PER_SITE, sum(len(s.latest) for s in plain))
    assert loaded and "old" not in loaded
