"""Review dates: reading the ways exports and sites write them, into ISO 8601.

Readers hand every review's date to ``parse_date``; a date it reads becomes
``YYYY-MM-DD``, so everything after the
readers (cards, sorting, JSON-LD, ``data.json``, trends, feeds) works on one form.
A date it cannot read is kept as written (and reported once per file).

Written for the formats reviews come in rather than taken from a library:
``dateparser`` reads them all but weighs several MB, imports in about a second and
parses in tens of microseconds to milliseconds per date; ``python-dateutil`` is
light but reads English month names only and fills a missing day or year from
today's date, so the same file would read differently from day to day. This
parser is deterministic, needs nothing, and reads a date in a few microseconds
(``python benchmarks/bench_dates.py``).

Understood:

* ISO: ``2024-03-10``, ``2024-03-10T14:30:00Z`` (the day is kept), ``2024/03/10``;
* numeric, day first as in French and British use: ``10/03/2024``, ``10-03-2024``,
  ``10.03.24``; a date whose second number is above 12 (``07/31/2018``) can only
  be month first and is read so; two-digit years are 19xx above 69, 20xx below;
* month names, French and English, full or abbreviated, with or without words
  around them: ``Publiée le 10 janvier 2010``, ``1er févr. 2021 à 14h``,
  ``January 10, 2010``, ``Mon, 10 Jan 2010``, ``31-Jul-18``, ``mars 2019``
  (a month alone stays a month: ``2019-03``, ISO 8601's reduced form).
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
import unicodedata

log = logging.getLogger(__name__)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "janvier janv jan january",
        "fevrier fevr fev feb february",
        "mars mar march",
        "avril avr apr april",
        "mai may",
        "juin jun june",
        "juillet juil jul july",
        "aout aou aug august",
        "septembre sept sep september",
        "octobre oct october",
        "novembre nov november",
        "decembre dec december",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_ISO = re.compile(r"(?<![\d])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])")
_NUMERIC = re.compile(r"(?<![\d])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d])")
_WORD = re.compile(r"[a-z]+|\d+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        value += 1900 if value > 69 else 2000
    return value


def _valid(year: int, month: int, day: int) -> str:
    try:
        return datetime.date(year, month, day).isoformat() if 1000 <= year <= 9999 else ""
    except ValueError:
        return ""


@functools.lru_cache(maxsize=4096)  # (reviews share dates: each read once)
def parse_date(text: str) -> str:
    """The date in ``text`` as ``YYYY-MM-DD`` (a time of day is dropped), ``YYYY-MM``
    for a month alone, or ``""`` when none is read."""
    text = text.strip()
    if not text:
        return ""
    match = _ISO.search(text)
    if match:
        return _valid(int(match[1]), int(match[3]), int(match[4]))
    match = _NUMERIC.search(text)
    if match:
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        if first > 12 or second <= 12:
            return _valid(year, second, first)  # day first
        return _valid(year, first, second)  # 07/31/2018: month first
    return _from_words(_fold(text))


def _from_words(folded: str) -> str:
    """Dates with a month name: the numbers around the month give day and year."""
    tokens = _WORD.findall(folded.replace("1er", "1 "))
    for index, token in enumerate(tokens):
        month = _MONTHS.get(token)
        if month is None or (token == "mar" and index and tokens[index - 1] == "le"):
            continue
        found = _around_month(tokens, index, month)
        if found:
            return found
    return ""


def _around_month(tokens: list[str], index: int, month: int) -> str:
    """The date the numbers around the month name ``tokens[index]`` give ("" if none)."""
    before = tokens[index - 1] if index else ""
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    later = tokens[index + 2] if index + 2 < len(tokens) else ""
    day = year = None
    if before.isdigit() and len(before) <= 2:  # 10 janvier 2010, 31-jul-18
        day = int(before)
        if after.isdigit() and len(after) in (2, 4):
            year = _year(after)
    elif (
        after.isdigit() and len(after) <= 2 and later.isdigit() and len(later) == 4
    ):  # January 10, 2010
        day, year = int(after), int(later)
    elif after.isdigit() and len(after) == 4 and _valid(int(after), month, 1):
        return f"{int(after):04d}-{month:02d}"  # mars 2019: the month only
    if day is not None and year is not None:
        return _valid(year, month, day) or ""
    return ""
