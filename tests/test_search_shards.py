"""The search shards (``generator.search``): a card is listed once per word it
holds, however often the word occurs in it (``search.js`` lists every posting as
a result: a card listed twice was shown twice)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from conftest import set_csv_cell
from hypothesis import given, settings
from hypothesis import strategies as st
from test_incremental import full_build, make_site, tree

from generator import search
from generator.commands.build import build
from generator.config import SiteConfig


def test_a_card_is_listed_once_per_word(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "boutique.txt").write_text(
        "Livraison rapide, livraison soignée, livraisons toujours à l'heure.\n"
        "Le service client répond vite et bien.\n",
        encoding="utf-8",
    )
    config = SiteConfig(content_dir=content, output_dir=tmp_path / "out")
    build(config, executor="serial", cache=False)
    script = (tmp_path / "out" / "boutique" / "search.js").read_text(encoding="utf-8")
    shard = json.loads(script.removeprefix("sitegenSearch.add(").removesuffix(");\n"))
    assert shard["words"]["livraison"].count(0) == 1  # (-1 too: the subject's aspects)
    for postings in shard["words"].values():
        assert len(postings) == len(set(postings))


def _shard(output: Path, slug: str) -> dict:
    script = (output / slug / "search.js").read_text(encoding="utf-8")
    return json.loads(script.removeprefix("sitegenSearch.add(").removesuffix(");\n"))


def _set_text(path: Path, row: int, text: str) -> None:
    set_csv_cell(path, row, 3, text)


def test_an_edit_patches_the_last_shards_postings_to_a_full_builds(
    tmp_path: Path, monkeypatch
) -> None:
    """An edited review (cards in place): the shard's postings are the last ones
    with the edited cards taken out and put back (``search._patched``), a word only
    the old text held gone, one only the new text holds there; the same bytes as a
    ``--no-cache`` build. A review added (cards moved) remakes them from each
    card's words."""
    config = make_site(tmp_path, reviews=200, subjects=3)
    build(config, executor="serial")
    path = max(config.content_dir.glob("*.csv"), key=lambda p: p.stat().st_size)
    slug = path.stem
    _set_text(path, 3, "Zygomatiques hors pair, vraiment une perle rare.")
    build(config, executor="serial")
    assert "zygomatiqu" in _shard(config.output_dir, slug)["words"]
    patched: list[int] = []
    real = search._patched
    monkeypatch.setattr(
        search, "_patched", lambda last, *a: patched.append(len(last.same)) or real(last, *a)
    )
    _set_text(path, 3, "Quel xylophone assourdissant, je suis sorti avant la fin.")
    _set_text(path, 40, "Une xylophoniste remarquable et un scénario bancal.")
    build(config, executor="serial")
    shard = _shard(config.output_dir, slug)
    assert patched and patched[0] == len(shard["cards"]) - 2
    assert "zygomatiqu" not in shard["words"]
    assert 2 in shard["words"]["xylophon"]  # (card 2: row 3 of the file)
    full = full_build(config)
    assert tree(config.output_dir)[f"{slug}/search.js"] == full[f"{slug}/search.js"]
    assert tree(config.output_dir)["search/index.js"] == full["search/index.js"]
    # A review added at the top: every card moves, the postings are made again.
    patched.clear()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows.insert(1, ["r-new", "4", "Quelqu'un", "Une zygomatique soirée.", ""])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    build(config, executor="serial")
    assert not patched
    assert tree(config.output_dir) == full_build(config, "full2")


_TEXT = st.lists(
    st.sampled_from(
        list("aeiouzAÉéèêëàçôœæÆŒΣσςİı09 ,.'’-\t\n\u00a0\u2000\u2028\u0301\u0327\u0370\x00")
        + ["ﬁ", "Ａ", "\U0001f600", "\ud800", "e\u0301", "chansons", "les", "Émotions"]
    )
    # any character: the accents' neighbours (U+0300-U+037F, led by 0xCC/0xCD in
    # UTF-8), other scripts, astral ones
    | st.characters(min_codepoint=0x2C0, max_codepoint=0x3FF)
    | st.characters(codec=None),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
def test_words_are_the_stems_of_the_folded_texts_runs_of_letters_and_digits(text: str) -> None:
    """``words`` finds the runs of ``[a-z0-9]`` of the fold through its UTF-8 bytes
    and looks their stems up: the same words, in order, as ``search.js`` reads
    them (``/[a-z0-9]+/g`` on the fold), stop words and single letters left out."""
    runs = re.findall("[a-z0-9]+", search.fold(text))
    expected = [
        search.stem(w) for w in runs if w not in search.STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]
    assert search.words(text) == expected


# Latin-1 text (most reviews), with the characters beyond it that ``_runs`` makes
# spaces or spells out first, and those that lowercase into Latin-1 (Ÿ, ẞ, the
# Kelvin and Ångström signs: the text is lowercased by its table only when it is
# Latin-1 itself)
_LATIN1_TEXT = st.lists(
    st.sampled_from(
        [chr(c) for c in range(256)]
        + [
            "\u2019",
            "\u2026",
            "œ",
            "Œ",
            "chansons",
            "Émotions",
            "ÆGLE",
            "Ÿ",
            "ẞ",
            "\u212a",
            "\u212b",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_LATIN1_TEXT)
def test_latin1_text_is_folded_through_its_table_as_any_text_is(text: str) -> None:
    """``_runs`` folds Latin-1 text a byte at a time through a table made from
    the fold of each character: the runs the fold of any text gives."""
    assert search._runs(text) == search._folded_runs(search._lowered(text))
    assert search._runs(text) == re.findall("[a-z0-9]+", search.fold(text))


def test_every_latin1_character_is_folded_as_the_fold_makes_it() -> None:
    for char in map(chr, range(256)):
        for text in (char, f"ab{char}cd", f"x{char.upper()}é{char}"):
            assert search._runs(text) == re.findall("[a-z0-9]+", search.fold(text)), text


def test_the_words_table_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(search, "_TERMS_KEPT", 3)
    monkeypatch.setattr(search, "_TERMS", search._Terms())
    text = "Une musique superbe, des décors soignés et un scénario"
    assert search.words(text) == ["musiqu", "superb", "decor", "soign", "scenario"]
    assert len(search._TERMS) == 3


_CARD_TEXT = _TEXT | st.sampled_from(['"],["', '],"slug":', ',"words":{', "</script>", "a & b"])


def _index(texts: list[str], consensus: str, known=None) -> search.SubjectIndex:
    from generator.analysis.types import ReviewAnalysis, SubjectSummary, Verdict
    from generator.content import Review, SubjectMeta
    from generator.site import Card, paginate

    reviews = [
        Review(f"r{i}", "film", t, Path("film.csv"), i + 2, 4.0, "Ana", title=t[:5])
        for i, t in enumerate(texts)
    ]
    cards = [Card(r, ReviewAnalysis(0.5, 0.5, "positive")) for r in reviews]
    summary = SubjectSummary(
        Verdict(80, "Très positif", "very_positive", len(texts), 0, 0, 0, 1.0),
        consensus=consensus,
    )
    meta = SubjectMeta(key="film", year="2021", categories=("drame",))
    return search.subject_index(
        "film", "Le « film »", meta, summary, paginate("film", cards, 3), known
    )


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(_CARD_TEXT, max_size=12),
    edits=st.dictionaries(st.integers(0, 11), _CARD_TEXT, max_size=4),
    consensus=st.sampled_from(["", "Une musique superbe.", "Des décors ratés, <b>"]),
    consensus_after=st.sampled_from(["", "Une musique superbe.", "Un scénario bancal."]),
)
def test_a_shard_patched_from_the_last_ones_text_is_the_one_made_afresh(
    texts: list[str], edits: dict[int, str], consensus: str, consensus_after: str
) -> None:
    """Cards edited in place: the shard made from the last shard's text (its
    unchanged cards' text kept, its postings patched: ``LastShard``,
    ``_patched``) is, byte for byte, the one made from nothing, and so is its
    Bloom filter; whatever the texts hold (quotes, brackets, the shard's own
    separators, characters escaped for HTML)."""
    edited = list(texts)
    for i, text in edits.items():
        if i < len(edited):
            edited[i] = text
    last = search.LastShard.parse(
        _index(texts, consensus).script,
        {i: i for i in range(len(texts)) if edited[i] == texts[i]},
    )
    assert last is not None and last.count == len(texts)
    assert [json.loads(card)[2][:3] for card in last.cards] == [
        json.loads(json.dumps(t))[:3] for t in texts
    ] or any(len(t) > search.EXCERPT_CHARS for t in texts)
    assert _index(edited, consensus_after, last) == _index(edited, consensus_after)


def test_a_shard_not_laid_out_as_made_is_not_reused() -> None:
    script = _index(["Une musique superbe.", "Des décors ratés."], "").script
    assert search.LastShard.parse(script, {}) is not None
    assert search.LastShard.parse(script.replace(',"words":{', ',"mots":{'), {}) is None
    assert search.LastShard.parse(script.replace(":[", ": [", 1), {}) is None
    assert search.LastShard.parse(script.replace('"]],"slug"', '"],"slug"'), {}) is None
    assert search.LastShard.parse(script[:-3], {}) is None


@settings(max_examples=300, deadline=None)
@given(
    postings=st.dictionaries(
        st.text(alphabet='ab09zé-"\\', max_size=5),
        st.lists(st.integers(-1, 19), max_size=6),
        max_size=8,
    )
)
def test_a_shards_words_are_written_as_json_writes_them(postings: dict[str, list[int]]) -> None:
    """``_words_text`` writes the postings of a shard (of 20 cards) as
    ``json.dumps(..., separators=(",", ":"), sort_keys=True)`` does, or leaves
    them to it (None) when a word is not plain letters and digits."""
    found = search._words_text(postings, 20)
    expected = json.dumps(
        {"words": postings}, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    if found is None:
        assert not postings or not all(w.isascii() and w.isalnum() for w in postings)
    else:
        assert found == "," + expected[1:-1]
