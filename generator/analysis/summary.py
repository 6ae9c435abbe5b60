"""Per-subject summary: verdict, aspects, pro and con quotes, consensus sentence,
and the reviews whose text and rating disagree -- put together here from the
modules that own each part:

* ``verdict.py`` -- the verdict and the disagreeing reviews;
* ``aspect_summary.py`` -- the aspects (sums, names merged, ranking);
* ``quotes.py`` -- the pro and con quotes;
* ``consensus.py`` -- the consensus sentence and its French grammar.

Pure function of the subject's reviews and their analyses; their order makes no
difference. Built in stages whose sums can be updated after a small edit
(``generator/analysis/summary_state.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from generator.analysis.aspect_summary import (  # noqa: F401 (re-exported)
    MAX_ASPECTS,
    AspectTally,
    _title_keys,
    aspects_with_tally,
    compute_aspects,
    update_aspects,
)
from generator.analysis.consensus import (  # noqa: F401 (re-exported)
    NNBSP,
    consensus_sentence,
    named_for_readers,
    with_lines,
)
from generator.analysis.quotes import (  # noqa: F401 (re-exported)
    EVERYTHING,
    QUOTE_TIERS,
    _quotes_side,
    is_fragment,
    pick_quotes,
    quote_candidates,
    review_tier,
    select_quotes,
)
from generator.analysis.types import ReviewAnalysis, SubjectSummary
from generator.analysis.verdict import (  # noqa: F401 (re-exported)
    VERDICT_LABELS,
    compute_verdict,
    find_disagreements,
    verdict_key,
)
from generator.audience import audience_noun
from generator.config import SiteConfig
from generator.content import Review

log = logging.getLogger(__name__)


def summarize_subject(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> SubjectSummary:
    return summarize_parts(reviews, analyses, config)[0]


def summarize_parts(
    reviews: Sequence[Review], analyses: Sequence[ReviewAnalysis], config: SiteConfig
) -> tuple[
    SubjectSummary, AspectTally, tuple[tuple[Any, ...], tuple[Any, ...]], list[tuple[Any, Any]]
]:
    """``summarize_subject``, and what it was made of (for
    ``generator.analysis.summary_state``): the aspect sums, the pros' and cons'
    horizons, and per review its best pro and con candidate ranks."""
    aspects, tally, mention_keys = aspects_with_tally(reviews, analyses, config.aspects)
    aspects = with_lines(
        named_for_readers(aspects, (a.language for a in analyses), config.language),
        config.language,
    )
    scale = config.rating_scale
    important = {a.key: i for i, a in enumerate(aspects)}
    pros, pro_horizon, pro_best = _quotes_side(reviews, analyses, True, important, scale)
    cons, con_horizon, con_best = _quotes_side(reviews, analyses, False, important, scale)
    summary = SubjectSummary(
        verdict=compute_verdict(reviews, analyses, config),
        aspects=aspects,
        pros=pros,
        cons=cons,
        consensus=consensus_sentence(aspects, config.language, audience_noun(config)),
        disagreements=find_disagreements(reviews, analyses, config),
        mention_keys=mention_keys,
    )
    return summary, tally, (pro_horizon, con_horizon), list(zip(pro_best, con_best))
