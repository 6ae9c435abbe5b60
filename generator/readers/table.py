"""``.csv`` and ``.tsv``: one review per row, columns recognised by name.

The delimiter of a ``.csv`` is detected (``,`` or ``;``, the latter common in French
spreadsheet exports); quoted fields may span lines, and the line number reported for
a row is the line where the row starts. A quote that is never closed does not
swallow the rest of the file: the row it opens is read again without quoting, and
reading goes on at the next line.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from generator.metadata import ColumnMetas
from generator.readers.base import (
    MAX_FILE_BYTES,
    FileResult,
    ReadContext,
    Reader,
    register,
)
from generator.readers.columns import map_columns
from generator.readers.records import make_review
from generator.readers.text import subject_key_for

# Over-long fields are reported per review (records.MAX_REVIEW_CHARS), never by the
# csv module stopping in the middle of a file.
csv.field_size_limit(MAX_FILE_BYTES)
log = logging.getLogger(__name__)


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, delimiter: str, width: int | None, path: Path, context: ReadContext):
    """Yield ``(line, row)`` for every record, the header included (``width`` None
    until the header is known), recovering from quotes that are never closed."""
    lines = text.split("\n")
    offset = 0  # index in ``lines`` where the current reader started
    while offset < len(lines):
        reader = csv.reader(io.StringIO("\n".join(lines[offset:]), newline=""), delimiter=delimiter, strict=True)
        start = 1
        restart = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                restart = offset + start - 1
                reason = "a quote (\") on this row is not closed where a field ends"
                log.debug("csv error in %s: %s", path, exc)
            else:
                end = reader.line_num
                spans = end - start + 1
                shortfall = width is not None and len(row) < width and spans > 1
                if not shortfall:
                    yield offset + start, row
                    start = end + 1
                    width = width if width is not None else len(row)
                    continue
                restart = offset + start - 1
                reason = "a quote (\") opened on this row runs over the next lines and leaves the row short"
            # Re-read the first physical line of the broken row without quoting.
            raw = lines[restart]
            context.problem(
                path, restart + 1, f"unbalanced quote: {reason}; this line was read without quotes",
                'close the quote, or double it ("") when it is part of the text',
            )
            fields = next(csv.reader([raw], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
            yield restart + 1, [f.strip('"').replace('""', '"') for f in fields]
            width = width if width is not None else len(fields)
            break
        if restart is None:
            return
        offset = restart + 1


def _report_ragged(row: list[str], header: list[str], delimiter: str, path: Path, line: int, context: ReadContext) -> None:
    """A row of more or fewer fields than the header: an error when fields are
    lost, else a warning."""
    lost = len(row) > len(header) and any(cell.strip() for cell in row[len(header):])
    (context.problem if lost else context.warn)(
        path,
        line,
        f"this row has {len(row)} fields but the header has {len(header)}"
        + ("; the extra fields are left out" if lost else "; the missing fields are left empty"),
        f"a separator ('{delimiter}') or a quote is probably missing or in excess",
    )


@register
class TableReader(Reader):
    extensions = (".csv", ".tsv")

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        delimiter = _delimiter(path, text)
        rows = _rows(text, delimiter, None, path, context)
        header_line, header = next(rows, (1, []))
        header = [h.strip() for h in header]
        if not any(header):
            context.problem(path, header_line, "the first row, which names the columns, is empty",
                            "put the column names (texte;note;auteur…) on the first line")
            return
        mapping = map_columns(header, context.config.columns)
        if "text" not in mapping:
            context.problem(
                path,
                header_line,
                f"no review text column among {', '.join(repr(h) for h in header[:12])}",
                "name it text, review, texte or avis, or map it in sitegen.toml: [columns] text = \"…\"",
            )
            return
        index = {fieldname: header.index(column) for fieldname, column in mapping.items()}
        default_subject = subject_key_for(path, context)
        metas = ColumnMetas()
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                _report_ragged(row, header, delimiter, path, line, context)
            values = {f: row[i] if i < len(row) else "" for f, i in index.items()}
            subject = values.pop("subject", "").strip() or default_subject
            metas.take(subject, values)
            review = make_review(context, path, line, subject=subject, **values)
            if review:
                result.reviews.append(review)
        result.subjects.extend(metas.metas(context.display(path)))
