"""A sitegen plugin written for the tests (``tests/test_plugins.py``): a reader for
a new format, a site-wide page, a file per subject, a name for templates, and
analysis additions (each review's word count, each subject's average of it).

``.avis`` files hold one review per line, ``note | texte``; the subject is the
file's stem.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.analysis.types import ReviewAnalysis, SubjectSummary
from generator.content import Review
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
    """Every subject's title, score and average word count, in the home page's order."""
    rows = [
        {
            "title": s.title,
            "score": s.summary.verdict.score,
            "words": (s.summary.extra or {}).get("mots"),
        }
        for s in renderer.site.subjects
    ]
    return [OutputFile("palmares.json", json.dumps(rows, ensure_ascii=False).encode("utf-8"))]


def badge(renderer, subject) -> list[OutputFile]:
    score = subject.summary.verdict.score
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15">{score}</text></svg>\n'
    return [OutputFile(f"{subject.slug}/note.svg", svg.encode("utf-8"))]


class PagesPlugin:
    """The reader, the pages and the template name, without analysis hooks."""

    def readers(self) -> list[type[Reader]]:
        return [AvisReader]

    def pages(self) -> list[object]:
        return [
            SitePage(
                "palmares.json",
                palmares,
                key=lambda site: [
                    (s.title, s.summary.verdict.score, s.summary.extra) for s in site.subjects
                ],
            ),
            SubjectFile("note.svg", badge),
        ]

    def template_context(self) -> dict[str, object]:
        return {"plugin_note": "avec le greffon"}

    def fingerprint(self) -> str:
        return "example-1"


def words(text: str) -> int:
    return len(text.split())


class ExamplePlugin(PagesPlugin):
    def analyse_review(self, text: str, analysis: ReviewAnalysis) -> dict[str, object]:
        assert analysis.sentences  # (a full analysis: the hook runs where it is made)
        return {"mots": words(text)}

    def summarise_subject(
        self, reviews: list[Review], analyses: list[ReviewAnalysis], summary: SubjectSummary
    ) -> dict[str, object]:
        counts = [a.extra["mots"] for a in analyses]
        assert counts == [words(r.text) for r in reviews]
        return {"mots": round(sum(counts) / len(counts), 2) if counts else 0}
