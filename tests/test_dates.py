"""Review dates read from the ways exports write them, kept as ISO 8601, shown in
the interface's language; the trend chart of a subject whose reviews are dated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import read_data
from corpus import FRENCH_MONTHS

from generator.commands.build import build
from generator.config import SiteConfig
from generator.dates import parse_date
from generator.i18n import format_date
from generator.readers import read_content


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("Publiée le 10 janvier 2010", "2010-01-10"),
        ("Publiée le 1er février 2021 à 14h30", "2021-02-01"),
        ("le 5 août 2015", "2015-08-05"),
        ("12 déc. 2019", "2019-12-12"),
        ("2024-03-10", "2024-03-10"),
        ("2024-03-10T14:30:00Z", "2024-03-10"),
        ("2024-03-10 14:30", "2024-03-10"),
        ("2024/3/9", "2024-03-09"),
        ("10/03/2024", "2024-03-10"),  # day first
        ("07/31/2018", "2018-07-31"),  # can only be month first
        ("10.03.24", "2024-03-10"),
        ("31-Jul-18", "2018-07-31"),
        ("01-Jan-99", "1999-01-01"),
        ("January 10, 2010", "2010-01-10"),
        ("Sep 5, 2019", "2019-09-05"),
        ("Mon, 10 Jan 2010 10:00:00 +0000", "2010-01-10"),
        ("mars 2019", "2019-03"),  # a month alone stays a month
        ("MARS 2019", "2019-03"),
    ],
)
def test_dates_are_read_into_iso(written: str, iso: str) -> None:
    assert parse_date(written) == iso


@pytest.mark.parametrize(
    "written", ["hier", "il y a 3 jours", "31/02/2020", "2019", "13/13/2020", "le mar 3", ""]
)
def test_what_is_not_a_date_is_not_read(written: str) -> None:
    assert parse_date(written) == ""


def test_dates_are_shown_in_the_interface_language() -> None:
    assert format_date("2010-01-10", "fr") == "10 janvier 2010"
    assert format_date("2010-01-01", "fr") == "1er janvier 2010"
    assert format_date("2010-01-10", "en") == "January 10, 2010"
    assert format_date("2019-03", "fr") == "mars 2019"
    assert format_date("2019-03", "en") == "March 2019"
    assert format_date("la semaine dernière", "fr") == "la semaine dernière"


def test_readers_store_iso_and_warn_once_per_file_for_the_rest(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "film.csv").write_text(
        "texte;date\n"
        "Très bon film.;Publiée le 10 janvier 2010\n"
        "Un navet.;31-Jul-18\n"
        "Pas mal.;hier soir\n"
        "Bof.;la semaine dernière\n",
        encoding="utf-8",
    )
    (content / "autre.json").write_text(
        json.dumps(
            [{"text": "Great.", "date": "January 10, 2010"}, {"text": "Bad.", "date": "someday"}]
        ),
        encoding="utf-8",
    )
    corpus = read_content(SiteConfig(content_dir=content))
    dates = {r.text: r.date for r in corpus.reviews}
    assert dates == {
        "Très bon film.": "2010-01-10",
        "Un navet.": "2018-07-31",
        "Pas mal.": "hier soir",
        "Bof.": "la semaine dernière",
        "Great.": "2010-01-10",
        "Bad.": "someday",
    }
    warnings = [p for p in corpus.problems if "date" in p.message]
    # (a JSON list's objects all start on line 1 when written on one line)
    assert [(Path(p.path).name, p.line) for p in warnings] == [("autre.json", 1), ("film.csv", 4)]
    assert all(p.severity == "warning" and "shown as written" in p.message for p in warnings)


def dated_site(root: Path, *, dated: bool = True, reviews: int = 40) -> SiteConfig:
    content = root / "content"
    content.mkdir(parents=True)
    months = FRENCH_MONTHS
    rows = ["texte;note;date"]
    for i in range(reviews):
        good = i % 3 != 0
        text = f"Un film {'magnifique, les acteurs sont excellents' if good else 'ennuyeux et raté, à éviter'} ({i})."
        date = f"Publiée le {1 + i % 27} {months[i % 12]} {2019 + i // 12}" if dated else ""
        rows.append(f"{text};{4 if good else 1};{date}")
    (content / ("daté.csv" if dated else "sans-date.csv")).write_text(
        "\n".join(rows) + "\n", encoding="utf-8"
    )
    return SiteConfig(
        content_dir=content, output_dir=root / "output", templates_dir=root / "templates"
    )


def test_a_dated_subject_has_a_trend_and_iso_dates_in_data_json(tmp_path: Path) -> None:
    config = dated_site(tmp_path)
    build(config, executor="serial", cache=False)
    page = (config.output_dir / "date" / "index.html").read_text(encoding="utf-8")
    assert page.count('data-chart="trend"') == 1
    assert "T1 2019" in page  # 40 reviews over 40 months: by quarter
    assert '<time datetime="2019-01-01">1er janvier 2019</time>' in page
    data = read_data(config.output_dir)
    dates = [r["date"] for r in data["subjects"][0]["reviews"]]
    assert dates[:2] == ["2019-01-01", "2019-02-02"]


def test_an_undated_subject_has_no_trend(tmp_path: Path) -> None:
    config = dated_site(tmp_path, dated=False)
    build(config, executor="serial", cache=False)
    page = (config.output_dir / "sans-date" / "index.html").read_text(encoding="utf-8")
    assert "data-chart" not in page
    data = read_data(config.output_dir)
    assert {r["date"] for r in data["subjects"][0]["reviews"]} == {None}


def test_too_few_dated_reviews_make_no_trend(tmp_path: Path) -> None:
    config = dated_site(tmp_path, reviews=9)
    build(config, executor="serial", cache=False)
    assert "data-chart" not in (config.output_dir / "date" / "index.html").read_text(
        encoding="utf-8"
    )
