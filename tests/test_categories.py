"""Subject metadata from index.md, table columns and sitegen.toml, attached to the
subject whose reviews it names without moving its URL; category pages; titles
from file names as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import read_data
from test_incremental import inodes, tree

from generator.commands.build import build
from generator.config import SiteConfig, load_config
from generator.exceptions import ConfigError
from generator.readers import read_content
from generator.site import display_title

REVIEWS = "texte;note\nUn film magnifique, les acteurs sont excellents.;5\nUn navet ennuyeux.;1\nTrès bon film.;4\n"


def site(root: Path, toml: str = "") -> SiteConfig:
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "28 semaines plus tard.csv").write_text(REVIEWS, encoding="utf-8")
    (content / "fire-tv-stick.csv").write_text(
        "texte;genre;annee\nTrès bon produit.;High-tech, Maison;2021\nBof.;Accessoires;\n",
        encoding="utf-8",
    )
    (root / "sitegen.toml").write_text(toml, encoding="utf-8")
    return load_config(root / "sitegen.toml").replace(
        content_dir=content, output_dir=root / "output", templates_dir=root / "templates"
    )


def data(config: SiteConfig) -> dict[str, dict]:
    loaded = read_data(config.output_dir)
    return {s["title"]: s for s in loaded["subjects"]}


def test_a_metadata_folder_attaches_to_its_subject_by_slug_and_the_url_stays(
    tmp_path: Path,
) -> None:
    config = site(tmp_path)
    build(config, executor="serial")
    before = data(config)["28 semaines plus tard"]
    assert before["url"] == "28-semaines-plus-tard/index.html"
    folder = config.content_dir / "28-semaines-plus-tard"
    folder.mkdir()
    (folder / "index.md").write_text(
        "---\ntitle: 28 Semaines plus tard\nyear: 2007\ngenres: [Horreur, Science-fiction]\n---\nLa suite.\n",
        encoding="utf-8",
    )
    report = build(config, executor="serial")
    assert report.subjects == 2 and not report.problems
    after = data(config)["28 Semaines plus tard"]
    assert after["url"] == before["url"] and after["review_count"] == 3
    page = (config.output_dir / "28-semaines-plus-tard" / "index.html").read_text(encoding="utf-8")
    assert "La suite." in page and 'href="../categories/horreur/index.html"' in page
    assert tree(config.output_dir) == full(config)


def test_metadata_naming_no_subject_is_reported_with_the_closest(tmp_path: Path) -> None:
    config = site(tmp_path, '[subjects."28 semaine plus tard"]\ntitle = "X"\n')
    folder = config.content_dir / "28-semaine-plus-tard"
    folder.mkdir()
    (folder / "index.md").write_text("---\ntitle: Y\n---\n", encoding="utf-8")
    corpus = read_content(config)
    messages = sorted(p.message for p in corpus.problems)
    assert len(messages) == 2
    assert all("the closest subject with reviews is '28 semaines plus tard'" in m for m in messages)
    assert corpus.subjects["28-semaine-plus-tard"].title == "Y"  # its own (empty) subject
    report = build(config, executor="serial")
    assert (
        sorted(p.message for p in report.problems) == messages
    )  # the same words from the cache's path
    assert data(config)["28 semaines plus tard"]["url"] == "28-semaines-plus-tard/index.html"


def test_metadata_from_columns_and_sitegen_toml(tmp_path: Path) -> None:
    toml = '[subjects."fire-tv-stick"]\ntitle = "Fire TV Stick"\ntags = ["Streaming", "maison"]\n'
    config = site(tmp_path, toml)
    corpus = read_content(config)
    meta = corpus.subjects["fire-tv-stick"]
    assert meta.title == "Fire TV Stick" and meta.year == "2021"
    assert meta.categories == ("Streaming", "maison", "High-tech", "Accessoires")
    build(config, executor="serial", cache=False)
    names = {p.parent.name for p in (config.output_dir / "categories").glob("*/index.html")}
    assert names == {"streaming", "maison", "high-tech", "accessoires"}
    page = (config.output_dir / "categories" / "maison" / "index.html").read_text(encoding="utf-8")
    assert "Fire TV Stick" in page and "28 semaines" not in page
    index = (config.output_dir / "categories" / "index.html").read_text(encoding="utf-8")
    assert 'href="maison/index.html"' in index
    home = (config.output_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="categories/maison/index.html"' in home


@pytest.mark.parametrize(
    "toml",
    [
        '[subjects."x"]\ncolour = "red"\n',
        '[subjects."x"]\nimage = "javascript:alert(1)"\n',
        '[subjects."x"]\ngenres = [1, 2]\n',
        "subjects = 3\n",
    ],
)
def test_bad_subject_tables_are_configuration_errors(tmp_path: Path, toml: str) -> None:
    (tmp_path / "sitegen.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match="subjects"):
        load_config(tmp_path / "sitegen.toml")


def full(config: SiteConfig) -> dict[str, bytes]:
    other = config.replace(output_dir=config.root / "full")
    build(other, executor="serial", cache=False)
    return tree(other.output_dir)


def test_category_pages_follow_edits_incrementally(tmp_path: Path) -> None:
    config = site(tmp_path)
    (config.content_dir / "fire-tv-stick.csv").write_text(
        "texte\nTrès bon produit.\n", encoding="utf-8"
    )
    build(config, executor="serial")
    assert not (config.output_dir / "categories").exists()
    (config.content_dir / "fire-tv-stick.csv").write_text(
        "texte;genre\nTrès bon produit.;High-tech\nNul.;\n", encoding="utf-8"
    )
    build(config, executor="serial")
    assert tree(config.output_dir) == full(config)
    again = build(config, executor="serial")
    assert again.up_to_date
    # An edit to a subject in no category: the category pages are not written again.
    page = config.output_dir / "categories" / "high-tech" / "index.html"
    before = (
        inodes(config.output_dir)[page.relative_to(config.output_dir).as_posix()],
        page.stat().st_mtime_ns,
    )
    (config.content_dir / "28 semaines plus tard.csv").write_text(
        REVIEWS + "Excellent.;5\n", encoding="utf-8"
    )
    build(config, executor="serial")
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == before
    assert tree(config.output_dir) == full(config)


@pytest.mark.parametrize(
    ("key", "case", "title"),
    [
        ("fire-tv-stick", "as-written", "fire tv stick"),
        ("fire-tv-stick", "first", "Fire tv stick"),
        ("fire-tv-stick", "words", "Fire TV Stick"),
        ("avis_trustpilot", "as-written", "avis trustpilot"),
        ("Avis Trustpilot", "as-written", "Avis Trustpilot"),
        ("le_grand_bleu", "words", "Le Grand Bleu"),
        ("la-guerre-des-etoiles", "words", "La Guerre des Etoiles"),
        ("iPhone-15", "first", "iPhone 15"),
        ("iPhone-15", "words", "iPhone 15"),
    ],
)
def test_titles_from_file_names_keep_the_words_as_written(key: str, case: str, title: str) -> None:
    assert display_title(key, None, case) == title


def test_an_edit_renders_again_only_the_categories_of_its_subject(
    tmp_path: Path, monkeypatch
) -> None:
    """Each category page has a key of its own (what it shows of its subjects)."""
    from generator.render import Renderer

    rendered: list[str] = []
    real = Renderer._render

    def spy(self, template, path, **kwargs):
        rendered.append(path)
        return real(self, template, path, **kwargs)

    monkeypatch.setattr(Renderer, "_render", spy)
    config = site(tmp_path)
    rows = REVIEWS.splitlines()
    (config.content_dir / "28 semaines plus tard.csv").write_text(
        "texte;note;genre\n" + "".join(row + ";Horreur\n" for row in rows[1:]), encoding="utf-8"
    )
    build(config, executor="serial")
    pages = {
        name: config.output_dir / "categories" / name / "index.html"
        for name in ("horreur", "high-tech")
    }
    assert all(page.is_file() for page in pages.values())
    before = {name: page.stat().st_ino for name, page in pages.items()}
    rendered.clear()
    with (config.content_dir / "28 semaines plus tard.csv").open("a", encoding="utf-8") as f:
        f.write("Une purge, le pire film de l'année.;0;Horreur\n")
    build(config, executor="serial")
    after = {name: page.stat().st_ino for name, page in pages.items()}
    assert after["high-tech"] == before["high-tech"]  # its subjects show as they did
    assert "categories/horreur/index.html" in rendered
    assert "categories/high-tech/index.html" not in rendered  # (not even rendered)
    assert after["horreur"] != before["horreur"]  # its subject's verdict changed
    assert tree(config.output_dir) == full(config)
