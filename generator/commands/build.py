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
  the pages of the others are hard-linked from the previous output into the new
  one, which is swapped in atomically as before;
* analyses keep their sentences only until the subject is summarised.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

import generator
from generator.analysis import AnalysisSettings, summarize_subject
from generator.analysis.types import ReviewAnalysis
from generator.cache import (
    BuildCache,
    decode_analysis,
    schema_signature,
    slim_analysis,
    text_hash,
)
from generator.config import SiteConfig
from generator.content import Corpus, Review, SubjectMeta
from generator.exceptions import ConfigError, ContentError, Problem
from generator.executors import chunked, get_analyzer, open_runner
from generator.output import (
    StagedOutput,
    check_output_dir,
    data_json,
    data_json_from,
    file_stat,
    output_lock,
    subject_fragment,
    write_site,
)
from generator.progress import NullProgress
from generator.readers import _unique_ids, content_files, read_content
from generator.readers.base import ReadContext, reader_for
from generator.render import Renderer, template_dirs
from generator.site import CardPage, Site, Subject, build_site

log = logging.getLogger(__name__)

__all__ = ["BuildReport", "analyze_reviews", "build", "get_analyzer", "group_by_subject"]


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
    pages_linked: int = 0  # unchanged files hard-linked from the previous output
    cache_hits: int = 0  # reviews whose analysis was not computed (cache or unchanged subject)
    analyzed: int = 0  # reviews analysed by this build
    subjects_rebuilt: int = 0  # subjects summarised and rendered by this build
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
        problems = f", {len(self.errors)} errors, {len(self.warnings)} warnings" if self.problems else ""
        if self.up_to_date:
            done = f"{self.files} files already up to date"
        else:
            done = f"{self.pages_written} files written, {self.pages_linked} unchanged"
        return (
            f"Built {self.subjects} subject(s), {self.reviews} reviews into {self.output} in "
            f"{self.seconds:.2f} s: {done}, {self.analyzed} reviews analysed, {self.cache_hits} from cache{problems}."
        )


def analyze_reviews(reviews: Sequence[Review], settings: AnalysisSettings) -> list[ReviewAnalysis]:
    """Analyse reviews in this process, without any cache (the reference path)."""
    analyzer = get_analyzer(settings)
    return [analyzer.analyze(review.text) for review in reviews]


def group_by_subject(corpus: Corpus) -> dict[str, list[int]]:
    """Subject key -> indexes of its reviews, subjects in first-seen order."""
    groups: dict[str, list[int]] = {}
    for index, review in enumerate(corpus.reviews):
        groups.setdefault(review.subject, []).append(index)
    for key in corpus.subjects:
        groups.setdefault(key, [])
    return groups


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
        return _Build(config, store, strict, analyze if custom else None, jobs, executor, progress, started).run()
    finally:
        store.close()
        progress.close()


# --------------------------------------------------------------------------- fingerprints


def _hash(*parts: Any) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


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


def templates_fingerprint(config: SiteConfig) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for folder in template_dirs(config.templates_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(folder)).encode("utf-8", "surrogatepass"))
                h.update(path.read_bytes())
    return h.digest()


_REVIEW_EXTRA = tuple(f.name for f in dataclasses.fields(Review) if f.name not in ("id", "text"))


def _record_hash(review: Review) -> bytes:
    """Hash of a review's fields other than its id and text."""
    return _hash(tuple(getattr(review, name) for name in _REVIEW_EXTRA))[:8]


# --------------------------------------------------------------------------- reading


@dataclass
class _FastContext(ReadContext):
    """``ReadContext`` whose ``display`` (resolving a path, per review) is memoised."""

    shown: dict[Path, Path] = field(default_factory=dict, repr=False)

    def display(self, path: Path) -> Path:
        shown = self.shown.get(path)
        if shown is None:
            shown = self.shown[path] = super().display(path)
        return shown


# One review, lightly: what every build needs to know about every review.
# (id as read, subject, text hash, hash of the other fields, source, line)
Record = tuple[str, str, bytes, bytes, Path, int]


@dataclass
class _File:
    path: Path
    stamp: str
    metas: list[SubjectMeta]
    problems: list[Problem]
    records: list[Record]
    parts: dict[str, bytes]  # subject -> hash of its records in this file (ids as read)
    reviews: list[Review] | None = None  # loaded only when needed


def _parts(records: list[Record]) -> dict[str, bytes]:
    hashes: dict[str, Any] = {}
    for rid, subject, digest, other, _, _ in records:
        h = hashes.get(subject)
        if h is None:
            h = hashes[subject] = hashlib.blake2b(digest_size=16)
        h.update(rid.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(digest)
        h.update(other)
    return {subject: h.digest() for subject, h in hashes.items()}


@dataclass
class _Sources:
    files: list[_File]
    records: list[Record]  # all reviews, input order
    owner: list[tuple[int, int]]  # record -> (file index, row in file)
    ids: list[str]  # final ids (duplicates suffixed)
    metas: dict[str, SubjectMeta]
    problems: list[Problem]


def _read_sources(config: SiteConfig, store: BuildCache, reader_key: str, report: BuildReport, progress: NullProgress) -> _Sources:
    """``read_content``, file by file through the cache (same reviews, same problems,
    same order: ``tests/test_incremental.py`` checks it against ``read_content``)."""
    folder = config.content_dir
    if not folder.is_dir():
        raise ConfigError(f"content folder {folder} does not exist (use --content DIR or create it)")
    context = _FastContext(config=config, content_dir=folder)
    paths = content_files(folder)
    progress.stage("Reading", len(paths))
    files: list[_File] = []
    fresh: list[tuple[str, str, Any, Any]] = []
    now = time.time()
    for path in paths:
        st = path.stat()
        stamp = f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}:{reader_key}"
        key = str(path.resolve())
        cached = store.get_file_index(key, stamp)
        if cached is not None:
            metas, problems, records, parts = cached
            context.problems.extend(problems)
            files.append(_File(path, stamp, metas, problems, records, parts))
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
            records = [
                (r.id, r.subject, text_hash(r.text), _record_hash(r), r.source, r.line) for r in reviews
            ]
            entry = _File(path, stamp, list(result.subjects), list(problems), records, _parts(records), reviews)
            files.append(entry)
            report.files_parsed += 1
            # A file changed in the last two seconds may change again within the
            # same mtime tick: do not trust its stamp later.
            if now - st.st_mtime_ns / 1e9 > 2.0:
                fresh.append((key, stamp, (entry.metas, entry.problems, records, entry.parts), reviews))
                if len(fresh) >= 32:  # stored as we go: never the whole corpus pickled at once
                    store.put_files(fresh)
                    fresh = []
        progress.advance()
    store.put_files(fresh)

    all_records: list[Record] = []
    owner: list[tuple[int, int]] = []
    metas: dict[str, SubjectMeta] = {}
    for index, entry in enumerate(files):
        all_records.extend(entry.records)
        owner.extend((index, row) for row in range(len(entry.records)))
        for meta in entry.metas:
            metas[meta.key] = meta
    # Duplicate ids, exactly as read_content does it, on stand-ins whose text is the
    # text's hash (equal hashes, equal texts).
    ids = [record[0] for record in all_records]
    if len(set(ids)) != len(ids):  # the usual case, no duplicate, needs none of this
        stand_ins = [
            Review(id=rid, subject=subject, text=digest.hex(), source=source, line=line)
            for rid, subject, digest, _, source, line in all_records
        ]
        unique, duplicates = _unique_ids(stand_ins)
        context.problems.extend(duplicates)
        ids = [review.id for review in unique]
    with_reviews = {record[1] for record in all_records}
    for key in metas:
        if key not in with_reviews:
            meta = metas[key]
            # Same words as read_content (tests/test_incremental.py compares them).
            context.warn(
                meta.source or folder, None, f"subject '{key}' has no reviews yet; its page shows none",
                f"add review files beside {Path(meta.source).name if meta.source else 'index.md'}, or remove the folder",
            )
    return _Sources(files, all_records, owner, ids, metas, context.problems)


# --------------------------------------------------------------------------- the build


@dataclass(frozen=True)
class _Artifact:
    """What a build keeps of a subject for the next one (table ``subjects``; its part
    of data.json is stored beside it and read only when data.json changes)."""

    summary: Any  # SubjectSummary
    count: int
    pages: tuple[str, ...]


class _Renderer(Renderer):
    """Renders every page but the subject pages of unchanged subjects."""

    def __init__(self, site: Site, skip: set[str], bytecode: Path | None = None) -> None:
        super().__init__(site)
        self._skip = skip
        if bytecode is not None:  # compiled templates kept across builds (keyed by source)
            with contextlib.suppress(OSError):
                bytecode.mkdir(parents=True, exist_ok=True)
                self.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(bytecode))

    def subject_pages(self, subject: Subject):  # type: ignore[override]
        if subject.slug in self._skip:
            return iter(())
        return super().subject_pages(subject)


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
        self.progress = progress
        self.started = started
        self.report = BuildReport(output=config.output_dir)
        self.settings = AnalysisSettings.from_thresholds(config.thresholds)

    def run(self) -> BuildReport:
        config, report = self.config, self.report
        code = code_fingerprint()
        reader_key = _hash(code, repr(config), os.getcwd()).hex()
        sources = _read_sources(config, self.store, reader_key, report, self.progress)
        report.problems = list(sources.problems)
        if self.strict and report.errors:
            raise ContentError(report.errors, f"{len(report.errors)} problem(s) in the content (--strict):")
        if not sources.records and not sources.metas:
            raise ContentError(
                report.errors,
                f"no reviews found in {config.content_dir} (formats: .txt, .md, .csv, .tsv, .json, .jsonl)",
            )
        # Subjects in first-seen order, then those with metadata only.
        groups: dict[str, list[int]] = {}
        for index, record in enumerate(sources.records):
            groups.setdefault(record[1], []).append(index)
        for key in sources.metas:
            groups.setdefault(key, [])
        # Slugs as build_site assigns them (a site without reviews is cheap to model).
        empty = summarize_subject([], [], config)
        slugs = {s.key: s.slug for s in build_site(config, [(k, (), (), empty) for k in groups], sources.metas).subjects}

        self.namespace = f"{self.settings.cache_key()}|{schema_signature()}|code:{analysis_fingerprint()}"
        reuse = self.analyze is None
        site_key = _hash(
            code, templates_fingerprint(config), repr(config), self.namespace, reuse or os.urandom(16)
        )
        # Per subject: its parts in each file, in file order, and the ids that
        # differ from the ones read (duplicates renamed).
        parts: dict[str, list[Any]] = {key: [] for key in groups}
        for entry in sources.files:
            for key, part in entry.parts.items():
                parts[key].append((str(entry.path), part))
        for i, (record, final) in enumerate(zip(sources.records, sources.ids)):
            if record[0] != final:
                parts[record[1]].append((i, final))
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
        # Which subjects can keep their pages: same digest as in the last build of
        # this output, every page still there untouched, and their summary cached.
        manifest = store.get_manifest(output) if reuse and (output / ".sitegen-output").is_file() else None
        files_then: dict[str, Any] = manifest["files"] if manifest else {}
        clean: dict[str, _Artifact] = {}
        if manifest:
            candidates = {}
            for key, digest in digests.items():
                slug = slugs[key]
                if manifest["subjects"].get(slug) != digest:
                    continue
                pages = manifest["pages"].get(slug, ())
                if pages and all(file_stat(output / p) == files_then.get(p) for p in pages):
                    candidates[key] = digest
            found = store.get_subjects(list(candidates.values()))
            for key, digest in candidates.items():
                artifact = found.get(digest)
                if isinstance(artifact, _Artifact):
                    clean[key] = artifact

        dirty = [key for key in groups if key not in clean]
        report.subjects_rebuilt = len(dirty)
        reviews = self._load_reviews(sources, groups, dirty)
        summaries, analyses = self._analyse(reviews)
        report.cache_hits += sum(a.count for a in clean.values())

        # The site model: full subjects for the ones to render, stand-ins for the
        # unchanged ones (cached summary, right count and page paths, blank reviews).
        model = []
        for key in groups:
            if key in clean:
                model.append((key, (), (), clean[key].summary))
            else:
                model.append((key, reviews.pop(key), analyses.pop(key), summaries[key]))
        site = build_site(config, model, sources.metas)
        del model
        stand_in = Review(id="", subject="", text="", source=Path(), line=0)
        blank = ReviewAnalysis(polarity=0.0, subjectivity=0.0, label="neutral")
        subjects = []
        for subject in site.subjects:
            artifact = clean.get(subject.key)
            if artifact is not None:
                subject = dataclasses.replace(
                    subject,
                    reviews=(stand_in,) * artifact.count,
                    analyses=(blank,) * artifact.count,
                    pages=tuple(CardPage(n, path, ()) for n, path in enumerate(artifact.pages, start=1)),
                )
            subjects.append(subject)
        site = dataclasses.replace(site, subjects=tuple(subjects))
        del subjects

        fresh = {
            s.key: _Artifact(s.summary, s.review_count, tuple(p.path for p in s.pages))
            for s in site.subjects
            if s.key not in clean
        }
        new_fragments = {s.key: subject_fragment(s).encode("utf-8") for s in site.subjects if s.key not in clean}
        data_key = _hash(site_key, [digests[s.key] for s in site.subjects])
        same_data = bool(manifest) and manifest.get("data") == data_key and file_stat(output / "data.json") == files_then.get("data.json")

        bytecode = store.path.parent / "templates" if store.path is not None else None
        renderer = _Renderer(site, {slugs[key] for key in clean}, bytecode)
        subject_pages = {p.path for s in site.subjects for p in s.pages}
        same_subjects = bool(manifest) and not dirty and set(manifest["subjects"]) == {slugs[k] for k in groups}
        total_pages = sum(len(s.pages) for s in site.subjects)
        self.progress.stage("Writing pages", total_pages + 4)
        rendered = renderer.render_all()
        if same_subjects and same_data:
            # Nothing a subject depends on changed: if the site-wide files render to
            # what the output holds, the output is already this build's result.
            pages = list(rendered)
            sums = {item.path: hashlib.blake2b(item.data, digest_size=16).digest() for item in pages}
            if sums == manifest.get("sums") and all(file_stat(output / p) == files_then.get(p) for p in sums):
                report.files = len(files_then)
                report.up_to_date = True
                return self._finish(site, output)
            rendered = iter(pages)
        staged = StagedOutput(output)
        sums = {}
        try:
            for key, artifact in clean.items():
                for path in artifact.pages:
                    if not staged.link(path):
                        raise RuntimeError(f"{path} vanished from {output} during the build")
                    staged.record(path)
                self.progress.advance(len(artifact.pages))
            for item in rendered:
                staged.write(item, record=True)
                if item.path not in subject_pages:
                    sums[item.path] = hashlib.blake2b(item.data, digest_size=16).digest()
                self.progress.advance()
            if same_data and staged.link("data.json"):
                staged.record("data.json")
            else:
                cached = store.get_fragments([digests[k] for k in clean]) if clean else {}
                fragments = [new_fragments.get(s.key) or cached[digests[s.key]] for s in site.subjects]
                staged.write(data_json_from(fragments), record=True)
                del fragments, cached
            report.files = staged.commit()
        except BaseException:
            staged.abort()
            raise
        report.pages_written = staged.written
        report.pages_linked = staged.linked
        if reuse:
            store.put_subjects((digests[key], artifact, new_fragments[key]) for key, artifact in fresh.items())
            store.put_manifest(
                output,
                {
                    "subjects": {slugs[key]: digests[key] for key in groups},
                    "pages": {slugs[key]: (clean.get(key) or fresh[key]).pages for key in groups},
                    "files": staged.stats,
                    "sums": sums,
                    "data": data_key,
                },
            )
            if report.subjects_rebuilt:
                store.prune_subjects()
        return self._finish(site, output)

    def _finish(self, site: Site, output: Path) -> BuildReport:
        report = self.report
        report.reviews = site.review_count
        report.subjects = len(site.subjects)
        report.site = site
        report.seconds = time.perf_counter() - self.started
        log.info(report.summary_line())
        return report

    def _load_reviews(self, sources: _Sources, groups: dict[str, list[int]], keys: list[str]) -> dict[str, list[Review]]:
        """The full reviews of ``keys``' subjects, with their final ids."""
        needed = {sources.owner[i][0] for key in keys for i in groups[key]}
        for index in sorted(needed):
            entry = sources.files[index]
            if entry.reviews is None:
                entry.reviews = self.store.get_file_reviews(str(entry.path.resolve()), entry.stamp)
                if entry.reviews is None:  # the cache lost it meanwhile: read again
                    context = _FastContext(config=self.config, content_dir=self.config.content_dir)
                    read = reader_for(entry.path)
                    assert read is not None
                    entry.reviews = read(entry.path, context).reviews
        out: dict[str, list[Review]] = {}
        for key in keys:
            reviews = []
            for i in groups[key]:
                file_index, row = sources.owner[i]
                review = sources.files[file_index].reviews[row]  # type: ignore[index]
                if review.id != sources.ids[i]:
                    review = dataclasses.replace(review, id=sources.ids[i])
                reviews.append(review)
            out[key] = reviews
        for entry in sources.files:  # keep memory for what comes next
            entry.reviews = None
        return out

    def _analyse(self, reviews: dict[str, list[Review]]) -> tuple[dict[str, Any], dict[str, list[ReviewAnalysis]]]:
        """Summaries and slim analyses of the subjects in ``reviews``."""
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
            return summaries, slim

        ns = self.store.namespace(self.namespace)
        keyed = {key: [text_hash(r.text) for r in rs] for key, rs in reviews.items()}
        hashes: dict[bytes, str] = {}
        users: dict[bytes, int] = {}  # subjects still needing each analysis
        for key, rs in reviews.items():
            for review, digest in zip(rs, keyed[key]):
                hashes.setdefault(digest, review.text)
            for digest in set(keyed[key]):
                users[digest] = users.get(digest, 0) + 1
        blobs = self.store.get_analyses(ns, list(hashes))
        missing = [(h, t) for h, t in hashes.items() if h not in blobs]  # in subject order
        del hashes
        waiting: dict[str, int] = {}
        needed_by: dict[bytes, list[str]] = {}
        for key, digests in keyed.items():
            need = {h for h in digests if h not in blobs}
            waiting[key] = len(need)
            for h in need:
                needed_by.setdefault(h, []).append(key)
        ready = [key for key, n in waiting.items() if n == 0]
        total = sum(len(rs) for rs in reviews.values())

        def summarise(key: str) -> None:
            rs = reviews[key]
            full = [decode_analysis(blobs[h], r.text) for r, h in zip(rs, keyed[key])]
            summaries[key] = summarize_subject(rs, full, config)
            slim[key] = [slim_analysis(a) for a in full]
            for h in set(keyed.pop(key)):  # keep only the analyses still to be used
                users[h] -= 1
                if not users[h]:
                    del blobs[h]

        # Subjects are summarised as soon as their last review comes back, while
        # the workers go on with the next chunks.
        work = sum(len(t) for _, t in missing)
        self.progress.stage("Analysing", len(missing))
        with open_runner(self.executor, self.jobs, self.settings, work=work) as runner:
            report.executor = runner.description
            batch: list[tuple[bytes, bytes]] = []
            for tags, results in runner.run(self.settings, chunked(missing, runner.chunk_chars)):
                rows = list(zip(tags, results))
                batch.extend(rows)
                blobs.update(rows)
                if len(batch) >= 5000:  # few, large transactions: commits cost more than rows
                    self.store.put_analyses(ns, batch)
                    batch = []
                for h in tags:
                    for key in needed_by.pop(h, ()):
                        waiting[key] -= 1
                        if not waiting[key]:
                            ready.append(key)
                while ready:
                    summarise(ready.pop())
                self.progress.advance(len(rows))
            self.store.put_analyses(ns, batch)
        while ready:
            summarise(ready.pop())
        report.analyzed = len(missing)
        report.cache_hits += total - len(missing)
        return {key: summaries[key] for key in reviews}, {key: slim[key] for key in reviews}


def build_uncached(config: SiteConfig, *, strict: bool = False, force: bool = False) -> BuildReport:
    """The straightforward pipeline (no cache, no parallelism, everything in memory),
    kept as the reference the fast path is tested against."""
    started = time.perf_counter()
    check_output_dir(
        config.output_dir,
        protected=[config.content_dir, config.templates_dir, config.root],
        force=force,
    )
    corpus = read_content(config)
    report = BuildReport(problems=list(corpus.problems), output=config.output_dir)
    if strict and report.errors:
        raise ContentError(report.errors, f"{len(report.errors)} problem(s) in the content (--strict):")
    settings = AnalysisSettings.from_thresholds(config.thresholds)
    analyses = analyze_reviews(corpus.reviews, settings)
    subjects = []
    for key, indexes in group_by_subject(corpus).items():
        reviews = [corpus.reviews[i] for i in indexes]
        full = [analyses[i] for i in indexes]
        summary = summarize_subject(reviews, full, config)
        subjects.append((key, reviews, [slim_analysis(a) for a in full], summary))
    site = build_site(config, subjects, corpus.subjects)
    files = [*Renderer(site).render_all(), data_json(site)]
    report.files = write_site(files, config.output_dir)
    report.pages_written = report.files
    report.analyzed = len(corpus.reviews)
    report.reviews = site.review_count
    report.subjects = len(site.subjects)
    report.site = site
    report.seconds = time.perf_counter() - started
    return report

