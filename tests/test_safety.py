"""Paths: slugs cannot leave the output folder; the output folder is never one that
holds someone's files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import SiteConfig
from generator.exceptions import UnsafeOutputError
from generator.output import MARKER, check_output_dir
from generator.site import MAX_SLUG, RESERVED_SLUGS, make_slug, slug_order

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOSTILE_KEYS = [
    "../../etc/passwd",
    "..",
    ".",
    "/",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "\\\\server\\share",
    "a\x00b",
    "\x00",
    "",
    "   ",
    "CON",
    "con",
    "NUL",
    "Nul.txt",
    "COM1",
    "com¹",
    "LPT9",
    "aux",
    "PRN",
    "index",
    "static",
    "404",
    "2024",
    "data",
    "x" * 5000,
    "é" * 300,
    "日本語",
    "🎬🎬",
    "-",
    "--a--",
]


def slugs(keys: list[str]) -> dict[str, str]:
    taken: set[str] = set()
    return {key: make_slug(key, taken) for key in sorted(keys, key=slug_order)}


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_keys_give_safe_slugs(key: str, tmp_path: Path) -> None:
    slug = make_slug(key, set())
    assert SLUG.match(slug), slug
    assert len(slug) <= MAX_SLUG
    assert slug not in RESERVED_SLUGS and not slug.isdigit()
    assert (tmp_path / slug).resolve().parent == tmp_path.resolve()


def test_all_hostile_keys_get_distinct_slugs() -> None:
    result = slugs(HOSTILE_KEYS)
    assert len(set(result.values())) == len(HOSTILE_KEYS)


def test_accents_and_case_give_distinct_stable_slugs() -> None:
    keys = ["été", "Été", "ete", "ETE", "Ete", "film", "Film", "FILM"]
    first = slugs(keys)
    assert len(set(first.values())) == len(keys)
    assert first["ete"] == "ete" and first["film"] == "film"  # a key that is its own slug keeps it
    for other in (list(reversed(keys)), keys[3:] + keys[:3]):
        assert slugs(other) == first  # independent of input order


def test_clean_key_keeps_its_slug_when_a_variant_appears() -> None:
    assert slugs(["film"])["film"] == slugs(["Film", "film", "FILM"])["film"] == "film"


def test_long_keys_with_shared_prefix_are_distinct() -> None:
    keys = ["a" * 100 + "1", "a" * 100 + "2", "a" * 100]
    result = slugs(keys)
    assert len(set(result.values())) == 3 and all(len(s) <= MAX_SLUG for s in result.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12, unique=True), st.randoms())
def test_slugs_are_safe_distinct_and_order_independent(keys: list[str], rnd) -> None:
    first = slugs(keys)
    shuffled = list(keys)
    rnd.shuffle(shuffled)
    assert slugs(shuffled) == first
    assert len(set(first.values())) == len(keys)
    for slug in first.values():
        assert SLUG.match(slug) and len(slug) <= MAX_SLUG and slug not in RESERVED_SLUGS


# --- the output folder -------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.txt").write_text("Bien")
    (tmp_path / "templates").mkdir()
    return tmp_path


def check(project: Path, output: Path | str, force: bool = False) -> None:
    check_output_dir(
        Path(output),
        protected=[project / "content", project / "templates", project],
        force=force,
    )


@pytest.mark.parametrize(
    "output",
    [
        "content",
        "templates",
        ".",
        "content/site",
        "templates/site",
        "content/../content",
        "..",
        "/",
        "/usr",
        "/tmp",
    ],
)
@pytest.mark.parametrize("force", [False, True])
def test_refused_outputs(project: Path, output: str, force: bool) -> None:
    target = Path(output) if output.startswith("/") else project / output
    with pytest.raises(UnsafeOutputError) as info:
        check(project, target, force)
    assert "refusing" in str(info.value)


def test_home_folders_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "projet"
    (elsewhere / "content").mkdir(parents=True)
    users = tmp_path / "users"
    home = users / "moi"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for target, reason in (
        (home, "home folder"),
        (users, "holds a home folder"),
        (Path("/home"), "refusing"),
    ):
        with pytest.raises(UnsafeOutputError, match=reason):
            check(elsewhere, target, force=True)
    check(elsewhere, home / "site", force=True)  # a folder inside one's home is fine


def test_ordinary_outputs_allowed(project: Path) -> None:
    check(project, project / "output")  # does not exist yet
    (project / "empty").mkdir()
    check(project, project / "empty")
    (project / "site").mkdir()
    (project / "site" / MARKER).write_text("x")
    (project / "site" / "index.html").write_text("x")
    check(project, project / "site")


def test_non_empty_unmarked_folder_needs_force(project: Path) -> None:
    other = project / "docs"
    other.mkdir()
    (other / "thesis.tex").write_text("precious")
    with pytest.raises(UnsafeOutputError, match="--force"):
        check(project, other)
    check(project, other, force=True)


def test_marker_must_be_a_file(project: Path) -> None:
    other = project / "docs"
    (other / MARKER).mkdir(parents=True)
    (other / "thesis.tex").write_text("precious")
    with pytest.raises(UnsafeOutputError):
        check(project, other)


def test_git_repository_refused_even_with_force(project: Path) -> None:
    repo = project / "gh-pages"
    (repo / ".git").mkdir(parents=True)
    (repo / MARKER).write_text("x")
    with pytest.raises(UnsafeOutputError, match="git"):
        check(project, repo, force=True)


def test_output_that_is_a_file(project: Path) -> None:
    (project / "out").write_text("x")
    with pytest.raises(UnsafeOutputError, match="file"):
        check(project, project / "out", force=True)


def test_symlinks_are_followed(project: Path) -> None:
    (project / "lien").symlink_to(project / "content")
    with pytest.raises(UnsafeOutputError):
        check(project, project / "lien", force=True)
    (project / "parent").symlink_to(project)
    with pytest.raises(UnsafeOutputError):
        check(project, project / "parent", force=True)
    (project / "boucle").symlink_to(project / "boucle")
    with pytest.raises(UnsafeOutputError):
        check(project, project / "boucle" / "x", force=True)


def test_build_refuses_before_reading_or_writing(project: Path) -> None:
    from generator.commands.build import build

    config = SiteConfig(
        content_dir=project / "content",
        output_dir=project / "content",
        templates_dir=project / "templates",
    )
    before = sorted(os.listdir(project / "content"))
    with pytest.raises(UnsafeOutputError):
        build(config, force=True)
    assert sorted(os.listdir(project / "content")) == before
