"""The rendered site, read back: language, SEO and sharing tags, schema.org data,
links (all relative, all resolving), cards and pagination, size and offline budget."""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import RATED_REVIEWS
from hypothesis import given
from hypothesis import strategies as st

from generator.i18n import CATALOGUE

BASE = "https://example.org/avis/"  # conftest.EXAMPLE_BASE_URL


class Page(HTMLParser):
    """Tags with their attributes, visible text, ids and JSON-LD blocks of a page."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.json_ld: list[dict] = []
        self.raw_scripts: list[str] = []
        self._in: str | None = None
        self._type = ""
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag in ("script", "style", "title"):
            self._in, self._type = tag, a.get("type", "")
            if tag == "script":
                self.raw_scripts.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.raw_scripts[-1] += data
            if self._type == "application/ld+json":
                self.json_ld.append(json.loads(data))
        elif self._in != "style":
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def meta(self, **attrs: str) -> str | None:
        found = self.find("meta", **attrs)
        return found[0]["content"] if found else None

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def html_pages(root: Path) -> dict[str, Page]:
    return {p.relative_to(root).as_posix(): Page(p) for p in sorted(root.rglob("*.html"))}


@pytest.fixture(scope="module")
def example(example_build: Path) -> dict[str, Page]:
    return html_pages(example_build)


@pytest.fixture(scope="module")
def rated(rated_build: Path) -> dict[str, Page]:
    return html_pages(rated_build)


def page_title(page: Page) -> str:
    source = page.path.read_text(encoding="utf-8")
    return re.search(r"<title>(.*?)</title>", source, re.DOTALL).group(1)


# --- language ---------------------------------------------------------------------


def test_french_by_default_english_on_request(
    example: dict[str, Page], rated: dict[str, Page]
) -> None:
    assert all(p.find("html")[0]["lang"] == "fr" for p in example.values())
    assert all(p.find("html")[0]["lang"] == "en" for p in rated.values())
    assert "Les points forts" in example["backstage/index.html"].visible
    assert "Strengths" in rated["le-grand-bain/index.html"].visible


def test_english_pages_hold_no_french_interface_words(rated: dict[str, Page]) -> None:
    french = {
        v
        for k, v in CATALOGUE["fr"].items()
        if v != CATALOGUE["en"][k] and "{" not in v and len(v) > 4
    }
    assert len(french) > 30
    for name, page in rated.items():
        found = [w for w in french if w in page.visible]
        assert not found, f"{name}: {found}"


# --- SEO and sharing --------------------------------------------------------------


def test_every_page_has_a_title_and_a_description(
    example: dict[str, Page], rated: dict[str, Page]
) -> None:
    for pages in (example, rated):
        titles = [page_title(p) for p in pages.values()]
        assert all(t.strip() for t in titles) and len(set(titles)) == len(titles), titles
        for name, page in pages.items():
            description = page.meta(name="description")
            assert description and 30 <= len(description) <= 300, (name, description)


def test_canonical_and_open_graph_use_the_base_url(example: dict[str, Page]) -> None:
    expected = {
        "index.html": BASE,
        "backstage/index.html": BASE + "backstage/",
        "backstage/page/2/index.html": BASE + "backstage/page/2/",
    }
    for name, url in expected.items():
        page = example[name]
        assert [a["href"] for a in page.find("link", rel="canonical")] == [url]
        assert page.meta(property="og:url") == url
        assert page.meta(property="og:title") and page.meta(property="og:description")
        assert page.meta(property="og:locale") == "fr_FR"
    assert example["backstage/index.html"].meta(property="og:type") == "video.movie"


def test_no_canonical_nor_open_graph_without_a_base_url(
    rated: dict[str, Page], rated_build: Path
) -> None:
    for page in rated.values():
        assert not page.find("link", rel="canonical") and page.meta(property="og:url") is None
    assert not (rated_build / "sitemap.xml").exists()
    assert "Sitemap" not in (rated_build / "robots.txt").read_text()


def test_sitemap_lists_every_page_and_robots_points_to_it(
    example_build: Path, example: dict[str, Page]
) -> None:
    tree = ET.parse(example_build / "sitemap.xml")
    locs = {e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {BASE + n.removesuffix("index.html") for n in example if n != "404.html"}
    assert locs == pages
    robots = (example_build / "robots.txt").read_text()
    assert (
        re.search(r"^User-agent: \*$", robots, re.MULTILINE)
        and f"Sitemap: {BASE}sitemap.xml" in robots
    )


def test_not_found_page_and_favicon(example_build: Path, example: dict[str, Page]) -> None:
    page = example["404.html"]
    assert "Page introuvable" in page.visible
    # served for any missing path, so its links and assets go through the base URL
    assert page.find("link", rel="stylesheet")[0]["href"] == BASE + "static/style.css"
    for name, page in example.items():
        icons = page.find("link", rel="icon")
        assert icons and icons[0]["type"] == "image/svg+xml", name
    assert (example_build / "static" / "favicon.svg").read_text().startswith("<svg")


# --- schema.org -------------------------------------------------------------------


def test_json_ld_of_an_unrated_subject(example: dict[str, Page]) -> None:
    page = example["backstage/index.html"]
    (item,) = page.json_ld
    assert (
        item["@context"] == "https://schema.org"
        and item["@type"] == "Movie"
        and item["name"] == "Backstage"
    )
    assert item["url"] == BASE + "backstage/"
    rating = item["aggregateRating"]
    assert rating["@type"] == "AggregateRating" and 0 <= rating["ratingValue"] <= 100
    assert (rating["bestRating"], rating["worstRating"], rating["reviewCount"]) == (100, 0, 11)
    reviews = item["review"]
    assert len(reviews) == len(page.find("article"))  # this page's cards, nested in the item
    for review in reviews:
        assert review["@type"] == "Review" and review["reviewBody"]
        assert review["author"] == {"@type": "Person", "name": "Anonyme"}
        assert review["url"].startswith(BASE + "backstage/#review-")
        assert "reviewRating" not in review  # no rating is made up


def test_json_ld_of_a_rated_subject(rated: dict[str, Page]) -> None:
    (item,) = rated["le-grand-bain/index.html"].json_ld
    assert item["@type"] == "TVSeries" and item["dateCreated"] == "2018"
    assert item["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 3.5,
        "bestRating": 5,
        "worstRating": 0,
        "ratingCount": 7,
        "reviewCount": 7,
    }
    first = item["review"][0]
    assert first["author"] == {"@type": "Person", "name": "Alice"} and first["name"] == "A joy"
    assert first["datePublished"] == "2024-03-01"
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5.0,
        "bestRating": 5,
        "worstRating": 0,
    }
    assert "url" not in item  # no base_url
    (home,) = rated["index.html"].json_ld
    assert home["@type"] == "WebSite" and home["inLanguage"] == "en"


def test_a_review_cannot_close_the_json_ld_script(rated: dict[str, Page]) -> None:
    page = rated["le-grand-bain/page/2/index.html"]
    raw = next(s for s in page.raw_scripts if '"Review"' in s)
    assert "</script" not in raw.lower() and "\\u003c/script\\u003e" in raw
    bodies = [r["reviewBody"] for r in page.json_ld[0]["review"]]
    assert any(b.endswith("</script><script>alert(1)</script>") for b in bodies)


# --- links ------------------------------------------------------------------------


def links(page: Page) -> list[str]:
    found = []
    for tag, attrs in page.tags:
        if tag in ("a", "link", "script", "img") and (attrs.get("href") or attrs.get("src")):
            if tag == "link" and attrs.get("rel") == "canonical":
                continue
            found.append(attrs.get("href") or attrs.get("src"))
    return found


@pytest.mark.parametrize("which", ["example", "rated"])
def test_links_are_relative_and_resolve(which: str, request: pytest.FixtureRequest) -> None:
    root: Path = request.getfixturevalue(f"{which}_build")
    pages = html_pages(root)
    checked = 0
    for name, page in pages.items():
        if name == "404.html" and which == "example":
            continue  # absolute through base_url on purpose (see test_not_found_page_and_favicon)
        for href in links(page):
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc and not href.startswith("/"), (
                f"{name}: {href}"
            )
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(name), parts.path))
                if parts.path
                else name
            )
            assert (root / target).is_file(), f"{name}: {href} -> {target}"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{name}: {href}"
            checked += 1
    assert checked > 20


def test_quotes_link_to_the_page_holding_their_card(example: dict[str, Page]) -> None:
    page = example["backstage/index.html"]
    quote_links = [
        a["href"]
        for a in page.find("a")
        if "#review-" in a.get("href", "") and not a["href"].startswith("#")
    ]
    assert len(quote_links) >= 4
    elsewhere = [h for h in quote_links if not h.startswith("index.html")]
    assert elsewhere, "with 5 cards a page, some quoted reviews are on later pages"
    for href in quote_links:
        path, fragment = href.split("#")
        target = example[posixpath.normpath(posixpath.join("backstage", path))]
        assert fragment in target.ids and target.find("article", id=fragment)


# --- cards and pagination ---------------------------------------------------------


def test_cards_keep_their_ids_sentiments_and_links(example: dict[str, Page]) -> None:
    seen = []
    for name in (
        "backstage/index.html",
        "backstage/page/2/index.html",
        "backstage/page/3/index.html",
    ):
        page = example[name]
        cards = page.find("article")
        assert 1 <= len(cards) <= 5
        for card in cards:
            assert re.fullmatch(r"review-[\w-]+", card["id"])
            assert card["data-sentiment"] in ("positive", "negative", "mixed", "neutral")
            float(card["data-polarity"]), int(card["data-length"])
            assert page.find("a", href=f"#{card['id']}"), "each card links to itself"
        seen += [c["id"] for c in cards]
    assert len(seen) == len(set(seen)) == 11


def test_the_quoted_sentence_is_marked_in_its_card(example_build: Path) -> None:
    source = "".join(
        p.read_text(encoding="utf-8") for p in (example_build / "backstage").rglob("*.html")
    )
    marks = re.findall(r'<mark id="quote-([\w-]+)">', source)
    assert marks and all(f'id="review-{m}"' in source for m in marks)


def test_pagination(example: dict[str, Page], rated: dict[str, Page]) -> None:
    first, last = example["backstage/index.html"], example["backstage/page/3/index.html"]
    nav = [a for a in first.find("a") if a.get("aria-label", "").startswith("Page ")]
    assert [a["href"] for a in nav] == ["index.html", "page/2/index.html", "page/3/index.html"]
    assert nav[0].get("aria-current") == "page"
    assert first.find("a", rel="next") and not first.find("a", rel="prev")
    assert last.find("a", rel="prev")[0]["href"] == "../2/index.html" and not last.find(
        "a", rel="next"
    )
    assert not rated["flop/index.html"].find("nav", class_="pagination")


def test_filter_counts_are_the_subjects(example: dict[str, Page]) -> None:
    """Every page of a subject counts every card of the subject, not its own."""
    pages = [p for name, p in example.items() if name.startswith("backstage/")]
    assert len(pages) == 3
    cards = [c for page in pages for c in page.find("article")]
    assert len(cards) == 11
    for page in pages:
        source = page.path.read_text(encoding="utf-8")
        total = re.search(r'data-filter="all".*?<span class="n">(\d+)</span>', source, re.DOTALL)
        assert int(total.group(1)) == 11
        for label in ("positive", "negative", "mixed", "neutral"):
            count = re.search(
                rf'data-filter="{label}".*?<span class="n">(\d+)</span>', source, re.DOTALL
            ).group(1)
            assert int(count) == sum(c["data-sentiment"] == label for c in cards)


def test_subject_page_shows_verdict_ratings_and_aspects(rated: dict[str, Page]) -> None:
    text = rated["le-grand-bain/index.html"].visible
    assert "71" in text and "Positive" in text and "57% good ratings" in text
    assert "Average rating: 3.5 / 5" in text and "5 ★: 3" in text  # histogram numbers as text
    assert "Viewers praise the actors" in text and "“The plot is thin and predictable.”" in text
    assert "From the ratings of 7 rated reviews out of 7" in text
    assert (
        "actors" in text
        and "The rating and the text disagree" in rated["le-grand-bain/page/2/index.html"].visible
    )
    charts = rated["le-grand-bain/index.html"].find("svg", role="img")
    assert {c["id"] for c in charts} == {
        "distribution-le-grand-bain",
        "labels-le-grand-bain",
        "ratings-le-grand-bain",
        "aspects-le-grand-bain",
    }


def verdict_card(page: Page) -> str:
    html = page.path.read_text(encoding="utf-8")
    start = html.index('<section class="verdict-card"')
    return html[start : html.index("</section>", start)]


def test_a_verdict_from_ratings_is_broken_down_by_ratings(rated: dict[str, Page]) -> None:
    """The verdict comes from the ratings (7 rated reviews: 5, 4.5, 4, 3, 2, 1, 5
    stars): its breakdown is theirs, good / middling / bad as the verdict counts
    them; the text labels come second, under a title saying what they are."""
    from generator.analysis.verdict import rating_split

    card = re.sub(r"<[^>]+>", " ", verdict_card(rated["le-grand-bain/index.html"]))
    card = re.sub(r"\s+", " ", card)
    ratings = [row[1] for row in RATED_REVIEWS]
    good, middling, bad = rating_split(ratings, 5)
    assert (good, middling, bad) == (4, 1, 2)
    assert "57% good ratings" in card and "positive reviews" not in card
    first = card.index("How the ratings split")
    second = card.index("Tone of the texts, by the automatic analysis")
    assert first < second
    ratings_part = card[first:second]
    assert (
        "Good 4 57%" in ratings_part
        and "Middling 1 14%" in ratings_part
        and "Bad 2 29%" in ratings_part
    )
    assert "Good: 3.5 and up out of 5; bad: 2 and below." in ratings_part
    assert "Positive 5" in card[second:] and "Negative 1" in card[second:]  # the labels, apart
    # the chart's own title holds the ratings too
    assert "How the 7 ratings split: Good 4, Middling 1, Bad 2" in verdict_card(
        rated["le-grand-bain/index.html"]
    )


def test_a_verdict_from_the_text_is_broken_down_by_labels(example: dict[str, Page]) -> None:
    card = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", verdict_card(example["backstage/index.html"]))
    )
    assert "d’avis positifs" in card and "Répartition des avis" in card
    assert "bonnes notes" not in card and "Ton des textes" not in card


def test_the_home_page_gives_a_rated_subject_its_good_ratings(rated: dict[str, Page]) -> None:
    home = rated["index.html"].visible
    assert "57% good ratings" in home  # le grand bain: from its ratings
    assert "0% positive" in home  # flop: from its text


def test_home_lists_subjects_by_verdict(rated: dict[str, Page]) -> None:
    home = rated["index.html"]
    headings = [a["id"] for a in home.find("h3")]
    assert headings == ["group-positive", "group-very_negative", "group-none"]
    items = home.find("li", class_="subject-item")
    assert [i["data-search"].split()[0] for i in items] == ["le", "flop", "soon"]
    assert home.find("input", id="search", type="search")
    assert "3 titles · 9 reviews analysed" in home.visible


# --- budget and offline -----------------------------------------------------------


def test_css_and_js_stay_under_50_kb_per_page(
    example_build: Path, example: dict[str, Page]
) -> None:
    static = sum((example_build / "static" / f).stat().st_size for f in ("style.css", "site.js"))
    for name, page in example.items():
        inline = sum(len(s.encode()) for s in page.raw_scripts if '"@context"' not in s)
        assert static + inline <= 50 * 1024, name


def test_no_external_resources(example_build: Path, example: dict[str, Page]) -> None:
    for name, page in example.items():
        if name == "404.html":
            continue  # through base_url on purpose
        for tag, attrs in page.tags:
            loads = tag in ("script", "img", "iframe", "source", "video", "audio") or (
                tag == "link" and attrs.get("rel") != "canonical"
            )
            if loads:
                url = attrs.get("src") or attrs.get("href") or ""
                assert not url.startswith(("http:", "https:", "//")), (name, url)
    css = (example_build / "static" / "style.css").read_text()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_a_subject_without_reviews_claims_no_score(rated: dict[str, Page]) -> None:
    page = rated["soon/index.html"]
    assert "No reviews yet" in page.visible
    assert "50" not in page.visible and "out of 100" not in page.visible
    assert not page.find("svg", role="img") and not page.find("button")
    assert "aggregateRating" not in page.json_ld[0] and "review" not in page.json_ld[0]


def test_an_override_added_between_builds_takes_effect(tmp_path) -> None:
    """The environment is reused across rebuilds (serve), yet a new override is seen."""
    from generator.render import make_environment

    templates = tmp_path / "templates"
    templates.mkdir()
    first = make_environment(templates, "fr").get_template("404.html").render
    assert first is not None
    (templates / "404.html").write_text("OVERRIDDEN {{ 1 + 1 }}", encoding="utf-8")
    env = make_environment(templates, "fr")
    assert env.get_template("404.html").render() == "OVERRIDDEN 2"
    assert make_environment(templates, "fr") is env, "the same site reuses its environment"


_PART = st.sampled_from(["a", "b", "page", "2", "index.html", "", ".", "..", "é"])


@given(st.lists(_PART, max_size=5).map("/".join), st.lists(_PART, max_size=5).map("/".join))
def test_relative_is_relpath(target: str, page: str) -> None:
    """``render.relative`` is ``posixpath.relpath`` from the page's folder, for
    plain paths (worked out from the names) and any other (relpath itself)."""
    from generator.render import relative

    try:
        expected = posixpath.relpath(target, posixpath.dirname(page) or ".")
    except ValueError:  # (an empty target)
        with pytest.raises(ValueError):
            relative(target, page)
        return
    assert relative(target, page) == expected
