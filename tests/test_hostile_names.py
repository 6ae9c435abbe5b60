"""Names from untrusted archives (issue 18, classes 8 and 9): subject names are
normalised to NFC before they become subjects or slugs, and every path or name
printed to the terminal has its control characters escaped (``exceptions.printable``)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.config import SiteConfig
from generator.exceptions import Problem, printable
from generator.readers import read_content
from generator.site import make_slug

NFC = unicodedata.normalize("NFC", "Été")
NFD = unicodedata.normalize("NFD", "Été")


def test_nfd_file_name_and_nfc_column_are_one_subject(tmp_path: Path) -> None:
    assert NFC != NFD
    (tmp_path / f"{NFD}.txt").write_text("Un beau film d'été.\n", encoding="utf-8")
    (tmp_path / "export.csv").write_text(f"film,texte\n{NFC},Très réussi.\n", encoding="utf-8")
    (tmp_path / "avis.json").write_text(
        json.dumps([{"sujet": NFD, "texte": "Pas mal."}]), encoding="utf-8"
    )
    (tmp_path / f"{NFD}-dossier").mkdir()  # a subject folder named in NFD, its index.md in NFC
    (tmp_path / f"{NFD}-dossier" / "index.md").write_text(
        "---\ntitle: Été (dossier)\n---\n", encoding="utf-8"
    )
    (tmp_path / f"{NFD}-dossier" / "a.md").write_text(
        f"---\nsubject: {NFD}-dossier\n---\nBien.\n", encoding="utf-8"
    )
    corpus = read_content(SiteConfig(content_dir=tmp_path))
    subjects = {r.subject for r in corpus.reviews}
    assert subjects == {NFC, f"{NFC}-dossier"}
    assert set(corpus.subjects) == {f"{NFC}-dossier"}
    assert not [p for p in corpus.problems if "no reviews" in p.message]


def test_nfc_keys_keep_their_slugs() -> None:
    # Slugs (and ids) of content already in NFC do not change.
    assert make_slug(NFC, set()) == "ete"
    assert make_slug(unicodedata.normalize("NFC", NFD), set()) == make_slug(NFC, set())


@pytest.mark.parametrize(
    "raw",
    [
        "\x1b[2J\x1b[Hall reviews OK",
        "a\rb",
        "bell\x07",
        "\u202eevil",
        "line\nbreak",
        "c1\x9b31m",
        "bad\udcff",
    ],
)
def test_printable_escapes_every_control_character(raw: str) -> None:
    shown = printable(raw)
    assert shown.isprintable(), repr(shown)
    assert all(ch not in shown for ch in "\x1b\r\x07\u202e\n\x9b\udcff")
    assert printable("content/Été – avis (2).csv") == "content/Été – avis (2).csv"


def test_problem_lines_escape_names(tmp_path: Path) -> None:
    problem = Problem(
        Path("content/\x1b[2Jx.csv"),
        3,
        "the subject '\x1b]0;owned\x07' has no reviews",
        "fix\x1b[A",
    )
    text = str(problem)
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("content/\\x1b[2Jx.csv:3: ")


def test_cli_prints_hostile_file_names_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "bon.txt").write_text("Un film très réussi.\n", encoding="utf-8")
    (content / "\x1b[2J\x1b[1;1Hall reviews OK\x1b[8m.csv").write_text(
        "a,b\n1,2\n", encoding="utf-8"
    )
    folder = content / "dossier\x1b[31m"
    folder.mkdir()
    (folder / "index.md").write_text("---\ntitle: X\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["build", "--output", "site"])
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 0, text
    assert "\x1b" not in text
    assert "\\x1b[2J\\x1b[1;1Hall reviews OK\\x1b[8m.csv" in text
    assert "dossier\\x1b[31m" in text


def test_analyze_table_escapes_subject_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "\x1b[2Jfilm.txt").write_text("Un film très réussi.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["analyze", "\x1b[2Jfilm.txt"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\\x1b[2J" in result.output
