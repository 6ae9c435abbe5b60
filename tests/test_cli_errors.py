"""Exit codes and messages of ``sitegen build`` on broken input, through typer's CliRunner:
0 ok (problems summarised), 1 content errors under --strict, 2 usage; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app

runner = CliRunner()


def broken_content(folder: Path) -> Path:
    content = folder / "content"
    content.mkdir()
    (content / "bon.txt").write_text("Un film très réussi.\nUne fin décevante.\n", encoding="utf-8")
    (content / "windows.csv").write_bytes("texte;note\nTrès réussi;4\n".encode("cp1252"))
    (content / "bom.csv").write_bytes(b"\xef\xbb\xbftexte\nBien\n")
    (content / "vide.txt").write_bytes(b"")
    (content / "binaire.json").write_bytes(bytes(range(256)))
    (content / "sans-texte.csv").write_text("a,b\n1,2\n")
    (content / "bancal.csv").write_text('texte;note\n"ouvert;3\nfermé;2;en trop\n')
    (content / "invalide.json").write_text('[{"texte": "a",}]')
    (content / "types.json").write_text(
        json.dumps([{"texte": {"a": 1}}, {"texte": "ok", "note": "beaucoup"}])
    )
    (content / "fm").mkdir()
    (content / "fm" / "a.md").write_text("---\nnote: [\n---\nCorps\n")
    (content / "fm" / "b.md").write_text("---\n- liste\n---\nCorps gardé\n")
    (content / "seul").mkdir()
    (content / "seul" / "index.md").write_text("---\ntitle: Sans avis\n---\n")
    (content / "doublons.csv").write_text("id,texte,note\n1,Un,4\n1,Deux,12\n")
    return content


EXPECTED_FILES = [
    "windows.csv",
    "vide.txt",
    "binaire.json",
    "sans-texte.csv",
    "bancal.csv",
    "invalide.json",
    "types.json",
    "a.md",
    "b.md",
    "index.md",
    "doublons.csv",
]


def invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    result = runner.invoke(app, args)
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text, text
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}")
    return result, text


def test_broken_content_builds_with_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_content(tmp_path)
    result, text = invoke(
        ["build", "--content", "content", "--output", "site"], tmp_path, monkeypatch
    )
    assert result.exit_code == 0, text
    for name in EXPECTED_FILES:
        assert name in text, f"{name} not mentioned:\n{text}"
    assert (
        "bancal.csv:2" in text
        and "bancal.csv:3" in text
        and "invalide.json:1" in text
        and "doublons.csv:3" in text
    )
    assert "Built" in text and "errors" in text and "warnings" in text
    assert (tmp_path / "site" / "index.html").is_file()
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "Très réussi" in pages and "Corps gardé" in pages and "Sans avis" in pages


def test_strict_fails_with_every_error_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_content(tmp_path)
    result, text = invoke(
        ["build", "--content", "content", "--output", "site", "--strict"], tmp_path, monkeypatch
    )
    assert result.exit_code == 1, text
    for name in (
        "binaire.json",
        "sans-texte.csv",
        "bancal.csv",
        "invalide.json",
        "types.json",
        "a.md",
        "b.md",
        "doublons.csv",
    ):
        assert name in text
    assert "--strict" in text
    assert not (tmp_path / "site").exists()  # nothing written


def test_strict_passes_on_clean_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "f.txt").write_text("Très bien.\n")
    result, text = invoke(
        ["build", "--content", "content", "--output", "site", "--strict"], tmp_path, monkeypatch
    )
    assert result.exit_code == 0, text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["build", "--no-such-option"], "No such option"),
        (["build", "--content", "absent", "--output", "site"], "absent"),
        (["build", "--content", "content", "--output", "content"], "refusing"),
        (["build", "--content", "content", "--output", "."], "refusing"),
        (["build", "--content", "content", "--output", "/"], "refusing"),
        (["build", "--content", "content", "--output", "autre"], "--force"),
        (["build", "--config", "absent.toml"], "absent.toml"),
        (["build", "--config", "bad.toml"], "bad.toml"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "f.txt").write_text("Bien\n")
    (tmp_path / "autre").mkdir()
    (tmp_path / "autre" / "memoire.tex").write_text("précieux")
    (tmp_path / "bad.toml").write_text('title = "sans fin\n')
    result, text = invoke(args, tmp_path, monkeypatch)
    assert result.exit_code == 2, text
    assert needle in text
    assert (tmp_path / "autre" / "memoire.tex").read_text() == "précieux"


def test_force_replaces_a_foreign_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "f.txt").write_text("Bien\n")
    (tmp_path / "autre").mkdir()
    (tmp_path / "autre" / "vieux.html").write_text("x")
    result, text = invoke(
        ["build", "--content", "content", "--output", "autre", "--force"], tmp_path, monkeypatch
    )
    assert result.exit_code == 0, text
    assert (tmp_path / "autre" / ".sitegen-output").is_file()


def test_nothing_to_build_is_exit_1_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "x.json").write_text("{")
    result, text = invoke(
        ["build", "--content", "content", "--output", "site"], tmp_path, monkeypatch
    )
    assert result.exit_code == 1, text
    assert "no reviews found" in text and "x.json:1" in text
