"""sitegen.toml: defaults, validation with readable errors, relative folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import SiteConfig, load_config
from generator.exceptions import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sitegen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config == SiteConfig()
    assert config.content_dir == Path("content") and config.language == "fr"


def test_full_file(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            '[site]\ntitle = "Ciné"\nbase_url = "https://example.org/avis"\nrating_scale = 10\n'
            'content_dir = "reviews"\nitem_type = "TVSeries"\n'
            '[columns]\ntext = "commentaire_client"\nrating = "étoiles"\n'
            "[thresholds]\npositive = 0.2\nnegative = -0.15\n",
        )
    )
    assert config.title == "Ciné" and config.rating_scale == 10 and config.item_type == "TVSeries"
    assert config.base_url == "https://example.org/avis/"
    assert config.content_dir == tmp_path / "reviews"
    assert config.columns == {"text": "commentaire_client", "rating": "étoiles"}
    assert config.thresholds.positive == 0.2 and config.thresholds.negative == -0.15


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[site]\ntitel = "x"\n', ["unknown option 'titel'", "title"]),
        ('[site]\nlanguage = "de"\n', ["language", "fr, en"]),
        ("[site]\nrating_scale = 7\n", ["rating_scale", "5, 10, 20"]),
        ('[site]\nbase_url = "example.org"\n', ["base_url", "https://"]),
        ('[columns]\ntexte = "avis"\n', ["[columns]", "texte"]),
        ("[thresholds]\npositive = -0.5\n", ["thresholds"]),
        ("[site\n", ["invalid TOML"]),
        ("[plugins]\nx = 1\n", ["unknown section [plugins]"]),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    message = str(info.value)
    assert str(tmp_path / "sitegen.toml") in message
    for word in words:
        assert word in message


def test_base_url_cannot_smuggle_lines_or_quotes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="base_url"):
        load_config(
            write(
                tmp_path,
                '[site]\nbase_url = "https://example.org/\\nSitemap: https://evil.example/"\n',
            )
        )
    with pytest.raises(ConfigError, match="base_url"):
        load_config(write(tmp_path, '[site]\nbase_url = "https://example.org/\\" onload=\\"x"\n'))


def test_default_folders_are_relative_to_a_config_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(tmp_path)
    config = load_config(write(site, '[site]\ntitle = "x"\noutput_dir = "public"\n'))
    assert config.content_dir == site / "content"
    assert config.templates_dir == site / "templates"
    assert config.output_dir == site / "public"


def test_executor_and_jobs(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[site]\njobs = 3\nexecutor = "dask://127.0.0.1:8786"\n'))
    assert config.jobs == 3 and config.executor == "dask://127.0.0.1:8786"
    with pytest.raises(ConfigError, match="executor"):
        load_config(write(tmp_path, '[site]\nexecutor = "threads"\n'))


def test_the_readme_sample_is_a_valid_config(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    sample = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    config = load_config(write(tmp_path, sample))
    assert config.rating_scale == 5 and config.columns["text"] == "commentaire_client"
    assert config.thresholds.mixed_share == 0.25


def test_the_scaffold_lists_every_option() -> None:
    import dataclasses

    from generator.config import AnalysisConfig, AspectSettings, Thresholds

    scaffold = (
        Path(__file__).resolve().parents[1] / "generator" / "scaffold" / "sitegen.toml"
    ).read_text(encoding="utf-8")
    options = {f.name for f in dataclasses.fields(SiteConfig)} - {
        "columns",
        "thresholds",
        "subjects",
        "analysis",
        "aspects",
        "config_path",
    }
    options |= {f.name for f in dataclasses.fields(Thresholds)}
    options |= {f.name for f in dataclasses.fields(AnalysisConfig)}
    options |= {f.name for f in dataclasses.fields(AspectSettings)}
    missing = [name for name in options if f"# {name} =" not in scaffold]
    assert not missing, missing
