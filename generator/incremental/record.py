"""The "record" stage, and reading it back: what a build keeps of an output folder
for the next build (the manifest of what it wrote, and each subject's artifact),
and what the next build finds of it (``previous``: the input of ``plan``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.collector import paused
from generator.incremental import manifest
from generator.incremental.artifacts import Artifact, decode_artifact, encode_artifact
from generator.incremental.context import BuildContext
from generator.output import StagedOutput, file_stat


@dataclass(frozen=True)
class Previous:
    """What the last build of the output folder recorded, as this build finds it."""

    manifest: manifest.Manifest | None  # None: no usable record (a full build)
    stats: dict[str, Any]  # output path -> current file_stat of the manifest's files
    artifacts: dict[bytes, Artifact]  # digest -> artifact, for the subjects it may keep


def previous(
    ctx: BuildContext, output: Path, slugs: dict[str, str], digests: dict[str, bytes]
) -> Previous:
    """The last build's manifest (only when results of other builds may be used and
    the output carries sitegen's marker), the state of its files now, and the cached
    artifacts of the subjects whose digest made their files last time."""
    last = (
        manifest.load(ctx.store, output)
        if ctx.reuse and (output / ".sitegen-output").is_file()
        else None
    )
    if last is None:
        return Previous(None, {}, {})
    root = str(output)
    stats = {path: file_stat(f"{root}/{path}") for path in last.files}
    wanted = [d for key, d in digests.items() if last.subjects.get(slugs[key]) == d]
    store = ctx.store
    with paused():  # (plain data)
        decoded = {
            d: decode_artifact(data, functools.partial(store.get_subject_bulk, d))
            for d, data in store.get_subjects(wanted).items()
        }
    return Previous(last, stats, {d: a for d, a in decoded.items() if a is not None})


def record(
    ctx: BuildContext,
    output: Path,
    site: Any,
    slugs: dict[str, str],
    digests: dict[str, bytes],
    clean: dict[str, Artifact],
    done: dict[str, Artifact],
    written: Any,  # write.Written
    staged: StagedOutput,
    fragments: dict[str, bytes],
) -> None:
    """Store the new subjects' artifacts and this build's manifest."""
    # Rendered where they were analysed (``done``), or here (the site model's).
    fresh = {key: a for key, a in done.items() if key not in clean}
    for s in site.subjects:
        if s.key not in done:
            fresh[s.key] = Artifact(
                s.summary,
                s.review_count,
                tuple(p.path for p in s.pages),
                written.extra.get(s.key, ()),
                s.latest,
                s.search_filter,
            )
    ctx.store.put_subjects(
        (digests[key], *encode_artifact(a), fragments[key]) for key, a in fresh.items()
    )
    kept = manifest.Manifest(
        subjects={slugs[key]: digest for key, digest in digests.items()},
        pages={slugs[key]: (clean.get(key) or fresh[key]).paths for key in digests},
        files=staged.stats,
        dirs=staged.dirs,
        sums=written.sums,
        data=written.data_key,
        layout=written.layout,
        page_digests=written.page_sums,
        keys=written.keys,
    )
    manifest.save(ctx.store, output, kept)
    if ctx.report.subjects_rebuilt:
        ctx.store.prune_subjects(space=ctx.state_space)
