"""The labelled review sets in ``../shared/data``: one reader per file format, the
gold label of a row, and the seeded held-out split of the sets that are both
trained on and reported.

Shared by ``training/train_sentiment.py`` (what the model may learn from) and
``benchmarks/evaluate_analysis.py`` (what it is measured on), so both see the
same rows, the same labels and the same split. Pure Python: no numpy here.

Formats:

* ``films-dev.csv`` -- ``content_name`` (subject), ``note`` (0.5-5 stars),
  ``texte``; row ids ``d<index>`` as in ``films-aspects-dev.jsonl``;
* ``*.tsv`` (the Allociné TV-series files) -- ``label<TAB>text``, one subject;
* ``allocine-films-train.csv`` -- ``text,rating,label,title`` (label only);
* the ``en-*`` / ``fr-*`` files -- ``id,subject,text,rating,label,lang``.

Gold label: from the rating when there is one (>= 3.5 of 5 positive, <= 2
negative, in between none: the analyzer's own "good rating", 0.7 of the scale),
else the file's label (1 positive, 0 negative).
"""

from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

GOOD, BAD = 3.5, 2.0
# Held-out split of a set that is both trained on and reported: a row is held out
# when the SHA-256 of SPLIT_SEED + its id, read as a number, is even (about half;
# independent of row order, so the same rows whatever reads the file).
SPLIT_SEED = "sitegen-14:"


@dataclass(frozen=True)
class Row:
    """One labelled review."""

    set: str  # the file's stem
    id: str
    subject: str
    text: str
    rating: float | None  # 0.5-5 stars, None when the file has none
    label: int | None  # gold: 1 positive, 0 negative, None in between
    lang: str | None


def gold(rating: float | None, label: int | None) -> int | None:
    if rating is not None:
        return 1 if rating >= GOOD else 0 if rating <= BAD else None
    return label


def held_out(row_id: str) -> bool:
    """Whether a row of a trained-and-reported set is in its held-out half."""
    return int(hashlib.sha256((SPLIT_SEED + row_id).encode("utf-8")).hexdigest(), 16) % 2 == 0


def _number(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def read(path: Path) -> list[Row]:
    """Every row of one labelled file, by its name and extension."""
    name = path.stem
    rows: list[Row] = []
    if path.suffix == ".tsv":
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                label, text = line.split("\t", 1)
                rows.append(Row(name, f"{name}-{i}", name, text, None, int(label), "fr"))
        return rows
    if path.suffix != ".csv":
        raise SystemExit(f"{path}: unknown format (expected .csv or .tsv)")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or ())
        for i, r in enumerate(reader):
            if "texte" in fields:  # films-dev.csv
                rating = float(r["note"])
                rows.append(
                    Row(
                        name,
                        f"d{i}",
                        r["content_name"],
                        r["texte"],
                        rating,
                        gold(rating, None),
                        "fr",
                    )
                )
            elif "id" in fields:  # the shared id,subject,text,rating,label,lang files
                rating = _number(r["rating"])
                label = _number(r["label"])
                rows.append(
                    Row(
                        name,
                        r["id"],
                        r["subject"],
                        r["text"],
                        rating,
                        gold(rating, None if label is None else int(label)),
                        r["lang"] or None,
                    )
                )
            elif "title" in fields:  # allocine-films-train.csv
                rating = _number(r["rating"])
                label = _number(r["label"])
                rows.append(
                    Row(
                        name,
                        f"{name}-{i}",
                        r["title"] or name,
                        r["text"],
                        rating,
                        gold(rating, None if label is None else int(label)),
                        "fr",
                    )
                )
            else:
                raise SystemExit(f"{path}: unknown columns {sorted(fields)}")
    return rows
