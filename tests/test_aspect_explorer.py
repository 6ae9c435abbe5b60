"""The aspect explorer's pieces: mentions marked in a card (nested in the quote's
mark when it holds them), a listed mention's sentence cut around it, a section
anchor per aspect, and the first page's listing kept exact by incremental builds
(a mention on page 3 listed on page 1: editing it rewrites page 1)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from generator.analysis.types import Aspect, ReviewAnalysis
from generator.commands.build import build
from generator.config import SiteConfig
from generator.content import Review
from generator.render import aspect_anchors, highlight, mentioned, snippet
from generator.site import Card


def card(text: str, mentions, quote=None) -> Card:
    review = Review("r1", "s", text, Path("x.txt"), 1)
    return Card(review, ReviewAnalysis(0.5, 0.5, "positive"), False, quote, tuple(mentions))


def test_mentions_are_marked_inside_and_outside_the_quote() -> None:
    text = "La musique est belle. Le scénario <b>nul</b>, la musique aussi."
    at = text.index("scénario")
    music = ("musique", "musique", 3, 10, 0.8)
    script = ("scenario", "scénario", at, at + 8, -0.8)
    last = text.rindex("musique")
    again = ("musique", "musique", last, last + 7, -0.2)
    html = str(
        highlight(card(text, [music, script, again], quote=(0, 21)), {"musique", "scenario"})
    )
    assert html == (
        '<mark id="quote-r1">La <span class="aspect-mention" data-aspect="musique">musique</span>'
        ' est belle.</mark> Le <span class="aspect-mention" data-aspect="scenario">scénario</span>'
        ' &lt;b&gt;nul&lt;/b&gt;, la <span class="aspect-mention" data-aspect="musique">musique</span> aussi.'
    )
    # only the aspects shown are marked; a mention across the quote's edge is left plain
    assert "scenario" not in str(highlight(card(text, [music, script]), {"musique"}))
    crossing = ("musique", "musique", 18, 24, 0.1)
    assert "aspect-mention" not in str(
        highlight(card(text, [crossing], quote=(0, 21)), {"musique"})
    )
    assert (
        mentioned(card(text, [music, script, again]), {"musique", "scenario"}) == "musique|scenario"
    )


def test_a_listed_mention_shows_its_sentence() -> None:
    text = "Premier avis. La musique est belle ! Fin."
    assert snippet(text, 17, 24) == ("La ", "musique", " est belle !")
    long = "mot " * 60 + "la musique " + "mot " * 60
    at = long.index("musique")
    before, words, after = snippet(long, at, at + 7)
    assert words == "musique" and before.startswith("…") and after.endswith("…")
    assert len(before) < 100 and len(after) < 100


def test_each_aspect_has_its_own_anchor() -> None:
    aspects = [
        Aspect("mise en scene", "mise en scène", 3, 1, 1),
        Aspect("mise-en-scene", "x", 2, 1, 0),
    ]
    assert aspect_anchors(aspects) == {
        "mise en scene": "aspect-mise-en-scene",
        "mise-en-scene": "aspect-mise-en-scene-2",
    }


def test_editing_a_mention_listed_on_the_first_page_rewrites_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    rows = [
        (
            f"d{i:03d}",
            f"Avis {i}. Un très bon film." if i < 25 else f"Avis {i}. Les décors sont superbes.",
            4,
        )
        for i in range(30)
    ]
    source = content / "film.csv"

    def write(rows) -> None:
        with source.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([("id", "text", "rating"), *rows])
        os.utime(source, (1_600_000_000, 1_600_000_000))

    write(rows)
    config = SiteConfig(
        content_dir=content,
        output_dir=tmp_path / "out",
        templates_dir=tmp_path / "none",
        page_size=10,
    )
    build(config, executor="serial")
    first = (tmp_path / "out" / "film" / "index.html").read_text(encoding="utf-8")
    assert 'id="aspect-decor"' in first and "superbes" in first  # listed on page 1, from page 3
    rows[27] = ("d027", "Avis 27. Les décors sont splendides.", 4)
    write(rows)
    build(config, executor="serial")
    again = (tmp_path / "out" / "film" / "index.html").read_text(encoding="utf-8")
    assert "splendides" in again
    full = config.replace(output_dir=tmp_path / "full")
    build(full, executor="serial", cache=False)
    for page in sorted((tmp_path / "full").rglob("*")):
        if page.is_file():
            rel = page.relative_to(tmp_path / "full")
            assert (tmp_path / "out" / rel).read_bytes() == page.read_bytes(), rel


def _marked(text: str, mentions, quote, aspects) -> str:
    """What ``highlight`` writes, told the plain way: every tag with its offset and
    rank (closing before opening at one offset, the quote outside the mentions),
    sorted, the text between them escaped piece by piece."""
    tags = []
    if quote:
        tags += [(quote[0], 2, '<mark id="quote-r1">'), (quote[1], 1, "</mark>")]
    last = 0
    for key, _form, start, end, _polarity in mentions:
        if key not in aspects or not 0 <= start < end <= len(text) or start < last:
            continue
        if quote and (start < quote[0] < end or start < quote[1] < end):
            continue
        tags += [(start, 3, f'<span class="aspect-mention" data-aspect="{escape(key)}">')]
        tags += [(end, 0, "</span>")]
        last = end
    tags.sort(key=lambda tag: tag[:2])
    out, at = [], 0
    for offset, _, tag in tags:
        out += [str(escape(text[at:offset])), tag]
        at = offset
    return "".join(out) + str(escape(text[at:]))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_highlight_is_the_sorted_tags_between_escaped_pieces(data) -> None:
    text = data.draw(st.text(alphabet="ab <&>\"'\x00é", max_size=30))
    bound = st.integers(-1, len(text) + 1)
    spans = data.draw(st.lists(st.tuples(bound, bound), max_size=6))
    spans.sort()
    mentions = [(key, key, s, e, 0.5) for (s, e), key in zip(spans, ["a", "b<", "a", "c"] * 2)]
    quote = data.draw(st.none() | st.tuples(bound, bound).map(sorted).map(tuple))
    aspects = {"a", "b<"}
    expected = _marked(text, mentions, quote, aspects)
    assert str(highlight(card(text, mentions, quote), aspects)) == expected


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_snippet_is_cut_at_the_nearest_sentence_ends(data) -> None:
    """``snippet`` cuts at the last sentence end before the mention and the first
    after it (within ``context`` characters), told the plain way with one
    ``rfind``/``find`` per sentence end."""
    text = data.draw(st.text(alphabet="ab .!?…\n", min_size=1, max_size=40))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    context = data.draw(st.integers(0, 12))
    low, high = max(0, start - context), min(len(text), end + context)
    cut = max(text.rfind(stop, low, start) for stop in ".!?…\n")
    ends = [i for i in (text.find(stop, end, high) for stop in ".!?…\n") if i != -1]
    before, words, after = snippet(text, start, end, context)
    assert words == text[start:end]
    if cut >= 0:
        assert before == text[cut + 1 : start].lstrip()
    else:  # (no sentence end in the window: a cut at a word, "…" before)
        assert before.removeprefix("…") in text[low:start]
    if ends:
        assert after == text[end : min(ends) + 1].rstrip()
    else:
        assert after.removesuffix("…") in text[end:high]


def _listing_as_specified(subject):
    """The first page's aspect listing as its spec says: per aspect of the
    subject, its first ASPECT_LIST_LIMIT mentions (the first of each card), in
    card order, and the number of cards mentioning it."""
    from generator.analysis.types import mention_label
    from generator.render import ASPECT_LIST_LIMIT, Snippet, relative

    keys = [a.key for a in subject.summary.aspects]
    listed = {key: [] for key in keys}
    counts = dict.fromkeys(keys, 0)
    first = subject.pages[0].path
    for page in subject.pages:
        for one in page.cards:
            seen = set()
            for key, _form, start, end, polarity in one.mentions:
                if key not in counts or key in seen:
                    continue
                seen.add(key)
                counts[key] += 1
                if len(listed[key]) < ASPECT_LIST_LIMIT:
                    before, words, after = snippet(one.review.text, start, end)
                    href = f"{relative(page.path, first)}#review-{one.review.id}"
                    listed[key].append(
                        Snippet(
                            one.review.id,
                            page.path,
                            before,
                            words,
                            after,
                            mention_label(polarity),
                            href,
                        )
                    )
    return {key: (tuple(listed[key]), counts[key]) for key in keys}


@given(st.randoms(use_true_random=False), st.integers(1, 60))
@settings(max_examples=30, deadline=None)
def test_the_aspect_listing_is_as_specified(rnd, count: int) -> None:
    """``render._aspect_listing`` (counts in C, the listing looked at only while
    an aspect lists fewer than its limit) gives what its spec gives."""
    import dataclasses

    from generator.analysis.types import SubjectSummary, Verdict
    from generator.render import _aspect_listing
    from generator.site import make_subject, paginate

    words = ["jeu", "fin", "musique", "decor", "autre"]
    text = "Le jeu et la fin, la musique, le décor et autre chose encore."
    reviews = [Review(f"r{i}", "s", text, Path("s.csv"), i + 2) for i in range(count)]
    cards = []
    for review in reviews:
        mentions = []
        for _ in range(rnd.randrange(0, 6)):
            key = rnd.choice(words)
            start = rnd.randrange(0, len(text) - 5)
            mentions.append((key, key, start, start + 3, rnd.choice([0.5, -0.5, 0.0])))
        analysis = ReviewAnalysis(0.5, 0.5, "positive", mentions=tuple(mentions))
        cards.append(Card(review, analysis, mentions=tuple(mentions)))
    aspects = tuple(Aspect(key, key, 1, 1, 0) for key in words[:4])
    summary = SubjectSummary(Verdict(50, "Mitigé", "mixed", 1, 1, 0, 0, 0.5), aspects=aspects)
    analyses = [c.analysis for c in cards]
    subject = make_subject(SiteConfig(page_size=7), "s", "s", None, reviews, analyses, summary)
    subject = dataclasses.replace(subject, pages=paginate("s", cards, 7))
    assert _aspect_listing(subject) == _listing_as_specified(subject)
