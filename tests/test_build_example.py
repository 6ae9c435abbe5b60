"""End to end: the example site builds into pages, cards, quotes and data.json."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import read_data

from generator.commands.build import build
from generator.config import SiteConfig

REPO = Path(__file__).resolve().parents[1]


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def parse(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.elements


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site") / "output"
    config = SiteConfig(
        content_dir=REPO / "content", output_dir=output, templates_dir=REPO / "no-such-templates"
    )
    report = build(config)
    assert report.reviews == 11 and report.subjects == 1
    assert not report.errors
    return output


def test_example_content_is_the_shared_file_byte_for_byte() -> None:
    shared = REPO.parent / "shared" / "data" / "backstage-reviews.txt"
    if not shared.exists():
        pytest.skip("shared data not beside the checkout")
    assert (REPO / "content" / "backstage.txt").read_bytes() == shared.read_bytes()


def test_home_lists_the_subject_with_a_relative_link(example_site: Path) -> None:
    elements = parse(example_site / "index.html")
    html_tag = next(attrs for tag, attrs in elements if tag == "html")
    assert html_tag["lang"] == "fr"
    links = [attrs["href"] for tag, attrs in elements if tag == "a" and attrs.get("href")]
    assert "backstage/index.html" in links
    assert not [h for h in links if h and h.startswith("/")], "links must be relative"


def test_subject_page_has_eleven_cards_with_ids_and_sentiment(example_site: Path) -> None:
    elements = parse(example_site / "backstage" / "index.html")
    cards = [
        attrs
        for tag, attrs in elements
        if tag == "article" and (attrs.get("id") or "").startswith("review-")
    ]
    assert len(cards) == 11
    assert all(c["data-sentiment"] in {"positive", "negative", "mixed", "neutral"} for c in cards)
    data = read_data(example_site)
    assert [c["id"] for c in cards] == ["review-" + r["id"] for r in data["subjects"][0]["reviews"]]


def test_quotes_link_to_their_cards_and_come_from_distinct_reviews(example_site: Path) -> None:
    data = read_data(example_site)
    subject = data["subjects"][0]
    assert len(subject["pros"]) >= 2 and len(subject["cons"]) >= 2
    quoted = [q["review_id"] for q in subject["pros"] + subject["cons"]]
    assert len(quoted) == len(set(quoted)), "never two quotes from one review"
    html = (example_site / "backstage" / "index.html").read_text(encoding="utf-8")
    card_ids = set(re.findall(r'<article[^>]*\bid="review-([^"]+)"', html))
    for review_id in quoted:
        assert f'href="index.html#review-{review_id}"' in html
        assert review_id in card_ids
    assert all(q["polarity"] > 0 for q in subject["pros"])
    assert all(q["polarity"] < 0 for q in subject["cons"])


def test_data_json_follows_the_documented_schema(example_site: Path) -> None:
    index = json.loads((example_site / "data.json").read_text(encoding="utf-8"))
    assert "reviews" not in index["subjects"][0]  # (in backstage/data.json)
    data = read_data(example_site)
    assert len(data["subjects"]) == 1
    subject = data["subjects"][0]
    assert {
        "slug",
        "title",
        "url",
        "review_count",
        "verdict",
        "key_phrases",
        "pros",
        "cons",
        "reviews",
        "data",
    } <= set(subject)
    assert subject["slug"] == "backstage" and subject["url"] == "backstage/index.html"
    assert subject["review_count"] == 11 == len(subject["reviews"])
    verdict = subject["verdict"]
    assert 0 <= verdict["score"] <= 100
    assert verdict["positive"] + verdict["negative"] + verdict["mixed"] + verdict["neutral"] == 11
    assert 0 <= verdict["share_positive"] <= 1
    for review in subject["reviews"]:
        assert {"id", "polarity", "subjectivity", "label", "rating", "key_phrases"} <= set(review)
        assert -1 <= review["polarity"] <= 1
    for phrase in subject["key_phrases"]:
        assert {"text", "mentions", "positive", "negative"} <= set(phrase)
        assert {"key", "share_positive", "best_positive", "best_negative", "line"} <= set(phrase)
        assert 0 <= phrase["share_positive"] <= 1
    texts = {review["id"]: review["text"] for review in subject["reviews"]}
    for review in subject["reviews"]:
        for mention in review["aspects"]:
            assert set(mention) == {"aspect", "text", "start", "end", "polarity", "label"}
            assert review["text"][mention["start"] : mention["end"]] == mention["text"]
            assert -1 <= mention["polarity"] <= 1
    keys = {m["aspect"] for r in subject["reviews"] for m in r["aspects"]}
    for phrase in subject["key_phrases"]:
        assert phrase["key"] in keys
        for side, sign in (("best_positive", 1), ("best_negative", -1)):
            best = phrase[side]
            if best is not None:
                assert best["polarity"] * sign > 0
                text = texts[best["review_id"]]
                assert text[best["start"] : best["end"]] in best["text"]
                assert best["text"] in text
    mentions = [p["mentions"] for p in subject["key_phrases"]]
    assert mentions == sorted(mentions, reverse=True), "most important first"
    first_line = (REPO / "content" / "backstage.txt").read_text(encoding="utf-8").split("\n")[0]
    assert subject["reviews"][0]["id"] == build_id(first_line)


def build_id(text: str) -> str:
    from generator.readers.base import stable_id

    return stable_id("backstage", text)


def test_theme_assets_and_extra_pages_are_written(example_site: Path) -> None:
    for name in (
        "404.html",
        "robots.txt",
        "static/style.css",
        "static/favicon.svg",
        ".sitegen-output",
    ):
        assert (example_site / name).is_file(), name
    assert not (example_site / "sitemap.xml").exists(), "no sitemap without base_url"


def test_same_input_gives_the_same_bytes(example_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(
        SiteConfig(content_dir=REPO / "content", output_dir=again, templates_dir=tmp_path / "none")
    )
    first = {
        p.relative_to(example_site): p.read_bytes() for p in example_site.rglob("*") if p.is_file()
    }
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second
