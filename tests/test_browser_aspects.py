"""The aspect explorer of a subject page, in Chromium (Playwright), on a subject
of 140 reviews analysed for real, 50 cards a page (``aspects_build``).

Each chip becomes a toggle button (``data-aspect``, ``aria-pressed``); choosing one
keeps the cards of every page that mention the aspect (as ``data.json`` lists
their mentions), each with its mention marked, combines with the sentiment
filter, and shows the aspect's section whose quotes link to their cards. Without
JavaScript the chips link to a section per aspect listing its mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import read_data
from test_browser_site import (  # noqa: F401 (axe_source: a fixture)
    Tab,
    axe_source,
    axe_violations,
    serve,
    settled,
    visible_cards,
)

pytestmark = pytest.mark.browser

SUBJECT = "la-grande-symphonie"


@pytest.fixture(scope="module")
def site(aspects_build: Path) -> dict:
    data = read_data(aspects_build)
    return data["subjects"][0]


@pytest.fixture(scope="module")
def url(aspects_build: Path) -> Iterator[str]:
    with serve(aspects_build) as address:
        yield address


def mentioning(site: dict, key: str) -> list[str]:
    """Card ids of the reviews whose mentions include ``key``, in input order."""
    return [
        f"review-{r['id']}"
        for r in site["reviews"]
        if any(m["aspect"] == key for m in r["aspects"])
    ]


def ids(page) -> list[str]:
    return [c["id"] for c in visible_cards(page)]


def test_the_subject_has_aspects_over_several_pages(site: dict, aspects_build: Path) -> None:
    keys = [a["key"] for a in site["key_phrases"]]
    assert "musique" in keys
    cards = mentioning(site, "musique")
    assert 50 < len(cards) < 140  # more than a page, fewer than all
    assert (aspects_build / SUBJECT / "page" / "3" / "index.html").is_file()


def test_choosing_an_aspect_keeps_the_cards_mentioning_it_on_every_page(
    tab: Tab, url: str, site: dict, aspects_build: Path
) -> None:
    page = tab.open(url + f"{SUBJECT}/index.html")
    chip = 'button.chip[data-aspect="musique"]'
    assert page.get_attribute(chip, "aria-pressed") == "false"
    assert not page.is_visible("#aspect-musique")
    page.focus(chip)
    page.keyboard.press("Enter")  # a real control, from the keyboard
    settled(page)
    assert page.get_attribute(chip, "aria-pressed") == "true"
    expected = mentioning(site, "musique")
    assert ids(page) == expected
    marked = page.eval_on_selector_all(
        "article.card",
        """cards => cards.filter(c => !c.hidden).map(c =>
             c.querySelectorAll('mark.aspect-mention[data-aspect="musique"]').length)""",
    )
    assert marked and all(n >= 1 for n in marked)
    assert page.eval_on_selector_all(
        "article.card mark.aspect-mention", "ms => ms.every(m => m.dataset.aspect === 'musique')"
    )
    assert f"{len(expected)} sur 140" in page.inner_text(".toolbar .status")
    # its section: the line, and quotes that link to cards
    assert page.is_visible("#aspect-musique")
    assert "musique" in page.inner_text(".aspect-status").lower()
    links = page.eval_on_selector_all(
        "#aspect-musique .aspect-quote a", "as => as.map(a => a.getAttribute('href'))"
    )
    assert links
    for href in links:
        path, card = href.split("#")
        target = (aspects_build / SUBJECT / path).read_text(encoding="utf-8")
        assert f'id="{card}"' in target
        assert card in expected
    # the sentiment filter narrows it further
    page.click('button[data-filter="positive"]')
    settled(page)
    labels = {f"review-{r['id']}": r["label"] for r in site["reviews"]}
    both = [i for i in expected if labels[i] == "positive"]
    assert ids(page) == both and 0 < len(both) < len(expected)
    # choosing it again lets every card back
    page.click(chip)
    page.click('button[data-filter="all"]')
    settled(page)
    assert page.get_attribute(chip, "aria-pressed") == "false"
    assert len(ids(page)) == 50 and page.is_visible(".pagination")
    assert not page.query_selector("article.card mark.aspect-mention")
    assert tab.problems == []


def test_a_quote_of_an_aspect_opens_its_card(tab: Tab, url: str) -> None:
    page = tab.open(url + f"{SUBJECT}/page/2/index.html")
    page.click('button.chip[data-aspect="musique"]')
    settled(page)
    link = page.query_selector("#aspect-musique .aspect-quote a")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state("load")
    card = href.split("#")[1]
    page.wait_for_function(
        "id => { const e = document.getElementById(id); return e && !e.hidden; }", arg=card
    )
    assert tab.problems == []


def test_without_javascript_each_aspect_has_a_section_listing_its_mentions(
    browser, url: str, site: dict
) -> None:
    tab = Tab(browser, java_script_enabled=False)
    try:
        page = tab.open(url + f"{SUBJECT}/index.html")
        assert page.get_attribute('a.chip[data-aspect="musique"]', "href") == "#aspect-musique"
        for aspect in site["key_phrases"]:
            anchor = page.get_attribute(f'a.chip[data-aspect="{aspect["key"]}"]', "href")
            assert page.is_visible(anchor), anchor
        items = page.eval_on_selector_all(
            "#aspect-musique .aspect-list a",
            "as => as.map(a => [a.getAttribute('href'), a.querySelector('mark.aspect-mention').textContent])",
        )
        expected = mentioning(site, "musique")
        assert len(items) == 10
        for href, words in items:
            assert href.split("#")[1] in expected and words.lower() == "musique"
        assert re.search(r"et \d+ autres avis", page.inner_text("#aspect-musique"))
        page = tab.open(url + f"{SUBJECT}/page/2/index.html")
        assert (
            page.get_attribute('a.chip[data-aspect="musique"]', "href")
            == "../../index.html#aspect-musique"
        )
        assert not page.is_visible(".aspect-sections")
    finally:
        tab.context.close()


def test_a_section_link_opens_with_its_aspect_chosen(tab: Tab, url: str, site: dict) -> None:
    page = tab.open(url + f"{SUBJECT}/index.html#aspect-musique")
    settled(page)
    assert page.get_attribute('button.chip[data-aspect="musique"]', "aria-pressed") == "true"
    assert ids(page) == mentioning(site, "musique")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_the_explorer(
    browser,
    axe_source: str,  # noqa: F811 (the fixture imported above)
    url: str,
    scheme: str,
) -> None:
    tab = Tab(browser, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = tab.open(url + f"{SUBJECT}/index.html")
        assert axe_violations(page, axe_source) == []
        page.click('button.chip[data-aspect="musique"]')
        settled(page)
        assert axe_violations(page, axe_source) == []
    finally:
        tab.context.close()
