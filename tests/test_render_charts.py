"""Unit tests of the pieces pages are made of: the interface catalogue, the SVG
charts, the escaping helpers."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator import charts
from generator.analysis.types import ReviewAnalysis, SentenceAnalysis
from generator.content import Review
from generator.i18n import CATALOGUE, format_date, format_number, iso_date, translator
from generator.render import highlight, json_script, stars
from generator.site import Card

REPO = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


# --- i18n -------------------------------------------------------------------------


def test_both_languages_have_the_same_keys() -> None:
    assert set(CATALOGUE["fr"]) == set(CATALOGUE["en"])
    for key in CATALOGUE["fr"]:
        # the same placeholders on both sides, or a template would break in one language
        # (the reviewers' noun may take a different form: every language has them all)
        names = lambda text: {
            "audience" if n.lower().startswith("audience") else n
            for n in re.findall(r"{(\w+)}", text)
        }
        assert names(CATALOGUE["fr"][key]) == names(CATALOGUE["en"][key]), key


def test_every_key_the_templates_use_is_in_the_catalogue() -> None:
    used = set()
    for template in (REPO / "templates").glob("*.html"):
        used |= set(
            re.findall(r"""\bt\(\s*["']([\w.]+)["']\s*[,)]""", template.read_text(encoding="utf-8"))
        )
    # keys composed in templates: "label." ~ label
    used |= {f"label.{label}" for label in ("positive", "negative", "mixed", "neutral")}
    assert len(used) > 30
    assert not used - set(CATALOGUE["fr"]), sorted(used - set(CATALOGUE["fr"]))


def test_templates_hold_no_interface_words() -> None:
    """Words belong to the catalogue: text between tags in templates is only Jinja,
    punctuation or numbers."""
    for template in (REPO / "templates").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        source = re.sub(r"{[{%#].*?[}%#]}", "", source, flags=re.DOTALL)  # Jinja
        source = re.sub(r"<(script|style)\b.*?</\1>", "", source, flags=re.DOTALL)
        words = [
            w
            for text in re.findall(r">([^<]+)<", source)
            for w in re.findall(r"[^\W\d_]{2,}", text)
        ]
        assert words == [], f"{template.name}: {words}"


def test_plural_follows_each_language() -> None:
    fr, en = translator("fr"), translator("en")
    assert fr("count.titles", n=0) == "0 titre" and fr("count.titles", n=1) == "1 titre"
    assert fr("count.titles", n=2) == "2 titres"
    assert en("count.titles", n=0) == "0 titles" and en("count.titles", n=1) == "1 title"
    assert en("count.reviews", n=11) == "11 reviews"


def test_french_typography() -> None:
    fr = translator("fr")
    assert fr("quote.open") == "«\u00a0" and fr("quote.close") == "\u00a0»"
    assert fr("subject.share_positive", share="73") == "73\u202f% d’avis positifs"
    assert "\u00a0:" in fr("card.rating", rating="4", scale=5)
    assert format_number(3.456, "fr", 1) == "3,5" and format_number(3.456, "en", 1) == "3.5"
    assert format_number(4.0, "fr") == "4"


def test_dates() -> None:
    assert iso_date("2024-03-01") == "2024-03-01"
    assert iso_date("2024-03-01T10:22:00Z") == "2024-03-01"
    assert iso_date("mars 2019") == "" and iso_date("2024-13-01") == ""
    assert format_date("2024-03-01", "fr") == "1er mars 2024"
    assert format_date("2024-12-24", "fr") == "24 décembre 2024"
    assert format_date("2024-03-01", "en") == "March 1, 2024"
    assert format_date(" mars 2019 ", "fr") == "mars 2019"


# --- escaping ---------------------------------------------------------------------


def test_json_script_cannot_close_its_script_block() -> None:
    value = {"text": "</script><script>alert(1)</script> <!-- & \u2028"}
    out = str(json_script(value))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == value


def test_highlight_marks_the_quoted_sentence_and_escapes_the_rest() -> None:
    text = "Nice cast but a dull script. </script><script>alert(1)</script>"
    end = len("Nice cast but a dull script.")
    review = Review("r5", "s", text, Path("r.csv"), 1)
    analysis = ReviewAnalysis(0.1, 0.5, "mixed", (SentenceAnalysis(text[:end], 0, end, 0.1, 0.5),))
    html = str(highlight(Card(review, analysis, highlight=(0, end))))
    assert html.startswith('<mark id="quote-r5">Nice cast but a dull script.</mark>')
    assert "&lt;/script&gt;&lt;script&gt;" in html and "<script" not in html
    assert str(highlight(Card(review, analysis))).count("<") == 0


def test_stars_fill_in_proportion_and_are_decorative() -> None:
    assert "--fill:70.0%" in stars(3.5, 5) and 'aria-hidden="true"' in stars(3.5, 5)
    assert "--fill:100.0%" in stars(25, 20) and "--fill:0.0%" in stars(-1, 5)


# --- charts -----------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_stacked_bar_is_an_accessible_image_with_its_numbers() -> None:
    segments = [
        charts.Segment("positive", "Positif", 6),
        charts.Segment("mixed", "Mitigé", 0),
        charts.Segment("negative", "Négatif", 2),
    ]
    svg = parse(str(charts.stacked_bar("dist-x", "Répartition : positif 6, négatif 2", segments)))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "dist-x-title"
    title = svg.find(f"{SVG}title")
    assert (
        title is not None
        and title.get("id") == "dist-x-title"
        and "6" in title.text
        and "2" in title.text
    )
    rects = {
        r.get("class"): float(r.get("width"))
        for r in svg.iter(f"{SVG}rect")
        if r.get("class", "").startswith("c-")
    }
    assert "c-mixed" not in rects  # an empty segment takes no room
    assert rects["c-positive"] == pytest.approx(3 * rects["c-negative"], rel=0.02)


def test_stacked_bar_of_nothing_is_an_empty_track() -> None:
    svg = parse(str(charts.stacked_bar("d", "nothing", [charts.Segment("positive", "P", 0)])))
    assert [r.get("class") for r in svg.iter(f"{SVG}rect")] == ["", "c-track"]


def test_bar_rows_share_one_scale_and_show_their_values() -> None:
    bars = [
        charts.Bar("a", (charts.Segment("star", "a", 4),)),
        charts.Bar("b", (charts.Segment("star", "b", 1),)),
        charts.Bar(
            "a very long label indeed, longer than the room", (charts.Segment("star", "c", 0),)
        ),
    ]
    svg = parse(str(charts.bar_rows("r", "Ratings", bars)))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "c-star"]
    assert len(widths) == 2 and widths[0] > widths[1] > 0
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[1] == "4" and texts[3] == "1" and texts[5] == "0"
    assert texts[4].endswith("…") and len(texts[4]) <= 18


def test_bar_value_overrides_the_segment_sum() -> None:
    """Aspects: the bar is as long as the mentions; positive/negative only split it."""
    bar = charts.Bar(
        "x", (charts.Segment("positive", "+", 3), charts.Segment("negative", "-", 3)), value=2
    )
    svg = parse(
        str(
            charts.bar_rows("a", "t", [bar, charts.Bar("y", (charts.Segment("positive", "+", 4),))])
        )
    )
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[1] == "2" and texts[3] == "4"


@pytest.mark.parametrize(
    ("scale", "ratings", "expected"),
    [
        (5, [5, 4.5, 4, 3.4, 0, 1], [(5, 2), (4, 1), (3, 1), (2, 0), (1, 2)]),
        (
            10,
            [10, 7, 7.5],
            [(10, 1), (9, 0), (8, 1), (7, 1), (6, 0), (5, 0), (4, 0), (3, 0), (2, 0), (1, 0)],
        ),
        (
            20,
            [20, 13, 1],
            [(20, 1), (18, 0), (16, 0), (14, 1), (12, 0), (10, 0), (8, 0), (6, 0), (4, 0), (2, 1)],
        ),
    ],
)
def test_rating_buckets(scale: int, ratings: list[float], expected: list[tuple[int, int]]) -> None:
    assert charts.rating_buckets(ratings, scale) == expected


def test_rating_buckets_on_a_scale_of_100() -> None:
    buckets = charts.rating_buckets([100, 95, 50, 3], 100)
    assert [v for v, _ in buckets] == [100, 90, 80, 70, 60, 50, 40, 30, 20, 10]
    assert sum(n for _, n in buckets) == 4 and dict(buckets)[100] == 2 and dict(buckets)[10] == 1


def test_score_ring_is_decorative_and_filled_to_the_score() -> None:
    svg = parse(str(charts.score_ring(25, "negative", size=100, stroke=10)))
    assert svg.get("aria-hidden") == "true"
    ring = next(c for c in svg.iter(f"{SVG}circle") if c.get("class") == "c-ring")
    filled, circumference = map(float, ring.get("stroke-dasharray").split())
    assert filled == pytest.approx(circumference / 4, rel=0.01)


def test_score_ring_of_zero_draws_no_dot() -> None:
    svg = parse(str(charts.score_ring(0, "none")))
    assert [c.get("class") for c in svg.iter(f"{SVG}circle")] == ["c-track"]
