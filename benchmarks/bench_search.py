"""What full-text search adds to a build: the time to make every subject's search
shard and the index of Bloom filters, and their size, on the synthetic corpus of
``corpus.py`` (or any content folder).

    python benchmarks/bench_search.py --reviews 10000 --subjects 100
    python benchmarks/bench_search.py --content path/to/content

The shards are made from the reviews as read (a build makes them from the same
reviews, in the worker that renders the subject); analysis is not needed for them.
(Each subject's shard is made once more here, by ``make_subject``, before the
timed part.)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_corpus

from generator import search
from generator.analysis.types import ReviewAnalysis, SubjectSummary, Verdict
from generator.config import SiteConfig
from generator.readers import read_content
from generator.site import make_subject


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10000)
    parser.add_argument("--subjects", type=int, default=100)
    parser.add_argument("--content", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        content = args.content
        if content is None:
            make_corpus(Path(folder), reviews=args.reviews, subjects=args.subjects)
            content = Path(folder) / "content"
        config = SiteConfig(content_dir=content, page_size=50)
        corpus = read_content(config)
        groups: dict[str, list] = {}
        for review in corpus.reviews:
            groups.setdefault(review.subject, []).append(review)
        blank = ReviewAnalysis(polarity=0.0, subjectivity=0.0, label="neutral")
        summary = SubjectSummary(verdict=Verdict(50, "", "neutral", 0, 0, 0, 0, 0.0))
        subjects = [
            make_subject(config, key, f"s{n}", None, reviews, [blank] * len(reviews), summary)
            for n, (key, reviews) in enumerate(groups.items())
        ]
        text_bytes = sum(len(r.text.encode("utf-8")) for r in corpus.reviews)
        started = time.perf_counter()
        shards = [
            search.subject_index(s.slug, s.title, s.meta, s.summary, s.pages) for s in subjects
        ]
        index = search.index_script(
            [(s.slug, s.title, shard.filter) for s, shard in zip(subjects, shards)]
        )
        seconds = time.perf_counter() - started
        shard_bytes = sum(len(shard.script.encode("utf-8")) for shard in shards)
        largest = max(len(shard.script.encode("utf-8")) for shard in shards)
        print(
            f"{len(corpus.reviews):,} reviews, {len(subjects):,} subjects, {text_bytes / 1e6:.1f} MB of text"
        )
        print(f"search shards: {shard_bytes / 1e6:.1f} MB in all, largest {largest / 1e6:.2f} MB")
        print(f"search/index.js: {len(index.encode('utf-8')) / 1e3:.0f} KB")
        print(f"time to make them (one process): {seconds:.2f} s")


if __name__ == "__main__":
    main()
