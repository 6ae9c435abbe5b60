"""A sitegen plugin written for the tests (``tests/test_plugins.py``): a reader for
a new format, a site-wide page, a file per subject and a name for templates.

``.avis`` files hold one review per line, ``note | texte``; the subject is the
file's stem.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.readers.base import FileResult, ReadContext, Reader
from generator.readers.records import make_review, subject_key
from generator.render import OutputFile, SitePage, SubjectFile


class AvisReader(Reader):
    extensions = (".avis",)

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            rating, _, review = line.partition("|")
            if not review:
                context.problem(
                    path, number, "no '|' between the rating and the text", "write: note | texte"
                )
                continue
            made = make_review(
                context,
                path,
                number,
                subject=subject_key(path.stem),
                text=review.strip(),
                rating=rating.strip(),
            )
            if made:
                result.reviews.append(made)


def palmares(renderer) -> list[OutputFile]:
    """Every subject's title and score, best first (what the home page shows)."""
    rows = [{"title": s.title, "score": s.summary.verdict.score} for s in renderer.site.subjects]
    return [OutputFile("palmares.json", json.dumps(rows, ensure_ascii=False).encode("utf-8"))]


def badge(renderer, subject) -> list[OutputFile]:
    score = subject.summary.verdict.score
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15">{score}</text></svg>\n'
    return [OutputFile(f"{subject.slug}/note.svg", svg.encode("utf-8"))]


class ExamplePlugin:
    def readers(self) -> list[type[Reader]]:
        return [AvisReader]

    def pages(self) -> list[object]:
        return [
            SitePage(
                "palmares.json",
                palmares,
                key=lambda site: [(s.title, s.summary.verdict.score) for s in site.subjects],
            ),
            SubjectFile("note.svg", badge),
        ]

    def template_context(self) -> dict[str, object]:
        return {"plugin_note": "avec le greffon"}

    def fingerprint(self) -> str:
        return "example-1"
