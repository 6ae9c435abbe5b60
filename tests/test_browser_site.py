"""The built site in a real browser: Debian's Chromium driven by Playwright.

Pages load without console errors; filtering, sorting and search work with
JavaScript and everything is shown without it; the keyboard reaches every
control and link; axe-core (shipped by the ``axe-playwright-python`` package)
finds no accessibility violation, in light and dark; nothing overflows at 320 px;
the site also works from disk (file://).

Without Chromium or Playwright these tests skip, or fail when ``CI`` is set.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from conftest import Tab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe_source(tool_unavailable) -> str:  # type: ignore[no-untyped-def]
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        tool_unavailable("axe-playwright-python (which ships axe-core) is not installed")
        raise


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 on a free port; stopped on exit."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def example_url(example_build: Path) -> Iterator[str]:
    with serve(example_build) as url:
        yield url


@pytest.fixture(scope="module")
def rated_url(rated_build: Path) -> Iterator[str]:
    with serve(rated_build) as url:
        yield url


def settled(page) -> None:
    """Wait until the cards of every page, loaded on a subject's first filter or
    sort (``cards.js``), are in the list (it is ``aria-busy`` meanwhile)."""
    page.wait_for_selector("#cards:not([aria-busy])", state="attached")


def visible_cards(page) -> list[dict]:
    return page.eval_on_selector_all(
        "article.card",
        "cards => cards.filter(c => c.offsetParent !== null).map(c => ({id: c.id, ...c.dataset}))",
    )


# --- loading ----------------------------------------------------------------------


def test_every_page_loads_without_errors(
    browser, example_url, rated_url, example_build, rated_build
) -> None:
    tab = Tab(browser)
    try:
        count = 0
        for url, root in ((example_url, example_build), (rated_url, rated_build)):
            for path in sorted(root.rglob("*.html")):
                name = path.relative_to(root).as_posix()
                if name == "404.html" and root == example_build:
                    continue  # its assets are under the base_url, on purpose
                page = tab.open(url + name)
                assert page.evaluate("document.styleSheets.length") == 1, name
                assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px", (
                    f"{name}: no CSS"
                )
                count += 1
        assert count >= 8
        assert tab.problems == []
    finally:
        tab.context.close()


# --- filtering and sorting --------------------------------------------------------


def test_filter_by_sentiment(tab: Tab, example_url: str) -> None:
    page = tab.open(example_url + "backstage/index.html")
    cards = visible_cards(page)
    assert len(cards) == 5
    labels = {c["sentiment"] for c in cards}
    for label in labels:
        page.click(f'button[data-filter="{label}"]')
        # the example's 11 cards are on 3 pages: the filter shows those of every page
        expected = int(page.inner_text(f'button[data-filter="{label}"] .n'))
        settled(page)
        assert f"{expected} sur 11" in page.inner_text(".toolbar .status")
        shown = visible_cards(page)
        assert shown and {c["sentiment"] for c in shown} == {label}
        assert len(shown) == expected >= sum(c["sentiment"] == label for c in cards)
        assert page.get_attribute(f'button[data-filter="{label}"]', "aria-pressed") == "true"
        assert page.get_attribute('button[data-filter="all"]', "aria-pressed") == "false"
    page.click('button[data-filter="all"]')
    assert len(visible_cards(page)) == 5
    assert tab.problems == []


def test_sort(tab: Tab, example_url: str, rated_url: str) -> None:
    page = tab.open(example_url + "backstage/index.html")
    original = [c["id"] for c in visible_cards(page)]

    def order(value: str, key: str) -> list:
        page.select_option("#sort", value)
        settled(page)
        return [c[key] for c in visible_cards(page)]

    polarities = [float(p) for p in order("positive", "polarity")]
    assert polarities == sorted(polarities, reverse=True)
    assert len(polarities) == 11, "sorting shows the cards of every page"
    polarities = [float(p) for p in order("negative", "polarity")]
    assert polarities == sorted(polarities)
    lengths = [int(n) for n in order("longest", "length")]
    assert lengths == sorted(lengths, reverse=True) and len(set(lengths)) > 1
    assert order("input", "id") == original

    page = tab.open(rated_url + "le-grand-bain/index.html")
    dates = order("newest", "date")  # the 7 cards of its 3 pages, undated last
    assert dates == ["2024-04-02", "2024-03-01", "2024-02-10", "2024-01-05", "2023-12-24", "", ""]
    # sorting and filtering combine
    page.click('button[data-filter="positive"]')
    assert order("longest", "sentiment") == ["positive"] * 5
    assert tab.problems == []


def test_without_javascript_every_card_shows_and_controls_hide(browser, example_url: str) -> None:
    tab = Tab(browser, java_script_enabled=False)
    try:
        page = tab.open(example_url + "backstage/index.html")
        assert len(visible_cards(page)) == 5
        assert not page.is_visible(".toolbar") and not page.is_visible("#sort")
        page = tab.open(example_url + "index.html")
        assert not page.is_visible("#search") and page.is_visible(".subject-item")
    finally:
        tab.context.close()


def test_home_search(tab: Tab, rated_url: str) -> None:
    page = tab.open(rated_url + "index.html")
    items = lambda: page.eval_on_selector_all(
        ".subject-item", "els => els.filter(e => !e.hidden).length"
    )
    assert items() == 3 and page.is_visible("#search")
    page.fill("#search", "FLOP")
    assert items() == 1 and page.is_visible("text=Flop")
    page.fill("#search", "praise grand")  # words from the consensus and the title, any order
    assert items() == 1 and page.is_visible("text=Le Grand Bain")
    assert not page.is_visible("#group-very_negative")
    page.fill("#search", "zzz")
    assert items() == 0 and page.is_visible(".no-match")
    assert "0" in page.inner_text("#search-status")
    page.fill("#search", "")
    assert items() == 3 and not page.is_visible(".no-match")
    assert tab.problems == []


def test_search_ignores_accents(tab: Tab, example_url: str) -> None:
    page = tab.open(example_url + "index.html")
    page.fill("#search", "BÂCKSTÀGE")
    assert page.is_visible("text=Backstage")
    page.fill("#search", "backstage zzz")
    assert not page.is_visible(".subject-item")


# --- keyboard ---------------------------------------------------------------------


def focus_sequence(page, limit: int = 80) -> list[dict]:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement;
                 return {tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href') || '',
                         filter: e.dataset.filter || '', text: e.textContent.trim().slice(0, 40),
                         visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)}; }"""
        )
        if info["tag"] == "body" or (seen and info == seen[0]):
            break
        seen.append(info)
    return seen


def test_keyboard_reaches_every_control_and_link(tab: Tab, example_url: str) -> None:
    page = tab.open(example_url + "backstage/index.html")
    sequence = focus_sequence(page)
    assert sequence[0]["href"] == "#main", "the skip link comes first"
    assert all(s["visible"] for s in sequence), [s for s in sequence if not s["visible"]]
    filters = [s["filter"] for s in sequence if s["filter"]]
    assert filters == ["all", "positive", "mixed", "neutral", "negative"]
    kinds = [
        "quote"
        if "#review-" in s["href"] and not s["href"].startswith("#")
        else "card"
        if s["href"].startswith("#review-")
        else "filter"
        if s["filter"]
        else "sort"
        if s["id"] == "sort"
        else "other"
        for s in sequence
    ]
    assert kinds.count("quote") == len(
        page.query_selector_all(".quotes .quote a")
    )  # (an aspect's quotes show when it is chosen)
    assert kinds.count("card") == 5
    assert kinds.count("sort") == 1
    # reading order: quotes, then the controls, then the cards they act on
    assert max(i for i, k in enumerate(kinds) if k == "quote") < kinds.index("filter")
    assert kinds.index("sort") < kinds.index("card")


def test_filters_work_from_the_keyboard(tab: Tab, example_url: str) -> None:
    page = tab.open(example_url + "backstage/index.html")
    label = visible_cards(page)[0]["sentiment"]
    page.focus(f'button[data-filter="{label}"]')
    page.keyboard.press("Enter")
    settled(page)
    assert {c["sentiment"] for c in visible_cards(page)} == {label}
    page.focus('button[data-filter="all"]')
    page.keyboard.press("Space")
    assert len(visible_cards(page)) == 5
    page.focus("#sort")
    page.keyboard.press("ArrowDown")  # "most positive"
    settled(page)
    polarities = [float(c["polarity"]) for c in visible_cards(page)]
    assert page.input_value("#sort") == "positive" and polarities == sorted(
        polarities, reverse=True
    )


def test_skip_link_moves_focus_to_the_content(tab: Tab, example_url: str) -> None:
    page = tab.open(example_url + "backstage/index.html")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# --- links, pagination, file:// ---------------------------------------------------


def test_a_quote_link_opens_its_card_on_another_page(tab: Tab, example_url: str) -> None:
    page = tab.open(example_url + "backstage/index.html")
    link = page.query_selector('.quotes .quote a[href^="page/"]')
    assert link is not None, "with 5 cards a page, a quoted review sits on a later page"
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state("load")
    card_id = href.split("#")[1]
    assert page.url == example_url + "backstage/" + href
    assert page.evaluate("document.querySelector(':target').id") == card_id
    assert page.is_visible(f"#{card_id} mark")
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", card_id)
    assert 0 <= top < 900, "the card is scrolled into view"
    # a link to a card that a filter hides shows every card again
    card_label = page.get_attribute(f"#{card_id}", "data-sentiment")
    other = page.evaluate(
        "label => [...document.querySelectorAll('article.card')].find(c => c.dataset.sentiment !== label)?.id",
        card_label,
    )
    if other:
        page.click(f'button[data-filter="{card_label}"]')
        settled(page)
        assert not page.is_visible(f"#{other}")
        page.evaluate("id => { location.hash = '#' + id; }", other)
        page.wait_for_function("id => !document.getElementById(id).hidden", arg=other)
        assert page.get_attribute('button[data-filter="all"]', "aria-pressed") == "true"
    assert tab.problems == []


def test_the_site_works_from_disk(tab: Tab, example_build: Path) -> None:
    page = tab.open((example_build / "index.html").as_uri())
    page.click(".subject-card h4 a")
    page.wait_for_load_state("load")
    assert page.url == (example_build / "backstage" / "index.html").as_uri()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.card')).borderTopWidth") == "4px"
    )
    label = visible_cards(page)[0]["sentiment"]
    page.click(f'button[data-filter="{label}"]')
    settled(page)
    assert {c["sentiment"] for c in visible_cards(page)} == {label}
    page.click('button[data-filter="all"]')  # the pagination shows again
    page.click(".pagination a[rel=next]")
    page.wait_for_load_state("load")
    assert page.url.endswith("backstage/page/2/index.html")
    assert tab.problems == []


# --- layout -----------------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_horizontal_overflow(browser, example_url: str, rated_url: str, width: int) -> None:
    tab = Tab(browser, viewport={"width": width, "height": 800})
    try:
        for url in (
            example_url + "index.html",
            example_url + "backstage/index.html",
            rated_url + "le-grand-bain/index.html",
        ):
            page = tab.open(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    finally:
        tab.context.close()


def test_dark_scheme(browser, example_url: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        tab = Tab(browser, color_scheme=scheme)
        try:
            page = tab.open(example_url + "backstage/index.html")
            colours[scheme] = page.evaluate(
                "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
            )
        finally:
            tab.context.close()
    assert sum(colours["light"]) > 600 and sum(colours["dark"]) < 150, colours


# --- accessibility ----------------------------------------------------------------


def axe_violations(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(
    browser, axe_source: str, example_url: str, rated_url: str, scheme: str
) -> None:
    tab = Tab(browser, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        urls = [
            example_url + "index.html",
            example_url + "backstage/index.html",
            example_url + "backstage/page/2/index.html",
            rated_url + "index.html",
            rated_url + "le-grand-bain/index.html",
            rated_url + "soon/index.html",
            rated_url + "404.html",
        ]
        found = {}
        for url in urls:
            page = tab.open(url)
            if "backstage/index.html" in url:
                page.click('button[data-filter="positive"]')  # the pressed state too
                settled(page)
            violations = axe_violations(page, axe_source)
            if violations:
                found[url] = violations
        assert found == {}
    finally:
        tab.context.close()


def test_axe_does_report_a_violation(browser, axe_source: str) -> None:
    """Guard: axe runs and reports (an image without alt, a button without name)."""
    tab = Tab(browser)
    try:
        tab.page.set_content('<html><body><img src="data:,"><button></button></body></html>')
        ids = {v.split(" ")[0] for v in axe_violations(tab.page, axe_source)}
        assert {"image-alt", "button-name"} <= ids
    finally:
        tab.context.close()
