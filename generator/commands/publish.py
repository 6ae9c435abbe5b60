"""``sitegen publish``: put the built site on a git branch (GitHub Pages) or in a folder.

- To a branch, the way ``mkdocs gh-deploy`` does it: ``ghp_import`` commits the
  site as the whole tree of the branch (default ``gh-pages``) with a ``.nojekyll``
  file, and a ``CNAME`` file when ``cname`` is set, then pushes it to the remote
  (unless ``--no-push``). The site's own branch and working tree are not touched.
- ``--to DIR`` mirrors the site into a folder for any static host or rsync: changed
  files are replaced (each atomically), files that are no longer in the site are
  removed, and nothing outside DIR is touched (symlinks in DIR are replaced, never
  followed).

Only a complete build is published: the build must succeed (or, with
``--no-build``, the output must hold the ``.sitegen-output`` marker and an
``index.html``). The marker itself is not published.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.config import SiteConfig
from generator.exceptions import ConfigError, SitegenError, UnsafeOutputError
from generator.output import MARKER

PUBLISH_MARKER = ".sitegen-publish"
PUBLISH_MARKER_TEXT = "This folder is a copy of a site published by `sitegen publish --to`; files not in the site are removed.\n"
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$", re.IGNORECASE
)


class PublishError(SitegenError):
    """Publishing failed (git, push, copying)."""

    exit_code = 1


@dataclass
class PublishReport:
    files: int = 0
    destination: str = ""
    removed: list[str] = field(default_factory=list)
    commit: str = ""
    pushed: bool = False


# ---------------------------------------------------------------- what to publish


def check_complete(output: Path) -> None:
    """Refuse an output folder that is not a complete sitegen build."""
    if not output.is_dir():
        raise PublishError(
            f"nothing to publish: {output} does not exist; run `sitegen build` first"
        )
    if not (output / MARKER).is_file():
        raise PublishError(
            f"refusing to publish {output}: no {MARKER} file, so it is not a complete sitegen build"
        )
    if not (output / "index.html").is_file():
        raise PublishError(f"refusing to publish {output}: it has no index.html (partial build?)")


def site_files(output: Path) -> list[str]:
    """The files of the built site, as POSIX paths relative to ``output``: regular
    files only (no symlinks), without sitegen's marker."""
    files = []
    for folder, dirs, names in os.walk(output):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for name in sorted(names):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, output).replace(os.sep, "/")
            if rel == MARKER or os.path.islink(path) or not os.path.isfile(path):
                continue
            files.append(rel)
    return files


def check_cname(cname: str) -> str:
    value = cname.strip()
    if value and not _HOSTNAME.match(value):
        raise ConfigError(
            f"cname must be a bare domain name such as avis.example.org, not {cname!r}"
        )
    return value


@contextlib.contextmanager
def snapshot(output: Path) -> Iterator[tuple[Path, list[str]]]:
    """A private copy of the site (taken under the build's lock, so a concurrent
    build cannot swap the folder half-way), removed afterwards."""
    try:
        from generator.output import _lock  # the same lock the build's writer takes
    except ImportError:  # pragma: no cover - the lock is an implementation detail
        _lock = lambda _path: contextlib.nullcontext()

    output = output.resolve()
    with tempfile.TemporaryDirectory(prefix="sitegen-publish-") as tmp:
        copy = Path(tmp) / "site"
        copy.mkdir()
        with _lock(output):
            check_complete(output)
            files = site_files(output)
            for rel in files:
                destination = copy / rel
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(output / rel, destination)
        yield copy, files


# ----------------------------------------------------------------------- git branch


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise PublishError(
            "git is not installed (needed to publish to a branch; or use --to DIR)"
        ) from None
    if check and result.returncode != 0:
        message = (result.stderr or result.stdout).strip().removeprefix("fatal: ")
        raise PublishError(f"git {' '.join(args)} failed: {message}")
    return result


_PSEUDO_REF = re.compile(r"[A-Z_]*HEAD")


def check_branch(cwd: Path, branch: str) -> None:
    """Refuse anything but a plain branch name: what ``git check-ref-format --branch``
    accepts and gives back unchanged (``@{-1}`` names another branch), and not
    ``@``, ``HEAD`` or another all-caps ``*_HEAD``, nor a name starting with
    ``refs/`` (it would make ``refs/heads/refs/...``) or ``-``."""
    odd = (
        not branch
        or branch.startswith(("-", "refs/"))
        or branch == "@"
        or _PSEUDO_REF.fullmatch(branch) is not None
    )
    if not odd:
        result = _git(cwd, "check-ref-format", "--branch", branch, check=False)
        odd = result.returncode != 0 or result.stdout.strip() != branch
    if odd:
        raise ConfigError(
            f"--branch {branch!r} is not a plain branch name; give one such as gh-pages"
        )


def _rev(repo: Path, ref: str) -> str:
    result = _git(repo, "rev-parse", "--verify", "--quiet", ref, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def _branch_repo(config: SiteConfig, branch: str, remote: str, push: bool) -> Path:
    """The git repository holding the site, after checking that ``branch`` can be
    published to (and fetching it from ``remote`` when pushing)."""
    check_branch(config.root, branch)
    if not remote or remote.startswith("-"):
        raise ConfigError(f"--remote {remote!r} is not a remote name (such as origin)")
    if _git(config.root, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise PublishError(
            f"{config.root} is not in a git repository; run `git init` there or publish with --to DIR"
        )
    repo = Path(_git(config.root, "rev-parse", "--show-toplevel").stdout.strip())
    current = _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if current == branch:
        raise ConfigError(
            f"refusing to publish to {branch!r}: it is the branch checked out in {repo}"
        )
    if push:
        if _git(repo, "remote", "get-url", remote, check=False).returncode != 0:
            raise PublishError(
                f"no git remote named {remote!r} in {repo}; add it, pass --remote, or use --no-push"
            )
        # Start from the remote's branch when it has one, so the push is a fast-forward.
        _git(
            repo,
            "fetch",
            "--quiet",
            remote,
            f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
            check=False,
        )
    return repo


def _commit(repo: Path, copy: Path, message: str, remote: str, branch: str, cname: str) -> None:
    """Commit ``copy`` as the whole tree of ``branch`` (``ghp_import``), with a
    committer name and email when git has none."""
    import ghp_import

    env_backup = {k: os.environ.get(k) for k in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")}
    try:
        with contextlib.chdir(repo):
            if not _git(repo, "config", "user.name", check=False).stdout.strip():
                os.environ.setdefault("GIT_COMMITTER_NAME", "sitegen")
            if not _git(repo, "config", "user.email", check=False).stdout.strip():
                os.environ.setdefault("GIT_COMMITTER_EMAIL", "sitegen@localhost")
            ghp_import.ghp_import(
                str(copy),
                mesg=message,
                remote=remote,
                branch=branch,
                push=False,
                nojekyll=True,
                cname=cname or None,
            )
    except ghp_import.GhpError as exc:
        raise PublishError(f"publishing to the {branch} branch failed: {exc.message}") from None
    finally:
        for key, value in env_backup.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def publish_branch(
    config: SiteConfig,
    *,
    branch: str = "gh-pages",
    remote: str = "origin",
    message: str | None = None,
    push: bool = True,
) -> PublishReport:
    """Commit the site as the whole tree of ``branch`` in the git repository holding
    the site, with ``.nojekyll`` (and ``CNAME``), then push it to ``remote``."""
    cname = check_cname(config.cname)
    repo = _branch_repo(config, branch, remote, push)
    if message is None:
        sha = _rev(repo, "HEAD")
        message = (
            f"Deployed {sha[:12]} with sitegen {__version__}"
            if sha
            else f"Deployed with sitegen {__version__}"
        )
    before = _rev(repo, f"refs/heads/{branch}")
    with snapshot(config.output_dir) as (copy, files):
        _commit(repo, copy, message, remote, branch, cname)
    after = _rev(repo, f"refs/heads/{branch}")
    if not after or after == before:
        raise PublishError(
            f"git did not record a commit on {branch} (git fast-import failed; see above)"
        )
    report = PublishReport(
        files=len(files) + 1 + bool(cname), destination=f"{repo}:{branch}", commit=after
    )
    if push:
        result = _git(
            repo,
            "push",
            "--porcelain",
            remote,
            f"refs/heads/{branch}:refs/heads/{branch}",
            check=False,
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip()
            raise PublishError(
                f"the site is committed on the local branch {branch} ({after[:12]}) but "
                f"`git push {remote} {branch}` failed:\n{detail}"
            )
        report.pushed = True
    return report


# ------------------------------------------------------------------------- folder


def check_destination(destination: Path, config: SiteConfig) -> Path:
    """The resolved folder to mirror into, or :class:`UnsafeOutputError`."""
    target = destination.expanduser().resolve()
    output = config.output_dir.resolve()
    home = Path.home().resolve()
    if target == Path("/").resolve():
        raise UnsafeOutputError(f"refusing to publish into {destination}: it is /")
    if target == home or home.is_relative_to(target):
        raise UnsafeOutputError(
            f"refusing to publish into {destination}: it is your home folder or holds it"
        )
    if len(target.parts) <= 2:
        raise UnsafeOutputError(
            f"refusing to publish into {destination}: it is / or a top-level folder"
        )
    if target == output:
        raise UnsafeOutputError(
            f"refusing to publish into {destination}: it is the output folder itself"
        )
    if target.is_relative_to(output):
        raise UnsafeOutputError(
            f"refusing to publish into {destination}: it is inside the output folder {config.output_dir}"
        )
    needed = {
        "the content": config.content_dir,
        "the output": config.output_dir,
        "the templates": config.templates_dir,
        "the site's folder": config.root,
    }
    if config.config_path:
        needed["the settings file"] = config.config_path
    for what, path in needed.items():
        if path.resolve().is_relative_to(target):
            raise UnsafeOutputError(
                f"refusing to publish into {destination}: it contains {what} ({path})"
            )
    if target.exists() and not target.is_dir():
        raise UnsafeOutputError(
            f"refusing to publish into {destination}: it is a file, not a folder"
        )
    return target


def _replace_with_dir(path: Path) -> None:
    """Make ``path`` a real folder: a symlink or file in the way is removed (the
    symlink itself, never what it points to)."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    path.mkdir(exist_ok=True)


def _same(source: Path, destination: Path) -> bool:
    try:
        info = os.lstat(destination)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size != source.stat().st_size:
        return False
    return destination.read_bytes() == source.read_bytes()


def _copy_file(source: Path, dest: Path) -> None:
    """Put ``source``'s bytes at ``dest`` (unless they are there already), through a
    temporary file renamed over it: a symlink there is replaced, never followed."""
    if dest.is_dir() and not dest.is_symlink():
        shutil.rmtree(dest)
    if _same(source, dest):
        return
    handle, tmp = tempfile.mkstemp(prefix=".sitegen-", dir=dest.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)  # replaces a symlink itself, never its target
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_others(target: Path, keep: set[str], wanted_dirs: set[str]) -> list[str]:
    """Remove from ``target`` every file (or link) not in ``keep`` and every empty
    folder not in ``wanted_dirs``; the files removed."""
    removed = []
    for folder, dirs, names in os.walk(target, topdown=False):
        rel_folder = os.path.relpath(folder, target).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder
        for name in names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if rel not in keep:
                os.unlink(os.path.join(folder, name))
                removed.append(rel)
        for name in dirs:
            path = os.path.join(folder, name)
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if os.path.islink(path) or not os.path.isdir(path):
                continue  # a symlink, already removed above
            if rel not in wanted_dirs and not os.listdir(path):
                os.rmdir(path)
    return removed


def publish_folder(config: SiteConfig, destination: Path, *, force: bool = False) -> PublishReport:
    """Mirror the site into ``destination``. A non-empty folder that an earlier
    ``publish --to`` did not create is refused unless ``force``."""
    target = check_destination(destination, config)
    if (
        target.is_dir()
        and not force
        and not (target / PUBLISH_MARKER).is_file()
        and any(target.iterdir())
    ):
        raise UnsafeOutputError(
            f"refusing to publish into {destination}: it is not empty and `sitegen publish --to` did not "
            f"create it (no {PUBLISH_MARKER} file); files not in the site would be deleted. "
            "Choose an empty folder or pass --force"
        )
    report = PublishReport(destination=str(target))
    with snapshot(config.output_dir) as (copy, files):
        target.mkdir(parents=True, exist_ok=True)
        wanted_dirs = {""}
        for rel in files:
            parts = rel.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                wanted_dirs.add("/".join(parts[:depth]))
        for rel in sorted(wanted_dirs - {""}, key=lambda d: d.count("/")):
            _replace_with_dir(target / rel)
        for rel in files:
            _copy_file(copy / rel, target / rel)
        report.removed.extend(_remove_others(target, set(files) | {PUBLISH_MARKER}, wanted_dirs))
        (target / PUBLISH_MARKER).write_text(PUBLISH_MARKER_TEXT, encoding="utf-8")
        report.files = len(files)
    return report
