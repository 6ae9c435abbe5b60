"""A subject of several pages writes ``<slug>/cards.js`` (every card, for the
filters of its pages). An edit renders again only the cards whose digest changed
(``worker.card_digests``) and takes the others' lines from the last cards.js, and
their words from the last search.js; the files are always what a ``--no-cache``
build writes. data.json likewise takes the unchanged reviews' entries from the
last one."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest
from conftest import set_csv_cell
from reference_build import build_uncached
from test_incremental import full_build, make_site, tree

from generator import search
from generator.commands.build import build
from generator.incremental import worker
from generator.render import Renderer, SubjectCards

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import edit_one_review


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The review ids of the cards rendered (``_card.html``) from now on."""
    ids: list[str] = []
    real = SubjectCards.html

    def html(self, index, card):
        if index not in self.done:
            ids.append(card.review.id)
        return real(self, index, card)

    monkeypatch.setattr(SubjectCards, "html", html)
    return ids


def _largest(config) -> tuple[Path, str]:
    path = max(config.content_dir.glob("*.csv"), key=lambda p: p.stat().st_size)
    return path, path.stem


def _set_author(path: Path, row: int, author: str) -> str:
    return set_csv_cell(path, row, 2, author)[0]


def test_an_edit_renders_only_the_changed_cards_of_cards_js(
    tmp_path: Path, rendered, monkeypatch
) -> None:
    config = make_site(tmp_path, reviews=200, subjects=3)
    build(config, executor="serial")
    path, slug = _largest(config)
    count = len(rendered)
    assert count >= 40  # the first build renders every card, once
    assert len(set(rendered)) == count
    rendered.clear()
    reused: list[int] = []
    real_file = worker.subject_data_parts
    monkeypatch.setattr(
        worker,
        "subject_data_parts",
        lambda subject, known: reused.append(len(known)) or real_file(subject, known),
    )
    indexed: list[str] = []
    real_words = search.words
    monkeypatch.setattr(search, "words", lambda text: indexed.append(text) or real_words(text))
    badge = (config.output_dir / slug / "badge.svg").stat().st_ino
    review = _set_author(path, 25, "Auteur Modifie")  # on page 3 of 10 cards a page
    build(config, executor="serial")
    # Its badge shows the same: kept as it is, not written again.
    assert (config.output_dir / slug / "badge.svg").stat().st_ino == badge
    # The page showing the card is rendered again, and its cards only; cards.js
    # takes every other card from its last version, search.js their words.
    assert review in rendered and len(rendered) <= 10
    # (words of the edited card, of the subject's own card, and of the titles of
    # the subjects as the site model orders them: not of every card)
    assert len(indexed) <= 10 and sum("Auteur Modifie" in text for text in indexed) == 1
    # its data.json takes every other review's entry from the last one
    total = int(re.search(rb'"total": (\d+)', tree(config.output_dir)[f"{slug}/cards.js"])[1])
    assert total >= 40 and reused == [total - 1]
    full = full_build(config)
    out = tree(config.output_dir)
    assert out["data.json"] == full["data.json"]
    assert out[f"{slug}/data.json"] == full[f"{slug}/data.json"]
    assert out[f"{slug}/cards.js"] == full[f"{slug}/cards.js"]
    assert out[f"{slug}/search.js"] == full[f"{slug}/search.js"]
    assert b"Auteur Modifie" in out[f"{slug}/cards.js"]
    # A text edit (the summary, and so every page, may change) as a full build.
    edit_one_review(path)
    build(config, executor="serial")
    assert tree(config.output_dir) == full_build(config, "full2")


def test_a_cards_js_changed_by_hand_is_not_reused(tmp_path: Path, rendered) -> None:
    config = make_site(tmp_path, reviews=200, subjects=3)
    build(config, executor="serial")
    path, slug = _largest(config)
    cards = config.output_dir / slug / "cards.js"
    lines = cards.read_bytes().split(b"\n")
    lines[2] = b'"<article>written by hand</article>",'
    cards.write_bytes(b"\n".join(lines))
    rendered.clear()
    _set_author(path, 25, "Auteur Modifie")
    build(config, executor="serial")
    assert len(rendered) >= 40  # every card rendered again: the file was not as written
    assert tree(config.output_dir) == full_build(config)


def test_reordered_reviews_renumber_their_cards(tmp_path: Path) -> None:
    """A card shows its number: moving a review renders the cards after it again."""
    config = make_site(tmp_path, reviews=200, subjects=3)
    build(config, executor="serial")
    path, _ = _largest(config)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows.insert(1, rows.pop(30))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    build(config, executor="serial")
    assert tree(config.output_dir) == full_build(config)


def test_the_parts_of_data_json_stored_for_the_next_build_are_right(tmp_path: Path) -> None:
    """Workers write their subject's part of data.json into the staging folder; the
    build writes data.json from those files and stores each part for the next build
    read back from it. A data.json removed by hand is then made from those parts."""
    config = make_site(tmp_path, reviews=200, subjects=3)
    build(config, executor="serial")
    path, _ = _largest(config)
    edit_one_review(path)
    build(config, executor="serial")
    pending = [p for p in tmp_path.rglob("*") if "sitegen-new" in p.as_posix()]
    assert not pending  # (nothing of the staging folder left)
    (config.output_dir / "data.json").unlink()
    other = next(p for p in sorted(config.content_dir.glob("*.csv")) if p != path)
    edit_one_review(other)
    build(config, executor="serial")
    assert tree(config.output_dir) == full_build(config)


def test_cards_js_is_what_its_template_writes(tmp_path: Path) -> None:
    """``Renderer.cards_file`` fills the theme's cards.js in as bytes, its cards'
    lines joined: the bytes of the template's own loop (``review_card`` per card)."""
    config = make_site(tmp_path, reviews=200, subjects=3)
    site = build_uncached(config).site
    renderer = Renderer(site)
    checked = 0
    for subject in site.subjects:
        if not subject.cards_path:
            continue
        [made] = renderer.cards_file(subject)
        cards = [card for page in subject.pages for card in page.cards]
        shared = renderer._subject_cards(subject).shared
        expected = renderer._render(
            "cards.js", subject.cards_path, cards=cards, cards_js=None, **shared
        )
        assert made.data == expected.data
        assert made.data.count(b"\n") == len(cards) + 2
        checked += 1
    assert checked >= 2


def test_value_digests_are_value_digest_of_each() -> None:
    values = [
        ["a", 1, 2.5, None, b"\x00", ("x", ("y", 3))],
        [],
        ["a", 1, 2.5, None, b"\x00", ("x", ("y", 3))],  # again: no memo across values
        "é" * 5000,  # framed
        [("k", "f", 1, 2, -0.5)] * 3,
    ]
    digests = worker.value_digests(values)
    assert digests == [worker.value_digest(v) for v in values]
    assert digests[0] == digests[2] and len(set(digests)) == 4


def test_a_card_key_tells_its_mentions_from_its_analysis_ones() -> None:
    """A card's key holds its text's hash for its analysis (the analysis of a text
    is told by the text under the site key's analyses namespace) and its mentions
    when they are not its analysis's."""
    from dataclasses import replace

    from generator.analysis.types import ReviewAnalysis
    from generator.content import Review
    from generator.site import Card

    mentions = (("jeu", "jeu", 0, 3, 0.5), ("fin", "fin", 10, 13, -0.5))
    review = Review("r1", "s", "Jeu bien, fin ratée.", Path("s.csv"), 2)
    analysis = ReviewAnalysis(0.1, 0.5, "positive", mentions=mentions)
    card = Card(review, analysis, mentions=mentions)
    other = replace(analysis, mentions=mentions[:1])  # (of another text: "h2")
    keys = [
        worker._card_key(c, h)
        for c, h in (
            (card, b"h"),
            (replace(card, mentions=mentions[:1]), b"h"),
            (replace(card, mentions=()), b"h"),
            (replace(card, analysis=other), b"h2"),
            (replace(card, analysis=other, mentions=mentions[:1]), b"h2"),
            (replace(card, disagrees=True), b"h"),
        )
    ]
    assert len({worker.value_digest(k) for k in keys}) == len(keys)
    at = worker._MENTIONS_AT
    assert keys[0][at] == worker._AS_ANALYSED and keys[1][at] == mentions[:1]
    assert keys[4][at] == worker._AS_ANALYSED and keys[3][at] == mentions
    assert (
        worker._card_key(replace(card, analysis=replace(analysis, polarity=0.9)), b"h") == keys[0]
    )


def test_a_subjects_data_json_is_recorded_by_its_head_and_its_cards_digests() -> None:
    """``_Last.data_sum``: a large subject's data.json is kept (not written again)
    by a digest of its bytes but the entries, their lengths and the cards'
    digests (an entry is taken back by its card's digest), not by hashing tens of
    MB: any change of the rest of the file, of an entry's length or of a card's
    digest changes it; without the cards' digests, the bytes are hashed."""
    import hashlib

    from generator.output import ENTRY_SEP

    def data(head: bytes, entries: list[bytes]) -> worker._Spliced:
        made = worker._Spliced(head + b"[\n", entries, b"\n  ]\n}\n")
        assert made.joined() == head + b"[\n" + ENTRY_SEP.join(entries) + b"\n  ]\n}\n"
        return made

    def digest(file: worker._Spliced, entries: list[bytes], cards: list[bytes]) -> bytes:
        last = object.__new__(worker._Last)
        last.lengths, last.cards = [len(e) for e in entries], cards
        return last.data_sum(file)

    entries = [b'    {"id": "r1"}', b'    {"id": "r2", "text": "Bien."}']
    cards = [b"a" * 16, b"b" * 16]
    file = data(b'{\n  "slug": "film",\n  "reviews": ', entries)
    first = digest(file, entries, cards)
    assert digest(file, entries, cards) == first
    assert digest(data(b'{\n  "slug": "filme",\n  "reviews": ', entries), entries, cards) != first
    assert digest(file, entries, [b"a" * 16, b"c" * 16]) != first
    longer = [entries[0] + b" ", entries[1][1:]]  # (the same bytes, cut elsewhere)
    assert digest(data(b'{\n  "slug": "film",\n  "reviews": ', longer), longer, cards) != first
    whole = file.joined()
    assert digest(file, entries, []) == hashlib.blake2b(whole, digest_size=16).digest()


def test_a_data_json_takes_the_unchanged_entries_from_where_they_lie_in_the_last_one(
    tmp_path: Path,
) -> None:
    """``_Last.data_file``: the unchanged reviews' entries are copied from the last
    data.json (spans next to each other there copied as one, with their
    separator), never read; a file whose bytes around them are not as recorded
    gives no span (every entry is made again)."""
    import array
    import types

    from generator.output import ENTRY_SEP

    head, tail = b'{\n  "slug": "film",\n  "reviews": [\n', b"\n  ]\n}\n"
    old = [b'    {"id": "r%d", "text": "%s"}' % (i, b"x" * i) for i in range(6)]
    (tmp_path / "film").mkdir()
    path = tmp_path / "film" / "data.json"
    path.write_bytes(head + ENTRY_SEP.join(old) + tail)
    last = object.__new__(worker._Last)
    last.job = types.SimpleNamespace(output=str(tmp_path))
    last.old_lengths = array.array("I", map(len, old))
    same = {0: 0, 1: 1, 2: 3, 3: 4, 5: 5}  # new index -> old index; 4 is new

    def old_spans() -> dict[int, tuple[int, int]]:
        return last._old_spans("film/data.json", same, last.old_lengths, b"[\n", tail)

    spans = old_spans()
    assert sorted(spans) == sorted(same)
    new = b'    {"id": "new"}'
    entries = [spans.get(i, new) for i in range(6)]
    made = worker._Spliced(head, entries, tail, str(path))
    assert sum(isinstance(p, tuple) for p in made.pieces()) == 3  # (0-1, 3-4, 5)
    expected = head + ENTRY_SEP.join([old[0], old[1], old[3], old[4], new, old[5]]) + tail
    assert made.joined() == expected
    name, size = made.write(str(tmp_path))
    assert (tmp_path / name).read_bytes() == expected and size == len(expected)
    # the separator after a run changed by hand (same size): no span
    changed = bytearray(path.read_bytes())
    after = len(head) + len(old[0]) + len(ENTRY_SEP) + len(old[1])
    assert changed[after : after + 2] == ENTRY_SEP
    changed[after] = ord(";")
    path.write_bytes(bytes(changed))
    assert old_spans() == {}
    path.write_bytes(head + ENTRY_SEP.join(old) + tail + b" ")  # (not as recorded)
    assert old_spans() == {}


def test_the_cards_record_gives_back_what_it_recorded() -> None:
    """``_Last.record``: the card digests, data.json entries' lengths and cards.js
    lines' lengths come back to the next build; lengths not known come back as
    none (nothing is taken from where they would say)."""
    last = worker._Last(None, [])  # type: ignore[arg-type]
    last.cards = [b"a" * 16, b"b" * 16, b"c" * 16]
    last.lengths, last.line_lengths = [10, 20, 30], [5, 6, 7]
    again = worker._Last(None, [])  # type: ignore[arg-type]
    again._read_record(last.record())
    assert again.index == {b"a" * 16: 0, b"b" * 16: 1, b"c" * 16: 2}
    assert list(again.old_lengths) == [10, 20, 30] and list(again.old_line_lengths) == [5, 6, 7]
    last.line_lengths = []  # (cards.js made by the site's own template)
    again = worker._Last(None, [])  # type: ignore[arg-type]
    again._read_record(last.record())
    assert len(again.index) == 3 and list(again.old_lengths) == [10, 20, 30]
    assert not again.old_line_lengths
    again = worker._Last(None, [])  # type: ignore[arg-type]
    again._read_record(last.record()[:-1])  # (not as written)
    assert not again.index and not again.old_lengths
