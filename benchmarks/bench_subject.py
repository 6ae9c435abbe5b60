"""What a build does per subject besides the per-review analysis and the page
templates, stage by stage, for several source trees of sitegen: the summary,
the site model (cards, pages, feed entries and the search shard), the search
shard alone, and the subject's ``data.json`` (with its part of the site's
``data.json``). For comparing two commits of these stages on a loaded machine,
without the noise of the rest of a build.

    python benchmarks/corpus.py /tmp/c10k --reviews 10000 --subjects 100
    python benchmarks/bench_subject.py main=/work/main mine=. --site /tmp/c10k --rounds 2
    python benchmarks/bench_subject.py main=/work/main mine=. --site /tmp/c10k --limit 2000 --instructions

Each NAME=SOURCE runs in a child process with ``SOURCE`` first on
``sys.path``, on the site folder's content and ``sitegen.toml`` (its first
``--limit`` reviews; their analyses made once by the first version, not
measured, and given to every version): every stage run once over every subject
(not measured), then each stage ``--repeat`` times more, in CPU seconds
(``time.process_time``; the best repeat, and the best round: versions run in
turn), the garbage collector off (when its walks of the heap come depends on
allocation counts: noise here).
With ``--instructions``, instead: the instructions one pass of each stage
executes, counted by valgrind's cachegrind (the difference between a child that
repeats the stage and one that does not, after a run that compiles the
sources' bytecode; robust to the machine's load, about 50x slower). Prints a digest of every subject's summary, search shard and
``data.json`` per version: equal digests, equal output.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cachegrind

STAGES = ("summary", "model", "search shard", "data.json")
CHILD = r"""
import dataclasses, gc, hashlib, json, sys, time
from pathlib import Path
import pickle
site, repeat, limit, stages = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
kept = Path(sys.argv[5])
from generator import output, search
from generator.analysis import AnalysisSettings, Analyzer, summarize_subject
from generator.cache import slim_analysis
from generator.config import load_config
from generator.incremental.worker import bulk_allocations
from generator.readers import read_content
from generator.site import assign_slugs, make_subject
config = load_config(site / "sitegen.toml")
corpus = read_content(config)
groups = {}
for review in corpus.reviews[: limit or None]:
    groups.setdefault(review.subject, []).append(review)
slugs = assign_slugs(groups)
if kept.exists():
    analysed = pickle.loads(kept.read_bytes())
else:
    analyzer = Analyzer(AnalysisSettings())
    analysed = {k: [analyzer.analyze(r.text) for r in rs] for k, rs in groups.items()}
    kept.write_bytes(pickle.dumps(analysed, pickle.HIGHEST_PROTOCOL))


def data_files(subject):
    # (output keeps the last subject's JSON text: not from an earlier repeat)
    if hasattr(output, "_last_text"):
        output._last_text = None
    return output.subject_data_file(subject)[0], output.subject_fragment(subject)


runs = {
    "summary": lambda s: summarize_subject(s["reviews"], s["full"], config),
    "model": lambda s: make_subject(
        config, s["key"], s["slug"], s["meta"], s["reviews"], s["slim"], s["summary"]
    ),
    "search shard": lambda s: search.subject_index(
        s["subject"].slug, s["subject"].title, s["subject"].meta, s["summary"], s["subject"].pages
    ),
    "data.json": lambda s: data_files(s["subject"]),
}
subjects = []
digest = hashlib.sha256()
with bulk_allocations():
    for key, reviews in groups.items():
        s = {"key": key, "slug": slugs[key], "meta": corpus.subjects.get(key), "reviews": reviews}
        s["full"] = analysed[key]
        s["summary"] = runs["summary"](s)
        s["slim"] = [slim_analysis(a) for a in s["full"]]
        s["subject"] = runs["model"](s)
        shard = runs["search shard"](s)
        data, fragment = runs["data.json"](s)
        # (the summary without how it reads mentions: an object, whose repr shows
        # its address; the cards and data.json show the reading)
        plain = repr(dataclasses.replace(s["summary"], mention_keys=None))
        for part in (plain, shard.script, data, fragment):
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        subjects.append(s)
times = {}
for stage in stages.split(",") if stages else ():
    run = runs[stage]
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        started = time.process_time()
        for s in subjects:
            run(s)
        seconds = time.process_time() - started
        gc.enable()
        times[stage] = min(seconds, times.get(stage, seconds))
print(json.dumps({"times": times, "digest": digest.hexdigest(),
                  "reviews": sum(map(len, groups.values())), "subjects": len(groups)}))
"""


def run(
    source: str,
    site: Path,
    repeat: int,
    limit: int,
    stages: str,
    kept: Path,
    counting: bool = False,
) -> tuple[dict, int]:
    """The child's report, and the instructions it executed (``counting``: under cachegrind)."""
    # (one string hash seed: a set's repr in the summary, and so the digest,
    # depends on it; and so do the dict probes counted)
    env = dict(os.environ, PYTHONPATH=source, PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"))
    command = [sys.executable, "-c", CHILD, str(site), str(repeat), str(limit), stages, str(kept)]
    if counting:
        command = [*cachegrind.COMMAND, *command]
    # (not from this folder: ``python -c`` puts the working folder first on sys.path)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, cwd=kept.parent
    )
    if done.returncode:
        raise SystemExit(f"{source}: {done.stderr[-3000:]}")
    instructions = (cachegrind.counted(done.stderr) or 0) if counting else 0
    return json.loads(done.stdout.strip().splitlines()[-1]), instructions


def measure(
    versions: list[tuple[str, str]],
    round_: int,
    site: Path,
    kept: Path,
    args: argparse.Namespace,
    best: dict[str, dict[str, float]],
    digests: dict[str, str],
) -> None:
    """One round: each version in turn (in reverse order every other round)."""
    for name, source in versions if round_ % 2 == 0 else versions[::-1]:
        mine = best.setdefault(name, {})
        if args.instructions:
            run(source, site, 0, args.limit, "", kept)  # (their bytecode compiled)
            result, base = run(source, site, 0, args.limit, "", kept, counting=True)
            for stage in STAGES:
                _, counted = run(source, site, args.repeat, args.limit, stage, kept, counting=True)
                mine[stage] = (counted - base) / args.repeat
        else:
            result, _ = run(source, site, args.repeat, args.limit, ",".join(STAGES), kept)
            for stage, seconds in result["times"].items():
                mine[stage] = min(seconds, mine.get(stage, seconds))
        digests[name] = result["digest"]
        print(
            f"round {round_} {name}: {result['reviews']:,} reviews, {result['subjects']} subjects"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="+", metavar="NAME=SOURCE")
    parser.add_argument(
        "--site", type=Path, required=True, help="a folder made by benchmarks/corpus.py"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N reviews")
    parser.add_argument("--instructions", action="store_true", help="count with cachegrind")
    args = parser.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind on the PATH")
    versions = [
        (name, str(Path(source).resolve()))
        for name, source in (v.split("=", 1) for v in args.versions)
    ]
    site = args.site.resolve()
    best: dict[str, dict[str, float]] = {}
    digests: dict[str, str] = {}
    rounds = 1 if args.instructions else args.rounds
    kept = Path(tempfile.mkdtemp(prefix="sitegen-subject-")) / "analyses.pickle"
    try:
        # The analyses, made once (by the first version, not measured) for all
        run(versions[0][1], site, 0, args.limit, "", kept)
        for round_ in range(rounds):
            measure(versions, round_, site, kept, args, best, digests)
    finally:
        shutil.rmtree(kept.parent)
    names = [name for name, _ in versions]
    unit = "M instructions" if args.instructions else "best CPU-s"
    shown = (lambda v: f"{v / 1e6:,.0f}") if args.instructions else (lambda v: f"{v:.3f}")
    print()
    print(f"| stage ({unit}) | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for stage in STAGES:
        print(f"| {stage} | " + " | ".join(shown(best[n][stage]) for n in names) + " |")
    # (the model's figure holds the search shard's)
    total = {n: best[n]["summary"] + best[n]["model"] + best[n]["data.json"] for n in names}
    print("| all | " + " | ".join(shown(total[n]) for n in names) + " |")
    for name in names:
        print(f"digest {name}: {digests[name]}")


if __name__ == "__main__":
    main()
