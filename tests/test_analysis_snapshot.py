"""The analyzer's tables snapshot (``generator/analysis/snapshot.py``): a process
that loads it analyses exactly as one that built its tables, never reads
textblob-fr's files to do so, and a bad snapshot is rebuilt.

Each case runs in a fresh interpreter: the tables are per-process singletons.
All texts are written for these tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.analysis.snapshot import key_of, snapshot_path

TEXTS = [
    "Ce n'est pas un bon film, mais Emmanuelle Seigner est formidable.",
    "Pas terrible... Une perte de temps. Les chansons sont ratées.",
    "Un chef-d'œuvre ! La mise en scène est sublime, l'histoire bouleversante.",
    "Bof. Le scénario est intrigué ? Non : intrigant, et la B.O. superbe.",
]

SCRIPT = r"""
import hashlib, json, sys
from pathlib import Path
from generator.analysis import AnalysisSettings, aspects, lexicon
from generator.executors import get_analyzer

folder, mode = sys.argv[1], sys.argv[2]
if mode == "forbid-files":
    # The tables must come from the snapshot: reading textblob-fr's data fails.
    def refuse(*args, **kwargs):
        raise AssertionError("textblob-fr's files were read")
    lexicon._read_textblob_fr = refuse
    aspects.textblob_fr_data_path = refuse
analyzer = get_analyzer(AnalysisSettings(), Path(folder) if folder != "-" else None)
texts = json.loads(sys.stdin.read())
tables = (*aspects._load_tables(), *aspects.word_classes(), aspects._accented_non_nouns)
digest = hashlib.sha256(repr([sorted(t) for t in tables]).encode()).hexdigest()
print(json.dumps([repr(analyzer.analyze(t)) for t in texts] + [digest]))
"""


def _run(folder: str, mode: str = "") -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, folder, mode or "plain"],
        input=json.dumps(TEXTS),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_snapshot_is_written_then_loaded_with_identical_results(tmp_path: Path) -> None:
    without = _run("-")
    first = _run(str(tmp_path))  # builds the tables, writes the snapshot
    path = snapshot_path(tmp_path)
    assert path.is_file() and path.stat().st_size > 100_000
    loaded = _run(str(tmp_path), "forbid-files")  # only possible from the snapshot
    assert first == without
    assert loaded == without


def test_a_bad_snapshot_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = snapshot_path(tmp_path)
    path.write_bytes(b"not a pickle")
    stale = tmp_path / "analyzer-0123456789abcdef0123.pickle"  # another version's
    stale.write_bytes(b"old")
    assert _run(str(tmp_path)) == _run("-")
    assert path.read_bytes() != b"not a pickle"
    assert not stale.exists()
    assert _run(str(tmp_path), "forbid-files") == _run("-")


def test_the_key_follows_every_input_byte(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.txt"
    a.write_text("x = 1\n")
    b.write_text("mot NN\n")
    before = key_of([a, b])
    assert key_of([a, b]) == before
    b.write_text("mot VB\n")
    assert key_of([a, b]) != before
