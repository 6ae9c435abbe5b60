"""Filters and sorting over the whole subject, in Chromium (Playwright).

A subject of 140 cards on 3 pages (``many_build``): the filter bar counts the
subject's cards, and the sentiment filter, the star filter and sorting show the
matching cards of every page (loaded from the subject's ``cards.js``, also from
file://); back to "all", each page shows its own cards and its pagination.
Without JavaScript each page shows its own 50 cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import many_reviews
from test_browser_site import Tab, axe_source, axe_violations, serve, settled, visible_cards  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

REVIEWS = many_reviews()
IDS = [f"review-{r.id}" for r, _ in REVIEWS]
LABEL = {f"review-{r.id}": a.label for r, a in REVIEWS}
POLARITY = {f"review-{r.id}": a.polarity for r, a in REVIEWS}
STARS = {f"review-{r.id}": r.rating for r, _ in REVIEWS}


@pytest.fixture(scope="module")
def many_url(many_build: Path) -> Iterator[str]:
    with serve(many_build) as url:
        yield url


def ids(page) -> list[str]:
    return [c["id"] for c in visible_cards(page)]


def count_on(page, selector: str) -> int:
    return int(page.inner_text(f"{selector} .n"))


def wait_for_whole_subject(page) -> None:
    settled(page)
    assert "sur 140, toutes pages confondues" in page.inner_text(".toolbar .status")


@pytest.mark.parametrize("number", [1, 3])
def test_counts_are_the_subjects_on_every_page(tab: Tab, many_url: str, number: int) -> None:
    path = "le-long-film/index.html" if number == 1 else f"le-long-film/page/{number}/index.html"
    page = tab.open(many_url + path)
    own = ids(page)
    assert len(own) == (50 if number == 1 else 40)
    assert count_on(page, 'button[data-filter="all"]') == 140
    for label in ("positive", "negative", "mixed", "neutral"):
        expected = sum(a.label == label for _, a in REVIEWS)
        assert count_on(page, f'button[data-filter="{label}"]') == expected
        assert expected > sum(LABEL[i] == label for i in own)  # more than this page holds
    assert tab.problems == []


def test_sentiment_filter_reaches_every_page(tab: Tab, many_url: str) -> None:
    page = tab.open(many_url + "le-long-film/index.html")
    page.click('button[data-filter="negative"]')
    wait_for_whole_subject(page)
    shown = ids(page)
    expected = [i for i in IDS if LABEL[i] == "negative"]
    assert shown == expected and len(shown) == 28
    assert {i for i in shown} - set(IDS[:50]), "cards of pages 2 and 3 are shown"
    assert "28 sur 140" in page.inner_text(".toolbar .status")
    assert not page.is_visible(".pagination")
    # a card of another page keeps its quote mark, badge and links working
    later = shown[-1]
    assert page.is_visible(f"#{later} .badge.b-negative")
    page.click('button[data-filter="all"]')
    assert ids(page) == IDS[:50] and page.is_visible(".pagination")
    assert page.inner_text(".toolbar .status") == ""
    assert tab.problems == []


def test_star_filter_reaches_every_page_and_combines(tab: Tab, many_url: str) -> None:
    page = tab.open(many_url + "le-long-film/page/2/index.html")
    options = page.eval_on_selector_all(
        "#stars option", "os => os.map(o => [o.value, o.textContent])"
    )
    assert options[0][0] == "" and "116" in options[0][1]  # the rated reviews
    five = [i for i in IDS if STARS[i] == 5.0]
    assert ["5", f"5 ★ ({len(five)})"] in [[v, re.sub(r"\s+", " ", t)] for v, t in options]
    page.select_option("#stars", "5")
    wait_for_whole_subject(page)
    assert f"{len(five)} sur 140" in page.inner_text(".toolbar .status")
    assert ids(page) == five
    page.click('button[data-filter="positive"]')
    both = [i for i in five if LABEL[i] == "positive"]
    assert ids(page) == both and 0 < len(both) < len(five)
    page.select_option("#stars", "")
    assert ids(page) == [i for i in IDS if LABEL[i] == "positive"]
    assert tab.problems == []


def test_sorting_reaches_every_page(tab: Tab, many_url: str) -> None:
    page = tab.open(many_url + "le-long-film/page/3/index.html")
    page.select_option("#sort", "positive")
    wait_for_whole_subject(page)
    shown = ids(page)
    assert sorted(shown) == sorted(IDS)  # all 140 cards
    assert [POLARITY[i] for i in shown] == sorted(POLARITY.values(), reverse=True)
    dates = lambda: [c["date"] for c in visible_cards(page)]
    page.select_option("#sort", "newest")
    got = [d for d in dates() if d]
    assert got == sorted(got, reverse=True) and dates()[-1] == ""  # undated last
    page.select_option("#sort", "input")
    assert ids(page) == IDS[100:] and page.is_visible(".pagination")
    assert tab.problems == []


def test_a_link_to_a_hidden_card_of_the_page_shows_it(tab: Tab, many_url: str) -> None:
    page = tab.open(many_url + "le-long-film/index.html")
    page.click('button[data-filter="neutral"]')
    wait_for_whole_subject(page)
    hidden = next(i for i in IDS[:50] if LABEL[i] != "neutral")
    assert not page.is_visible(f"#{hidden}")
    page.evaluate("id => { location.hash = '#' + id; }", hidden)
    page.wait_for_function(
        "id => { const e = document.getElementById(id); return e && !e.hidden; }", arg=hidden
    )
    assert page.get_attribute('button[data-filter="all"]', "aria-pressed") == "true"
    assert tab.problems == []


def test_filters_over_the_whole_subject_work_from_disk(tab: Tab, many_build: Path) -> None:
    page = tab.open((many_build / "le-long-film" / "page" / "2" / "index.html").as_uri())
    page.click('button[data-filter="mixed"]')
    wait_for_whole_subject(page)
    assert ids(page) == [i for i in IDS if LABEL[i] == "mixed"]
    assert tab.problems == []


def test_without_javascript_each_page_shows_its_own_cards(browser, many_url: str) -> None:
    tab = Tab(browser, java_script_enabled=False)
    try:
        page = tab.open(many_url + "le-long-film/page/2/index.html")
        assert ids(page) == IDS[50:100]
        assert not page.is_visible(".toolbar") and page.is_visible(".pagination")
    finally:
        tab.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_with_filters_over_the_subject(
    browser,
    axe_source: str,  # noqa: F811 (the fixture imported above)
    many_url: str,
    scheme: str,
) -> None:
    tab = Tab(browser, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = tab.open(many_url + "le-long-film/index.html")
        assert axe_violations(page, axe_source) == []
        page.select_option("#stars", "4")
        page.click('button[data-filter="positive"]')
        wait_for_whole_subject(page)
        assert axe_violations(page, axe_source) == []
    finally:
        tab.context.close()
