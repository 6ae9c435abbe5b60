"""The "build the changed subjects" stage: hand each changed subject to the subject
task (``worker.build_subject``) on the runner (processes, Dask or this process),
the largest first; analyse the texts of very large subjects first in chunks over
every worker; update a large subject's summary from its cached state when few of
its reviews changed, and build it afresh when that update gives up; store the new
analyses and states in few large transactions.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.analysis import summarize_subject
from generator.analysis.summary_state import STATE_MIN_REVIEWS, SummaryState, changes
from generator.analysis.types import ReviewAnalysis
from generator.cache import slim_analysis, text_hash
from generator.collector import paused, release_free_memory
from generator.content import Review, SubjectMeta
from generator.executors import chunked, open_runner
from generator.files import walk_files
from generator.incremental.artifacts import Artifact
from generator.incremental.context import BuildContext
from generator.incremental.keys import stable_hash
from generator.incremental.worker import PackedReviews, SubjectJob, SubjectResult, build_subject
from generator.output import StagedOutput
from generator.render import template_dirs

log = logging.getLogger(__name__)

# A subject with more texts to analyse than half a worker's share of all of them
# (and more than BIG_SUBJECT) has them analysed in chunks over every worker first,
# so that one huge subject does not leave the other workers idle.
BIG_SUBJECT = 1000
_BATCH_ROWS = 5000  # analyses stored per transaction: commits cost more than rows


@dataclass
class Jobs:
    """What the subject tasks need besides their reviews."""

    slugs: dict[str, str]
    metas: dict[str, SubjectMeta]
    kept: dict[str, dict[str, bytes]]  # subject -> pages still intact -> their digest
    render: bool  # render pages with the analysis (into ``staged``)
    staged: StagedOutput | None


def render_with_analysis(ctx: BuildContext) -> bool:
    """Whether changed subjects are rendered where they are analysed (their pages
    going straight to the staging folder): with the built-in templates only, and
    results of other builds usable. Sets ``ctx.own_templates``."""
    ctx.own_templates = _overrides_templates(ctx.config)
    return ctx.reuse and not ctx.own_templates


def _overrides_templates(config: Any) -> bool:
    """Whether the site has templates of its own (static files aside)."""
    for folder in template_dirs(config.templates_dir)[:-1]:
        for path in walk_files(folder):
            if path.relative_to(folder).parts[0] != "static":
                return True
    return False


@dataclass
class Built:
    """What the stage gives back: for subjects left to render in this process,
    their summaries and slim analyses; for those rendered with their analysis,
    the task's results (their pages are in ``jobs.staged`` already)."""

    summaries: dict[str, Any]
    analyses: dict[str, list[ReviewAnalysis]]
    results: dict[str, SubjectResult]

    def artifacts(self) -> dict[str, Artifact]:
        """The artifacts of the subjects rendered with their analysis."""
        return {
            key: Artifact(r.summary, r.count, r.pages, r.extra, r.latest, r.search_filter)
            for key, r in self.results.items()
        }


def build_subjects(
    ctx: BuildContext, reviews: dict[str, list[Review]], hashes: dict[str, list[bytes]], jobs: Jobs
) -> Built:
    """Analyse, summarise and (``jobs.render``) render the subjects in ``reviews``
    (rendered, a subject's reviews leave ``reviews`` with its task)."""
    if ctx.analyze is not None:
        return _with_custom_analysis(ctx, reviews)
    return _Schedule(ctx, reviews, hashes, jobs).run()


def _with_custom_analysis(ctx: BuildContext, reviews: dict[str, list[Review]]) -> Built:
    """A caller's own analysis function: every review, no cache."""
    out = Built({}, {}, {})
    flat = [r for rs in reviews.values() for r in rs]
    results = iter(ctx.analyze(flat, ctx.settings))  # type: ignore[misc]
    ctx.report.analyzed = len(flat)
    plugins = ctx.plugins
    for key, rs in reviews.items():
        full = [plugins.analysed(r.text, next(results)) for r in rs]
        slim = out.analyses[key] = [slim_analysis(a) for a in full]
        out.summaries[key] = plugins.summarised(rs, slim, summarize_subject(rs, full, ctx.config))
    ctx.report.executor = "custom analyze function"
    return out


def state_key(ctx: BuildContext, key: str) -> bytes:
    return stable_hash(ctx.state_space, key)


class _Schedule:
    def __init__(
        self,
        ctx: BuildContext,
        reviews: dict[str, list[Review]],
        hashes: dict[str, list[bytes]],
        jobs: Jobs,
    ) -> None:
        self.ctx = ctx
        self.reviews = reviews
        self.jobs = jobs
        self.ns = ctx.store.namespace(ctx.namespace)
        self.keyed = {
            key: hashes.get(key) or [text_hash(r.text) for r in rs] for key, rs in reviews.items()
        }
        self.batch: list[tuple[bytes, bytes]] = []
        self.new_states: list[tuple[bytes, bytes]] = []
        self.planned: dict[str, SubjectJob] = {}
        self.retry_analysed: list[int] = []  # reviews analysed again (missing from the cache)
        self.out = Built({}, {}, {})
        self.cache_folder = ctx.cache_folder
        self.write_to = ""
        self.snapshot = ""

    def run(self) -> Built:
        ctx, reviews = self.ctx, self.reviews
        # Large subjects: update the summary from the state the cache keeps of the
        # last one, when few of their reviews changed (``summary_state``).
        self.states, self.plans, self.removed = self._summary_states()
        # The analyses each subject needs: every review's, or the added ones'.
        self.needs = {
            key: set(digests) if key not in self.plans else {digests[i] for i in self.plans[key]}
            for key, digests in self.keyed.items()
        }
        self.users: dict[bytes, int] = {}  # subjects still needing each analysis
        for need in self.needs.values():
            for digest in need:
                self.users[digest] = self.users.get(digest, 0) + 1
        self.blobs = ctx.store.get_analyses(self.ns, list(self.users))
        to_do = {key: {h for h in need if h not in self.blobs} for key, need in self.needs.items()}
        total_missing = len({h for need in to_do.values() for h in need})
        total = sum(len(rs) for rs in reviews.values())
        ctx.progress.stage("Analysing", total)
        work = self._work(to_do)
        with open_runner(
            ctx.executor,
            ctx.jobs,
            ctx.settings,
            work=work if len(reviews) > 1 else 0,
            snapshot=self.cache_folder,
            pool=ctx.pool,
        ) as runner:
            ctx.report.executor = runner.description
            local = self.cache_folder is not None and runner.local
            self.write_to = (
                self.jobs.staged.pending if self.jobs.staged is not None and runner.local else ""
            )
            # The analyzer's tables load from a snapshot in the cache (on this machine).
            self.snapshot = str(self.cache_folder) if local else ""
            self._analyse_big(runner, to_do, total_missing)
            # Then every subject, the largest first (the longest jobs start early).
            order = sorted(reviews, key=lambda k: -len(reviews[k]))
            for key, result in runner.map(build_subject, self._calls(runner, order)):
                self._collect(key, result)
            ctx.store.put_analyses(self.ns, self.batch)
            ctx.store.put_states(ctx.state_space, self.new_states)
        ctx.report.analyzed = total_missing + sum(self.retry_analysed)
        ctx.report.cache_hits += total - ctx.report.analyzed
        return self.out

    def _work(self, to_do: dict[str, set[bytes]]) -> int:
        """Work, in characters to analyse plus about 500 per review to summarise and
        render: a single changed subject, or little work, runs here. (A subject
        whose summary is updated: its added texts, and little per review.)"""
        total = 0
        for key, rs in self.reviews.items():
            if key in self.plans:
                total += sum(len(rs[i].text) for i in self.plans[key]) + 50 * len(rs)
            else:
                total += (sum(len(r.text) for r in rs) if to_do[key] else 0) + 500 * len(rs)
        return total

    def _analyse_big(self, runner: Any, to_do: dict[str, set[bytes]], total_missing: int) -> None:
        """Subjects holding a large share of the work: their texts first, in chunks
        over every worker."""
        if runner.executor is not None:
            share = max(BIG_SUBJECT, total_missing // (2 * runner.workers))
        else:
            share = total_missing + 1
        big = [key for key, need in to_do.items() if len(need) > share]
        if not big:
            return
        texts: dict[bytes, str] = {}
        for key in big:
            for review, h in zip(self.reviews[key], self.keyed[key]):
                if h in to_do[key]:
                    texts.setdefault(h, review.text)
        for tags, results in runner.run(
            self.ctx.settings, chunked(texts.items(), runner.chunk_chars), self.ctx.config.plugins
        ):
            rows = list(zip(tags, results))
            self.blobs.update(rows)
            self._store(rows)

    def _calls(self, runner: Any, order: list[str]) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """The subject tasks in ``order``; once every worker has one, the reviews
        of the subjects not sent yet are packed (``_pack``) while they work."""
        ctx = self.ctx
        for n, key in enumerate(order):
            if n == runner.workers:
                self._pack(runner)
            yield key, (ctx.settings, ctx.config, self._job(key), ctx.bytecode)

    def _pack(self, runner: Any) -> None:
        """With pages rendered where they are analysed, on an executor: the
        subjects' reviews packed (``PackedReviews``) until their tasks are sent
        (the subjects need them no more here, and the workers would have them
        pickled anyway)."""
        if not self.jobs.render or runner.executor is None:
            return
        reviews = self.reviews
        for key, rs in reviews.items():
            reviews[key] = PackedReviews(rs)  # type: ignore[assignment]
        release_free_memory()

    def _store(self, rows: list[tuple[bytes, bytes]]) -> None:
        self.batch.extend(rows)
        if len(self.batch) >= _BATCH_ROWS:
            self.ctx.store.put_analyses(self.ns, self.batch)
            self.batch.clear()

    def _job(self, key: str) -> SubjectJob:
        known = {}
        hashes = self.keyed[key]
        for h in self.needs.pop(key):
            blob = self.blobs.get(h)
            if blob is not None:
                known[h] = blob
            self.users[h] -= 1
            if not self.users[h]:  # keep only the analyses still to be used
                self.blobs.pop(h, None)
        jobs = self.jobs
        made = SubjectJob(
            key,
            jobs.slugs[key],
            jobs.metas.get(key),
            # (rendered with its analysis, a subject needs its reviews no more here)
            self.reviews.pop(key) if jobs.render else self.reviews[key],
            known,
            jobs.render,
            self.ctx.site_key,
            jobs.kept.get(key, {}),
            self.write_to,
            hashes,
            self.snapshot,
            keep_state=self.ctx.store.persistent and len(hashes) >= STATE_MIN_REVIEWS,
            state=self.states.pop(key, None),  # (the job holds it, until the task lets go)
            added=self.plans.get(key, []),
            removed=self.removed.get(key, {}),
            output=str(jobs.staged.output) if self.write_to and jobs.staged is not None else "",
        )
        if key in self.plans:
            self.planned[key] = made
        return made

    def _collect(self, key: str, result: SubjectResult) -> None:
        """Store what a subject task gave back, and its pages."""
        ctx, jobs = self.ctx, self.jobs
        if result.retry:
            result = self._again(result)
        self.planned.pop(key, None)
        self._store(result.new)
        result.new = []
        if result.state:
            self.new_states.append((state_key(ctx, key), result.state))
            result.state = b""
        ctx.report.summaries_updated += result.updated
        if jobs.render:
            assert jobs.staged is not None
            for item in result.files:
                jobs.staged.write(item)
            for path, name in result.written:
                jobs.staged.adopt(path, name)
            result.files, result.written = [], []
            self.out.results[key] = result
        else:
            self.out.summaries[key] = result.summary
            self.out.analyses[key] = result.analyses or []
        ctx.progress.advance(result.count)

    def _again(self, result: SubjectResult) -> SubjectResult:
        """The subject built in full here: its summary's update failed."""
        ctx, key = self.ctx, result.key
        log.debug("the summary of %r is made afresh", key)
        ctx.store.put_analyses(self.ns, self.batch)  # (analyses not stored yet are found too)
        self.batch.clear()
        known = ctx.store.get_analyses(self.ns, list(set(self.keyed[key])))
        known.update(result.new)
        redo = dataclasses.replace(
            self.planned.pop(key),
            known=known,
            state=None,
            added=[],
            removed={},
            write_to=self.jobs.staged.pending if self.jobs.staged is not None else "",
            snapshot=str(self.cache_folder) if self.cache_folder is not None else "",
        )
        retried = build_subject(ctx.settings, ctx.config, redo, ctx.bytecode)
        self.retry_analysed.append(len(retried.new))
        retried.new = result.new + retried.new
        return retried

    def _summary_states(
        self,
    ) -> tuple[dict[str, SummaryState], dict[str, list[int]], dict[str, dict[Any, bytes]]]:
        """For the large subjects whose summary the cache keeps a state of and few of
        whose reviews changed: the state, the indexes of their reviews new to it,
        and the analyses of its entries gone (by entry)."""
        ctx = self.ctx
        states: dict[str, SummaryState] = {}
        plans: dict[str, list[int]] = {}
        removed: dict[str, dict[Any, bytes]] = {}
        large = [key for key, rs in self.reviews.items() if len(rs) >= STATE_MIN_REVIEWS]
        if not large or not ctx.store.persistent:
            return states, plans, removed
        keys = {key: state_key(ctx, key) for key in large}
        found = ctx.store.get_states(list(keys.values()))
        for key in large:
            state = _unpickle_state(key, found.get(keys[key]))
            change = (
                changes(state, self.reviews[key], self.keyed[key]) if state is not None else None
            )
            if change is None:
                continue
            gone, added = change
            blobs = ctx.store.get_analyses(self.ns, [entry[2] for entry in gone]) if gone else {}
            if len(blobs) != len({entry[2] for entry in gone}):
                continue  # (an analysis left the cache)
            states[key], plans[key] = state, added  # type: ignore[assignment]
            removed[key] = {entry: blobs[entry[2]] for entry in gone}
        return states, plans, removed


def _unpickle_state(key: str, blob: bytes | None) -> SummaryState | None:
    if blob is None:
        return None
    try:
        with paused():
            state = pickle.loads(blob)
    except Exception as exc:  # noqa: BLE001 - a state from another version: made afresh
        log.debug("summary state of %r unreadable (%s): made afresh", key, exc)
        return None
    return state if isinstance(state, SummaryState) else None
