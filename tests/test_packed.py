"""Packed tables (``generator/analysis/packed.py``): every key gives its value,
as the dict it was packed from does, and any other key the default; and a
model restored from the analyzer's snapshot (``model.StoredTables``) scores
exactly as the model read from its file, while its tables are looked up in the
snapshot and after they are loaded whole.

All words and texts are written for these tests.
"""

from __future__ import annotations

import marshal
import math
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.analysis import model, snapshot
from generator.analysis.packed import BLOBS, FLOATS, Packed, pack


def _floats(table: dict[str, float]) -> Packed:
    return Packed(pack(table, list(table.values()), FLOATS))


def test_every_key_gives_its_float_and_others_the_default() -> None:
    table = {f"mot{i}": i / 7 for i in range(3000)}
    table.update({"": -0.0, "été": math.inf, "\ud800x": 1.5, "a b": -2.25, "NOT_mot": 3.0})
    packed = _floats(table)
    assert len(packed) == len(table)
    for key, value in table.items():
        got = packed.get(key)
        assert got == value and math.copysign(1, got) == math.copysign(1, value)
        assert key in packed
    for other in ("mot3000", "ete", "a", "mot1 ", "\ud801x", "NOT_"):
        assert packed.get(other) is None and packed.get(other, 0.5) == 0.5
        assert other not in packed


def test_bytes_values_and_empty_tables() -> None:
    table = {"a": marshal.dumps({"b": 1.0}), "c": marshal.dumps({}), "d": b""}
    packed = Packed(pack(table, list(table.values()), BLOBS))
    assert {k: packed.get(k) for k in table} == table
    assert packed.get("b", b"?") == b"?"
    empty = _floats({})
    assert len(empty) == 0 and empty.get("a", 1.0) == 1.0


def test_a_table_is_found_at_its_offset_in_a_larger_buffer() -> None:
    first = pack({"x": 1.0}, [1.0], FLOATS)
    second = pack({"y": 2.0, "z": 3.0}, [2.0, 3.0], FLOATS)
    buffer = first + second
    assert len(first) % 8 == 0
    assert Packed(buffer, len(first)).get("z") == 3.0
    assert Packed(buffer, len(first)).get("x") is None


@given(st.dictionaries(st.text(max_size=12), st.floats(allow_nan=False), max_size=200))
def test_random_tables_match_their_dicts(table: dict[str, float]) -> None:
    packed = _floats(table)
    assert all(packed.get(k) == v for k, v in table.items())
    assert all(packed.get(k + "\x00") is None for k in table if k + "\x00" not in table)


# Words for the restored model: the lexicon's and the model's own, new words
# (character n-grams only) and one-letter tokens, in sentences of a few words.
WORDS = (
    "le film est magnifique pas mal mais vraiment décevant les acteurs sont "
    "formidables un scénario bof ne jamais ennuyeux très drôle sublime ratée "
    "perte de temps chef-d'œuvre superbe , . ! ?"
).split()


def _sentences(count: int) -> list[list[str]]:
    """``count`` token lists, with new words (never in the model) among the
    known ones: enough distinct words to pass ``model.LAZY_WORDS``."""
    out = []
    for i in range(count):
        new = "".join(chr(ord("a") + (i >> k) % 26) for k in (0, 5, 10)) + "ement"
        out.append([WORDS[(i * 7 + j) % len(WORDS)] for j in range(6)] + [new, "x"])
    return out


@pytest.fixture(scope="module")
def stored_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshot") / "analyzer.pickle"
    path.write_bytes(snapshot._contents(packed=True))
    return path


def test_a_restored_model_scores_as_the_model_file_lazily_then_whole(stored_file: Path) -> None:
    shipped = model.load_model()
    _, fields, *_, stored = snapshot.read_snapshot(stored_file)
    restored = model.restored(fields, shipped.lexicon, stored)
    fast = restored._fast
    assert stored.packed is not None
    assert fast.pending == model.LAZY_WORDS and stored._whole is None
    sentences = _sentences(2 * model.LAZY_WORDS)
    for i, tokens in enumerate(sentences):
        if i == 3:  # a few sentences in: still looked up in the file
            assert 0 < fast.pending < model.LAZY_WORDS and stored._whole is None
        for opinion_only in (False, True):
            assert restored.sentence_raw(tokens, opinion_only) == shipped.sentence_raw(
                tokens, opinion_only
            )
    assert fast.pending == 0 and stored._whole is not None  # loaded whole on the way
    assert isinstance(fast.weights, dict) and isinstance(fast.char_sums.base, dict)
    restored.clear_caches()
    assert [restored.sentence_raw(t) for t in sentences[:50]] == [
        shipped.sentence_raw(t) for t in sentences[:50]
    ]


def test_a_restored_model_has_the_model_file_s_fields(stored_file: Path) -> None:
    shipped = model.load_model()
    _, fields, *_, stored = snapshot.read_snapshot(stored_file)
    restored = model.restored(fields, shipped.lexicon, stored)
    assert stored._whole is None
    assert restored == shipped  # (every field compared; its tables loaded whole)
    assert restored.weights.get("magnifique") == shipped.weights.get("magnifique")
    assert dict(restored.word_char_sums) == shipped.word_char_sums
    assert restored.tables()[3:] == model._derived(shipped.weights)


def test_a_cut_snapshot_is_refused(stored_file: Path, tmp_path: Path) -> None:
    data = stored_file.read_bytes()
    cut = tmp_path / "cut.pickle"
    for size in (0, 10, len(data) // 2, len(data) - 1):
        cut.write_bytes(data[:size])
        with pytest.raises((ValueError, EOFError, OSError, pickle.UnpicklingError)):
            snapshot.read_snapshot(cut)


def test_a_snapshot_without_packed_tables_gives_them_whole(tmp_path: Path) -> None:
    path = tmp_path / "analyzer.pickle"
    path.write_bytes(snapshot._contents(packed=False))
    shipped = model.load_model()
    _, fields, *_, stored = snapshot.read_snapshot(path)
    assert stored.packed is None
    restored = model.restored(fields, shipped.lexicon, stored)
    assert restored._fast.pending == 0 and isinstance(restored._fast.weights, dict)
    sentences = _sentences(40)
    assert [restored.sentence_raw(t) for t in sentences] == [
        shipped.sentence_raw(t) for t in sentences
    ]
    assert restored == shipped
