"""Navigating a site in Chromium (Playwright), beyond one page: the trend chart of
a dated subject, category pages, full-text search; the pages are Nu-valid and axe finds no violation
on them.

The site is built by ``sitegen build`` from content written here: a subject whose
reviews are dated (French dates as Allociné writes them), one without dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import read_data
from corpus import FRENCH_MONTHS
from test_browser_site import Tab, axe_source, axe_violations, serve  # noqa: F401  (axe_source: a fixture)
from test_html_valid import check, format_messages

from generator import search
from generator.commands.build import build
from generator.config import SiteConfig

pytestmark = pytest.mark.browser


def write_site(root: Path) -> SiteConfig:
    content = root / "content"
    content.mkdir(parents=True)
    rows = ["texte;note;date;auteur"]
    for i in range(30):
        good = i % 3 != 0
        text = (
            f"Un film magnifique, les acteurs sont excellents et la musique superbe ({i})."
            if good
            else f"Un film ennuyeux et raté, le scénario est vide ({i})."
        )
        if i == 17:
            text = (
                "Heath Ledger y aurait été parfait, mais la livraison des répliques est plate (17)."
            )
        rows.append(
            f"{text};{4 if good else 1};Publiée le {1 + i % 27} {FRENCH_MONTHS[i % 12]} {2020 + i // 12};Lecteur {i}"
        )
    (content / "28 semaines plus tard.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (content / "28-semaines-plus-tard").mkdir()
    (content / "28-semaines-plus-tard" / "index.md").write_text(
        "---\ntitle: 28 semaines plus tard\nyear: 2007\ngenres: [Horreur, Science-fiction]\n---\nLa suite.\n",
        encoding="utf-8",
    )
    (content / "sans-date.txt").write_text(
        "Une série drôle et bien jouée.\nLes dialogues sont plats, quel ennui.\nUne belle surprise.\n",
        encoding="utf-8",
    )
    return SiteConfig(
        title="Avis",
        content_dir=content,
        output_dir=root / "output",
        templates_dir=root / "templates",
        base_url="https://example.org/avis/",
        page_size=10,
        subjects={"sans-date": {"title": "Sans date", "categories": ["Horreur", "Comédie"]}},
    )


@pytest.fixture(scope="module")
def nav_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = write_site(tmp_path_factory.mktemp("nav"))
    build(config, executor="serial", cache=False)
    return config.output_dir


@pytest.fixture(scope="module")
def nav_url(nav_build: Path) -> Iterator[str]:
    with serve(nav_build) as url:
        yield url


def test_the_trend_chart_shows_for_a_dated_subject_only(tab: Tab, nav_url: str) -> None:
    page = tab.open(nav_url + "28-semaines-plus-tard/index.html")
    chart = page.locator('[data-chart="trend"]')
    assert chart.count() == 1 and chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 60
    assert "2020" in chart.locator("title").text_content()
    # its numbers as a table, one row per period with reviews
    page.click(".trend-table summary")
    rows = page.locator(".trend-table tbody tr")
    assert rows.count() >= 3 and rows.first.is_visible()
    counts = [int(rows.nth(i).locator("td").first.text_content()) for i in range(rows.count())]
    assert sum(counts) == 30
    page = tab.open(nav_url + "sans-date/index.html")
    assert page.locator('[data-chart="trend"]').count() == 0
    assert tab.problems == []


def test_newest_first_uses_the_dates(tab: Tab, nav_url: str) -> None:
    page = tab.open(nav_url + "28-semaines-plus-tard/index.html")
    page.select_option("#sort", "newest")
    dates = page.eval_on_selector_all(
        "article.card", "cards => cards.filter(c => !c.hidden).map(c => c.dataset.date)"
    )
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


def test_a_category_page_lists_its_subjects(tab: Tab, nav_url: str) -> None:
    page = tab.open(nav_url + "index.html")
    page.click("nav.category-nav >> text=Horreur")
    page.wait_for_load_state("load")
    assert page.url.endswith("categories/horreur/index.html")
    assert page.locator("h1").text_content() == "Horreur"
    titles = page.eval_on_selector_all(
        ".subject-item h4 a", "links => links.map(a => a.textContent)"
    )
    assert sorted(titles) == ["28 semaines plus tard", "Sans date"]
    page.click("text=Sans date")
    page.wait_for_load_state("load")
    assert page.url.endswith("/sans-date/index.html")
    page = tab.open(nav_url + "categories/science-fiction/index.html")
    assert page.eval_on_selector_all(
        ".subject-item h4 a", "links => links.map(a => a.textContent)"
    ) == ["28 semaines plus tard"]
    page = tab.open(nav_url + "categories/index.html")
    assert page.locator(".category-list h2 a").all_text_contents() == [
        "Comédie",
        "Horreur",
        "Science-fiction",
    ]
    assert tab.problems == []


def test_search_finds_a_word_of_one_review_and_links_to_its_card(
    tab: Tab, nav_url: str, nav_build: Path
) -> None:
    data = read_data(nav_build)
    [subject] = [s for s in data["subjects"] if s["slug"] == "28-semaines-plus-tard"]
    review_id = subject["reviews"][17]["id"]
    page = tab.open(nav_url + "index.html")
    page.click("a.header-search")
    page.wait_for_load_state("load")
    search = page.locator('input[type="search"]')
    search.fill("Livraisons")  # another form of the word: stemmed alike
    page.wait_for_function("document.querySelectorAll('#results li').length > 0")
    links = page.eval_on_selector_all(
        "#results a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert links == [f"../28-semaines-plus-tard/page/2/index.html#review-{review_id}"]
    assert "1" in page.text_content("#search-summary")
    page.click("#results a")
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/28-semaines-plus-tard/page/2/index.html#review-{review_id}")
    assert page.locator(f"#review-{review_id}").is_visible()
    # every word must be there; titles and consensus are searched too
    page = tab.open(nav_url + "search/index.html?q=heath+ledger+scénario")
    page.wait_for_function("document.getElementById('search-summary').textContent !== ''")
    assert page.locator("#results li").count() == 0
    page = tab.open(nav_url + "search/index.html?q=semaines")
    page.wait_for_function("document.querySelectorAll('#results li').length > 0")
    assert page.eval_on_selector_all(
        "#results a", "links => links.map(a => a.getAttribute('href'))"
    )[0] == ("../28-semaines-plus-tard/index.html")
    assert tab.problems == []


def test_search_words_are_made_alike_in_python_and_javascript(tab: Tab, nav_url: str) -> None:
    text = "Les ACTEURS, l'actrice et les actrices ! Excellentes scènes, vraiment ennuyeuses ; Œuvre cœurs 2024 x"
    page = tab.open(nav_url + "search/index.html")
    page.wait_for_function("window.sitegenSearch !== undefined")
    assert page.evaluate("text => sitegenSearch.words(text)", text) == list(
        dict.fromkeys(search.words(text))
    )


def test_pages_pass_axe(browser, axe_source: str, nav_url: str, nav_build: Path) -> None:  # noqa: F811
    tab = Tab(browser, viewport={"width": 1280, "height": 900})
    try:
        for path in (
            "index.html",
            "28-semaines-plus-tard/index.html",
            "sans-date/index.html",
            "categories/index.html",
            "categories/horreur/index.html",
            "search/index.html?q=film",
        ):
            page = tab.open(nav_url + path)
            page.click(".trend-table summary") if page.locator(
                ".trend-table summary"
            ).count() else None
            assert axe_violations(page, axe_source) == [], path
        assert tab.problems == []
    finally:
        tab.context.close()


@pytest.mark.slow
def test_pages_pass_the_nu_checker(nav_build: Path) -> None:
    files = sorted(nav_build.rglob("*.html"))
    messages = check(files)
    assert messages == [], format_messages(messages, nav_build)
