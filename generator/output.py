"""Writing the built site: ``data.json``, and the atomic swap of the output folder.

A build is written into a fresh folder beside the output and swapped in only when
complete, so a failed or interrupted build leaves the previous site exactly as it
was. A marker file tells that a folder is one sitegen made, so sitegen never
replaces a folder of someone else's files.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generator.exceptions import UnsafeOutputError
from generator.render import OutputFile
from generator.site import Site

log = logging.getLogger(__name__)

MARKER = ".sitegen-output"
MARKER_TEXT = "This folder is written by `sitegen build`; its content is replaced at every build.\n"


def site_data(site: Site) -> dict[str, Any]:
    """The machine-readable summary of the site (``data.json``), documented in the README."""
    subjects = []
    for subject in site.subjects:
        summary = subject.summary
        verdict = summary.verdict
        subjects.append(
            {
                "slug": subject.slug,
                "title": subject.title,
                "url": subject.url,
                "review_count": subject.review_count,
                "verdict": {
                    "score": verdict.score,
                    "label": verdict.label,
                    "positive": verdict.positive,
                    "negative": verdict.negative,
                    "mixed": verdict.mixed,
                    "neutral": verdict.neutral,
                    "share_positive": verdict.share_positive,
                    "average_rating": verdict.average_rating,
                    "based_on": verdict.based_on,
                },
                "consensus": summary.consensus,
                "key_phrases": [
                    {"text": a.text, "mentions": a.mentions, "positive": a.positive, "negative": a.negative}
                    for a in summary.aspects
                ],
                "pros": [{"text": q.text, "review_id": q.review_id, "polarity": q.polarity} for q in summary.pros],
                "cons": [{"text": q.text, "review_id": q.review_id, "polarity": q.polarity} for q in summary.cons],
                "reviews": [
                    {
                        "id": review.id,
                        "polarity": analysis.polarity,
                        "subjectivity": analysis.subjectivity,
                        "label": analysis.label,
                        "rating": review.rating,
                        "key_phrases": list(analysis.key_phrases),
                    }
                    for review, analysis in zip(subject.reviews, subject.analyses)
                ],
            }
        )
    return {"generator": "sitegen", "subjects": subjects}


def data_json(site: Site) -> OutputFile:
    text = json.dumps(site_data(site), ensure_ascii=False, indent=2)
    # Safe to inline in a page too: no raw "<" can open a tag.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e")
    return OutputFile("data.json", (text + "\n").encode("utf-8"))


def check_output_dir(output: Path, *, protected: Iterable[Path], force: bool = False) -> None:
    """Refuse output folders whose replacement would destroy someone's files."""
    target = output.resolve()
    home = Path.home().resolve()
    forbidden = {Path("/").resolve(), home}
    for path in protected:
        forbidden.add(path.resolve())
    if target in forbidden:
        raise UnsafeOutputError(f"refusing to build into {output}: it is {'/' if target == Path('/') else 'a folder the site needs'}; choose another --output")
    for path in protected:
        resolved = path.resolve()
        if resolved.is_relative_to(target):
            raise UnsafeOutputError(f"refusing to build into {output}: it contains {path}, which the build reads")
    if target.exists() and not target.is_dir():
        raise UnsafeOutputError(f"refusing to build into {output}: it is a file, not a folder")
    if target.is_dir() and not force and not (target / MARKER).exists() and any(target.iterdir()):
        raise UnsafeOutputError(
            f"refusing to replace {output}: it is not empty and sitegen did not create it "
            f"(no {MARKER} file); choose an empty folder or pass --force"
        )


def write_site(files: Iterable[OutputFile], output: Path) -> int:
    """Write every file into a temporary folder beside ``output``, then swap it in.

    Returns the number of files written. On any error the temporary folder is
    removed and the previous output is untouched.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with _lock(output):
        return _write_locked(files, output)


@contextlib.contextmanager
def _lock(output: Path) -> Iterator[None]:
    """One writer at a time per output folder (two builds at once wait in turn)."""
    lock_path = output.parent / f".{output.name}.sitegen-lock"
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_locked(files: Iterable[OutputFile], output: Path) -> int:
    _recover(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.sitegen-new-", dir=output.parent))
    count = 0
    try:
        for item in files:
            destination = (staging / item.path).resolve()
            if not destination.is_relative_to(staging):
                raise UnsafeOutputError(f"refusing to write {item.path!r} outside the output folder")
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(item.data)
            count += 1
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(staging, 0o755)
        swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` by ``staging``: two renames, the old tree removed last."""
    old = output.parent / f".{output.name}.sitegen-old"
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    shutil.rmtree(old, ignore_errors=True)


def _recover(output: Path) -> None:
    """If a previous build died between the two renames, put the old site back."""
    old = output.parent / f".{output.name}.sitegen-old"
    if old.exists() and not output.exists():
        os.replace(old, output)
        log.warning("restored %s from an interrupted build", output)
    for stale in output.parent.glob(f".{output.name}.sitegen-new-*"):
        shutil.rmtree(stale, ignore_errors=True)
