"""The cache keys name what each stage depends on and nothing else: a change that
cannot change the output (``jobs``, ``executor``, the folder a build runs in, the
CLI's code) rebuilds nothing, and one that can (a page setting, an analysis
setting, the code that makes pages) does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_incremental import tree

import generator
from generator.analysis import AnalysisSettings
from generator.commands.build import build
from generator.config import load_config
from generator.incremental import keys

REVIEWS = {
    "dune.txt": "Un film magnifique, les acteurs sont parfaits.\nTrop long, je me suis ennuyé.\n",
    "heat.txt": "Une mise en scène sublime.\nLe scénario est nul, quelle déception.\nBof.\n",
}


def make_site(root: Path, settings: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    for name, text in REVIEWS.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
        os.utime(root / "content" / name, (1_600_000_000, 1_600_000_000))
    (root / "sitegen.toml").write_text(f'[site]\ntitle = "Avis"\n{settings}', encoding="utf-8")
    return root / "sitegen.toml"


def rebuilt_nothing(report) -> bool:
    return (
        report.files_parsed,
        report.subjects_rebuilt,
        report.analyzed,
        report.pages_written,
    ) == (0, 0, 0, 0)


def set_option(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.mark.parametrize("line", ["jobs = 2", 'executor = "serial"', 'cname = "avis.example.org"'])
def test_options_of_how_to_build_rebuild_nothing(tmp_path: Path, line: str) -> None:
    path = make_site(tmp_path)
    build(load_config(path), executor="serial")
    before = tree(tmp_path / "output")
    set_option(path, line)
    report = build(load_config(path), executor="serial")
    assert rebuilt_nothing(report) and report.up_to_date
    assert tree(tmp_path / "output") == before


def test_a_page_setting_rebuilds_the_pages_and_an_analysis_setting_reanalyses(
    tmp_path: Path,
) -> None:
    path = make_site(tmp_path)
    build(load_config(path), executor="serial")
    set_option(path, "page_size = 1")
    report = build(load_config(path), executor="serial")
    assert report.subjects_rebuilt == 2 and report.analyzed == 0 and report.files_parsed == 0
    path.write_text(
        path.read_text(encoding="utf-8") + "[thresholds]\npositive = 0.5\n", encoding="utf-8"
    )
    report = build(load_config(path), executor="serial")
    assert report.subjects_rebuilt == 2 and report.analyzed == report.reviews


def test_aspect_settings_resummarise_without_reanalysing(tmp_path: Path) -> None:
    path = make_site(tmp_path)
    build(load_config(path), executor="serial")
    set_option(
        path,
        '[aspects]\nsynonyms = { "équipe" = ["acteurs", "scénario"] }\nignore = ["mise en scène"]',
    )
    config = load_config(path)
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 2 and report.analyzed == 0 and report.files_parsed == 0
    files = sorted((tmp_path / "output").glob("*/data.json"))  # (the subjects' own: their reviews)
    data = "".join(p.read_text(encoding="utf-8") for p in files)
    assert '"aspect": "equipe"' in data and '"aspect": "realisation"' not in data
    fresh = tmp_path / "fresh"
    build(config.replace(output_dir=fresh), executor="serial", cache=False)
    assert tree(tmp_path / "output") == tree(fresh)


def test_building_from_another_folder_rebuilds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    path = make_site(site)
    monkeypatch.chdir(site)
    build(load_config(Path("sitegen.toml")), executor="serial")
    before = tree(site / "output")
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    config = load_config(Path(os.path.relpath(path, elsewhere)))
    assert not config.content_dir.is_absolute()  # relative to this folder: "../../site/content"
    report = build(config, executor="serial")
    assert rebuilt_nothing(report) and report.up_to_date
    assert tree(site / "output") == before


def test_problems_from_the_cache_name_files_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    path = make_site(site)
    (site / "content" / "notes.csv").write_text("texte,note\nBien,douze\n", encoding="utf-8")
    os.utime(site / "content" / "notes.csv", (1_600_000_000, 1_600_000_000))
    monkeypatch.chdir(site)
    first = build(load_config(Path("sitegen.toml")), executor="serial")
    assert [str(p.path) for p in first.problems] == ["content/notes.csv"]
    monkeypatch.chdir(tmp_path)
    again = build(load_config(path.relative_to(tmp_path)), executor="serial")
    assert again.files_parsed == 0
    assert [str(p.path) for p in again.problems] == ["site/content/notes.csv"]


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fingerprints computed over a copy of the package, which a test may edit."""
    copy = tmp_path / "package"
    shutil.copytree(
        Path(generator.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(keys, "_PACKAGE", copy)
    monkeypatch.setattr(keys, "_memo", {})
    return copy


def test_editing_the_cli_rebuilds_nothing_and_editing_the_renderer_rerenders(
    package_copy: Path, tmp_path: Path
) -> None:
    path = make_site(tmp_path / "site")
    build(load_config(path), executor="serial")
    for name in ("cli.py", "commands/serve.py", "executors.py"):
        set_option(package_copy / name, "# edited")
    keys._memo.clear()
    report = build(load_config(path), executor="serial")
    assert rebuilt_nothing(report)
    set_option(package_copy / "render.py", "# edited")
    keys._memo.clear()
    report = build(load_config(path), executor="serial")
    assert report.subjects_rebuilt == 2 and report.analyzed == 0 and report.files_parsed == 0
    set_option(package_copy / "readers" / "text.py", "# edited")
    keys._memo.clear()
    report = build(load_config(path), executor="serial")
    assert report.files_parsed == 2 and report.analyzed == 0


def test_the_analysis_key_holds_every_analysis_setting() -> None:
    # A field added to AnalysisSettings is in the key without another line.
    base = AnalysisSettings()
    for name in ("positive", "negative", "mixed_share"):
        changed = AnalysisSettings(**{name: getattr(base, name) / 2})
        assert keys.analysis_namespace(changed) != keys.analysis_namespace(base), name


def test_no_key_hashes_test_code() -> None:
    package = Path(generator.__file__).parent
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import pytest" not in text and "import hypothesis" not in text, path
    assert not (package / "analysis" / "_reference.py").exists()
    # Every file a key hashes is inside the package.
    assert all(package in (package / name).parents for name in keys.NOT_OUTPUT_CODE)
