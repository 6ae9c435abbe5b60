"""Reading the content folder: one reader per format, chosen by file extension.

``read_content`` walks the folder in a stable order, hands each file to its reader
(``.txt``, ``.md``, ``.csv``/``.tsv``, ``.json``/``.jsonl``), and returns a ``Corpus``
of reviews in input order plus every problem found, each naming its file and line.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from generator import metadata
from generator.config import SiteConfig
from generator.content import Corpus, Review
from generator.exceptions import ConfigError, Problem
from generator.files import walk_files
from generator.readers import json as _json  # noqa: F401  (registers its reader)
from generator.readers import table as _table  # noqa: F401  (registers its reader)
from generator.readers import text as _text  # noqa: F401  (registers its reader)
from generator.readers.base import (
    READERS,
    FileResult,
    ReadContext,
    Reader,
    reader_for,
    readers_of,
    register,
)


@register
class _MarkdownOnDemand(Reader):
    """The Markdown reader, imported on first use (markdown, frontmatter, YAML and
    nh3 take a while to import, and most builds read no Markdown)."""

    extensions = (".md", ".markdown")

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        from generator.readers.markdown import MarkdownReader

        MarkdownReader().parse(text, path, context, result)


log = logging.getLogger(__name__)

IGNORED_NAMES = {"readme.md", "readme.txt", "license.txt", "license.md"}


def content_files(content_dir: Path, context: ReadContext | None = None) -> list[Path]:
    """Every file a reader handles, sorted; hidden files and folders, ``_``-folders
    and ``~`` backups left out. Files that may not be read (a FIFO, a device, a
    link leading out of the folder: ``files.walk_files``) are left out with a
    warning in ``context``."""

    readers = readers_of(context.config if context is not None else None)

    def wanted(name: str) -> bool:
        return (
            not name.startswith(("_", "~"))
            and name.lower() not in IGNORED_NAMES
            and Path(name).suffix.lower() in readers
        )

    def warn(path: Path, message: str, hint: str) -> None:
        if context is not None:
            context.warn(path, None, message, hint)

    return walk_files(content_dir, warn, wanted=wanted, enter=lambda name: not name.startswith("_"))


def read_content(config: SiteConfig, content_dir: Path | None = None) -> Corpus:
    """Read every review under the content folder."""
    folder = content_dir or config.content_dir
    if not folder.is_dir():
        raise ConfigError(
            f"content folder {folder} does not exist (use --content DIR or create it)"
        )
    context = ReadContext(config=config, content_dir=folder)
    corpus = Corpus()
    metas = []
    for path in content_files(folder, context):
        read = reader_for(path, config)
        assert read is not None
        result = read(path, context)
        corpus.files.append(path)
        corpus.reviews.extend(result.reviews)
        metas.extend(result.subjects)
    corpus.reviews, duplicates = _unique_ids(corpus.reviews)
    context.problems.extend(duplicates)
    corpus.subjects, problems = metadata.attach(
        metadata.collect(metas),
        (r.subject for r in corpus.reviews),
        config.subjects,
        config.config_path,
        folder,
    )
    context.problems.extend(problems)
    corpus.problems = context.problems
    return corpus


def read_paths(paths: list[Path], config: SiteConfig) -> Corpus:
    """Read individual files (for ``sitegen analyze``)."""
    corpus = Corpus()
    for path in paths:
        context = ReadContext(config=config, content_dir=path.parent)
        read = reader_for(path)
        if read is None:
            known = ", ".join(sorted(READERS))
            raise ConfigError(f"{path}: no reader for '{path.suffix}' files (known: {known})")
        result = read(path, context)
        corpus.files.append(path)
        corpus.reviews.extend(result.reviews)
        corpus.problems.extend(context.problems)
    corpus.reviews, duplicates = _unique_ids(corpus.reviews)
    corpus.problems.extend(duplicates)
    return corpus


def _unique_ids(reviews: list[Review]) -> tuple[list[Review], list[Problem]]:
    """Give a duplicate id a stable suffix (the smallest ``-n``, n ≥ 2, not taken
    yet), and say so."""
    seen: dict[str, Review] = {}
    tried: dict[str, int] = {}  # id -> the last suffix it got: the free one is never below it
    out: list[Review] = []
    problems: list[Problem] = []
    for review in reviews:
        key = review.id
        if key in seen:
            n = tried.get(key, 2)  # (N copies of one review: N probes in all, not N²/2)
            while f"{key}-{n}" in seen:
                n += 1
            tried[key] = n
            first = seen[key]
            what = (
                "the same review text appears twice"
                if first.text == review.text
                else f"duplicate review id '{key}'"
            )
            problems.append(
                Problem(
                    review.source,
                    review.line,
                    f"{what} (first at {first.source}:{first.line}); this one gets the id '{key}-{n}'",
                    "remove the copy"
                    if first.text == review.text
                    else "give every review its own id",
                    severity="warning",
                )
            )
            review = replace(review, id=f"{key}-{n}")
        seen[review.id] = review
        out.append(review)
    return out, problems
