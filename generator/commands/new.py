"""``sitegen new DIR``: a ready-to-build site from the scaffold shipped in the package.

The scaffold (``generator/scaffold/``) holds a commented ``sitegen.toml``, an example
subject in two formats (a ``.txt`` file and a folder of Markdown reviews) and an
empty ``templates/`` explained by its README. Files whose name starts with ``_`` or
is ``gitignore`` are renamed to dot-files on copy (package data does not ship
dot-files).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import generator
from generator.exceptions import ConfigError

DOTFILES = {"gitignore": ".gitignore"}


def scaffold_dir() -> Path:
    return Path(generator.__file__).parent / "scaffold"


@dataclass(frozen=True)
class NewSite:
    root: Path
    files: tuple[Path, ...]


def scaffold_files() -> list[tuple[Path, str]]:
    """(source file, path relative to the new site) for every scaffold file."""
    source = scaffold_dir()
    if not (source / "sitegen.toml").is_file():
        raise ConfigError(
            f"the site scaffold is missing from the installation ({source}); reinstall sitegen"
        )
    items = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.name.startswith("."):
            continue
        rel = path.relative_to(source)
        name = DOTFILES.get(rel.name, rel.name)
        items.append((path, (rel.parent / name).as_posix()))
    return items


def new_site(target: Path) -> NewSite:
    """Copy the scaffold into ``target`` (created if missing). Refuses a folder that
    is not empty, or a path that is a file (:class:`ConfigError`, exit 2)."""
    if target.is_symlink() and not target.exists():
        raise ConfigError(
            f"refusing to create a site in {target}: it is a symbolic link to {os.readlink(target)}, "
            "which does not exist; remove the link or choose another folder"
        )
    if target.exists() and not target.is_dir():
        raise ConfigError(f"refusing to create a site in {target}: it is a file, not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise ConfigError(
            f"refusing to create a site in {target}: the folder is not empty; "
            "choose a new or empty folder"
        )
    items = scaffold_files()
    written = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source, rel in items:
            destination = target / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            written.append(destination)
        (target / "templates").mkdir(exist_ok=True)
    except OSError as exc:
        where = exc.filename or target
        raise ConfigError(
            f"cannot create a site in {target}: {where}: {exc.strerror or exc}"
        ) from None
    return NewSite(root=target, files=tuple(written))
