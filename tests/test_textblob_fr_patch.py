"""textblob-fr 0.2.0 works on Python >= 3.7 once patched, and needs no download."""

from __future__ import annotations

import subprocess
import sys


def test_unpatched_textblob_fr_tagger_fails_on_this_python() -> None:
    """Guards the reason the patch exists: if upstream is ever fixed, this tells us."""
    code = "from textblob_fr import PatternTagger; PatternTagger().tag('Un très bon film')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "generator raised StopIteration" in result.stderr


def test_patched_tagger_tags_french() -> None:
    from generator.analysis.textblob_fr_patch import apply

    apply()
    from textblob_fr import PatternTagger

    tags = dict(PatternTagger().tag("Les acteurs sont excellents"))
    assert tags["acteurs"].startswith("NN")
    assert tags["excellents"].startswith("JJ")


def test_analysis_runs_with_nltk_data_unavailable(tmp_path) -> None:
    """No punkt, no corpora: sentence splitting and scoring must not need NLTK data."""
    code = (
        "import nltk; nltk.data.path[:] = [];"
        "from generator.analysis import Analyzer;"
        "r = Analyzer().analyze('Un film magnifique. Les acteurs sont parfaits !');"
        "assert len(r.sentences) == 2, r; print(r.label)"
    )
    env = {"NLTK_DATA": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "positive"
