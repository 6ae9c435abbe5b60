"""``.csv`` and ``.tsv``: one review per row, columns recognised by name.

The delimiter of a ``.csv`` is detected (``,`` or ``;``, the latter common in French
spreadsheet exports); quoted fields may span lines, and the line number reported for
a row is the line where the row starts.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from generator.readers.base import FileResult, ReadContext, Reader, read_text, register
from generator.readers.columns import map_columns
from generator.readers.records import make_review
from generator.readers.text import subject_key_for

csv.field_size_limit(16 * 1024 * 1024)


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@register
class TableReader(Reader):
    extensions = (".csv", ".tsv")

    def read(self, path: Path, context: ReadContext) -> FileResult:
        result = FileResult()
        text = read_text(path, context)
        if text is None:
            return result
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(path, text))
        try:
            header = next(rows)
        except (StopIteration, csv.Error) as exc:
            context.problem(path, 1, f"cannot read the header row: {exc}")
            return result
        header = [h.strip() for h in header]
        mapping = map_columns(header, context.config.columns)
        if "text" not in mapping:
            context.problem(
                path,
                1,
                f"no review text column among {', '.join(repr(h) for h in header[:12])}",
                "name it text, review, texte or avis, or map it in sitegen.toml: [columns] text = \"…\"",
            )
            return result
        index = {fieldname: header.index(column) for fieldname, column in mapping.items()}
        default_subject = subject_key_for(path, context)
        start = rows.line_num + 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                context.problem(path, start, f"malformed CSV: {exc}", "check the quotes on this row")
                break
            line, start = start, rows.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                context.warn(
                    path,
                    line,
                    f"this row has {len(row)} fields but the header has {len(header)}",
                    "a separator or a quote is probably missing; missing fields are left empty",
                )
            values = {f: row[i] if i < len(row) else "" for f, i in index.items()}
            subject = values.get("subject", "").strip() or default_subject
            review = make_review(context, path, line, subject=subject, **{k: v for k, v in values.items() if k != "subject"})
            if review:
                result.reviews.append(review)
        return result
