"""``sitegen build``: content folder in, static site out.

The pipeline, one way: read (``readers``) -> analyse each review (``analysis``) ->
summarise each subject -> model the site (``site``) -> render (``render``) ->
write atomically (``output``). Problems in the content are collected and reported;
under ``strict`` any error fails the build before anything is written.

What makes it fast at scale (see ``docs/scaling.md``):

* the build cache (``generator/cache.py``, ``<site root>/.sitegen-cache/``) keeps
  each content file's parse result (keyed by path, mtime, size and the reading
  settings), each review's analysis (keyed by the text's hash and
  ``AnalysisSettings.cache_key()``), and each subject's summary and ``data.json``
  part (keyed by the hash of everything its pages depend on);
* only subjects whose inputs changed are read in full, analysed (the reviews the
  cache lacks, in parallel: ``generator/executors.py``), summarised and rendered;
  inside a changed subject, only the pages whose digest changed are rendered;
  the few new files of a small change are swapped into the live output after a
  journal (a killed build is rolled forward by the next one), a big change is
  staged as a new tree of hard links and new files and swapped in whole
  (``output.StagedOutput``);
* analyses keep their sentences only until the subject is summarised.
"""

from __future__ import annotations

import bisect
import concurrent.futures as cf
import contextlib
import dataclasses
import hashlib
import logging
import os
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

import generator
from generator.analysis import AnalysisSettings, summarize_subject
from generator.analysis.summary_state import STATE_MIN_REVIEWS, SummaryState, changes
from generator.analysis.types import ReviewAnalysis, SubjectSummary, Verdict
from generator.analysis.verdict import compute_verdict
from generator.cache import (
    BuildCache,
    schema_signature,
    slim_analysis,
    text_hash,
)
from generator.commands.build_subject import (
    SubjectJob,
    SubjectResult,
    build_subject,
    bulk_allocations,
    page_digests,
)
from generator.commands.build_subject import stable_hash as _hash
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.exceptions import ConfigError, ContentError, Problem
from generator.executors import chunked, get_analyzer, open_runner
from generator.files import Warn, read_bytes, walk_files
from generator.output import (
    StagedOutput,
    check_output_dir,
    data_json_from,
    data_json_layout,
    data_json_pieces,
    file_stat,
    output_lock,
    recover_output,
    subject_fragment,
)
from generator.progress import NullProgress
from generator.readers import _unique_ids, content_files
from generator.readers.base import ReadContext, reader_for
from generator.render import Renderer, template_dirs, template_files
from generator.site import CardPage, Site, Subject, build_site

log = logging.getLogger(__name__)

__all__ = ["BuildReport", "analyze_reviews", "build", "get_analyzer"]


@dataclass
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    reviews: int = 0
    subjects: int = 0
    files: int = 0  # files in the output
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    output: Path | None = None
    site: Site | None = None
    pages_written: int = 0  # files rendered and written by this build
    pages_linked: int = 0  # unchanged files kept from the previous output (in place, or hard-linked into a new tree)
    cache_hits: int = 0  # reviews whose analysis was not computed (cache or unchanged subject)
    analyzed: int = 0  # reviews analysed by this build
    subjects_rebuilt: int = 0  # subjects summarised and rendered by this build
    summaries_updated: int = 0  # of which large ones updated from their summary's state (not made afresh)
    files_parsed: int = 0  # content files read and parsed (the others came from the cache)
    executor: str = ""
    up_to_date: bool = False  # nothing to write: the output already was this build's result

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary_line(self) -> str:
        problems = (
            f", {_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
            if self.problems
            else ""
        )
        if self.up_to_date:
            done = f"{_count(self.files, 'file')} already up to date"
        else:
            done = f"{_count(self.pages_written, 'file')} written, {self.pages_linked} unchanged"
        return (
            f"Built {_count(self.subjects, 'subject')}, {_count(self.reviews, 'review')} into {self.output} in "
            f"{self.seconds:.2f} s: {done}, {_count(self.analyzed, 'review')} analysed, "
            f"{self.cache_hits} from cache{problems}."
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def analyze_reviews(reviews: Sequence[Review], settings: AnalysisSettings) -> list[ReviewAnalysis]:
    """Analyse reviews in this process, without any cache (the reference path)."""
    analyzer = get_analyzer(settings)
    return [analyzer.analyze(review.text) for review in reviews]


AnalyzeFn = Callable[[Sequence[Review], AnalysisSettings], list[ReviewAnalysis]]


def build(
    config: SiteConfig,
    *,
    strict: bool = False,
    force: bool = False,
    analyze: AnalyzeFn = analyze_reviews,
    jobs: int | None = None,
    executor: str | cf.Executor | None = None,
    cache: bool = True,
    progress: NullProgress | None = None,
) -> BuildReport:
    """Build the site described by ``config``. Raises on errors that stop the build;
    returns a report otherwise.

    ``jobs``: analysis processes (default: every core). ``executor``: ``"process"``
    (default), ``"serial"``, ``"dask://HOST:PORT"`` or any ``concurrent.futures``
    executor. ``cache=False`` keeps the cache in memory for this build only (and
    rewrites every page). A custom ``analyze`` function is called for the reviews
    of every subject and bypasses the persistent cache.
    """
    started = time.perf_counter()
    progress = progress or NullProgress()
    check_output_dir(
        config.output_dir,
        protected=[config.content_dir, config.templates_dir, config.root],
        force=force,
    )
    custom = analyze is not analyze_reviews
    store = BuildCache.for_site(config.root) if cache else BuildCache(None)
    try:
        with bulk_allocations():
            return _Build(config, store, strict, analyze if custom else None, jobs, executor, progress, started).run()
    finally:
        store.close()
        progress.close()


# --------------------------------------------------------------------------- fingerprints


_CODE_FINGERPRINT: bytes | None = None


def code_fingerprint() -> bytes:
    """Hash of sitegen's own source: any code change re-renders every page (the
    analyses stay cached under their own key)."""
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        package = Path(generator.__file__).parent
        h = hashlib.blake2b(generator.__version__.encode(), digest_size=16)
        for path in sorted(package.rglob("*.py")):
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
        _CODE_FINGERPRINT = h.digest()
    return _CODE_FINGERPRINT


_ANALYSIS_FINGERPRINT: str | None = None


def analysis_fingerprint() -> str:
    """Hash of the analysis code, added to the analysis cache's namespace: a belt to
    ``AnalysisSettings.cache_key()``'s braces, so an analyzer edited without a
    version bump never serves stale analyses."""
    global _ANALYSIS_FINGERPRINT
    if _ANALYSIS_FINGERPRINT is None:
        package = Path(generator.__file__).parent / "analysis"
        h = hashlib.blake2b(digest_size=8)
        for path in sorted(package.rglob("*.py")):
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
        _ANALYSIS_FINGERPRINT = h.hexdigest()
    return _ANALYSIS_FINGERPRINT


def _overrides_templates(config: SiteConfig) -> bool:
    """Whether the site has templates of its own (static files aside)."""
    for folder in template_dirs(config.templates_dir)[:-1]:
        for path in walk_files(folder):
            if path.relative_to(folder).parts[0] != "static":
                return True
    return False


def templates_fingerprint(config: SiteConfig, warn: Warn | None = None) -> bytes:
    """Hash of every template and static file the build may read (``warn``: told of
    the site's own files left out, ``render.template_files``)."""
    h = hashlib.blake2b(digest_size=16)
    for rel, path in template_files(config.templates_dir, warn):
        h.update(rel.encode("utf-8", "surrogatepass"))
        h.update(read_bytes(path))
    return h.digest()


def template_warning(problems: list[Problem]) -> Warn:
    """A ``Warn`` adding a warning to ``problems`` for each template file left out."""

    def warn(path: Path, message: str, hint: str) -> None:
        problems.append(Problem(path, None, message, hint, "warning"))

    return warn


_REVIEW_EXTRA = tuple(f.name for f in dataclasses.fields(Review) if f.name not in ("id", "text"))


def _record_hash(review: Review) -> bytes:
    """Hash of a review's fields other than its id and text."""
    return _hash(tuple(getattr(review, name) for name in _REVIEW_EXTRA))[:8]


# --------------------------------------------------------------------------- reading


# One review, lightly: what every build needs to know about every review.
# (id as read, subject, text hash, hash of the other fields, source, line)
Record = tuple[str, str, bytes, bytes, Path, int]


@dataclass
class _File:
    """One content file's light index, column by column (cheap to unpickle: equal
    subjects and sources are one object each, hashes are one bytes string)."""

    path: Path
    stamp: str
    metas: list[SubjectMeta]
    problems: list[Problem]
    ids: list[str]  # as read
    subjects: list[str]
    digests: bytes  # 16 bytes of text hash per review
    others: bytes  # 8 bytes of hash of the other fields per review
    sources: list[Path]
    lines: list[int]
    parts: dict[str, bytes]  # subject -> hash of its records in this file (ids as read)
    reviews: list[Review] | None = None  # loaded only when needed

    def light(self) -> tuple[Any, ...]:
        return (self.metas, self.problems, self.ids, self.subjects, self.digests, self.others,
                self.sources, self.lines, self.parts)

    def record(self, row: int) -> Record:
        return (self.ids[row], self.subjects[row], self.digests[16 * row : 16 * row + 16],
                self.others[8 * row : 8 * row + 8], self.sources[row], self.lines[row])


def _file_from_reviews(path: Path, stamp: str, metas: list[SubjectMeta], problems: list[Problem], reviews: list[Review]) -> _File:
    interned: dict[str, str] = {}
    subjects = [interned.setdefault(r.subject, r.subject) for r in reviews]
    digests = b"".join(text_hash(r.text) for r in reviews)
    others = b"".join(_record_hash(r) for r in reviews)
    entry = _File(path, stamp, metas, problems, [r.id for r in reviews], subjects, digests, others,
                  [r.source for r in reviews], [r.line for r in reviews], {}, reviews)
    entry.parts = _parts(entry)
    return entry


def _parts(entry: _File) -> dict[str, bytes]:
    hashes: dict[str, Any] = {}
    digests, others = entry.digests, entry.others
    for row, (rid, subject) in enumerate(zip(entry.ids, entry.subjects)):
        h = hashes.get(subject)
        if h is None:
            h = hashes[subject] = hashlib.blake2b(digest_size=16)
        h.update(rid.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(digests[16 * row : 16 * row + 16])
        h.update(others[8 * row : 8 * row + 8])
    return {subject: h.digest() for subject, h in hashes.items()}


@dataclass
class _Sources:
    files: list[_File]
    starts: list[int]  # index of each file's first review among all reviews
    subjects: list[str]  # subject of every review, input order
    ids: list[str]  # final ids (duplicates suffixed)
    metas: dict[str, SubjectMeta]
    problems: list[Problem]
    renamed: list[tuple[int, str]] = field(default_factory=list)  # (review, final id) where not as read

    def owner(self, index: int) -> tuple[int, int]:
        """(file index, row in file) of review ``index``."""
        file_index = bisect.bisect_right(self.starts, index) - 1
        while not self.files[file_index].ids:  # empty files share their start
            file_index -= 1
        return file_index, index - self.starts[file_index]

    @property
    def records(self) -> list[Record]:
        """Every review's light record, input order (built on demand)."""
        return [entry.record(row) for entry in self.files for row in range(len(entry.ids))]


def _resolved(path: Path, folder: Path, _roots: dict[Path, str] = {}) -> str:  # noqa: B006
    """``str(path.resolve())`` for a file found under ``folder`` by ``content_files``
    (which does not enter linked folders): the folder resolved once, the file
    itself only when it is a link."""
    if os.path.islink(path):
        return str(path.resolve())
    root = _roots.get(folder)
    if root is None:
        root = _roots[folder] = str(folder.resolve())
    return os.path.join(root, os.path.relpath(path, folder))


def _read_sources(config: SiteConfig, store: BuildCache, reader_key: str, report: BuildReport, progress: NullProgress) -> _Sources:
    """``read_content``, file by file through the cache (same reviews, same problems,
    same order: ``tests/test_incremental.py`` checks it against ``read_content``)."""
    folder = config.content_dir
    if not folder.is_dir():
        raise ConfigError(f"content folder {folder} does not exist (use --content DIR or create it)")
    context = ReadContext(config=config, content_dir=folder)
    paths = content_files(folder, context)
    progress.stage("Reading", len(paths))
    files: list[_File] = []
    fresh: list[tuple[str, str, Any, Any]] = []
    now = time.time()
    keys = [_resolved(path, folder) for path in paths]
    cached_index = store.get_file_indexes(keys)
    for path, key in zip(paths, keys):
        st = path.stat()
        stamp = f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}:{reader_key}"
        cached = cached_index.get(key)
        if cached is not None and cached[0] == stamp:
            metas, problems, ids, subjects, digests, others, shown, lines, parts = cached[1].value
            context.problems.extend(problems)
            files.append(_File(path, stamp, metas, problems, ids, subjects, digests, others, shown, lines, parts))
        else:
            read = reader_for(path)
            assert read is not None
            before = len(context.problems)
            result = read(path, context)
            problems = context.problems[before:]
            sources: dict[Path, Path] = {}
            reviews = []
            for review in result.reviews:
                source = sources.setdefault(review.source, review.source)
                if source is not review.source:
                    review = dataclasses.replace(review, source=source)
                reviews.append(review)
            entry = _file_from_reviews(path, stamp, list(result.subjects), list(problems), reviews)
            files.append(entry)
            report.files_parsed += 1
            # A file changed in the last two seconds may change again within the
            # same mtime tick: do not trust its stamp later.
            if now - st.st_mtime_ns / 1e9 > 2.0:
                fresh.append((key, stamp, entry.light(), reviews))
                if len(fresh) >= 32:  # stored as we go: never the whole corpus pickled at once
                    store.put_files(fresh)
                    fresh = []
        progress.advance()
    store.put_files(fresh)
    del cached_index

    starts: list[int] = []
    all_ids: list[str] = []
    all_subjects: list[str] = []
    metas: dict[str, SubjectMeta] = {}
    for entry in files:
        starts.append(len(all_ids))
        all_ids.extend(entry.ids)
        all_subjects.extend(entry.subjects)
        for meta in entry.metas:
            metas[meta.key] = meta
    sources_ = _Sources(files, starts, all_subjects, all_ids, metas, context.problems)
    # Duplicate ids, exactly as read_content does it, on stand-ins whose text is the
    # text's hash (equal hashes, equal texts).
    if len(set(all_ids)) != len(all_ids):  # the usual case, no duplicate, needs none of this
        stand_ins = [
            Review(id=rid, subject=subject, text=digest.hex(), source=source, line=line)
            for rid, subject, digest, _, source, line in sources_.records
        ]
        unique, duplicates = _unique_ids(stand_ins)
        context.problems.extend(duplicates)
        sources_.ids = [review.id for review in unique]
        sources_.renamed = [(i, final) for i, (rid, final) in enumerate(zip(all_ids, sources_.ids)) if rid != final]
    with_reviews = set(all_subjects)
    for key in metas:
        if key not in with_reviews:
            meta = metas[key]
            # Same words as read_content (tests/test_incremental.py compares them).
            context.warn(
                meta.source or folder, None, f"subject '{key}' has no reviews yet; its page shows none",
                f"add review files beside {Path(meta.source).name if meta.source else 'index.md'}, or remove the folder",
            )
    return sources_


# --------------------------------------------------------------------------- the build


@dataclass(frozen=True)
class _Artifact:
    """What a build keeps of a subject for the next one (table ``subjects``; its part
    of data.json is stored beside it and read only when data.json changes)."""

    summary: Any  # SubjectSummary
    count: int
    pages: tuple[str, ...]


class _StandInSummary(SubjectSummary):
    """A clean subject's cached summary: its verdict and consensus (what the home
    page shows) decoded at once, the rest (aspects, quotes, disagreements) only if
    a template asks for it. Pickles, compares and prints as a ``SubjectSummary``."""

    def __init__(self, verdict: Any, consensus: str, full: bytes) -> None:
        object.__setattr__(self, "verdict", verdict)
        object.__setattr__(self, "consensus", consensus)
        object.__setattr__(self, "_full", full)

    def _load(self) -> SubjectSummary:
        full = self.__dict__.get("_summary")
        if full is None:
            full = pickle.loads(self._full)
            object.__setattr__(self, "_summary", full)
        return full

    aspects = property(lambda self: self._load().aspects)  # type: ignore[assignment]
    pros = property(lambda self: self._load().pros)  # type: ignore[assignment]
    cons = property(lambda self: self._load().cons)  # type: ignore[assignment]
    disagreements = property(lambda self: self._load().disagreements)  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (pickle.loads, (self._full,))

    def __eq__(self, other: object) -> bool:
        return self._load() == (other._load() if isinstance(other, _StandInSummary) else other)

    __hash__ = SubjectSummary.__hash__


_VERDICT_FIELDS = tuple(f.name for f in dataclasses.fields(Verdict))


def _encode_artifact(artifact: _Artifact) -> tuple[Any, ...]:
    summary = artifact.summary
    verdict = tuple(getattr(summary.verdict, name) for name in _VERDICT_FIELDS)
    return ("a1", verdict, summary.consensus, artifact.count, artifact.pages, pickle.dumps(summary, pickle.HIGHEST_PROTOCOL))


def _decode_artifact(data: Any) -> _Artifact | None:
    if not (isinstance(data, tuple) and len(data) == 6 and data[0] == "a1"):
        return None
    _, verdict, consensus, count, pages, full = data
    return _Artifact(_StandInSummary(Verdict(*verdict), consensus, full), count, pages)


class _Renderer(Renderer):
    """Renders every page but the subject pages of unchanged subjects."""

    def __init__(self, site: Site, skip: set[str], bytecode: Path | None = None, skip_pages: set[str] | None = None) -> None:
        super().__init__(site)
        self._skip = skip
        self._skip_pages = skip_pages or set()
        if bytecode is not None:  # compiled templates kept across builds (keyed by source)
            with contextlib.suppress(OSError):
                bytecode.mkdir(parents=True, exist_ok=True)
                self.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(bytecode))

    def subject_pages(self, subject: Subject):  # type: ignore[override]
        if subject.slug in self._skip:
            return iter(())
        if self._skip_pages and any(p.path in self._skip_pages for p in subject.pages):
            return super().subject_pages(subject, [p for p in subject.pages if p.path not in self._skip_pages])
        return super().subject_pages(subject)


@dataclass
class _JobContext:
    """What ``_analyse`` needs to hand subjects to ``build_subject``."""

    slugs: dict[str, str]
    metas: dict[str, SubjectMeta]
    site_key: bytes
    kept: dict[str, dict[str, bytes]]  # subject -> pages still intact -> their digest
    render: bool  # render pages with the analysis (into ``staged``)
    staged: StagedOutput | None


# A subject with more texts to analyse than half a worker's share of all of them
# (and more than BIG_SUBJECT) has them analysed in chunks over every worker first,
# so that one huge subject does not leave the other workers idle.
BIG_SUBJECT = 1000


class _Build:
    def __init__(
        self,
        config: SiteConfig,
        store: BuildCache,
        strict: bool,
        analyze: AnalyzeFn | None,
        jobs: int | None,
        executor: str | cf.Executor | None,
        progress: NullProgress,
        started: float,
    ) -> None:
        self.config = config
        self.store = store
        self.strict = strict
        self.analyze = analyze
        self.jobs = jobs
        self.executor = executor
        self._staged: StagedOutput | None = None
        self._committed = False
        self.own_templates = False  # the site overrides the theme's templates (set in _locked)
        self.progress = progress
        self.started = started
        self.report = BuildReport(output=config.output_dir)
        self.settings = AnalysisSettings.from_thresholds(config.thresholds)
        self.hashes: dict[str, list[bytes]] = {}  # subject -> its reviews' text hashes (_load_reviews)
        self.state_space = b""  # (set in run)

    def run(self) -> BuildReport:
        config, report = self.config, self.report
        code = code_fingerprint()
        reader_key = _hash(code, repr(config), os.getcwd()).hex()
        sources = _read_sources(config, self.store, reader_key, report, self.progress)
        self._phase("read")
        report.problems = list(sources.problems)
        if self.strict and report.errors:
            raise ContentError(report.errors, f"{len(report.errors)} problem(s) in the content (--strict):")
        if not sources.ids and not sources.metas:
            raise ContentError(
                report.errors,
                f"no reviews found in {config.content_dir} (formats: .txt, .md, .csv, .tsv, .json, .jsonl)",
            )
        # Subjects in first-seen order, then those with metadata only.
        groups: dict[str, list[int]] = {}
        for index, subject in enumerate(sources.subjects):
            groups.setdefault(subject, []).append(index)
        for key in sources.metas:
            groups.setdefault(key, [])
        # Slugs as build_site assigns them (a site without reviews is cheap to model).
        empty = SubjectSummary(verdict=compute_verdict([], [], config))  # (no aspect tables needed)
        slugs = {s.key: s.slug for s in build_site(config, [(k, (), (), empty) for k in groups], sources.metas).subjects}

        self.namespace = f"{self.settings.cache_key()}|{schema_signature()}|code:{analysis_fingerprint()}"
        # Summary states (large subjects) are made by this code from these settings.
        self.state_space = _hash(code, repr(config), self.namespace)
        reuse = self.analyze is None
        site_key = _hash(
            code, templates_fingerprint(config, template_warning(report.problems)), repr(config), self.namespace, reuse or os.urandom(16)
        )
        # Per subject: its parts in each file, in file order, and the ids that
        # differ from the ones read (duplicates renamed).
        parts: dict[str, list[Any]] = {key: [] for key in groups}
        for entry in sources.files:
            for key, part in entry.parts.items():
                parts[key].append((str(entry.path), part))
        for i, final in sources.renamed:
            parts[sources.subjects[i]].append((i, final))
        digests = {
            key: _hash(site_key, key, slugs[key], sources.metas.get(key), parts[key]) for key in groups
        }
        output = config.output_dir.resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(output):
            return self._locked(output, sources, groups, slugs, digests, reuse, site_key)

    def _locked(
        self,
        output: Path,
        sources: _Sources,
        groups: dict[str, list[int]],
        slugs: dict[str, str],
        digests: dict[str, bytes],
        reuse: bool,
        site_key: bytes,
    ) -> BuildReport:
        config, report, store = self.config, self.report, self.store
        recover_output(output)  # an interrupted build's swap, finished before anything is read
        # Which subjects can keep their pages: same digest as in the last build of
        # this output, every page still there untouched, and their summary cached.
        manifest = store.get_manifest(output) if reuse and (output / ".sitegen-output").is_file() else None
        files_then: dict[str, Any] = manifest["files"] if manifest else {}
        clean: dict[str, _Artifact] = {}
        root = str(output)
        if manifest:
            candidates = {}
            for key, digest in digests.items():
                slug = slugs[key]
                if manifest["subjects"].get(slug) != digest:
                    continue
                pages = manifest["pages"].get(slug, ())
                if pages and all(file_stat(os.path.join(root, p)) == files_then.get(p) for p in pages):
                    candidates[key] = digest
            found = store.get_subjects(list(candidates.values()))
            for key, digest in candidates.items():
                artifact = _decode_artifact(found.get(digest))
                if artifact is not None:
                    clean[key] = artifact

        dirty = [key for key in groups if key not in clean]
        report.subjects_rebuilt = len(dirty)
        report.cache_hits += sum(a.count for a in clean.values())
        reviews = self._load_reviews(sources, groups, dirty)
        # With the built-in templates, changed subjects are rendered where they are
        # analysed (``build_subject``): their pages go straight to the staging folder.
        self.own_templates = _overrides_templates(config)  # (walks the templates folder: once)
        render_there = reuse and self.analyze is None and not self.own_templates
        digests_then: dict[str, bytes] = manifest.get("page_digests", {}) if manifest else {}
        staged: StagedOutput | None = None

        def open_staged() -> StagedOutput:
            return StagedOutput(
                output, in_place=bool(manifest), dirs=manifest.get("dirs") if manifest else None, files=files_then if manifest else None
            )

        # Whatever fails from here on, a staging folder opened for this build is
        # removed (unless its swap was committed: see StagedOutput.abort).
        try:
            kept: dict[str, dict[str, bytes]] = {}
            if render_there and dirty:
                staged = self._staged = open_staged()
                # Pages the output still holds untouched, with the digest of what they show.
                for key in dirty:
                    kept[key] = {
                        path: digests_then[path]
                        for path in (manifest["pages"].get(slugs[key], ()) if manifest else ())
                        if path in digests_then and file_stat(os.path.join(root, path)) == files_then.get(path)
                    }
            jobs = _JobContext(slugs, sources.metas, site_key, kept, render_there, staged)
            self._phase("decided")
            summaries, analyses, built = self._analyse(reviews, jobs)
            self._phase("analysed")
            return self._write(
                output, manifest, sources, groups, slugs, digests, reuse, site_key, clean, dirty, reviews,
                summaries, analyses, built, staged, open_staged,
            )
        except BaseException:
            if self._staged is not None and not self._committed:
                self._staged.abort()
            raise

    def _write(
        self,
        output: Path,
        manifest: dict[str, Any] | None,
        sources: _Sources,
        groups: dict[str, list[int]],
        slugs: dict[str, str],
        digests: dict[str, bytes],
        reuse: bool,
        site_key: bytes,
        clean: dict[str, _Artifact],
        dirty: list[str],
        reviews: dict[str, list[Review]],
        summaries: dict[str, Any],
        analyses: dict[str, list[ReviewAnalysis]],
        built: dict[str, SubjectResult],
        staged: StagedOutput | None,
        open_staged: Callable[[], StagedOutput],
    ) -> BuildReport:
        """Model the site, render what is left to render, write the output (into
        ``staged`` when the analysis opened it) and record the manifest."""
        config, report, store = self.config, self.report, self.store
        files_then: dict[str, Any] = manifest["files"] if manifest else {}
        root = str(output)
        # Subjects whose pages are written already (unchanged, or rendered with
        # their analysis): stand-ins in the model.
        done: dict[str, _Artifact] = dict(clean)
        for key, result in built.items():
            done[key] = _Artifact(result.summary, result.count, result.pages)

        # The site model: full subjects for the ones to render, stand-ins for the
        # others (their summary, right count and page paths, blank reviews).
        model = []
        for key in groups:
            if key in done:
                # Only the verdict matters to the model of a stand-in (its order);
                # its own summary goes in below, without decoding the rest of it.
                model.append((key, (), (), SubjectSummary(verdict=done[key].summary.verdict)))
            else:
                model.append((key, reviews.pop(key), analyses.pop(key), summaries[key]))
        site = build_site(config, model, sources.metas)
        del model
        stand_in = Review(id="", subject="", text="", source=Path(), line=0)
        blank = ReviewAnalysis(polarity=0.0, subjectivity=0.0, label="neutral")
        subjects = []
        for subject in site.subjects:
            artifact = done.get(subject.key)
            if artifact is not None:
                subject = dataclasses.replace(
                    subject,
                    reviews=(stand_in,) * artifact.count,
                    analyses=(blank,) * artifact.count,
                    pages=tuple(CardPage(n, path, ()) for n, path in enumerate(artifact.pages, start=1)),
                    summary=artifact.summary,
                )
            subjects.append(subject)
        site = dataclasses.replace(site, subjects=tuple(subjects))
        del subjects

        fresh = {
            s.key: _Artifact(s.summary, s.review_count, tuple(p.path for p in s.pages))
            for s in site.subjects
            if s.key not in clean
        }
        new_fragments = {
            s.key: built[s.key].fragment if s.key in built else subject_fragment(s).encode("utf-8")
            for s in site.subjects
            if s.key not in clean
        }
        data_key = _hash(site_key, [digests[s.key] for s in site.subjects])
        same_data = bool(manifest) and manifest.get("data") == data_key and file_stat(output / "data.json") == files_then.get("data.json")

        # Page by page inside a changed subject of several pages: the pages showing
        # the same as last time are kept (with the built-in subject template only).
        digests_then: dict[str, bytes] = manifest.get("page_digests", {}) if manifest else {}
        page_sums: dict[str, bytes] = {}
        same_pages: set[str] = set()
        if reuse and not self.own_templates:
            for subject in site.subjects:
                if subject.key in clean:
                    for path in clean[subject.key].pages:
                        if path in digests_then:
                            page_sums[path] = digests_then[path]
                    continue
                if subject.key in built:
                    page_sums.update(built[subject.key].page_sums)
                    continue
                for path, digest in page_digests(site_key, subject).items():
                    page_sums[path] = digest
                    if digests_then.get(path) == digest and file_stat(os.path.join(root, path)) == files_then.get(path):
                        same_pages.add(path)

        bytecode = store.path.parent / "templates" if store.path is not None else None
        renderer = _Renderer(site, {slugs[key] for key in done}, bytecode, same_pages)
        subject_pages = {p.path for s in site.subjects for p in s.pages}
        same_subjects = bool(manifest) and not dirty and set(manifest["subjects"]) == {slugs[k] for k in groups}
        total_pages = sum(len(s.pages) for s in site.subjects)
        self.progress.stage("Writing pages", total_pages + 4)
        # The home page (a chart per subject: ≈ 0.15 s for 1,000) shows, of each
        # subject, only what this digest holds (built-in templates only).
        home_key = None
        if reuse and not self.own_templates:
            home_key = _hash(site_key, [
                (s.slug, s.title, s.meta, s.review_count, s.summary.verdict, s.summary.consensus) for s in site.subjects
            ])
        old_sums = manifest.get("sums", {}) if manifest else {}
        same_home = (
            home_key is not None and bool(manifest) and manifest.get("home") == home_key
            and "index.html" in old_sums and file_stat(os.path.join(root, "index.html")) == files_then.get("index.html")
        )
        rendered = renderer.render_all(home=not same_home)
        if same_subjects and same_data and staged is None:
            # Nothing a subject depends on changed: if the site-wide files render to
            # what the output holds, the output is already this build's result.
            pages = list(rendered)
            sums = {item.path: hashlib.blake2b(item.data, digest_size=16).digest() for item in pages}
            if same_home:
                sums["index.html"] = old_sums["index.html"]
            if sums == manifest.get("sums") and all(file_stat(output / p) == files_then.get(p) for p in sums):
                report.files = len(files_then)
                report.up_to_date = True
                return self._finish(site, output)
            rendered = iter(pages)
        if staged is None:
            staged = self._staged = open_staged()
        sums = {}
        layout: dict[str, tuple[int, int]] = {}
        if same_home:
            staged.keep("index.html", files_then["index.html"])
            sums["index.html"] = old_sums["index.html"]
        for key, artifact in clean.items():
            for path in artifact.pages:
                staged.keep(path, files_then[path])
            self.progress.advance(len(artifact.pages))
        for path in same_pages:
            staged.keep(path, files_then[path])
        self.progress.advance(len(same_pages))
        for key, result in built.items():
            for path in result.same:
                staged.keep(path, files_then[path])
            self.progress.advance(len(result.pages))
        for item in rendered:
            if item.path not in subject_pages:
                digest = sums[item.path] = hashlib.blake2b(item.data, digest_size=16).digest()
                stat = files_then.get(item.path)
                if old_sums.get(item.path) == digest and stat is not None and file_stat(output / item.path) == stat:
                    staged.keep(item.path, stat)  # the output already holds these bytes
                    self.progress.advance()
                    continue
            staged.write(item)
            self.progress.advance()
        old_layout = manifest.get("layout") if manifest else None
        if same_data and old_layout is not None:
            staged.keep("data.json", files_then["data.json"])
            layout = old_layout
        elif old_layout is not None and file_stat(output / "data.json") == files_then.get("data.json"):
            # Splice: the unchanged subjects' fragments are copied from the current
            # data.json where they lie, the new ones written.
            parts = [new_fragments.get(s.key) or old_layout[s.slug] for s in site.subjects]
            pieces, places = data_json_pieces(parts)
            staged.write_spliced("data.json", pieces, "data.json")
            layout = {s.slug: place for s, place in zip(site.subjects, places)}
        else:
            cached = store.get_fragments([digests[k] for k in clean]) if clean else {}
            fragments = [new_fragments.get(s.key) or cached[digests[s.key]] for s in site.subjects]
            layout = {s.slug: place for s, place in zip(site.subjects, data_json_layout(fragments))}
            staged.write(data_json_from(fragments))
            del fragments, cached
        self._phase("written")
        report.files = staged.commit()
        self._phase("committed")
        self._committed = True
        report.pages_written = staged.written
        report.pages_linked = staged.linked
        if reuse:
            store.put_subjects((digests[key], _encode_artifact(artifact), new_fragments[key]) for key, artifact in fresh.items())
            store.put_manifest(
                output,
                {
                    "subjects": {slugs[key]: digests[key] for key in groups},
                    "pages": {slugs[key]: (clean.get(key) or fresh[key]).pages for key in groups},
                    "files": staged.stats,
                    "dirs": staged.dirs,
                    "sums": sums,
                    "data": data_key,
                    "layout": layout,
                    "page_digests": page_sums,
                    "home": home_key,
                },
            )
            if report.subjects_rebuilt:
                store.prune_subjects(space=self.state_space)
        return self._finish(site, output)

    def _phase(self, name: str) -> None:
        """Log (at debug level: ``sitegen -v build``) the seconds since the start."""
        log.debug("%s after %.2f s", name, time.perf_counter() - self.started)

    def _finish(self, site: Site, output: Path) -> BuildReport:
        report = self.report
        report.reviews = site.review_count
        report.subjects = len(site.subjects)
        report.site = site
        report.seconds = time.perf_counter() - self.started
        log.info(report.summary_line())
        return report

    def _load_reviews(self, sources: _Sources, groups: dict[str, list[int]], keys: list[str]) -> dict[str, list[Review]]:
        """The full reviews of ``keys``' subjects, with their final ids (and in
        ``self.hashes``, their texts' hashes)."""
        owners = {i: sources.owner(i) for key in keys for i in groups[key]}
        needed = {owner[0] for owner in owners.values()}
        reread = set()  # files read again: their index's text hashes may not match
        for index in sorted(needed):
            entry = sources.files[index]
            if entry.reviews is None:
                entry.reviews = self.store.get_file_reviews(str(entry.path.resolve()), entry.stamp)
                if entry.reviews is None:  # the cache lost it meanwhile: read again
                    reread.add(index)
                    context = ReadContext(config=self.config, content_dir=self.config.content_dir)
                    read = reader_for(entry.path)
                    assert read is not None
                    entry.reviews = read(entry.path, context).reviews
        out: dict[str, list[Review]] = {}
        for key in keys:
            reviews = []
            hashes = []
            for i in groups[key]:
                file_index, row = owners[i]
                entry = sources.files[file_index]
                review = entry.reviews[row]  # type: ignore[index]
                if review.id != sources.ids[i]:
                    review = dataclasses.replace(review, id=sources.ids[i])
                reviews.append(review)
                hashes.append(text_hash(review.text) if file_index in reread else entry.digests[16 * row : 16 * row + 16])
            out[key] = reviews
            self.hashes[key] = hashes
        for entry in sources.files:  # keep memory for what comes next
            entry.reviews = None
        return out

    def _state_key(self, key: str) -> bytes:
        return _hash(self.state_space, key)

    def _summary_states(
        self, ns: int, reviews: dict[str, list[Review]], keyed: dict[str, list[bytes]]
    ) -> tuple[dict[str, SummaryState], dict[str, list[int]], dict[str, dict[Any, bytes]]]:
        """For the large subjects whose summary the cache keeps a state of and few of
        whose reviews changed: the state, the indexes of their reviews new to it,
        and the analyses of its entries gone (by entry)."""
        states: dict[str, SummaryState] = {}
        plans: dict[str, list[int]] = {}
        removed: dict[str, dict[Any, bytes]] = {}
        large = [key for key, rs in reviews.items() if len(rs) >= STATE_MIN_REVIEWS]
        if not large or not self.store.persistent:
            return states, plans, removed
        keys = {key: self._state_key(key) for key in large}
        found = self.store.get_states(list(keys.values()))
        for key in large:
            blob = found.get(keys[key])
            if blob is None:
                continue
            try:
                state = pickle.loads(blob)
            except Exception as exc:  # noqa: BLE001 - a state from another version: made afresh
                log.debug("summary state of %r unreadable (%s): made afresh", key, exc)
                continue
            if not isinstance(state, SummaryState):
                continue
            change = changes(state, reviews[key], keyed[key])
            if change is None:
                continue
            gone, added = change
            blobs = self.store.get_analyses(ns, [entry[2] for entry in gone]) if gone else {}
            if len(blobs) != len({entry[2] for entry in gone}):
                continue  # (an analysis left the cache)
            states[key], plans[key] = state, added
            removed[key] = {entry: blobs[entry[2]] for entry in gone}
        return states, plans, removed

    def _analyse(
        self, reviews: dict[str, list[Review]], jobs: _JobContext
    ) -> tuple[dict[str, Any], dict[str, list[ReviewAnalysis]], dict[str, SubjectResult]]:
        """The subjects in ``reviews`` analysed and summarised: summaries and slim
        analyses of those left to render here, results of those rendered with
        their analysis (``jobs.render``: their pages are in ``jobs.staged``)."""
        config, report = self.config, self.report
        summaries: dict[str, Any] = {}
        slim: dict[str, list[ReviewAnalysis]] = {}
        if self.analyze is not None:  # a caller's own analysis function: no cache
            flat = [r for rs in reviews.values() for r in rs]
            results = iter(self.analyze(flat, self.settings))
            report.analyzed = len(flat)
            for key, rs in reviews.items():
                full = [next(results) for _ in rs]
                summaries[key] = summarize_subject(rs, full, config)
                slim[key] = [slim_analysis(a) for a in full]
            report.executor = "custom analyze function"
            return summaries, slim, {}

        ns = self.store.namespace(self.namespace)
        keyed = {key: self.hashes.get(key) or [text_hash(r.text) for r in rs] for key, rs in reviews.items()}
        # Large subjects: update the summary from the state the cache keeps of the
        # last one, when few of their reviews changed (``summary_state``).
        states, plans, removed = self._summary_states(ns, reviews, keyed)
        # The analyses each subject needs: every review's, or the added ones'.
        needs = {
            key: set(digests) if key not in plans else {digests[i] for i in plans[key]}
            for key, digests in keyed.items()
        }
        users: dict[bytes, int] = {}  # subjects still needing each analysis
        for need in needs.values():
            for digest in need:
                users[digest] = users.get(digest, 0) + 1
        blobs = self.store.get_analyses(ns, list(users))
        to_do = {key: {h for h in need if h not in blobs} for key, need in needs.items()}
        total_missing = len({h for need in to_do.values() for h in need})
        total = sum(len(rs) for rs in reviews.values())
        built: dict[str, SubjectResult] = {}
        bytecode = self.store.path.parent / "templates" if self.store.path is not None else None
        batch: list[tuple[bytes, bytes]] = []
        new_states: list[tuple[bytes, bytes]] = []

        def store(rows: list[tuple[bytes, bytes]]) -> None:
            batch.extend(rows)
            if len(batch) >= 5000:  # few, large transactions: commits cost more than rows
                self.store.put_analyses(ns, batch)
                batch.clear()

        def job(key: str) -> SubjectJob:
            known = {}
            hashes = keyed[key]
            for h in needs.pop(key):
                blob = blobs.get(h)
                if blob is not None:
                    known[h] = blob
                users[h] -= 1
                if not users[h]:  # keep only the analyses still to be used
                    blobs.pop(h, None)
            made = SubjectJob(
                key, jobs.slugs[key], jobs.metas.get(key), reviews[key], known, jobs.render, jobs.site_key,
                jobs.kept.get(key, {}), write_to, hashes, snapshot,
                keep_state=self.store.persistent and len(hashes) >= STATE_MIN_REVIEWS,
                state=states.get(key), added=plans.get(key, []), removed=removed.get(key, {}),
            )
            if key in plans:
                planned[key] = made
            return made

        planned: dict[str, SubjectJob] = {}
        retry_analysed: list[int] = []  # reviews analysed by ``again`` (missing from the cache)

        def again(result: SubjectResult) -> SubjectResult:
            """The subject built in full here: its summary's update failed."""
            key = result.key
            log.debug("the summary of %r is made afresh", key)
            self.store.put_analyses(ns, batch)  # (analyses not stored yet are found too)
            batch.clear()
            known = self.store.get_analyses(ns, list(set(keyed[key])))
            known.update(result.new)
            redo = dataclasses.replace(
                planned.pop(key), known=known, state=None, added=[], removed={},
                write_to=jobs.staged.pending if jobs.staged is not None else "",
                snapshot=str(cache_folder) if cache_folder is not None else "",
            )
            retried = build_subject(self.settings, config, redo, bytecode)
            retry_analysed.append(len(retried.new))
            retried.new = result.new + retried.new
            return retried

        # Work, in characters to analyse plus about 500 per review to summarise and
        # render: a single changed subject, or little work, runs here.
        # (A subject whose summary is updated: its added texts, and little per review.)
        work = sum(
            sum(len(rs[i].text) for i in plans[key]) + 50 * len(rs) if key in plans
            else (sum(len(r.text) for r in rs) if to_do[key] else 0) + 500 * len(rs)
            for key, rs in reviews.items()
        )
        self.progress.stage("Analysing", total)
        cache_folder = self.store.path.parent if self.store.path is not None else None
        with open_runner(
            self.executor, self.jobs, self.settings, work=work if len(reviews) > 1 else 0, snapshot=cache_folder
        ) as runner:
            report.executor = runner.description
            write_to = jobs.staged.pending if jobs.staged is not None and runner.local else ""
            # The analyzer's tables load from a snapshot in the cache (on this machine).
            snapshot = str(cache_folder) if cache_folder is not None and runner.local else ""
            # Subjects holding a large share of the work: their texts first, in
            # chunks over every worker.
            share = max(BIG_SUBJECT, total_missing // (2 * runner.workers)) if runner.executor is not None else total_missing + 1
            big = [key for key, need in to_do.items() if len(need) > share]
            if big:
                texts: dict[bytes, str] = {}
                for key in big:
                    for review, h in zip(reviews[key], keyed[key]):
                        if h in to_do[key]:
                            texts.setdefault(h, review.text)
                for tags, results in runner.run(self.settings, chunked(texts.items(), runner.chunk_chars)):
                    rows = list(zip(tags, results))
                    blobs.update(rows)
                    store(rows)
                del texts
            # Then every subject, the largest first (the longest jobs start early).
            order = sorted(reviews, key=lambda k: -len(reviews[k]))
            calls = ((key, (self.settings, config, job(key), bytecode)) for key in order)
            for key, result in runner.map(build_subject, calls):
                if result.retry:
                    result = again(result)
                planned.pop(key, None)
                store(result.new)
                result.new = []
                if result.state:
                    new_states.append((self._state_key(key), result.state))
                    result.state = b""
                report.summaries_updated += result.updated
                if jobs.render:
                    assert jobs.staged is not None
                    for item in result.files:
                        jobs.staged.write(item)
                    for path, name in result.written:
                        jobs.staged.adopt(path, name)
                    result.files = []
                    built[key] = result
                else:
                    summaries[key] = result.summary
                    slim[key] = result.analyses or []
                self.progress.advance(result.count)
            self.store.put_analyses(ns, batch)
            self.store.put_states(self.state_space, new_states)
        report.analyzed = total_missing + sum(retry_analysed)
        report.cache_hits += total - report.analyzed
        return summaries, slim, built
