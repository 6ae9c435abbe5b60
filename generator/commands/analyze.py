"""``sitegen analyze``: the analysis of each review of some files, for a quick look
or for scripts (JSON lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.analysis import AnalysisSettings
from generator.commands.build import get_analyzer
from generator.config import SiteConfig
from generator.exceptions import Problem
from generator.readers import read_paths


def analyze_files(
    paths: list[Path], config: SiteConfig
) -> tuple[list[dict[str, Any]], list[Problem]]:
    corpus = read_paths(paths, config)
    analyzer = get_analyzer(AnalysisSettings.from_thresholds(config.thresholds, config.analysis))
    rows = []
    for review in corpus.reviews:
        result = analyzer.analyze(review.text)
        rows.append(
            {
                "id": review.id,
                "subject": review.subject,
                "source": f"{review.source}:{review.line}",
                "text": review.text,
                "rating": review.rating,
                "polarity": result.polarity,
                "subjectivity": result.subjectivity,
                "label": result.label,
                "key_phrases": list(result.key_phrases),
                "sentences": [
                    {"text": s.text, "polarity": s.polarity, "subjectivity": s.subjectivity}
                    for s in result.sentences
                ],
            }
        )
    return rows, corpus.problems
