"""The manifest: what the last build of an output folder wrote, kept in the build
cache (table ``manifests``) so the next build can keep what did not change.

Stored as a plain dict of its fields (``BuildCache.prune_subjects`` reads its
``subjects``); one from another version of sitegen loads as ``None`` (the next
build is then a full one).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.cache import BuildCache

log = logging.getLogger(__name__)

FORMAT = 2


@dataclass(frozen=True)
class Manifest:
    """One build's record of one output folder."""

    subjects: dict[str, bytes]  # slug -> digest of what its pages were made from
    pages: dict[str, tuple[str, ...]]  # slug -> every file the subject owns
    files: dict[str, Any]  # output path -> file_stat of the file as written
    dirs: Any = None  # the output's folders (``StagedOutput``)
    sums: dict[str, bytes] = field(default_factory=dict)  # site-wide file -> hash of its bytes
    data: bytes | None = None  # key of data.json
    layout: dict[str, tuple[int, int]] | None = None  # slug -> its fragment's place in data.json
    page_digests: dict[str, bytes] = field(
        default_factory=dict
    )  # card page -> digest of what it shows
    keys: dict[str, tuple[Any, tuple[str, ...]]] = field(
        default_factory=dict
    )  # site page -> (key, its files)

    def intact(self, path: str, stats: dict[str, Any]) -> bool:
        """Whether the output still holds ``path`` as this build wrote it
        (``stats``: the current ``file_stat`` of the manifest's files)."""
        then = self.files.get(path)
        return then is not None and stats.get(path) == then


def load(store: BuildCache, output: Path) -> Manifest | None:
    data = store.get_manifest(output)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    try:
        return Manifest(**{f.name: data[f.name] for f in dataclasses.fields(Manifest)})
    except (KeyError, TypeError) as exc:
        log.debug("manifest of %s unreadable (%s): a full build", output, exc)
        return None


def save(store: BuildCache, output: Path, manifest: Manifest) -> None:
    data = {f.name: getattr(manifest, f.name) for f in dataclasses.fields(manifest)}
    data["format"] = FORMAT
    store.put_manifest(output, data)
