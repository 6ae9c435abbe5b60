"""``.csv`` and ``.tsv``: one review per row, columns recognised by name.

The delimiter of a ``.csv`` is detected (``,`` or ``;``, the latter common in French
spreadsheet exports); quoted fields may span lines, and the line number reported for
a row is the line where the row starts. A quote that is never closed does not
swallow the rest of the file: the row it opens is read again without quoting, and
reading goes on at the next line.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from generator.content import Review
from generator.metadata import COLUMN_FIELDS, ColumnMetas
from generator.readers.base import (
    MAX_REVIEW_CHARS,
    FileResult,
    ReadContext,
    Reader,
    register,
)
from generator.readers.columns import map_columns
from generator.readers.memo import RowMemo
from generator.readers.records import make_review
from generator.readers.text import subject_key_for

# One field holds at most this many characters (a review is at most
# MAX_REVIEW_CHARS): a quote never closed makes the csv module read on and on,
# building the field in memory four bytes a character. Longer, the row is broken.
MAX_FIELD_CHARS = 10 * MAX_REVIEW_CHARS
csv.field_size_limit(MAX_FIELD_CHARS)
log = logging.getLogger(__name__)


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    first = text[: text.find("\n")] if "\n" in text else text  # (not split: that copies the rest)
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, delimiter: str, width: int | None, path: Path, context: ReadContext):
    """Yield ``(line, row)`` for every record, the header included (``width`` None
    until the header is known), recovering from quotes that are never closed.

    The csv module is fed the text line by line (slices: no copy of the rest of the
    file), and a broken record is read again from its first line: reading is linear
    in the file's length whatever its quotes, and holds at most one record's lines
    (``MAX_FIELD_CHARS`` bounds a field) beside the text."""
    size = len(text)
    position, number = 0, 1  # where the next record starts, and its line
    while position < size:
        record: list[tuple[int, int]] = []  # (line, position) of the lines of the record being read

        def lines(
            position: int = position, number: int = number, record: list[tuple[int, int]] = record
        ):
            while position < size:
                end = text.find("\n", position)
                stop = size if end < 0 else end + 1
                record.append((number, position))
                yield text[position:stop]
                position, number = stop, number + 1

        reader = csv.reader(lines(), delimiter=delimiter, strict=True)
        skipped = False  # a whole row skipped (a field too long): go on after it
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                log.debug("csv error in %s: %s", path, exc)
                reason = 'a quote (") on this row is not closed where a field ends'
                if "field limit" in str(exc) and record:
                    end = _record_end(text, record[0][1], delimiter)
                    if (
                        end is not None
                    ):  # a field too long, closed further on: the whole row is skipped
                        last = record[0][0] + text.count("\n", record[0][1], end - 1)
                        context.problem(
                            path,
                            record[0][0],
                            f"a field of this row runs over more than {MAX_FIELD_CHARS:,} characters; the row (lines {record[0][0]}–{last}) is skipped",
                            'check that a quote (") is not missing; a review is at most '
                            f"{MAX_REVIEW_CHARS:,} characters",
                        )
                        position, number = end, last + 1
                        skipped = True
                        break
                    reason = f'a quote (") opened on this row is never closed (a field runs over more than {MAX_FIELD_CHARS:,} characters)'
                break
            if width is not None and len(row) < width and len(record) > 1:
                reason = 'a quote (") opened on this row runs over the next lines and leaves the row short'
                break
            yield record[0][0], row
            width = width if width is not None else len(row)
            record.clear()
        if skipped:
            continue
        if not record:  # (csv fails only on a line it was given)
            return
        # Read the first physical line of the broken row again without quoting.
        number, position = record[0]
        end = text.find("\n", position)
        stop = size if end < 0 else end
        if stop - position > MAX_FIELD_CHARS:
            context.problem(
                path,
                number,
                f"unbalanced quote: {reason}; this line of {stop - position:,} characters is skipped",
                "close the quote, and check that a separator or a line break is not missing",
            )
        else:
            context.problem(
                path,
                number,
                f"unbalanced quote: {reason}; this line was read without quotes",
                'close the quote, or double it ("") when it is part of the text',
            )
            fields = next(
                csv.reader([text[position:stop]], delimiter=delimiter, quoting=csv.QUOTE_NONE), []
            )
            yield number, [f.strip('"').replace('""', '"') for f in fields]
            width = width if width is not None else len(fields)
        position, number = stop + 1, number + 1


def _record_end(text: str, position: int, delimiter: str) -> int | None:
    """Where the record starting at ``position`` ends (after its line break), its
    quoted fields spanning lines as they may; None when one of its quotes is never
    closed. Jumps from quote to quote (``str.find``): nothing is copied."""
    size = len(text)
    while True:
        if text.startswith('"', position):
            search = position + 1
            while True:
                quote = text.find('"', search)
                if quote < 0:
                    return None
                if text.startswith('"', quote + 1):  # a doubled quote, part of the text
                    search = quote + 2
                    continue
                position = quote + 1
                break
        line_end = text.find("\n", position)
        if line_end < 0:
            line_end = size
        separator = text.find(delimiter, position, line_end)
        if separator < 0:
            return line_end + 1
        position = separator + 1


def _report_ragged(
    row: list[str], header: list[str], delimiter: str, path: Path, line: int, context: ReadContext
) -> None:
    """A row of more or fewer fields than the header: an error when fields are
    lost, else a warning."""
    lost = len(row) > len(header) and any(cell.strip() for cell in row[len(header) :])
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
        index = _columns(header, header_line, path, context)
        if index is None:
            return
        default_subject = subject_key_for(path, context)
        metas = ColumnMetas()
        memo = context.memo
        if memo is not None:  # the rows read last time (``memo.RowMemo``)
            memo.start((header, sorted(index.items()), default_subject), context.source(path))
        # (a row taken back from the memo needs nothing more, unless the rows hold
        # the subject's metadata or it is to be reported as ragged)
        with_metas = any(name in index for name in COLUMN_FIELDS)
        for line, row in rows:
            taken = memo.taken(row, line) if memo is not None else None
            if taken is not None and not with_metas and len(row) == len(header):
                result.reviews.append(taken)
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                _report_ragged(row, header, delimiter, path, line, context)
            values = {f: row[i] if i < len(row) else "" for f, i in index.items()}
            subject = values.pop("subject", "").strip() or default_subject
            metas.take(subject, values)
            review = taken or _made(context, path, line, subject, values, memo)
            if review:
                result.reviews.append(review)
        result.subjects.extend(metas.metas(context.display(path)))


def _columns(
    header: list[str], line: int, path: Path, context: ReadContext
) -> dict[str, int] | None:
    """Our field -> its column's index in the header row (at ``line``); None, with
    a problem reported, for a header that is empty or has no text column."""
    if not any(header):
        context.problem(
            path,
            line,
            "the first row, which names the columns, is empty",
            "put the column names (texte;note;auteur…) on the first line",
        )
        return None
    mapping = map_columns(header, context.config.columns)
    if "text" not in mapping:
        context.problem(
            path,
            line,
            f"no review text column among {', '.join(repr(h) for h in header[:12])}",
            'name it text, review, texte or avis, or map it in sitegen.toml: [columns] text = "…"',
        )
        return None
    return {fieldname: header.index(column) for fieldname, column in mapping.items()}


def _made(
    context: ReadContext,
    path: Path,
    line: int,
    subject: str,
    values: dict[str, str],
    memo: RowMemo | None,
) -> Review | None:
    """The review of a row (``make_review``), told to the file's ``memo``: kept
    for the next read unless making it reported something."""
    if memo is None:
        return make_review(context, path, line, subject=subject, **values)
    before = len(context.problems)
    review = make_review(context, path, line, subject=subject, **values)
    memo.made(review, len(context.problems) != before or path in context.unread_dates)
    return review
