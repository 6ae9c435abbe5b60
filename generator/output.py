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
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generator.exceptions import UnsafeOutputError
from generator.render import OutputFile
from generator.site import Site, Subject

log = logging.getLogger(__name__)

MARKER = ".sitegen-output"
MARKER_TEXT = "This folder is written by `sitegen build`; its content is replaced at every build.\n"


def subject_data(subject: Subject) -> dict[str, Any]:
    """One subject's entry in ``data.json``."""
    summary = subject.summary
    verdict = summary.verdict
    return {
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


def site_data(site: Site) -> dict[str, Any]:
    """The machine-readable summary of the site (``data.json``), documented in the README."""
    return {"generator": "sitegen", "subjects": [subject_data(subject) for subject in site.subjects]}


def _json_safe(text: str) -> str:
    # Safe to inline in a page too: no raw "<" can open a tag.
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def data_json(site: Site) -> OutputFile:
    text = _json_safe(json.dumps(site_data(site), ensure_ascii=False, indent=2))
    return OutputFile("data.json", (text + "\n").encode("utf-8"))


# The nesting of a subject in data.json: {"subjects": [ here ]}.
_SUBJECT_INDENT = " " * 4


def subject_fragment(subject: Subject) -> str:
    """A subject's part of ``data.json``, exactly as ``data_json`` writes it, so that
    a rebuild can reuse the parts of unchanged subjects (``data_json_from``)."""
    text = json.dumps(subject_data(subject), ensure_ascii=False, indent=2)
    return _json_safe(_SUBJECT_INDENT + text.replace("\n", "\n" + _SUBJECT_INDENT))


def data_json_from(fragments: Iterable[str | bytes]) -> OutputFile:
    """``data.json`` assembled from ``subject_fragment``s (as text, or as UTF-8
    bytes) in site order: the same bytes as ``data_json`` (a test checks it),
    without re-encoding every review."""
    parts = [f if isinstance(f, bytes) else f.encode("utf-8") for f in fragments]
    head = _json_safe(json.dumps({"generator": "sitegen"}, ensure_ascii=False, indent=2)[:-2]).encode("utf-8")
    if parts:
        body = b',\n  "subjects": [\n' + b",\n".join(parts) + b"\n  ]\n}"
    else:
        body = b',\n  "subjects": []\n}'
    return OutputFile("data.json", head + body + b"\n")


def check_output_dir(output: Path, *, protected: Iterable[Path], force: bool = False) -> None:
    """Refuse output folders whose replacement would destroy someone's files.

    Never (not even with ``force``): ``/``, a top-level folder such as ``/usr``, a
    home folder or a folder holding one, a folder the build reads (``protected``:
    content, templates, project root) or one holding or inside content or templates,
    a file, a folder holding a git repository. Without ``force``: a non-empty folder
    without the ``.sitegen-output`` marker. Symbolic links are followed first.
    """
    import pwd  # local: output.py's other users need not pay for it

    def fail(reason: str) -> UnsafeOutputError:
        return UnsafeOutputError(f"refusing to build into {output}: {reason}; choose another --output")

    try:
        target = output.expanduser().resolve()
        protected = [p.expanduser().resolve() for p in protected]
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        raise fail(f"its path cannot be resolved ({exc})") from None
    homes: set[Path] = set()
    with contextlib.suppress(RuntimeError, KeyError, OSError):
        homes.add(Path.home().resolve())
    with contextlib.suppress(Exception):  # people's homes (not the system accounts')
        homes |= {
            Path(entry.pw_dir).resolve()
            for entry in pwd.getpwall()
            if (entry.pw_uid == 0 or entry.pw_uid >= 1000) and entry.pw_dir not in ("", "/", "/nonexistent")
        }
    with contextlib.suppress(OSError):
        homes |= {folder.resolve() for folder in Path("/home").iterdir() if folder.is_dir()}
    if len(target.parts) <= 1:
        raise fail("it is the root of the file system")
    if target in homes:
        raise fail("it is a home folder")
    if any(home.is_relative_to(target) for home in homes):
        raise fail("it holds a home folder")
    for path in protected:
        if target == path:
            raise fail(f"it is {path}, a folder the build reads")
        if path.is_relative_to(target):
            raise fail(f"it contains {path}, which the build reads")
    # Inside the project root is the usual place; inside content or templates is not:
    # the next build would read the site (data.json) as content, or copy it as assets.
    for path in protected:
        if any(other != path and other.is_relative_to(path) for other in protected):
            continue  # the project root: ./output is where a site usually goes
        if target.is_relative_to(path) and path not in homes:
            raise fail(f"it is inside {path}, which the build reads")
    if target.exists() and not target.is_dir():
        raise fail("it is a file, not a folder")
    if not target.is_dir():
        return
    marked = (target / MARKER).is_file()
    if (target / ".git").exists():
        raise fail("it holds a git repository (.git), which a build would delete")
    if not marked and any(target.iterdir()):
        if len(target.parts) <= 2:
            raise fail("it is a non-empty top-level folder that sitegen did not create")
        if not force:
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


def swap_in(staging: Path, output: Path, *, background: bool = False) -> None:
    """Replace ``output`` by ``staging``: two renames, the old tree removed last.

    With ``background``, the old tree is renamed to a ``.sitegen-trash-*`` folder
    and removed by a background thread (a large site has thousands of files to
    unlink); whatever is left of it when the process exits is removed by the next
    build (``_recover``).
    """
    old = output.parent / f".{output.name}.sitegen-old"
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    if background and old.exists():
        trash = output.parent / f".{output.name}.sitegen-trash-{os.getpid()}-{time.time_ns()}"
        os.replace(old, trash)
        _remove_in_background(trash)
    else:
        shutil.rmtree(old, ignore_errors=True)


def _remove_in_background(folder: Path) -> None:
    threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, daemon=True).start()


def _recover(output: Path) -> None:
    """If a previous build died between the two renames, put the old site back."""
    old = output.parent / f".{output.name}.sitegen-old"
    if old.exists() and not output.exists():
        os.replace(old, output)
        log.warning("restored %s from an interrupted build", output)
    for stale in output.parent.glob(f".{output.name}.sitegen-new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for trash in output.parent.glob(f".{output.name}.sitegen-trash-*"):
        _remove_in_background(trash)


# --------------------------------------------------------------------------- incremental writing

FileStat = tuple[int, int, int]  # size, mtime_ns, inode


def file_stat(path: Path) -> FileStat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _safe_relative(path: str) -> str:
    """The normalised relative path, or UnsafeOutputError if it would leave the folder."""
    norm = os.path.normpath(path)
    if os.path.isabs(norm) or norm == ".." or norm.startswith("../") or norm in (".", ""):
        raise UnsafeOutputError(f"refusing to write {path!r} outside the output folder")
    return norm


class StagedOutput:
    """A new output folder built beside the old one, then swapped in.

    Unchanged files are hard-linked from the current output (same inode, no copy);
    changed ones are written as new files. An existing name in the staging folder is
    unlinked before writing, so a write can never go through a link into the
    previous site, which stays intact until the swap (and intact if the build fails
    or is killed: the staging folder is then removed, now or by the next build).
    Use inside ``output_lock(output)``.
    """

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        _recover(self.output)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.sitegen-new-", dir=self.output.parent))
        self.written = 0
        self.linked = 0
        self.stats: dict[str, FileStat] = {}
        self._dirs: set[str] = {""}
        self._root = str(self.staging)
        self._output = str(self.output)

    def _prepare(self, rel: str) -> str:
        parent = os.path.dirname(rel)
        if parent not in self._dirs:
            self._mkdir(parent)
        return os.path.join(self._root, rel)

    def _mkdir(self, rel: str) -> None:
        # One mkdir per folder (os.makedirs costs several calls each, thousands of times).
        above = os.path.dirname(rel)
        if above not in self._dirs:
            self._mkdir(above)
        try:
            os.mkdir(os.path.join(self._root, rel))
        except FileExistsError:
            pass
        self._dirs.add(rel)

    def link(self, path: str) -> bool:
        """Reuse ``path`` from the current output. False if it is not there."""
        rel = _safe_relative(path)
        source = os.path.join(self._output, rel)
        destination = self._prepare(rel)
        try:
            os.link(source, destination, follow_symlinks=False)
        except FileExistsError:
            return False
        except OSError:
            try:
                shutil.copy2(source, destination)
            except OSError:
                return False
        self.linked += 1
        return True

    def write(self, item: OutputFile, *, record: bool = False) -> None:
        rel = _safe_relative(item.path)
        destination = self._prepare(rel)
        try:
            fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            os.unlink(destination)  # never write through a hard link
            fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)
        self.written += 1
        if record:
            self.stats[rel] = file_stat(Path(destination))  # type: ignore[assignment]

    def record(self, rel: str) -> None:
        stat = file_stat(Path(self._root, _safe_relative(rel)))
        if stat is not None:
            self.stats[rel] = stat

    def commit(self) -> int:
        (self.staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(self.staging, 0o755)
        swap_in(self.staging, self.output, background=True)
        return self.written + self.linked

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


output_lock = _lock
