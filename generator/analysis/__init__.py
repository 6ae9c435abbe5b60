"""The analysis stage: from a review's text to sentences, sentiment, aspects; from a
subject's reviews to its verdict, aspects, quotes and consensus.

``Analyzer`` scores one review; ``summarize_subject`` summarises one subject.
"""

from __future__ import annotations

# Before any module of the hot path: compiled or pure Python (see _core.py).
from generator.analysis import _core

_core.install()

from generator.analysis.analyzer import (
    ANALYZER_VERSION,
    AnalysisSettings,
    Analyzer,
    clear_caches,
)
from generator.analysis.summary import summarize_subject

__all__ = ["ANALYZER_VERSION", "AnalysisSettings", "Analyzer", "clear_caches", "summarize_subject"]
