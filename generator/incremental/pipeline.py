"""The build, stage by stage. ``run`` is the whole of it:

1. read the content (``sources``): every file's reviews, through the cache;
2. plan (``record.previous`` -> ``plan``): which subjects stay as the output
   holds them, which are built;
3. build the changed subjects (``schedule`` -> ``worker``): analyse, summarise and,
   with the built-in templates, render each where its analysis runs;
4. model the site (``sitemodel``): subjects built now in full, the others kept;
5. write (``write`` -> ``output.StagedOutput``): render the rest, keep what is
   there, swap the new files in;
6. record (``record``): what this build wrote, for the next one.

Every cache key is made in ``keys``; plugins join at the stage boundaries
(``generator/plugins.py``). Under ``strict`` any content error fails the build
before anything is written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Self

from generator.executors import LocalPool
from generator.incremental import keys, record, schedule, sitemodel, sources, write
from generator.incremental.context import BuildContext, BuildReport
from generator.incremental.manifest import Manifest
from generator.incremental.plan import plan
from generator.output import StagedOutput, output_lock, recover_output

log = logging.getLogger(__name__)


def run(ctx: BuildContext) -> BuildReport:
    """Build the site of ``ctx.config``: the stages, in order. (The build's pool
    of processes is started by the first stage that needs it: ``executors.LocalPool``.)"""
    config, report = ctx.config, ctx.report
    with LocalPool(ctx.executor, ctx.jobs, ctx.settings, ctx.cache_folder) as ctx.pool:
        read = sources.read(ctx)  # 1. read the content
        groups = sources.subject_groups(read)
        slugs = sitemodel.slugs(config, groups, read.metas)
        keys.set_build_keys(ctx)
        parts = sources.subject_parts(read, groups)
        digests = keys.subject_digests(ctx.site_key, slugs, read.metas, parts)
        output = config.output_dir.resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(output):
            recover_output(output)  # an interrupted build's swap, finished before anything is read
            last = record.previous(ctx, output, slugs, digests)  # 2. plan
            the_plan = plan(last.manifest, digests, slugs, last.stats, last.artifacts.keys())
            clean = {key: last.artifacts[digests[key]] for key in the_plan.clean}
            report.subjects_rebuilt = len(the_plan.dirty)
            report.cache_hits += sum(a.count for a in clean.values())
            dirty = list(the_plan.dirty)
            reviews, hashes = sources.load_reviews(config, ctx.store, read, groups, dirty)
            render_there = schedule.render_with_analysis(ctx)
            ctx.phase("planned")
            with Staging(output, last.manifest) as staging:
                kept = dict(the_plan.kept) if render_there else {}
                pages_to = staging.open() if render_there and dirty else None
                jobs = schedule.Jobs(slugs, read.metas, kept, render_there, pages_to)
                built = schedule.build_subjects(ctx, reviews, hashes, jobs)  # 3. changed subjects
                ctx.phase("analysed")
                done = {**clean, **built.artifacts()}
                site = sitemodel.model_site(  # 4. model the site
                    ctx, groups, read.metas, done, reviews, built.summaries, built.analyses
                )
                site = ctx.plugins.site(site)
                fragments = write.new_fragments(site, clean, built.results)  # 5. write
                given = write.WriteInput(
                    site,
                    last.manifest,
                    last.stats,
                    digests,
                    clean,
                    built.results,
                    the_plan.same_subjects,
                    fragments,
                )
                written, staged = write.write_site(ctx, given, staging.staged, staging.open)
                staging.staged = staged
                if staged is None:
                    report.files = len(last.manifest.files) if last.manifest else 0
                    report.up_to_date = True
                    return ctx.finish(site)
                ctx.phase("written")
                report.files = staging.commit()
                ctx.phase("committed")
            report.pages_written, report.pages_linked = staged.written, staged.linked
            if ctx.reuse:  # 6. record
                record.record(
                    ctx, output, site, slugs, digests, clean, done, written, staged, fragments
                )
            return ctx.finish(site)


class Staging:
    """This build's staging folder (``output.StagedOutput``), opened when first
    needed (by the subject tasks, or by the write stage); whatever fails before it
    is committed, it is removed."""

    def __init__(self, output: Path, last: Manifest | None) -> None:
        self.output = output
        self.last = last
        self.staged: StagedOutput | None = None
        self.committed = False

    def open(self) -> StagedOutput:
        last = self.last
        self.staged = StagedOutput(
            self.output,
            in_place=bool(last),
            dirs=last.dirs if last else None,
            files=last.files if last else None,
        )
        return self.staged

    def commit(self) -> int:
        assert self.staged is not None
        files = self.staged.commit()
        self.committed = True
        return files

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None and self.staged is not None and not self.committed:
            self.staged.abort()
