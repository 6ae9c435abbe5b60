"""``sitegen new DIR``: a ready site that builds, a commented sitegen.toml listing every
option, and a refusal of folders that are not empty."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import read_data

from generator.config import (
    _COLUMN_FIELDS,
    _SITE_KEYS,
    AnalysisConfig,
    AspectSettings,
    Thresholds,
    load_config,
)


def sitegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_new_then_build(tmp_path: Path) -> None:
    result = sitegen("new", "monsite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "monsite"
    assert (
        "cd " in result.stdout
        and "sitegen build" in result.stdout
        and "sitegen serve" in result.stdout
    )
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert "sitegen.toml" in files and ".gitignore" in files and "templates/README.md" in files
    assert any(f.endswith(".txt") and f.startswith("content/") for f in files)
    markdown = [f for f in files if f.startswith("content/") and f.endswith(".md")]
    assert any(f.endswith("/index.md") for f in markdown) and len(markdown) >= 3
    assert [p.name for p in (site / "templates").iterdir()] == ["README.md"]

    built = sitegen("build", cwd=site)
    assert built.returncode == 0, built.stderr
    # The example content has no problem at all; without a base_url, its feeds have
    # relative links, which the build says.
    assert [line for line in built.stderr.splitlines() if "base_url is empty" not in line] == []
    output = site / "output"
    data = read_data(output)
    titles = {s["title"]: s["review_count"] for s in data["subjects"]}
    assert titles["Le Phare des brumes"] == 3  # the Markdown folder, titled by index.md
    assert sum(titles.values()) == 8
    txt_subject = next(s for s in data["subjects"] if s["title"] != "Le Phare des brumes")
    assert txt_subject["review_count"] == 5
    page = (output / txt_subject["url"]).read_text(encoding="utf-8")
    assert "grand-mère" in page
    phare = next(s for s in data["subjects"] if s["title"] == "Le Phare des brumes")
    page = (output / phare["url"]).read_text(encoding="utf-8")
    assert "Camille" in page and "thriller breton" in page  # front matter and index.md description


def test_scaffold_config_lists_every_option_commented(tmp_path: Path) -> None:
    assert sitegen("new", str(tmp_path / "s"), cwd=tmp_path).returncode == 0
    text = (tmp_path / "s" / "sitegen.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {
        "site": {},
        "columns": {},
        "thresholds": {},
        "analysis": {},
        "aspects": {},
    }
    commented = set(re.findall(r"^# (\w+) = ", text, flags=re.MULTILINE))
    expected = (
        set(_SITE_KEYS) | set(_COLUMN_FIELDS) | {f.name for f in dataclasses.fields(Thresholds)}
    )
    expected |= {f.name for f in dataclasses.fields(AnalysisConfig)}
    expected |= {f.name for f in dataclasses.fields(AspectSettings)}
    assert expected <= commented, expected - commented
    # Uncommented as they stand, the options are all valid and set the defaults.
    uncommented = re.sub(r"^# (\w+ = )", r"\1", text, flags=re.MULTILINE)
    path = tmp_path / "s" / "all.toml"
    path.write_text(uncommented, encoding="utf-8")
    config = load_config(path)
    assert config.title == "Avis" and config.rating_scale == 5 and config.thresholds == Thresholds()
    assert config.analysis == AnalysisConfig()
    assert config.aspects == AspectSettings()
    assert config.columns["text"] == "commentaire"


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "notes.txt").write_text("à moi", encoding="utf-8")
    result = sitegen("new", str(target), cwd=tmp_path)
    assert result.returncode == 2
    assert "not empty" in result.stderr and str(target) in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "à moi"


def test_new_refuses_a_file_and_accepts_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = sitegen("new", "file", cwd=tmp_path)
    assert result.returncode == 2 and "is a file" in result.stderr
    (tmp_path / "empty").mkdir()
    result = sitegen("new", "empty", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "empty" / "sitegen.toml").is_file()
    result = sitegen("new", "deep/er/site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "deep/er/site/content").is_dir()
