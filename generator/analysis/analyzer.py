"""The per-review analysis: sentences, sentiment, label and key phrases.

``Analyzer`` is what ``sitegen build`` and ``sitegen analyze`` run on every review.
It is built once per process (lexicons load once) and is pure: the same text and
settings always give the same ``ReviewAnalysis``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from generator.analysis.sentences import split_sentences
from generator.analysis.textblob_fr_patch import textblob_fr_module
from generator.analysis.types import ReviewAnalysis, SentenceAnalysis
from generator.config import Thresholds

log = logging.getLogger(__name__)

ANALYZER_VERSION = "0"


@dataclass(frozen=True)
class AnalysisSettings:
    """The settings that change analysis results (part of the cache key)."""

    positive: float = 0.1
    negative: float = -0.1

    @classmethod
    def from_thresholds(cls, thresholds: Thresholds) -> AnalysisSettings:
        return cls(positive=thresholds.positive, negative=thresholds.negative)

    def cache_key(self) -> str:
        return f"v{ANALYZER_VERSION}:p{self.positive}:n{self.negative}"


class Analyzer:
    """Analyse review texts. Create one per process and reuse it."""

    version = ANALYZER_VERSION

    def __init__(self, settings: AnalysisSettings | None = None) -> None:
        self.settings = settings or AnalysisSettings()
        self._sentiment = textblob_fr_module().sentiment

    def label_for(self, polarity: float, sentences: tuple[SentenceAnalysis, ...]) -> str:
        s = self.settings
        has_pos = any(x.polarity >= 0.3 for x in sentences)
        has_neg = any(x.polarity <= -0.3 for x in sentences)
        if polarity >= s.positive:
            return "positive"
        if polarity <= s.negative:
            return "negative"
        if has_pos and has_neg:
            return "mixed"
        return "neutral"

    def analyze(self, text: str) -> ReviewAnalysis:
        sentences = []
        for start, end in split_sentences(text):
            sentence = text[start:end]
            polarity, subjectivity = self._sentiment(sentence)[:2]
            sentences.append(
                SentenceAnalysis(sentence, start, end, float(polarity), float(subjectivity))
            )
        scored = [s for s in sentences if s.polarity or s.subjectivity]
        polarity = sum(s.polarity for s in scored) / len(scored) if scored else 0.0
        subjectivity = sum(s.subjectivity for s in scored) / len(scored) if scored else 0.0
        polarity = max(-1.0, min(1.0, polarity))
        result = tuple(sentences)
        return ReviewAnalysis(
            polarity=round(polarity, 4),
            subjectivity=round(max(0.0, min(1.0, subjectivity)), 4),
            label=self.label_for(polarity, result),
            sentences=result,
            key_phrases=(),
        )
