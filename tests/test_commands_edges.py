"""Odd arguments end in a clear message, never a traceback or a surprising result:
``sitegen new`` into a dangling symlink, ``publish --branch`` with names that are
not plain branch names; and ``data.json`` escapes what the README says it does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_publish import git, site  # noqa: F401  (the git-backed site fixture)

from generator.analysis.types import (
    Quote,
    ReviewAnalysis,
    SentenceAnalysis,
    SubjectSummary,
    Verdict,
)
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.output import (
    data_json,
    data_json_from,
    subject_data_file,
    subject_data_json,
    subject_fragment,
)
from generator.site import build_site


def sitegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_new_into_a_dangling_symlink_says_so(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "nowhere" / "site")
    result = sitegen("new", "link", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.count("\n") == 1
        and "symbolic link" in result.stderr
        and "does not exist" in result.stderr
    )
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    "branch",
    [
        "@",
        "HEAD",
        "refs/heads/main",
        "refs/heads/gh-pages",
        "FETCH_HEAD",
        "@{-1}",
        "a..b",
        "-f",
        "",
    ],
)
def test_publish_refuses_names_that_are_not_plain_branches(site: Path, branch: str) -> None:  # noqa: F811
    git("checkout", "-q", "-b", "other", cwd=site)
    git("checkout", "-q", "main", cwd=site)  # so that @{-1} names a branch
    refs = git("for-each-ref", "--format=%(refname) %(objectname)", cwd=site).stdout
    result = sitegen("publish", "--no-build", "--no-push", "--branch", branch, cwd=site)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "not a plain branch name" in result.stderr
    assert (
        git("for-each-ref", "--format=%(refname) %(objectname)", cwd=site).stdout == refs
    )  # no ref made or moved


def test_publish_still_takes_a_plain_branch_with_a_slash(site: Path) -> None:  # noqa: F811
    result = sitegen("publish", "--no-push", "--branch", "site/preview", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (
        git("rev-parse", "--verify", "--quiet", "refs/heads/site/preview", cwd=site).returncode == 0
    )


def test_data_json_escapes_like_the_pages_json_and_reads_back_the_same() -> None:
    text = "Tom & Jerry <3\u2028encore & toujours\u2029fin."
    review = Review("r1", "tom", text, Path("avis.csv"), 2, None, "", "", "", "")
    sentence = SentenceAnalysis(text, 0, len(text), 0.8, 0.5, ())
    analysis = ReviewAnalysis(0.8, 0.5, "positive", (sentence,), ("Tom & Jerry",))
    summary = SubjectSummary(
        verdict=Verdict(80, "Positif", "positive", 1, 0, 0, 0, 1.0),
        pros=(Quote(text, "r1", 0.8, 0, len(text)),),
        consensus="Drôle & tendre <b>vraiment</b>\u2028.",
    )
    built = build_site(
        SiteConfig(),
        [("tom", [review], [analysis], summary)],
        {"tom": SubjectMeta("tom", "Tom & Jerry")},
    )
    data = data_json(built).data
    own = subject_data_json(built.subjects[0]).data  # tom/data.json, with the reviews
    for raw in (b"&", b"<", b">", "\u2028".encode(), "\u2029".encode()):
        assert raw not in data, raw
        assert raw not in own, raw
    for blob in (data, own):
        assert b"\\u0026" in blob and b"\\u003c" in blob and b"\\u2028" in blob
    parsed = json.loads(data)
    [subject] = parsed["subjects"]
    assert subject["title"] == "Tom & Jerry"
    assert subject["consensus"] == "Drôle & tendre <b>vraiment</b>\u2028."
    assert subject["pros"][0]["text"] == text
    assert json.loads(own)["reviews"][0]["key_phrases"] == ["Tom & Jerry"]
    assert json.loads(own)["reviews"][0]["text"] == text
    # the incremental path too
    assert data_json_from(subject_fragment(s) for s in built.subjects).data == data
    assert subject_data_file(built.subjects[0])[0] == own
