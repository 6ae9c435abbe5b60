"""``.json`` (a list of objects, or an object with a ``reviews`` list) and ``.jsonl``
(one object per line): one review per object, fields recognised by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.metadata import ColumnMetas
from generator.readers.base import FileResult, ReadContext, Reader, clean_text, register
from generator.readers.columns import map_columns
from generator.readers.records import make_review
from generator.readers.text import subject_key_for

_JSON_HINT = "check the file with a JSON validator; a missing comma or quote is the usual cause"


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
    }
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _add(
    record: Any, line: int, path: Path, context: ReadContext, result: FileResult, metas: ColumnMetas
) -> None:
    if not isinstance(record, dict):
        context.problem(
            path,
            line,
            f"expected an object with a text field, found {_kind(record)}",
            'write each review as {"texte": "…", "note": 4}',
        )
        return
    keys = [str(k) for k in record]
    mapping = map_columns(keys, context.config.columns)
    if "text" not in mapping:
        context.problem(
            path,
            line,
            f"no review text field among {', '.join(keys[:12]) or 'no fields'}",
            'name it text, review, texte or avis, or map it in sitegen.toml: [columns] text = "…"',
        )
        return
    values = {f: record.get(column) for f, column in mapping.items()}
    given = values.pop("subject", None)
    if given is not None and not isinstance(given, str | int | float):
        context.problem(
            path,
            line,
            f"the subject is {_kind(given)}, not text; the file's subject is used",
            "give subject a plain string",
        )
        given = None
    subject = clean_text(str(given or "")) or subject_key_for(path, context)
    metas.take(subject, values)
    review = make_review(context, path, line, subject=subject, **values)
    if review:
        result.reviews.append(review)


@register
class JsonReader(Reader):
    extensions = (".json",)

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            context.problem(
                path,
                exc.lineno,
                f"invalid JSON: {exc.msg} (column {exc.colno}); no review of this file was read",
                _JSON_HINT,
            )
            return
        except (RecursionError, ValueError) as exc:  # too deep; a number of thousands of digits
            context.problem(
                path,
                1,
                f"invalid JSON: {'nested too deeply' if isinstance(exc, RecursionError) else exc}",
                _JSON_HINT,
            )
            return
        if isinstance(data, dict) and isinstance(data.get("reviews"), list):
            data = data["reviews"]
        if not isinstance(data, list):
            context.problem(
                path,
                1,
                f'expected a list of reviews, or an object with a "reviews" list, found {_kind(data)}',
                'write [{"texte": "…"}, …] or {"reviews": [{"texte": "…"}, …]}',
            )
            return
        lines = _object_lines(text)
        metas = ColumnMetas()
        for number, record in enumerate(data):
            _add(record, lines[number] if number < len(lines) else 1, path, context, result, metas)
        result.subjects.extend(metas.metas(context.display(path)))


@register
class JsonLinesReader(Reader):
    extensions = (".jsonl", ".ndjson")

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        metas = ColumnMetas()
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                context.problem(
                    path,
                    number,
                    f"invalid JSON: {exc.msg} (column {exc.colno}); line skipped",
                    "each line of a .jsonl file must be one complete JSON object",
                )
                continue
            except (RecursionError, ValueError) as exc:
                reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                context.problem(path, number, f"invalid JSON: {reason}; line skipped")
                continue
            _add(record, number, path, context, result, metas)
        result.subjects.extend(metas.metas(context.display(path)))


def _object_lines(text: str) -> list[int]:
    """Line numbers where the top-level list's objects start (best effort)."""
    decoder = json.JSONDecoder()
    starts: list[int] = []
    position = text.find("[", text.find('"reviews"') if text.lstrip().startswith("{") else 0)
    if position < 0:
        return starts
    position += 1
    line, counted = (
        1,
        0,
    )  # the line at ``counted``: newlines counted once each, from where the last count stopped
    while position < len(text):
        while position < len(text) and text[position] in " \t\n\r,":
            position += 1
        if position >= len(text) or text[position] == "]":
            break
        line += text.count("\n", counted, position)
        counted = position
        starts.append(line)
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
    return starts
