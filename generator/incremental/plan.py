"""The build plan: which subjects stay as the output holds them and which are
built again. A pure function of the last build's manifest, this build's subject
digests, the output's file stats and what the cache holds: no I/O, no build
(``tests/test_plan.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from generator.incremental.manifest import Manifest


@dataclass(frozen=True)
class BuildPlan:
    clean: tuple[str, ...]  # subjects whose files the output holds as they would be built
    dirty: tuple[str, ...]  # subjects to build (read in full, analysed, summarised, rendered)
    # Per dirty subject: its card pages the output still holds untouched, with the
    # digest of what they show (a page whose digest comes out the same is kept).
    kept: Mapping[str, Mapping[str, bytes]]
    # The same subjects as last time, none dirty: the output may be up to date.
    same_subjects: bool


def plan(
    manifest: Manifest | None,
    digests: Mapping[str, bytes],
    slugs: Mapping[str, str],
    stats: Mapping[str, Any],
    cached: Collection[bytes],
) -> BuildPlan:
    """``digests``: subject key -> digest of its inputs (``keys.subject_digest``);
    ``slugs``: subject key -> slug; ``stats``: output path -> current file_stat of
    the manifest's files; ``cached``: the digests whose artifact the cache holds.
    A subject is clean when its digest is the one that made its files, every one
    of its files is intact and the cache still holds its artifact."""
    if manifest is None:
        return BuildPlan((), tuple(digests), {}, False)
    clean = []
    dirty = []
    for key, digest in digests.items():
        slug = slugs[key]
        paths = manifest.pages.get(slug, ())
        if (
            manifest.subjects.get(slug) == digest
            and digest in cached
            and paths
            and all(manifest.intact(p, stats) for p in paths)  # type: ignore[arg-type]
        ):
            clean.append(key)
        else:
            dirty.append(key)
    kept = {
        key: {
            path: manifest.page_digests[path]
            for path in manifest.pages.get(slugs[key], ())
            if path in manifest.page_digests and manifest.intact(path, stats)  # type: ignore[arg-type]
        }
        for key in dirty
    }
    same = not dirty and set(manifest.subjects) == set(slugs.values())
    return BuildPlan(tuple(clean), tuple(dirty), kept, same)
