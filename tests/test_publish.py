"""``sitegen publish``: to a branch of a real git repository pushed to a local bare
one (the branch holds exactly the site + .nojekyll [+ CNAME]), ``--to`` a folder
(mirrored, stale files removed, nothing outside touched), refusals; and ``base_url``
appearing only where absolute URLs are needed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands.new import new_site
from generator.output import MARKER

BASE_URL = "https://avis.example.org/sous-dossier/"


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def sitegen(*args: str, cwd: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "generator", *args, cwd=cwd, check=check)


def git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run("git", *args, cwd=cwd, check=check)


def output_files(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.name != MARKER
    }


def branch_files(repo: Path, branch: str) -> dict[str, bytes]:
    names = git("ls-tree", "-r", "--name-only", branch, cwd=repo).stdout.split("\n")
    files = {}
    for name in filter(None, names):
        files[name] = subprocess.run(
            ["git", "show", f"{branch}:{name}"], cwd=repo, capture_output=True, check=True
        ).stdout
    return files


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = new_site(tmp_path / "site").root
    git("init", "-q", "-b", "main", cwd=root)
    git("config", "user.name", "Testeuse", cwd=root)
    git("config", "user.email", "testeuse@example.org", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "site", cwd=root)
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=root)
    return root


def remote_of(site: Path) -> Path:
    return site.parent / "remote.git"


# ------------------------------------------------------------------- branch


def test_publish_pushes_exactly_the_site_to_gh_pages(site: Path) -> None:
    status_before = git("status", "--porcelain", cwd=site).stdout
    result = sitegen("publish", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "gh-pages" in result.stdout
    expected = output_files(site / "output")
    assert "index.html" in expected and "data.json" in expected
    expected[".nojekyll"] = b""
    assert branch_files(remote_of(site), "gh-pages") == expected
    assert "CNAME" not in expected
    # The working branch and tree are untouched.
    assert git("symbolic-ref", "--short", "HEAD", cwd=site).stdout.strip() == "main"
    assert git("status", "--porcelain", cwd=site).stdout == status_before
    message = git("log", "-1", "--format=%s", "gh-pages", cwd=remote_of(site)).stdout
    assert message.startswith("Deployed ") and "sitegen" in message


def test_publish_again_replaces_the_tree_keeps_history_and_writes_cname(site: Path) -> None:
    assert sitegen("publish", cwd=site).returncode == 0
    first = git("rev-parse", "gh-pages", cwd=remote_of(site)).stdout.strip()
    (site / "content/la-cuisine-de-mamie.txt").unlink()
    text = (
        (site / "sitegen.toml")
        .read_text(encoding="utf-8")
        .replace("[site]\n", '[site]\ncname = "avis.example.org"\n', 1)
    )
    (site / "sitegen.toml").write_text(text, encoding="utf-8")
    result = sitegen("publish", "-m", "Nouvelle version", cwd=site)
    assert result.returncode == 0, result.stderr
    files = branch_files(remote_of(site), "gh-pages")
    expected = output_files(site / "output")
    expected[".nojekyll"] = b""
    expected["CNAME"] = b"avis.example.org"
    assert files == expected
    assert not any(
        name.startswith("la-cuisine-de-mamie/") for name in files
    )  # stale pages are gone
    log = (
        git("log", "--format=%H %P %s", "gh-pages", cwd=remote_of(site)).stdout.strip().split("\n")
    )
    assert len(log) == 2
    _head, parent, *subject = log[0].split(" ")
    assert parent == first and " ".join(subject) == "Nouvelle version"


def test_no_push_commits_locally_only(site: Path) -> None:
    result = sitegen("publish", "--no-push", "--branch", "site-statique", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "not pushed" in result.stdout
    assert ".nojekyll" in branch_files(site, "site-statique")
    assert (
        git(
            "rev-parse", "--verify", "--quiet", "site-statique", cwd=remote_of(site), check=False
        ).returncode
        != 0
    )


def test_publish_outside_a_git_repository_fails_clearly(tmp_path: Path) -> None:
    root = new_site(tmp_path / "plain").root
    env_ceiling = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "publish", "--no-push"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **env_ceiling},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "not in a git repository" in result.stderr


def test_refuses_failed_or_partial_builds(site: Path) -> None:
    # The build fails (--strict and a broken row): nothing is published.
    (site / "content/avis.csv").write_text(
        "text,subject,rating\nBien,CSV,douze\n", encoding="utf-8"
    )
    result = sitegen("publish", "--strict", cwd=site)
    assert result.returncode == 1 and "avis.csv:2" in result.stderr
    assert (
        git(
            "rev-parse", "--verify", "--quiet", "gh-pages", cwd=remote_of(site), check=False
        ).returncode
        != 0
    )
    (site / "content/avis.csv").unlink()
    # --no-build with no output, with a partial output, and without the marker.
    result = sitegen("publish", "--no-build", cwd=site)
    assert result.returncode == 1 and "sitegen build" in result.stderr
    assert sitegen("build", cwd=site).returncode == 0
    (site / "output/index.html").unlink()
    result = sitegen("publish", "--no-build", cwd=site)
    assert result.returncode == 1 and "index.html" in result.stderr
    assert sitegen("build", cwd=site).returncode == 0
    (site / "output" / MARKER).unlink()
    result = sitegen("publish", "--no-build", "--to", str(site.parent / "public"), cwd=site)
    assert result.returncode == 1 and MARKER in result.stderr
    assert not (site.parent / "public").exists()
    assert (
        git("rev-parse", "--verify", "--quiet", "gh-pages", cwd=site, check=False).returncode != 0
    )


def test_bad_cname_is_refused(site: Path) -> None:
    text = (
        (site / "sitegen.toml")
        .read_text(encoding="utf-8")
        .replace("[site]\n", '[site]\ncname = "https://avis.example.org/"\n', 1)
    )
    (site / "sitegen.toml").write_text(text, encoding="utf-8")
    result = sitegen("publish", cwd=site)
    assert result.returncode == 2 and "cname" in result.stderr


# ------------------------------------------------------------------- folder


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def test_publish_to_folder_mirrors_and_touches_nothing_outside(site: Path, tmp_path: Path) -> None:
    public = tmp_path / "www" / "public"
    outside = tmp_path / "www" / "keep.txt"
    outside.parent.mkdir()
    outside.write_text("voisin", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.html").write_text("précieux", encoding="utf-8")

    result = sitegen("publish", "--to", str(public), cwd=site)
    assert result.returncode == 0, result.stderr
    expected = output_files(site / "output")
    published = tree(public)
    assert published.pop(".sitegen-publish")
    assert published == expected

    # Stale files, a stale folder, and symlinks planted in the destination.
    (public / "ancienne-page.html").write_text("vieux", encoding="utf-8")
    (public / "vieux-dossier" / "sous").mkdir(parents=True)
    (public / "vieux-dossier" / "sous" / "page.html").write_text("vieux", encoding="utf-8")
    (public / "lien-dossier").symlink_to(elsewhere)
    (public / "index.html").unlink()
    (public / "index.html").symlink_to(
        elsewhere / "precious.html"
    )  # must be replaced, not written through
    (site / "content/la-cuisine-de-mamie.txt").unlink()

    result = sitegen("publish", "--to", str(public), cwd=site)
    assert result.returncode == 0, result.stderr
    assert "removed" in result.stdout
    published = tree(public)
    published.pop(".sitegen-publish")
    assert published == output_files(site / "output")
    assert not (public / "la-cuisine-de-mamie").exists()
    assert not (public / "vieux-dossier").exists() and not (public / "lien-dossier").exists()
    assert not (public / "index.html").is_symlink()
    # Outside: untouched.
    assert outside.read_text(encoding="utf-8") == "voisin"
    assert (elsewhere / "precious.html").read_text(encoding="utf-8") == "précieux"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.html"]
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["keep.txt", "public"]


@pytest.mark.parametrize(
    "target, reason",
    [
        ("output", "output folder itself"),
        ("output/sub", "inside the output"),
        (".", "contains"),
        ("..", "contains"),
        ("content", "contains the content"),
        ("/", "/"),
        ("~", "home"),
    ],
)
def test_publish_to_refuses_unsafe_folders(site: Path, target: str, reason: str) -> None:
    (site / "output").mkdir()
    before = sorted(
        p.relative_to(site.parent).as_posix()
        for p in site.parent.rglob("*")
        if ".git/" not in p.as_posix()
    )
    result = sitegen("publish", "--no-build", "--to", target, cwd=site)
    assert result.returncode == 2, result.stdout + result.stderr
    assert reason in result.stderr
    after = sorted(
        p.relative_to(site.parent).as_posix()
        for p in site.parent.rglob("*")
        if ".git/" not in p.as_posix()
    )
    assert after == before


def test_publish_to_refuses_a_foreign_non_empty_folder_unless_forced(
    site: Path, tmp_path: Path
) -> None:
    foreign = tmp_path / "html"
    foreign.mkdir()
    (foreign / "index.nginx-debian.html").write_text("bienvenue", encoding="utf-8")
    result = sitegen("publish", "--to", str(foreign), cwd=site)
    assert result.returncode == 2 and "--force" in result.stderr
    assert (foreign / "index.nginx-debian.html").exists()
    result = sitegen("publish", "--no-build", "--to", str(foreign), "--force", cwd=site)
    assert result.returncode == 0, result.stderr
    assert not (foreign / "index.nginx-debian.html").exists() and (foreign / "index.html").is_file()


# ----------------------------------------------------------------- base_url


ALLOWED = [
    re.compile(r'<link rel="canonical" href="[^"]*">'),
    re.compile(r'<meta property="og:[\w:]+" content="[^"]*">'),
    re.compile(r'<script type="application/ld\+json">.*?</script>', re.DOTALL),
    # the badge's HTML, to paste in other sites: absolute by design
    re.compile(r'<textarea id="embed-code"[^>]*>.*?</textarea>', re.DOTALL),
]


def test_base_url_only_in_canonical_og_sitemap_and_json_ld(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site").root
    text = (
        (site / "sitegen.toml")
        .read_text(encoding="utf-8")
        .replace("[site]\n", f'[site]\nbase_url = "{BASE_URL}"\n', 1)
    )
    (site / "sitegen.toml").write_text(text, encoding="utf-8")
    result = sitegen("build", cwd=site)
    assert result.returncode == 0, result.stderr
    output = site / "output"
    canonical = 0
    for path in sorted(output.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        canonical += page.count(f'<link rel="canonical" href="{BASE_URL}')
        stripped = page
        for pattern in ALLOWED:
            stripped = pattern.sub("", stripped)
        if path.name == "404.html":
            # The one exception: the 404 page is served for missing pages at any depth,
            # where relative links would break, so with a base_url its links use it.
            stripped = re.sub(rf'\b(href|src)="{re.escape(BASE_URL)}[^"]*"', "", stripped)
        assert BASE_URL not in stripped and "avis.example.org" not in stripped, path
        # Every other link is relative: no scheme, no leading slash.
        for attribute, value in re.findall(r'\b(href|src|action)="([^"]*)"', stripped):
            assert not re.match(
                r"^(?:[a-z][a-z0-9+.-]*:|/)", value, re.IGNORECASE
            ) or value.startswith("mailto:"), (path, attribute, value)
    assert canonical >= 2  # home and each subject page: base_url is used where it must be
    assert BASE_URL in (output / "sitemap.xml").read_text(encoding="utf-8")
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert [line for line in robots.splitlines() if BASE_URL in line] == [
        f"Sitemap: {BASE_URL}sitemap.xml"
    ]
    for name in ("data.json",):
        assert "avis.example.org" not in (output / name).read_text(encoding="utf-8")
