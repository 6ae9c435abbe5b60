"""Plugins: a plugin named in ``sitegen.toml`` (or found in the ``sitegen.plugins``
entry-point group) adds a reader for a new format, a site-wide page, a file per
subject and analysis additions (per review and per subject); incremental builds
with it stay byte-identical to ``--no-cache``."""

from __future__ import annotations

import dataclasses
import json
import os
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from conftest import read_data
from test_incremental import tree

from generator import plugins as plugins_module
from generator.analysis.types import ReviewAnalysis, SentenceAnalysis, SubjectSummary, Verdict
from generator.commands.build import build
from generator.config import SiteConfig, load_config
from generator.content import Review, SubjectMeta
from generator.exceptions import ConfigError, PluginError
from generator.output import (
    data_json,
    data_json_from,
    subject_data_file,
    subject_data_json,
    subject_fragment,
)
from generator.site import build_site


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
    dune = read_data(output)
    ratings = {s["slug"]: [r["rating"] for r in s["reviews"]] for s in dune["subjects"]}
    assert ratings["dune"] == [5, 2]
    # The analysis additions: each review's word count, each subject's average.
    extras = {s["slug"]: s["extra"] for s in dune["subjects"]}
    assert extras == {"dune": {"mots": 2.5}, "heat": {"mots": 3.0}, "alien": {"mots": 3.0}}
    counts = {s["slug"]: [r["extra"]["mots"] for r in s["reviews"]] for s in dune["subjects"]}
    assert counts == {"dune": [3, 2], "heat": [5, 1], "alien": [3]}
    assert {row["title"].lower(): row["words"] for row in ranking} == {
        "dune": 2.5,
        "heat": 3.0,
        "alien": 3.0,
    }


def test_templates_see_the_analysis_additions_of_kept_and_rebuilt_subjects(
    tmp_path: Path,
) -> None:
    path = make_site(tmp_path / "site")
    templates = tmp_path / "site" / "templates"
    templates.mkdir()
    (templates / "index.html").write_text(
        "{% for s in site.subjects %}{{ s.slug }}={{ s.summary.extra.mots }};{% endfor %}\n",
        encoding="utf-8",
    )
    (templates / "subject.html").write_text(
        "{{ subject.summary.extra.mots }}|"
        "{% for card in page.cards %}{{ card.analysis.extra.mots }},{% endfor %}\n",
        encoding="utf-8",
    )
    output = tmp_path / "site" / "output"
    build(load_config(path), executor="serial")
    with (tmp_path / "site" / "content" / "heat.txt").open("a", encoding="utf-8") as handle:
        handle.write("Un chef-d'œuvre absolu, vraiment.\n")
    report = build(load_config(path), executor="serial")
    assert report.subjects_rebuilt == 1  # dune and alien are kept: their summaries are cached
    home = (output / "index.html").read_text(encoding="utf-8")
    assert sorted(home.strip(";\n").split(";")) == ["alien=3.0", "dune=2.5", "heat=3.33"]
    assert (output / "heat" / "index.html").read_text(encoding="utf-8").strip() == "3.33|5,1,4,"
    assert tree(output) == full_build(path, tmp_path)


def test_a_large_subject_with_analysis_additions_stays_exact(tmp_path: Path) -> None:
    """Over ``STATE_MIN_REVIEWS`` reviews: the texts are analysed in chunks over the
    worker processes first, and an edit updates the summary from its state; the
    additions are made there too, and the output is a full build's."""
    path = make_site(tmp_path / "site")
    lines = [f"{1 + i % 5} | Avis numéro {i} : {'très ' * (i % 7)}bon film." for i in range(1100)]
    big = tmp_path / "site" / "content" / "dune.avis"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.utime(big, (1_600_000_000, 1_600_000_000))
    output = tmp_path / "site" / "output"
    build(load_config(path), executor="process", jobs=2)
    data = read_data(output)
    dune = next(s for s in data["subjects"] if s["slug"] == "dune")
    assert [r["extra"]["mots"] for r in dune["reviews"]] == [
        len(line.partition("|")[2].split()) for line in lines
    ]
    with big.open("a", encoding="utf-8") as handle:
        handle.write("4 | Un dernier avis, plus long que les autres avis.\n")
    report = build(load_config(path), executor="process", jobs=2)
    assert report.summaries_updated == 1 and report.analyzed == 1
    assert tree(output) == full_build(path, tmp_path)


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
    # It adds to each review's analysis: every review is analysed again.
    assert report.subjects_rebuilt == 3 and report.analyzed == 5
    plugins_module._loaded.clear()


def test_a_plugin_without_analysis_hooks_is_not_in_the_analysis_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plugin_example

    path = make_site(tmp_path / "site", plugin="plugin_example:PagesPlugin")
    build(load_config(path), executor="serial")
    monkeypatch.setattr(plugin_example.PagesPlugin, "fingerprint", lambda self: "pages-2")
    plugins_module._loaded.clear()
    report = build(load_config(path), executor="serial")
    assert report.subjects_rebuilt == 3 and report.analyzed == 0
    plugins_module._loaded.clear()


def test_a_plugin_without_a_fingerprint_is_keyed_by_its_source_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "lib" / "greffon_sans_empreinte.py"
    module.parent.mkdir()
    source = (
        "from plugin_example import AvisReader\n\n\n"
        "class Greffon:\n"
        "    def readers(self):\n"
        "        return [AvisReader]\n\n"
        "    def template_context(self):\n"
        "        return {'plugin_note': 'TEXT'}\n"
    )
    module.write_text(source.replace("TEXT", "un"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(module.parent))
    path = make_site(tmp_path / "site", plugin="greffon_sans_empreinte:Greffon")
    plugins_module._loaded.clear()
    build(load_config(path), executor="serial")
    plugins_module._loaded.clear()
    assert build(load_config(path), executor="serial").subjects_rebuilt == 0
    # Editing the plugin's file (not its class or module name) changes its key.
    module.write_text(source.replace("TEXT", "deux"), encoding="utf-8")
    plugins_module._loaded.clear()
    report = build(load_config(path), executor="serial")
    assert report.subjects_rebuilt == 3 and report.analyzed == 0
    plugins_module._loaded.clear()


@pytest.mark.parametrize("value", [{1}, float("nan")], ids=["set", "nan"])
def test_a_hook_giving_what_json_cannot_hold_names_the_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: object
) -> None:
    import plugin_example

    monkeypatch.setattr(
        plugin_example.ExamplePlugin, "analyse_review", lambda self, text, a: {"x": value}
    )
    plugins_module._loaded.clear()
    path = make_site(tmp_path / "site")
    with pytest.raises(PluginError, match="plugin 'plugin_example:ExamplePlugin': analyse_review"):
        build(load_config(path), executor="serial")
    assert not (tmp_path / "site" / "output").exists()
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


def test_data_json_holds_the_additions_the_same_on_both_paths() -> None:
    """``subject_fragment`` and ``subject_data_file`` (what builds write) splice the
    additions in as ``json.dumps`` of ``subject_data`` writes them, escapes included."""
    text = "Tom & Jerry <3"
    review = Review("r1", "tom", text, Path("avis.csv"), 2, None, "", "", "", "")
    sentence = SentenceAnalysis(text, 0, len(text), 0.8, 0.5, ())
    extra = {"mots": 4, "notes": {"</script>": [1.5, None, True]}, "vide": {}}
    analysis = ReviewAnalysis(0.8, 0.5, "positive", (sentence,), extra=extra)
    plain = ReviewAnalysis(0.1, 0.5, "neutral", (sentence,))
    summary = SubjectSummary(
        verdict=Verdict(80, "Positif", "positive", 1, 0, 0, 0, 1.0), extra={"moyenne": [4, "é"]}
    )
    site = build_site(
        SiteConfig(),
        [("tom", [review, dataclasses.replace(review, id="r2")], [analysis, plain], summary)],
        {"tom": SubjectMeta("tom", "Tom")},
    )
    data = data_json(site).data
    assert data_json_from(subject_fragment(s) for s in site.subjects).data == data
    own = subject_data_json(site.subjects[0]).data
    assert subject_data_file(site.subjects[0])[0] == own
    assert b"</script>" not in data and b"</script>" not in own
    [subject] = json.loads(data)["subjects"]
    assert subject["extra"] == {"moyenne": [4, "é"]}
    assert list(subject)[-2:] == ["extra", "data"]
    subject = json.loads(own)
    assert list(subject)[-2:] == ["extra", "reviews"]
    assert subject["reviews"][0]["extra"] == extra
    assert "extra" not in subject["reviews"][1]
