"""Shared fixtures: built sites to render, validate and browse.

``example_build``: the example content (``content/backstage.txt``, French) built the
way a published site is (a ``base_url``, 5 cards per page so pagination shows).
``rated_build``: a small English site made straight from the site model (no reader,
no analysis), with what the example lacks: ratings, authors, dates, titles, a
Markdown body, a review holding ``</script>``, a subject without reviews.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.analysis.types import (
    Aspect,
    Quote,
    ReviewAnalysis,
    SentenceAnalysis,
    SubjectSummary,
    Verdict,
)
from generator.commands.build import build
from generator.config import SiteConfig
from generator.content import Review, SubjectMeta
from generator.render import Renderer
from generator.site import Site, build_site

REPO = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(REPO / "benchmarks"))
from chromium import CHROMIUM, CHROMIUM_ARGS

# A suite started in the background by a shell without job control (``cmd &`` in
# a script) inherits SIGINT ignored, and so would every process a test starts:
# Python leaves an ignored SIGINT ignored, and the Ctrl-C tests would wait for a
# signal that never arrives. The default handler here is reset to the default
# disposition in each process the tests start.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def unavailable(reason: str) -> None:
    """A tool the test needs is missing: a failure under CI, a skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole test session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Tab:
    """A page in a fresh context that records console errors, page errors and failed
    requests."""

    def __init__(self, browser, **context_options) -> None:
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}")
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        # ERR_ABORTED: a request cut short by the next navigation (the favicon, lazily
        # fetched); a missing file shows as an HTTP error or a net::ERR_FILE_NOT_FOUND.
        self.page.on(
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" not in (r.failure or "")
                and self.problems.append(f"{r.failure}: {r.url}")
            ),
        )
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    tab = Tab(browser, viewport={"width": 1280, "height": 900})
    yield tab
    tab.context.close()


@pytest.fixture(scope="session")
def tool_unavailable() -> Any:
    """``unavailable`` for tests that need another tool (axe-core, Java…)."""
    return unavailable


EXAMPLE_BASE_URL = "https://example.org/avis/"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("example") / "output"
    config = SiteConfig(
        title="Avis de spectateurs",
        content_dir=REPO / "content",
        output_dir=output,
        templates_dir=REPO / "no-site-templates",
        base_url=EXAMPLE_BASE_URL,
        page_size=5,
    )
    report = build(config)
    assert report.reviews == 11
    return output


# (id, rating, author, date, title, label, polarity, text); the first sentence is quoted.
RATED_REVIEWS = [
    (
        "r1",
        5.0,
        "Alice",
        "2024-03-01",
        "A joy",
        "positive",
        0.8,
        "Wonderful actors. I laughed a lot.",
    ),
    ("r2", 4.5, "Bob", "2024-02-10", "", "positive", 0.6, "Great humour all along. Go and see it."),
    ("r3", 4.0, "", "2023-12-24", "", "positive", 0.4, "Good fun with friends. Nice music."),
    (
        "r4",
        2.0,
        "Chloé",
        "mars 2019",
        "",
        "negative",
        -0.5,
        "The plot is thin and predictable. Too long.",
    ),
    (
        "r5",
        1.0,
        "Dan",
        "2024-01-05",
        "Not for me",
        "mixed",
        0.1,
        "Nice cast but a dull script. </script><script>alert(1)</script>",
    ),
    ("r6", 3.0, "Eve", "", "", "positive", 0.3, "Pleasant enough. The actors carry it."),
    (
        "r7",
        5.0,
        "Fay",
        "2024-04-02",
        "",
        "positive",
        0.9,
        "A masterpiece of comedy. Best film this year.",
    ),
]


def _review(subject: str, row: tuple) -> tuple[Review, ReviewAnalysis]:
    rid, rating, author, date, title, label, polarity, text = row
    first = text.split(". ")[0] + "."
    body_html = "<p>Nice cast but a <em>dull</em> script.</p>" if rid == "r5" else ""
    review = Review(
        rid, subject, text, Path("reviews.csv"), 2, rating, author, date, title, body_html
    )
    sentence = SentenceAnalysis(first, 0, len(first), polarity, 0.5, ())
    return review, ReviewAnalysis(polarity, 0.5, label, (sentence,), ())


def rated_site(config: SiteConfig) -> Site:
    reviews, analyses = zip(*(_review("le-grand-bain", row) for row in RATED_REVIEWS))
    quote = lambda r, a: Quote(a.sentences[0].text, r.id, a.polarity, 0, a.sentences[0].end)
    summary = SubjectSummary(
        verdict=Verdict(
            71, "Positive", "positive", 5, 1, 1, 0, 5 / 7, 3.5, 4 / 7, 7, "ratings", 4, 1, 2
        ),
        aspects=(
            Aspect("acteur", "actors", 3, 3, 0),
            Aspect("humour", "humour", 2, 2, 0),
            Aspect("scenario", "script and plot of the film", 2, 0, 2),
        ),
        pros=(quote(reviews[6], analyses[6]), quote(reviews[0], analyses[0])),
        cons=(quote(reviews[3], analyses[3]),),
        consensus="Viewers praise the actors and the humour; the plot divides.",
        disagreements=frozenset({"r5"}),
    )
    flop_reviews, flop_analyses = zip(
        *(
            _review(
                "flop",
                (f"f{i}", None, "", "", "", "negative", -0.7, "Boring and far too long. Avoid."),
            )
            for i in (1, 2)
        )
    )
    flop = SubjectSummary(Verdict(5, "Very negative", "very_negative", 0, 2, 0, 0, 0.0))
    empty = SubjectSummary(Verdict(50, "No reviews yet", "none", 0, 0, 0, 0, 0.0))
    metas = {
        "le-grand-bain": SubjectMeta(
            "le-grand-bain", "Le Grand Bain", "2018", "", "<p>A French comedy.</p>"
        )
    }
    return build_site(
        config,
        [
            ("le-grand-bain", reviews, analyses, summary),
            ("flop", flop_reviews, flop_analyses, flop),
            ("soon", [], [], empty),
        ],
        metas,
    )


@pytest.fixture(scope="session")
def rated_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("rated")
    config = SiteConfig(
        title="Reviews",
        language="en",
        item_type="TVSeries",
        page_size=3,
        templates_dir=REPO / "no-site-templates",
    )
    for item in Renderer(rated_site(config)).render_all():
        target = output / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)
    return output


# --- a subject of 140 cards on 3 pages (filters over the whole subject) -----------

MANY_LABELS = ("positive",) * 5 + ("negative", "negative", "mixed", "neutral", "positive")


def many_reviews(
    subject: str = "le-long-film", n: int = 140
) -> list[tuple[Review, ReviewAnalysis]]:
    """``n`` French reviews with labels, polarities, ratings (one in six unrated),
    dates (one in four undated) that vary with their number, so every page holds
    some of each and filters over the whole subject differ from one page's."""
    out = []
    for i in range(n):
        label = MANY_LABELS[i % 10]
        sign = {"positive": 1, "negative": -1}.get(label, 0)
        polarity = round(sign * (0.2 + (i % 47) / 100) + (0.01 * (i % 3) if not sign else 0), 4)
        rating = None if i % 6 == 0 else float(1 + (i * 3) % 5)
        date = "" if i % 4 == 0 else f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
        text = (
            f"Avis numéro {i} sur le film. "
            + ("La musique est belle. " if i % 3 == 0 else "")
            + "x" * (i % 13)
        )
        first = text.split(". ")[0] + "."
        review = Review(
            f"m{i:03d}", subject, text, Path("avis.csv"), i + 2, rating, f"Auteur {i}", date
        )
        sentence = SentenceAnalysis(first, 0, len(first), polarity, 0.5, ())
        out.append((review, ReviewAnalysis(polarity, 0.5, label, (sentence,), ())))
    return out


def many_site(config: SiteConfig) -> Site:
    from generator.analysis.summary import compute_verdict

    reviews, analyses = zip(*many_reviews())
    summary = SubjectSummary(
        verdict=compute_verdict(reviews, analyses, config),
        aspects=(Aspect("musique", "musique", 47, 30, 5),),
        consensus="Les spectateurs saluent surtout la musique.",
    )
    return build_site(config, [("le-long-film", reviews, analyses, summary)], {})


@pytest.fixture(scope="session")
def many_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A French site of one subject with 140 rated cards, 50 a page."""
    output = tmp_path_factory.mktemp("many")
    config = SiteConfig(title="Avis", templates_dir=REPO / "no-site-templates")
    for item in Renderer(many_site(config)).render_all():
        target = output / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)
    return output


# --- a subject whose reviews mention aspects, analysed for real, on 3 pages -------


def aspect_texts(n: int = 140) -> list[tuple[str, str, float]]:
    """(id, text, rating) of ``n`` French reviews: every third praises the music,
    every fifth pans it, others judge the script or the actors."""
    rows = []
    for i in range(n):
        parts = [f"Avis numéro {i}."]
        if i % 3 == 0:
            parts.append("La musique est magnifique.")
        elif i % 5 == 1:
            parts.append("La musique est ratée et sans intérêt.")
        if i % 4 == 2:
            parts.append("Le scénario est ridicule.")
        if i % 7 == 3:
            parts.append("Les acteurs sont excellents.")
        parts.append("Un très bon moment." if i % 2 else "Je me suis ennuyé du début à la fin.")
        rows.append((f"a{i:03d}", " ".join(parts), float(1 + i % 5)))
    return rows


@pytest.fixture(scope="session")
def aspects_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A French site of one subject (140 reviews, 50 a page) built from a CSV."""
    import csv

    root = tmp_path_factory.mktemp("aspects")
    content = root / "content"
    content.mkdir()
    with (content / "la-grande-symphonie.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "rating"])
        writer.writerows(aspect_texts())
    config = SiteConfig(
        title="Avis",
        content_dir=content,
        output_dir=root / "output",
        templates_dir=REPO / "no-site-templates",
    )
    report = build(config, executor="serial", cache=False)
    assert report.reviews == 140
    return root / "output"


def read_data(output: Path) -> dict[str, Any]:
    """``output/data.json`` with each subject's reviews read from its own ``data``
    file (``<slug>/data.json``), as one document; each subject's file repeats its
    entry of data.json."""
    data = json.loads((output / "data.json").read_text(encoding="utf-8"))
    for subject in data["subjects"]:
        assert subject["data"] == f"{subject['slug']}/data.json"
        own = json.loads((output / subject["data"]).read_text(encoding="utf-8"))
        assert list(own)[-1] == "reviews"
        assert {**own, "data": subject["data"]} == {**subject, "reviews": own["reviews"]}
        subject["reviews"] = own["reviews"]
    return data


def set_csv_cell(path: Path, row: int, column: int, value: str) -> list[str]:
    """Rewrite one cell of a CSV file (row 0 is the header); the row as written."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return rows[row]
