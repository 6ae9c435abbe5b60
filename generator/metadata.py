"""Subject metadata from every place a site may give it, attached to the right subject.

A subject's metadata (``title``, ``year``, ``image``, a description, and its
categories: ``genres``, ``categories`` and ``tags`` together) comes from, in
increasing priority: columns of its CSV/JSON rows (the first non-empty value per
subject and file), the front matter of ``content/<subject>/index.md``, and a
``[subjects."<name>"]`` table of ``sitegen.toml``.

Metadata is attached to the subject whose reviews it names; a folder or table
name that differs from the subject's key only by what slugs ignore (case, accents,
spaces, ``-``) is the same subject (``content/28-semaines-plus-tard/index.md``
describes ``28 semaines plus tard.csv``), so adding metadata never changes a
subject's key, slug or URL. Metadata naming no subject is reported with the
closest subject's name (``difflib``).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.content import SubjectMeta
from generator.exceptions import Problem

log = logging.getLogger(__name__)

# Names of the fields that list categories, in front matter, columns and sitegen.toml.
CATEGORY_KEYS = (
    "genres",
    "genre",
    "categories",
    "category",
    "categorie",
    "catégories",
    "catégorie",
    "tags",
    "tag",
)
MAX_CATEGORIES = 20
MAX_CATEGORY_CHARS = 60


def categories_of(value: Any) -> tuple[str, ...]:
    """A list of categories from a list or a comma-separated string (``"Horreur,
    Drame"``), each trimmed, at most ``MAX_CATEGORIES``; empty ones dropped."""
    if value is None or isinstance(value, bool | dict):
        return ()
    items = value if isinstance(value, list | tuple) else str(value).replace(";", ",").split(",")
    out: list[str] = []
    for item in items:
        if isinstance(item, dict | list | tuple) or item is None:
            continue
        text = " ".join(str(item).split())[:MAX_CATEGORY_CHARS]
        if text:
            out.append(text)
    return merge_categories(out)[:MAX_CATEGORIES]


def merge_categories(*lists: Iterable[str]) -> tuple[str, ...]:
    """The categories of ``lists`` in order, each once (compared without case)."""
    seen: dict[str, str] = {}
    for items in lists:
        for item in items:
            seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


def categories_from(fields: Mapping[str, Any]) -> tuple[str, ...]:
    """Every category listed under any of ``CATEGORY_KEYS`` in ``fields``."""
    return merge_categories(*(categories_of(fields.get(key)) for key in CATEGORY_KEYS))[
        :MAX_CATEGORIES
    ]


def merge_meta(low: SubjectMeta, high: SubjectMeta) -> SubjectMeta:
    """``high``'s metadata completed by ``low``'s (categories: both, ``high``'s first)."""
    return replace(
        high,
        title=high.title or low.title,
        year=high.year or low.year,
        image=high.image or low.image,
        description_html=high.description_html or low.description_html,
        categories=merge_categories(high.categories, low.categories),
        source=high.source or low.source,
    )


def _rank(meta: SubjectMeta) -> int:
    """Which source wins: ``index.md`` over columns of a table."""
    return (
        1
        if meta.source is not None and Path(meta.source).suffix.lower() in (".md", ".markdown")
        else 0
    )


def collect(metas: Iterable[SubjectMeta]) -> dict[str, SubjectMeta]:
    """The metadata read from the files, merged per key (``index.md`` winning)."""
    out: dict[str, SubjectMeta] = {}
    for meta in metas:
        old = out.get(meta.key)
        if old is None:
            out[meta.key] = meta
        elif _rank(meta) >= _rank(old):
            out[meta.key] = merge_meta(old, meta)
        else:
            out[meta.key] = merge_meta(meta, old)
    return out


def attach(
    metas: Mapping[str, SubjectMeta],
    subjects: Iterable[str],
    configured: Mapping[str, Mapping[str, Any]],
    config_path: Path | None,
    content_dir: Path,
) -> tuple[dict[str, SubjectMeta], list[Problem]]:
    """Metadata keyed by the subjects it describes, and the problems found.

    ``metas``: what the files gave, by the key their place gives (a folder's name);
    ``subjects``: the keys of the subjects that have reviews; ``configured``: the
    ``[subjects]`` tables of ``sitegen.toml``. Metadata matching no subject keeps
    its own key (a subject without reviews yet) and is reported."""
    from generator.site import slug_base

    keys = list(dict.fromkeys(subjects))
    known = set(keys)
    by_slug: dict[str, str] = {}
    for key in sorted(keys):
        by_slug.setdefault(slug_base(key), key)
    problems: list[Problem] = []
    out: dict[str, SubjectMeta] = {}

    def target(name: str) -> str | None:
        return name if name in known else by_slug.get(slug_base(name))

    for name, meta in metas.items():
        key = target(name)
        if key is None:
            out[name] = merge_meta(out[name], meta) if name in out else meta
            problems.append(
                Problem(
                    _shown(meta.source, content_dir),
                    None,
                    f"subject '{name}' has no reviews yet; its page shows none{_closest(name, keys)}",
                    f"add review files beside {Path(meta.source).name if meta.source else 'index.md'}, "
                    "or name the folder as the subject's reviews are named, or remove it",
                    "warning",
                )
            )
            continue
        meta = replace(meta, key=key)
        out[key] = merge_meta(out[key], meta) if key in out else meta
    for name, fields in configured.items():
        key = target(name)
        if key is None and name in out:
            key = name
        if key is None:
            problems.append(
                Problem(
                    config_path or Path("sitegen.toml"),
                    None,
                    f'[subjects."{name}"] names no subject with reviews{_closest(name, keys)}; it is ignored',
                    "use the subject's name as its reviews give it (the file's name, or the subject column)",
                    "warning",
                )
            )
            continue
        given = SubjectMeta(
            key=key,
            title=str(fields.get("title", "")),
            year=str(fields.get("year", "")),
            image=safe_image_url(str(fields.get("image", ""))),
            description_html="",
            categories=categories_from(fields),
            source=out[key].source if key in out else None,
        )
        out[key] = merge_meta(out[key], given) if key in out else given
    return out, problems


_IMAGE_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def safe_image_url(value: str) -> str:
    """A subject's image as given when it is an http(s) URL or a relative path inside
    the site, else ``""`` (``javascript:``, ``data:``, absolute or ``..`` paths)."""
    url = "".join(value.split())  # browsers ignore whitespace inside schemes: "java\tscript:"
    if _IMAGE_SCHEME.match(url):
        if url.lower().startswith(("https://", "http://")) and len(url) > len("https://"):
            return url
    elif url and not url.startswith("/") and "\\" not in url and ".." not in url.split("/"):
        return url
    return ""


def _closest(name: str, keys: list[str]) -> str:
    match = difflib.get_close_matches(name, keys, n=1, cutoff=0.5)
    if not match:
        folded = {key.casefold(): key for key in keys}
        found = difflib.get_close_matches(
            name.casefold().replace("-", " "), list(folded), n=1, cutoff=0.5
        )
        match = [folded[found[0]]] if found else []
    return f" (the closest subject with reviews is '{match[0]}')" if match else ""


def _shown(source: Path | None, content_dir: Path) -> Path:
    return Path(source) if source is not None else content_dir


COLUMN_FIELDS = ("categories", "year", "image")  # columns that describe the subject, not the review


class ColumnMetas:
    """Subject metadata from the columns of a table's rows: per subject, the first
    non-empty value of each field (categories: all of them, each once)."""

    def __init__(self) -> None:
        self._found: dict[str, dict[str, Any]] = {}

    def take(self, subject: str, values: dict[str, Any]) -> None:
        """Move the metadata columns out of ``values`` (a row's fields by name)."""
        fields = {name: values.pop(name) for name in COLUMN_FIELDS if name in values}
        if not any(v not in (None, "") for v in fields.values()):
            return
        found = self._found.setdefault(subject, {"categories": ()})
        found["categories"] = merge_categories(
            found["categories"], categories_of(fields.get("categories"))
        )
        for name in ("year", "image"):
            value = fields.get(name)
            if (
                name not in found
                and value not in (None, "")
                and not isinstance(value, bool | dict | list)
            ):
                found[name] = str(value).strip()

    def metas(self, source: Path) -> list[SubjectMeta]:
        return [
            SubjectMeta(
                key=subject,
                year=found.get("year", "")[:20],
                image=safe_image_url(found.get("image", "")),
                categories=found["categories"][:MAX_CATEGORIES],
                source=source,
            )
            for subject, found in self._found.items()
        ]
