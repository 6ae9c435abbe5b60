"""The build, stage by stage. ``run`` is the whole of it:

1. read the content (``sources``): every file's reviews, through the cache;
2. plan (``plan``): which subjects stay as the output holds them, which are built;
3. build the changed subjects (``schedule`` -> ``worker``): analyse, summarise and,
   with the built-in templates, render each where its analysis runs;
4. model the site (``sitemodel``): subjects built now in full, the others kept;
5. write (``write`` -> ``output.StagedOutput``): render the rest, keep what is
   there, swap the new files in;
6. record (``manifest``): what this build wrote, for the next one.

Every cache key is made in ``keys``; plugins join at the stage boundaries
(``generator/plugins.py``). Under ``strict`` any content error fails the build
before anything is written.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from generator.analysis.summary import compute_verdict
from generator.analysis.types import SubjectSummary
from generator.exceptions import ContentError
from generator.files import walk_files
from generator.incremental import keys, manifest, schedule, sitemodel, sources, write
from generator.incremental.artifacts import Artifact, decode_artifact, encode_artifact
from generator.incremental.context import BuildContext, BuildReport
from generator.incremental.plan import BuildPlan, plan
from generator.output import StagedOutput, file_stat, output_lock, recover_output
from generator.render import template_dirs
from generator.site import build_site

log = logging.getLogger(__name__)


def run(ctx: BuildContext) -> BuildReport:
    """Build the site of ``ctx.config``: the stages, in order."""
    config, report, plugins = ctx.config, ctx.report, ctx.plugins
    read, report.files_parsed = sources.read_sources(
        config, ctx.store, keys.reader_keys(config, plugins), ctx.progress
    )
    _phase(ctx, "read")
    _check_content(ctx, read)
    groups = sources.subject_groups(read)
    slugs = _slugs(ctx, groups, read.metas)
    ctx.namespace = keys.analysis_namespace(ctx.settings, plugins.fingerprint("analyse"))
    ctx.state_space = keys.state_space(config, ctx.namespace, plugins.fingerprint("pages"))
    warn = keys.template_warning(report.problems)
    ctx.site_key = keys.site_key(config, ctx.namespace, plugins.fingerprint("pages"), warn)
    if not ctx.reuse:  # a caller's own analysis: nothing of another build applies
        ctx.site_key = keys.stable_hash(ctx.site_key, time.time_ns(), id(ctx))
    parts = sources.subject_parts(read, groups)
    digests = {
        key: keys.subject_digest(ctx.site_key, key, slugs[key], read.metas.get(key), parts[key])
        for key in groups
    }
    output = config.output_dir.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(output):
        recover_output(output)  # an interrupted build's swap, finished before anything is read
        return _locked(ctx, output, read, groups, slugs, digests)


def _locked(
    ctx: BuildContext,
    output: Path,
    read: sources.Sources,
    groups: dict[str, list[int]],
    slugs: dict[str, str],
    digests: dict[str, bytes],
) -> BuildReport:
    config, report, store = ctx.config, ctx.report, ctx.store
    last = (
        manifest.load(store, output)
        if ctx.reuse and (output / ".sitegen-output").is_file()
        else None
    )
    root = str(output)
    stats = {path: file_stat(f"{root}/{path}") for path in last.files} if last else {}
    artifacts = _cached_artifacts(ctx, last, slugs, digests)
    the_plan: BuildPlan = plan(last, digests, slugs, stats, artifacts.keys())
    clean = {key: artifacts[digests[key]] for key in the_plan.clean}
    dirty = list(the_plan.dirty)
    report.subjects_rebuilt = len(dirty)
    report.cache_hits += sum(a.count for a in clean.values())
    reviews, hashes = sources.load_reviews(config, store, read, groups, dirty)
    # With the built-in templates, changed subjects are rendered where they are
    # analysed (``worker``): their pages go straight to the staging folder.
    ctx.own_templates = _overrides_templates(config)
    render_there = ctx.reuse and not ctx.own_templates

    def open_staged() -> StagedOutput:
        return StagedOutput(
            output,
            in_place=bool(last),
            dirs=last.dirs if last else None,
            files=last.files if last else None,
        )

    staged: StagedOutput | None = None
    committed = False
    try:  # whatever fails from here on, a staging folder opened for this build is removed
        if render_there and dirty:
            staged = open_staged()
        jobs = schedule.Jobs(
            slugs, read.metas, dict(the_plan.kept) if render_there else {}, render_there, staged
        )
        _phase(ctx, "planned")
        built = schedule.build_subjects(ctx, reviews, hashes, jobs)
        _phase(ctx, "analysed")
        done = dict(clean)
        done.update(
            (key, Artifact(r.summary, r.count, r.pages, r.extra, r.latest, r.search_filter))
            for key, r in built.results.items()
        )
        site = sitemodel.model_site(
            ctx, groups, read.metas, done, reviews, built.summaries, built.analyses
        )
        site = ctx.plugins.site(site)
        fragments = write.new_fragments(site, clean, built.results)
        given = write.WriteInput(
            site, last, stats, digests, clean, built.results, the_plan.same_subjects, fragments
        )
        written, staged = write.write_site(ctx, given, staged, open_staged)
        if staged is None:
            report.files = len(last.files) if last else 0
            report.up_to_date = True
            return _finish(ctx, site)
        _phase(ctx, "written")
        report.files = staged.commit()
        committed = True
        _phase(ctx, "committed")
    except BaseException:
        if staged is not None and not committed:
            staged.abort()
        raise
    report.pages_written, report.pages_linked = staged.written, staged.linked
    if ctx.reuse:
        _record(ctx, output, site, slugs, groups, digests, clean, done, written, staged, fragments)
    return _finish(ctx, site)


def _check_content(ctx: BuildContext, read: sources.Sources) -> None:
    report = ctx.report
    report.problems = list(read.problems)
    if ctx.strict and report.errors:
        raise ContentError(
            report.errors, f"{len(report.errors)} problem(s) in the content (--strict):"
        )
    if not read.ids and not read.metas:
        raise ContentError(
            report.errors,
            f"no reviews found in {ctx.config.content_dir} (formats: .txt, .md, .csv, .tsv, .json, .jsonl)",
        )


def _slugs(
    ctx: BuildContext, groups: dict[str, list[int]], metas: dict[str, Any]
) -> dict[str, str]:
    """Slugs as build_site assigns them (a site without reviews is cheap to model)."""
    empty = SubjectSummary(verdict=compute_verdict([], [], ctx.config))  # (no aspect tables needed)
    model = build_site(ctx.config, [(k, (), (), empty) for k in groups], metas)
    return {s.key: s.slug for s in model.subjects}


def _cached_artifacts(
    ctx: BuildContext,
    last: manifest.Manifest | None,
    slugs: dict[str, str],
    digests: dict[str, bytes],
) -> dict[bytes, Artifact]:
    """The cached artifacts of the subjects whose digest made their files last time."""
    if last is None:
        return {}
    wanted = [d for key, d in digests.items() if last.subjects.get(slugs[key]) == d]
    found = ctx.store.get_subjects(wanted)
    decoded = {d: decode_artifact(data) for d, data in found.items()}
    return {d: a for d, a in decoded.items() if a is not None}


def _overrides_templates(config: Any) -> bool:
    """Whether the site has templates of its own (static files aside)."""
    for folder in template_dirs(config.templates_dir)[:-1]:
        for path in walk_files(folder):
            if path.relative_to(folder).parts[0] != "static":
                return True
    return False


def _record(
    ctx: BuildContext,
    output: Path,
    site: Any,
    slugs: dict[str, str],
    groups: dict[str, list[int]],
    digests: dict[str, bytes],
    clean: dict[str, Artifact],
    done: dict[str, Artifact],
    written: write.Written,
    staged: StagedOutput,
    fragments: dict[str, bytes],
) -> None:
    """Store the new subjects' artifacts and this build's manifest."""
    fresh = {
        key: a for key, a in done.items() if key not in clean
    }  # rendered where they were analysed
    for s in site.subjects:  # rendered here
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
        (digests[key], encode_artifact(a), fragments[key]) for key, a in fresh.items()
    )
    record = manifest.Manifest(
        subjects={slugs[key]: digests[key] for key in groups},
        pages={slugs[key]: (clean.get(key) or fresh[key]).paths for key in groups},
        files=staged.stats,
        dirs=staged.dirs,
        sums=written.sums,
        data=written.data_key,
        layout=written.layout,
        page_digests=written.page_sums,
        keys=written.keys,
    )
    manifest.save(ctx.store, output, record)
    if ctx.report.subjects_rebuilt:
        ctx.store.prune_subjects(space=ctx.state_space)


def _phase(ctx: BuildContext, name: str) -> None:
    """Log (at debug level: ``sitegen -v build``) the seconds since the start."""
    log.debug("%s after %.2f s", name, time.perf_counter() - ctx.started)


def _finish(ctx: BuildContext, site: Any) -> BuildReport:
    report = ctx.report
    report.reviews = site.review_count
    report.subjects = len(site.subjects)
    report.site = site
    ctx.plugins.after_build(site, ctx.config.output_dir)
    report.seconds = time.perf_counter() - ctx.started
    log.info(report.summary_line())
    return report
