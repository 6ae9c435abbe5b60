"""The "write" stage: render what is left to render, keep what the output already
holds, and put the new files in place (``output.StagedOutput``: in place behind a
journal for a small change, a staged tree of hard links for a large one).

What is kept: the files of clean subjects and those rendered where they were
analysed; the pages of a changed subject whose digest (``worker.page_digests``)
is unchanged; a site-wide page whose key (``render.SitePage.key``) is unchanged,
or whose new bytes equal the output's; ``data.json`` when no subject changed,
else spliced from the output's own bytes, else made from the cached fragments.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import template_code
from generator.incremental.artifacts import Artifact
from generator.incremental.context import BuildContext
from generator.incremental.keys import stable_hash
from generator.incremental.manifest import Manifest
from generator.incremental.worker import SubjectResult, page_digests
from generator.output import (
    PendingFile,
    StagedOutput,
    data_json_pieces,
    subject_fragment,
)
from generator.render import OutputFile, Renderer
from generator.site import Site, Subject

log = logging.getLogger(__name__)


def _sum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class SiteRenderer(Renderer):
    """Renders every file but those of subjects written already (and the card
    pages in ``skip_pages``), noting which files each subject rendered owns."""

    def __init__(
        self,
        site: Site,
        skip: set[str],
        bytecode: Path | None = None,
        skip_pages: set[str] | None = None,
    ) -> None:
        super().__init__(site)
        self._skip = skip
        self._skip_pages = skip_pages or set()
        self.owned: set[str] = set()  # files of subjects rendered (not site-wide)
        self.extra: dict[str, list[str]] = {}  # subject -> its files besides its card pages
        if bytecode is not None:  # compiled templates kept across builds (keyed by source)
            with contextlib.suppress(OSError):
                bytecode.mkdir(parents=True, exist_ok=True)
                self.env.bytecode_cache = template_code.bytecode_cache(bytecode)

    def subject_pages(self, subject: Subject, pages: Any = None) -> Iterator[OutputFile]:  # type: ignore[override]
        if subject.slug in self._skip:
            return iter(())
        if (
            pages is None
            and self._skip_pages
            and any(p.path in self._skip_pages for p in subject.pages)
        ):
            pages = [p for p in subject.pages if p.path not in self._skip_pages]
        return super().subject_pages(subject, pages)

    def subject_files(self, subject: Subject) -> Iterator[OutputFile]:
        if subject.slug in self._skip:
            return
        extra = self.extra.setdefault(subject.key, [])
        for item in super().subject_files(subject):
            extra.append(item.path)
            self.owned.add(item.path)
            yield item


@dataclass
class Written:
    """What the write stage leaves for the record stage."""

    sums: dict[str, bytes] = field(default_factory=dict)  # site-wide file -> hash of its bytes
    layout: dict[str, tuple[int, int]] | None = None
    page_sums: dict[str, bytes] = field(default_factory=dict)
    keys: dict[str, tuple[Any, tuple[str, ...]]] = field(default_factory=dict)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)  # subject -> its other files
    data_key: bytes = b""
    up_to_date: bool = False


@dataclass
class WriteInput:
    """Everything the write stage decides from."""

    site: Site
    manifest: Manifest | None
    stats: dict[str, Any]  # output path -> current file_stat of the manifest's files
    digests: dict[str, bytes]  # subject -> digest
    clean: dict[str, Artifact]
    built: dict[str, SubjectResult]
    same_subjects: bool
    fragments: Fragments  # subject built now -> its part of data.json


def write_site(
    ctx: BuildContext,
    given: WriteInput,
    staged: StagedOutput | None,
    open_staged: Callable[[], StagedOutput],
) -> tuple[Written, StagedOutput | None]:
    """Render and stage the files of this build; the staging (None: up to date)."""
    return _Writer(ctx, given).run(staged, open_staged)


class _Writer:
    def __init__(self, ctx: BuildContext, given: WriteInput) -> None:
        self.ctx = ctx
        self.given = given
        self.manifest = given.manifest
        self.out = Written()
        self.builtin = (
            ctx.reuse and not ctx.own_templates
        )  # keys hold with the built-in templates only
        self.page_keys: dict[str, bytes] = {}  # keyed site-wide page -> its key now

    def intact(self, path: str) -> bool:
        return self.manifest is not None and self.manifest.intact(path, self.given.stats)

    def run(
        self, staged: StagedOutput | None, open_staged: Callable[[], StagedOutput]
    ) -> tuple[Written, StagedOutput | None]:
        ctx, given, out = self.ctx, self.given, self.out
        site = given.site
        out.data_key = stable_hash(ctx.site_key, [given.digests[s.key] for s in site.subjects])
        same_data = (
            self.manifest is not None
            and self.manifest.data == out.data_key
            and self.intact("data.json")
        )
        same_pages = self._page_sums()
        done = {s.slug for s in site.subjects if s.key in given.clean or s.key in given.built}
        renderer = SiteRenderer(site, done, ctx.bytecode, same_pages)
        ctx.progress.stage("Writing pages", sum(len(s.pages) for s in site.subjects) + 4)
        kept_pages = self._kept_site_pages(site, renderer)
        rendered: Iterator[OutputFile] = itertools.chain(
            self._render_keyed(renderer, kept_pages),
            renderer.render_all(skip=frozenset(self.page_keys)),
        )
        if given.same_subjects and same_data and staged is None:
            # Nothing a subject depends on changed: if the site-wide files render to
            # what the output holds, the output is already this build's result.
            files = list(rendered)
            if self._up_to_date(files, kept_pages):
                out.up_to_date = True
                return out, None
            rendered = iter(files)
        if staged is None:
            staged = open_staged()
        self._keep(staged, same_pages, kept_pages)
        self._write_rendered(staged, rendered, renderer)
        out.extra = {key: tuple(paths) for key, paths in renderer.extra.items()}
        self._data_json(staged, same_data)
        return out, staged

    def _page_sums(self) -> set[str]:
        """Page by page inside a changed subject of several pages: the digests of
        what each shows (recorded), and the pages showing the same as last time
        (kept; with the built-in subject template only)."""
        given, sums = self.given, self.out.page_sums
        then = self.manifest.page_digests if self.manifest is not None else {}
        same: set[str] = set()
        if not self.builtin:
            return same
        for subject in given.site.subjects:
            if subject.key in given.clean:
                sums.update((p, then[p]) for p in given.clean[subject.key].paths if p in then)
            elif subject.key in given.built:
                sums.update(given.built[subject.key].page_sums)
            else:
                for path, digest in page_digests(self.ctx.site_key, subject).items():
                    sums[path] = digest
                    if then.get(path) == digest and self.intact(path):
                        same.add(path)
        return same

    def _kept_site_pages(
        self, site: Site, renderer: SiteRenderer
    ) -> dict[str, tuple[Any, tuple[str, ...]]]:
        """The keyed site-wide pages whose key is unchanged and whose files the
        output holds: not rendered again. Records every keyed page's key."""
        kept = {}
        if not self.builtin:
            return kept
        old_sums = self.manifest.sums if self.manifest is not None else {}
        for page in renderer.site_pages:
            if page.key is None:
                continue
            key = self.page_keys[page.name] = stable_hash(self.ctx.site_key, page.key(site))
            then = self.manifest.keys.get(page.name) if self.manifest is not None else None
            if (
                then is not None
                and then[0] == key
                and all(p in old_sums and self.intact(p) for p in then[1])
            ):
                kept[page.name] = self.out.keys[page.name] = then
        return kept

    def _render_keyed(self, renderer: SiteRenderer, kept: dict[str, Any]) -> Iterator[OutputFile]:
        """The keyed site-wide pages not kept, rendered, with the files each wrote."""
        for page in renderer.site_pages:
            if page.name in self.page_keys and page.name not in kept:
                files = list(page.render(renderer))
                self.out.keys[page.name] = (self.page_keys[page.name], tuple(f.path for f in files))
                yield from files

    def _up_to_date(
        self, files: list[OutputFile], kept_pages: dict[str, tuple[Any, tuple[str, ...]]]
    ) -> bool:
        assert self.manifest is not None
        sums = {item.path: _sum(item.data) for item in files}
        for _, paths in kept_pages.values():
            sums.update((p, self.manifest.sums[p]) for p in paths)
        return sums == self.manifest.sums and all(self.intact(p) for p in sums)

    def _keep(
        self,
        staged: StagedOutput,
        same_pages: set[str],
        kept_pages: dict[str, tuple[Any, tuple[str, ...]]],
    ) -> None:
        """Keep what the output holds already."""
        assert self.manifest is not None or not (same_pages or kept_pages or self.given.clean)
        files_then = self.manifest.files if self.manifest is not None else {}
        progress = self.ctx.progress
        for _, paths in kept_pages.values():
            for path in paths:
                staged.keep(path, files_then[path])
                self.out.sums[path] = self.manifest.sums[path]  # type: ignore[union-attr]
        for artifact in self.given.clean.values():
            for path in artifact.paths:
                staged.keep(path, files_then[path])
            progress.advance(len(artifact.pages))
        for path in same_pages:
            staged.keep(path, files_then[path])
        progress.advance(len(same_pages))
        for result in self.given.built.values():
            for path in result.same:
                staged.keep(path, files_then[path])
            progress.advance(len(result.pages))

    def _write_rendered(
        self, staged: StagedOutput, rendered: Iterator[OutputFile], renderer: SiteRenderer
    ) -> None:
        """Write the rendered files; a site-wide file whose bytes the output holds
        already is kept."""
        subject_pages = {p.path for s in self.given.site.subjects for p in s.pages}
        old_sums = self.manifest.sums if self.manifest is not None else {}
        progress = self.ctx.progress
        for item in rendered:
            if item.path not in subject_pages and item.path not in renderer.owned:
                digest = self.out.sums[item.path] = _sum(item.data)
                if old_sums.get(item.path) == digest and self.intact(item.path):
                    staged.keep(item.path, self.manifest.files[item.path])  # type: ignore[union-attr]
                    progress.advance()
                    continue
            staged.write(item)
            progress.advance()

    def _data_json(self, staged: StagedOutput, same_data: bool) -> None:
        given, site, manifest = self.given, self.given.site, self.manifest
        old_layout = manifest.layout if manifest is not None else None
        if same_data and old_layout is not None:
            staged.keep("data.json", manifest.files["data.json"])  # type: ignore[union-attr]
            self.out.layout = old_layout
        elif old_layout is not None and self.intact("data.json"):
            # Splice: the unchanged subjects' fragments are copied from the current
            # data.json where they lie, the new ones written.
            parts = [given.fragments.piece(s.key) or old_layout[s.slug] for s in site.subjects]
            pieces, places = data_json_pieces(parts)
            staged.write_spliced("data.json", pieces, "data.json")
            self.out.layout = {s.slug: place for s, place in zip(site.subjects, places)}
        else:
            clean = given.clean
            cached = (
                self.ctx.store.get_fragments([given.digests[k] for k in clean]) if clean else {}
            )
            fragments = [
                given.fragments.piece(s.key) or cached[given.digests[s.key]] for s in site.subjects
            ]
            pieces, places = data_json_pieces(fragments)
            self.out.layout = {s.slug: place for s, place in zip(site.subjects, places)}
            staged.write_pieces("data.json", pieces)  # type: ignore[arg-type]
        # The workers' files of the parts are read: gone before the commit; the parts
        # are read back from data.json (``Fragments``).
        for name, _ in given.fragments.files.values():
            staged.drop(name)
        assert self.out.layout is not None
        given.fragments.written(
            staged.output, {s.key: self.out.layout[s.slug] for s in site.subjects}
        )


class Fragments(Mapping[str, bytes]):
    """The part of data.json of every subject not clean, by subject: bytes, or a
    file a worker wrote into the staging folder (``SubjectResult.fragment_file``),
    never all held at once; once data.json is written (``written``), read back
    from where it lies there (``record`` stores them after the commit)."""

    def __init__(self, own: dict[str, bytes], files: dict[str, tuple[str, int]]) -> None:
        self.own = own
        self.files = files
        self.output: Path | None = None
        self.places: dict[str, tuple[int, int]] = {}

    def piece(self, key: str) -> bytes | PendingFile | None:
        if key in self.files:
            return PendingFile(*self.files[key])
        return self.own.get(key)

    def written(self, output: Path, places: dict[str, tuple[int, int]]) -> None:
        """data.json, with every fragment at ``places`` (by subject), will be
        ``output/data.json``."""
        self.output, self.places = output, places

    def __getitem__(self, key: str) -> bytes:
        if key in self.own:
            return self.own[key]
        if key not in self.files or self.output is None:
            raise KeyError(key)
        offset, size = self.places[key]
        fd = os.open(self.output / "data.json", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            return os.pread(fd, size, offset)
        finally:
            os.close(fd)

    def __iter__(self) -> Iterator[str]:
        return itertools.chain(self.own, self.files)

    def __len__(self) -> int:
        return len(self.own) + len(self.files)


def new_fragments(
    site: Site, clean: dict[str, Artifact], built: dict[str, SubjectResult]
) -> Fragments:
    """The part of data.json of every subject not clean."""
    own: dict[str, bytes] = {}
    files: dict[str, tuple[str, int]] = {}
    for s in site.subjects:
        result = built.get(s.key)
        if s.key in clean:
            continue
        if result is not None and result.fragment_file is not None:
            files[s.key] = result.fragment_file
        else:
            own[s.key] = result.fragment if result is not None else subject_fragment(s).encode()  # type: ignore[arg-type]
    return Fragments(own, files)
