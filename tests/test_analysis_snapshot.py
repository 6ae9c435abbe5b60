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

from generator.analysis import model
from generator.analysis.lexicon import ADDITIONS_PATH
from generator.analysis.snapshot import _inputs, key_of, snapshot_path

TEXTS = [
    "Ce n'est pas un bon film, mais Emmanuelle Seigner est formidable.",
    "Pas terrible... Une perte de temps. Les chansons sont ratées.",
    "Un chef-d'œuvre ! La mise en scène est sublime, l'histoire bouleversante.",
    "Bof. Le scénario est intrigué ? Non : intrigant, et la B.O. superbe.",
]

# Run first by both scripts below: with mode "forbid-files", the tables must come
# from the snapshot (reading textblob-fr's data or the model's file fails).
FORBID_FILES = r"""
import sys
from generator.analysis import aspects, lexicon, model

if sys.argv[2] == "forbid-files":
    def refuse(*args, **kwargs):
        raise AssertionError("a data file was read")
    lexicon._read_textblob_fr = refuse
    aspects.textblob_fr_data_path = refuse
    model.gzip.decompress = refuse
"""

SCRIPT = (
    FORBID_FILES
    + r"""
import hashlib, json
from pathlib import Path
from generator.analysis import AnalysisSettings
from generator.executors import get_analyzer

folder = sys.argv[1]
analyzer = get_analyzer(AnalysisSettings(), Path(folder) if folder != "-" else None)
assert model.load_model().lexicon is lexicon.load_lexicon()
texts = json.loads(sys.stdin.read())
tables = (*aspects._load_tables(), *aspects.word_classes(), aspects._accented_non_nouns)
digest = hashlib.sha256(repr([sorted(t) for t in tables]).encode()).hexdigest()
print(json.dumps([repr(analyzer.analyze(t)) for t in texts] + [digest]))
"""
)


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


def test_the_key_covers_the_code_the_model_and_every_lexicon() -> None:
    names = {path.name for path in _inputs()}
    code = {path.name for path in (Path(model.__file__).parent).glob("*.py")}
    assert code <= names and {"analyzer.py", "aspects.py", "lexicon.py", "model.py"} <= code
    assert {
        model.MODEL_PATH.name,
        ADDITIONS_PATH.name,
        "fr-sentiment.xml",
        "fr-lexicon.txt",
    } <= names


BUILD = (
    FORBID_FILES
    + r"""
import json
from pathlib import Path
from generator.commands.build import build
from generator.config import SiteConfig
from generator import executors

root = Path(sys.argv[1])
config = SiteConfig(content_dir=root / "content", output_dir=root / "output", templates_dir=root / "templates",
                    config_path=root / "sitegen.toml")
report = build(config, executor="serial")
assert not report.errors, report.errors
print(json.dumps({"analysed": report.analyzed, "analyzers": len(executors._ANALYZERS)}))
"""
)


def _build(root: Path, mode: str = "plain") -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(root), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_builds_write_the_snapshot_then_use_it_and_load_the_analyzer_only_for_new_texts(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    data = content / "film.csv"
    data.write_text(
        "id,note,texte\n"
        'a,4,"La mise en scène est superbe, Emmanuelle Seigner est formidable."\n'
        'b,1,"Pas terrible. Une perte de temps, les chansons sont ratées."\n',
        encoding="utf-8",
    )
    assert _build(tmp_path) == {"analysed": 2, "analyzers": 1}
    (snapshot,) = (tmp_path / ".sitegen-cache").glob("analyzer-*.pickle")
    written = snapshot.stat().st_mtime_ns
    # A rating changed, no text: the subject is summarised again (lexicon and
    # aspect tables, from the snapshot) but nothing is analysed.
    data.write_text(data.read_text(encoding="utf-8").replace("a,4,", "a,5,"), encoding="utf-8")
    assert _build(tmp_path, "forbid-files") == {"analysed": 0, "analyzers": 0}
    assert snapshot.stat().st_mtime_ns == written  # read, not rewritten
    # A text changed: the analyzer is built, from the snapshot, which is written
    # again once, with the model's packed tables (``snapshot.add_packed``)...
    data.write_text(
        data.read_text(encoding="utf-8").replace("superbe", "sublime"), encoding="utf-8"
    )
    assert _build(tmp_path, "forbid-files") == {"analysed": 1, "analyzers": 1}
    assert snapshot.stat().st_mtime_ns != written
    written = snapshot.stat().st_mtime_ns
    # ...which the next build looks the words up in, never rewriting it.
    data.write_text(
        data.read_text(encoding="utf-8").replace("sublime", "magnifique"), encoding="utf-8"
    )
    assert _build(tmp_path, "forbid-files") == {"analysed": 1, "analyzers": 1}
    assert snapshot.stat().st_mtime_ns == written
