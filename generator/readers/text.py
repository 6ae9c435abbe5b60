"""``.txt``: one review per non-empty line; the subject is the file's stem."""

from __future__ import annotations

from pathlib import Path

from generator.readers.base import FileResult, ReadContext, Reader, register
from generator.readers.records import make_review, subject_key


@register
class TextReader(Reader):
    extensions = (".txt",)

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        subject = subject_key_for(path, context)
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            review = make_review(context, path, number, subject=subject, text=line)
            if review:
                result.reviews.append(review)


def subject_key_for(path: Path, context: ReadContext) -> str:
    """A file's subject: its stem, or its folder's name when it sits in a subject
    folder (in NFC, ``records.subject_key``)."""
    if path.parent != context.content_dir and path.parent.parent == context.content_dir:
        return subject_key(path.parent.name)
    return subject_key(path.stem)
