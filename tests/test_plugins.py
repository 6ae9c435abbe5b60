"""Plugins: a plugin named in ``sitegen.toml`` (or found in the ``sitegen.plugins``
entry-point group) adds a reader for a new format, a site-wide page and a file per
subject; incremental builds with it stay byte-identical to ``--no-cache``."""

from __future__ import annotations

import json
import os
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from generator import plugins as plugins_module
from generator.commands.build import build
from generator.config import load_config
from generator.exceptions import ConfigError


def make_site(root: Path, plugin: str = "plugin_example:ExamplePlugin") -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    (content / "dune.avis").write_text(
        "5 | Un film magnifique.\n2 | Trop long.\n", encoding="utf-8"
    )
    (content / "heat.txt").write_text("Une mise en scène sublime.\nBof.\n", encoding="utf-8")
    (content / "alien.avis").write_text("4 | Terrifiant et génial.\n", encoding="utf-8")
    for path in content.iterdir():
        os.utime(path, (1_600_000_000, 1_600_000_000))
    (root / "sitegen.toml").write_text(
        f'[site]\ntitle = "Avis"\nplugins = ["{plugin}"]\n', encoding="utf-8"
    )
    return root / "sitegen.toml"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def full_build(path: Path, tmp_path: Path) -> dict[str, bytes]:
    config = load_config(path)
    config = config.replace(output_dir=tmp_path / "reference")
    build(config, executor="serial", cache=False)
    return tree(tmp_path / "reference")


def test_a_plugin_reads_a_new_format_and_adds_pages(tmp_path: Path) -> None:
    path = make_site(tmp_path / "site")
    report = build(load_config(path), executor="serial")
    output = tmp_path / "site" / "output"
    assert report.subjects == 3 and report.reviews == 5
    ranking = json.loads((output / "palmares.json").read_text(encoding="utf-8"))
    assert {row["title"].lower() for row in ranking} == {"dune", "heat", "alien"}
    assert all((output / slug / "note.svg").is_file() for slug in ("dune", "heat", "alien"))
    dune = json.loads((output / "data.json").read_text(encoding="utf-8"))
    ratings = {s["slug"]: [r["rating"] for r in s["reviews"]] for s in dune["subjects"]}
    assert ratings["dune"] == [5, 2]


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_incremental_builds_with_a_plugin_equal_full_builds(tmp_path: Path, executor: str) -> None:
    path = make_site(tmp_path / "site")
    output = tmp_path / "site" / "output"
    build(load_config(path), executor=executor)
    edits = [
        ("dune.avis", "1 | Finalement, une déception.\n"),  # the plugin's format
        ("heat.txt", "Un chef-d'œuvre absolu.\n"),
        ("alien.avis", "5 | Culte.\n"),
    ]
    for name, line in edits:
        with (tmp_path / "site" / "content" / name).open("a", encoding="utf-8") as handle:
            handle.write(line)
        report = build(load_config(path), executor=executor)
        assert report.subjects_rebuilt == 1 and report.analyzed == 1
        assert tree(output) == full_build(path, tmp_path)
    report = build(load_config(path), executor=executor)
    assert report.up_to_date
    # A subject removed: its badge goes with its pages.
    (tmp_path / "site" / "content" / "alien.avis").unlink()
    build(load_config(path), executor=executor)
    assert not (output / "alien").exists()
    assert tree(output) == full_build(path, tmp_path)


def test_a_plugins_fingerprint_is_in_the_keys_of_what_it_touches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plugin_example

    path = make_site(tmp_path / "site")
    build(load_config(path), executor="serial")
    monkeypatch.setattr(plugin_example.ExamplePlugin, "fingerprint", lambda self: "example-2")
    plugins_module._loaded.clear()
    report = build(load_config(path), executor="serial")
    assert report.files_parsed == 2  # the .avis files: their reader may read them otherwise now
    assert report.subjects_rebuilt == 3 and report.analyzed == 0
    plugins_module._loaded.clear()


def test_a_plugin_from_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point = EntryPoint(
        name="exemple", value="plugin_example:ExamplePlugin", group=plugins_module.GROUP
    )
    monkeypatch.setattr(
        plugins_module,
        "entry_points",
        lambda group: [point] if group == plugins_module.GROUP else [],
    )
    plugins_module._loaded.clear()
    path = make_site(tmp_path / "site", plugin="exemple")
    build(load_config(path), executor="serial")
    assert (tmp_path / "site" / "output" / "palmares.json").is_file()
    plugins_module._loaded.clear()


def test_without_the_plugin_the_format_is_not_read(tmp_path: Path) -> None:
    path = make_site(tmp_path / "site")
    path.write_text('[site]\ntitle = "Avis"\n', encoding="utf-8")
    report = build(load_config(path), executor="serial")
    assert report.subjects == 1  # heat.txt only
    assert not (tmp_path / "site" / "output" / "palmares.json").exists()


def test_an_unknown_plugin_is_a_configuration_error(tmp_path: Path) -> None:
    path = make_site(tmp_path / "site", plugin="no_such_plugin_anywhere")
    with pytest.raises(ConfigError, match="no_such_plugin_anywhere"):
        build(load_config(path), executor="serial")


def test_templates_see_the_plugins_names(tmp_path: Path) -> None:
    path = make_site(tmp_path / "site")
    templates = tmp_path / "site" / "templates"
    templates.mkdir()
    (templates / "404.html").write_text("<p>{{ plugin_note }}</p>\n", encoding="utf-8")
    build(load_config(path), executor="serial")
    assert (tmp_path / "site" / "output" / "404.html").read_text(
        encoding="utf-8"
    ) == "<p>avec le greffon</p>\n"
