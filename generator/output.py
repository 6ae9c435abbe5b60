"""Writing the built site: ``data.json``, and the atomic swap of the output folder.

A build is written into a fresh folder beside the output and swapped in only when
complete, so a failed or interrupted build leaves the previous site exactly as it
was. A marker file tells that a folder is one sitegen made, so sitegen never
replaces a folder of someone else's files.

What an interrupted build leaves beside the output (``.<name>.sitegen-new-*``
staging folders, their journals, ``-old`` and ``-trash-*`` trees) is acted on only
when this user made it: the folder is ours (owner, not a symlink), and a journal
carries an HMAC made with a secret kept in the output's private lock file, names
only flat files of its staging folder and paths inside the output, and is carried
out without following any symbolic link. Anything else is set aside
(``.<name>.sitegen-untrusted-*``) with a warning, never executed.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import glob
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.analysis.types import MentionQuote, mention_label
from generator.exceptions import UnsafeOutputError
from generator.exchange import swap_file
from generator.i18n import iso_date
from generator.render import OutputFile, safe_json_text
from generator.render import encode_json_string as _encode_string
from generator.site import Site, Subject

log = logging.getLogger(__name__)

MARKER = ".sitegen-output"
MARKER_TEXT = "This folder is written by `sitegen build`; its content is replaced at every build.\n"


def subject_data(subject: Subject, reviews: bool = True) -> dict[str, Any]:
    """One subject's entry in ``data.json`` (``reviews=False``: all but the reviews)."""
    summary = subject.summary
    verdict = summary.verdict
    data = {
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
            "share_good_ratings": verdict.share_good_ratings,
            "good_ratings": verdict.good_ratings,
            "middling_ratings": verdict.middling_ratings,
            "bad_ratings": verdict.bad_ratings,
        },
        "consensus": summary.consensus,
        "key_phrases": [
            {
                "key": a.key,
                "text": a.text,
                "mentions": a.mentions,
                "positive": a.positive,
                "negative": a.negative,
                "share_positive": a.share_positive,
                "best_positive": _mention_quote(a.best_positive),
                "best_negative": _mention_quote(a.best_negative),
                "line": a.line,
            }
            for a in summary.aspects
        ],
        "pros": [
            {"text": q.text, "review_id": q.review_id, "polarity": q.polarity} for q in summary.pros
        ],
        "cons": [
            {"text": q.text, "review_id": q.review_id, "polarity": q.polarity} for q in summary.cons
        ],
    }
    if summary.extra:  # what plugins add (``plugins.summarised``)
        data["extra"] = summary.extra
    if reviews:
        data["reviews"] = [
            {
                "id": review.id,
                "polarity": analysis.polarity,
                "subjectivity": analysis.subjectivity,
                "label": analysis.label,
                "language": analysis.language,
                "rating": review.rating,
                "date": iso_date(review.date) or None,
                "key_phrases": list(analysis.key_phrases),
                "text": review.text,
                "aspects": [
                    {
                        "aspect": m[0],
                        "text": review.text[m[2] : m[3]],
                        "start": m[2],
                        "end": m[3],
                        "polarity": m[4],
                        "label": mention_label(m[4]),
                    }
                    for m in summary.mentions_of(review.text, analysis)
                ],
                **({"extra": analysis.extra} if analysis.extra else {}),
            }
            for review, analysis in zip(subject.reviews, subject.analyses)
        ]
    return data


def _mention_quote(quote: MentionQuote | None) -> dict[str, Any] | None:
    """An aspect's best mention in ``data.json``: the review, the quoted words,
    the mention's offsets in the review text."""
    if quote is None:
        return None
    return {
        "review_id": quote.review_id,
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "polarity": quote.polarity,
    }


def site_data(site: Site) -> dict[str, Any]:
    """The machine-readable summary of the site (``data.json``), documented in the
    README: every subject but its reviews, which are in its own ``data`` file
    (``subject_data_file``)."""
    return {
        "generator": "sitegen",
        "subjects": [index_entry(subject) for subject in site.subjects],
    }


def index_entry(subject: Any) -> dict[str, Any]:
    """A subject's entry in ``data.json``: ``subject_data`` without the reviews,
    and where its ``data`` file is (from the site's root)."""
    return {**subject_data(subject, reviews=False), "data": subject_data_path(subject.slug)}


def subject_data_path(slug: str) -> str:
    """A subject's own data file: ``subject_data`` with its reviews."""
    return f"{slug}/data.json"


# data.json is safe to inline in a page too, with the rule of the pages' own JSON.
_json_safe = safe_json_text


def data_json(site: Site) -> OutputFile:
    text = _json_safe(dumps_data(site_data(site)))
    return OutputFile("data.json", (text + "\n").encode("utf-8"))


def subject_data_json(subject: Subject) -> OutputFile:
    """``<slug>/data.json``, as ``dumps_data`` writes ``subject_data`` (the spec of
    ``subject_data_file``, which a test compares with it)."""
    text = _json_safe(dumps_data(subject_data(subject)))
    return OutputFile(subject_data_path(subject.slug), (text + "\n").encode("utf-8"))


def dumps_data(value: dict[str, Any]) -> str:
    """``data.json``'s layout (the spec the fast path below follows byte for byte):
    ``json.dumps(value, ensure_ascii=False, indent=2)``, except that each review of
    a subject's ``"reviews"`` list is one line, ``json.dumps(review,
    ensure_ascii=False)``: most of the file is reviews, and indenting every field
    of every mention made it about twice as big (550 MB at 100,000 reviews)."""
    reviews: list[str] = []

    def placeholders(subject: dict[str, Any]) -> dict[str, Any]:
        listed = subject.get("reviews")
        if not listed:
            return subject
        marks = []
        for review in listed:
            marks.append(f"\0{len(reviews)}\0")
            reviews.append(json.dumps(review, ensure_ascii=False))
        return {**subject, "reviews": marks}

    if "subjects" in value:
        value = {**value, "subjects": [placeholders(s) for s in value["subjects"]]}
    else:
        value = placeholders(value)
    skeleton = json.dumps(value, ensure_ascii=False, indent=2)
    # A mark is written "\u0000<n>\u0000"; a string of the skeleton holding those
    # characters has its quotes escaped, so only the marks themselves match.
    return _MARK.sub(lambda m: reviews[int(m.group(1))], skeleton)


_MARK = re.compile(r'"\\u0000(\d+)\\u0000"')


# The nesting of a subject in data.json: {"subjects": [ here ]}.
_SUBJECT_INDENT = " " * 4


def subject_fragment(subject: Any) -> str:
    """A subject's part of ``data.json`` (``index_entry``), exactly as ``data_json``
    writes it, so that a rebuild can reuse the parts of unchanged subjects
    (``data_json_from``)."""
    text = _with_last_key(subject, "data", subject_data_path(subject.slug))
    return _json_safe(_SUBJECT_INDENT + text.replace("\n", "\n" + _SUBJECT_INDENT))


def _with_last_key(subject: Subject, key: str, value: Any) -> str:
    """``json.dumps({**subject_data(subject, reviews=False), key: value},
    ensure_ascii=False, indent=2)``: the subject's part (json's pure-Python
    encoder, with an indent) is encoded once for its ``data.json`` fragment and
    its own data file, which end with different keys (``_subject_text``)."""
    text = _subject_text(subject)
    return f"{text[:-2]},\n  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}\n}}"


def _subject_text(subject: Subject) -> str:
    """``json.dumps(subject_data(subject, reviews=False), ensure_ascii=False,
    indent=2)``, kept for the subject last asked about (by identity: the subject
    is frozen)."""
    global _last_text
    last = _last_text
    if last is not None and last[0] is subject:
        return last[1]
    text = json.dumps(subject_data(subject, reviews=False), ensure_ascii=False, indent=2)
    _last_text = (subject, text)
    return text


_last_text: tuple[Subject, str] | None = None


def subject_data_file(
    subject: Subject, known: dict[int, bytes] | None = None
) -> tuple[bytes, list[bytes]]:
    """``subject_data_json(subject)``'s bytes, and the entries of its reviews in
    them (one a line, joined by ``ENTRY_SEP``). ``known``: review index -> its
    entry as the last file holds it (unchanged reviews), not encoded again."""
    head, made, tail = subject_data_parts(subject, known or {})
    entries = list(made)
    # In one join: each ``+`` on the whole would copy it again (a large subject's
    # file is tens of MB, and fresh memory costs its page faults)
    if not entries:
        return head + tail, entries
    if len(entries) == 1:
        return head + entries[0] + tail, entries
    return ENTRY_SEP.join([head + entries[0], *entries[1:-1], entries[-1] + tail]), entries


def subject_data_parts(
    subject: Subject, known: Mapping[int, Any]
) -> tuple[bytes, Iterable[Any], bytes]:
    """``subject_data_file(subject)`` in parts: its bytes are ``head``, the
    ``entries`` of its reviews joined by ``ENTRY_SEP``, then ``tail`` (no entries:
    ``head + tail``). An entry in ``known`` (review index -> whatever stands for
    its bytes: the last file's entry, or where it lies there) is given as is.
    The entries are made as they are read (a large subject's are tens of MB: a
    caller may write each and let it go).

    ``json.dumps(..., indent=2)`` runs json's pure-Python encoder; the review list
    (most of the bytes) is written here instead, value by value with json's own
    C string encoder, in the same layout (``tests/test_render.py`` compares both).
    The escapes of ``safe_json_text`` are of single characters: made piece by piece,
    they are what they would be over the whole."""
    text = _with_last_key(subject, "reviews", None)  # (its value is spliced in below)
    if not text.endswith(_REVIEWS_TAIL):  # pragma: no cover - json changed its layout
        return subject_data_json(subject).data, [], b""
    # (the reviews written indented already: JSON strings hold no raw newline)
    head = text[: -len(_REVIEWS_TAIL)]
    if not subject.reviews:
        return (_json_safe(head + "[]\n}") + "\n").encode("utf-8"), [], b""
    entries = _review_entries(subject, _ENTRY_INDENT, known)
    return _json_safe(head + "[\n").encode("utf-8"), entries, DATA_FILE_END


ENTRY_SEP = b",\n"  # between two reviews' entries
_ENTRY_INDENT = " " * 4  # a review's, in its subject's "reviews" list
DATA_FILE_END = b"\n  ]\n}\n"  # after a subject's data.json's review entries


def entries_span(size: int, lengths: Sequence[int]) -> tuple[int, int]:
    """Where the review entries of a ``subject_data_file`` of ``size`` bytes whose
    entries have the byte lengths ``lengths`` begin and end (joined by
    ``ENTRY_SEP``; what precedes and follows them is the rest of the file)."""
    end = size - len(DATA_FILE_END)
    return end - sum(lengths) - (len(lengths) - 1) * len(ENTRY_SEP), end


_REVIEWS_TAIL = "null\n}"


def _json_scalar(value: Any) -> str:
    """One value as ``json.dumps`` writes it (strings, numbers, booleans, None)."""
    if type(value) is float and value - value == 0.0:  # (finite: most values here)
        return float.__repr__(value)
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and (math.isnan(value) or value in (_INF, -_INF)):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (int, float)):
        return (float.__repr__ if isinstance(value, float) else int.__repr__)(value)
    return json.dumps(value, ensure_ascii=False)  # pragma: no cover - not in data.json


_INF = float("inf")


def _review_entries(subject: Subject, indent: str, known: Mapping[int, Any]) -> Iterator[Any]:
    """The items of ``subject_data(subject)["reviews"]`` as ``dumps_data`` writes
    them (one line each, after ``indent``), safe (``safe_json_text``) and in UTF-8
    (one %-template per review and per mention: the build's hot path for
    data.json); those in ``known`` as given."""
    s, v = _encode_string, _json_scalar
    review_json = indent + _REVIEW_JSON
    shown_of: dict[float, str] = {}  # a mention's polarity and label, by polarity
    # A review's mentions as its card has them (``site.make_cards``: the same
    # ``summary.mentions_of``), not resolved a second time.
    cards = [card for page in subject.pages for card in page.cards]
    if len(cards) != len(subject.reviews):  # pragma: no cover - a card per review
        cards = [None] * len(subject.reviews)
    mentions_of = subject.summary.mentions_of
    for i, (review, analysis) in enumerate(zip(subject.reviews, subject.analyses)):
        if i in known:
            yield known[i]
            continue
        phrases = analysis.key_phrases
        listed = "[" + ", ".join(map(s, phrases)) + "]"
        text = review.text
        card = cards[i]
        mentions = card.mentions if card and card.review is review else mentions_of(text, analysis)
        if mentions:
            shown = []
            for key, _form, start, end, polarity in mentions:
                # (cached for non-zero floats only: 0.0 == -0.0 and 1 == 1.0 are written apart)
                pair = shown_of.get(polarity) if type(polarity) is float and polarity else None
                if pair is None:
                    pair = v(polarity) + ', "label": ' + s(mention_label(polarity))
                    if type(polarity) is float and polarity:
                        shown_of[polarity] = pair
                # (an f-string: no tuple, no format string parsed per mention)
                shown.append(
                    f'{{"aspect": {s(key)}, "text": {s(text[start:end])}, "start": {start},'
                    f' "end": {end}, "polarity": {pair}}}'
                )
            aspects = "[" + ", ".join(shown) + "]"
        else:
            aspects = "[]"
        entry = review_json % (
            s(review.id),
            v(analysis.polarity),
            v(analysis.subjectivity),
            s(analysis.label),
            s(analysis.language),
            v(review.rating),
            v(iso_date(review.date) or None),
            listed,
            s(text),
            aspects,
        )
        if analysis.extra:  # what plugins add, the review's last key
            extra = json.dumps(analysis.extra, ensure_ascii=False)
            entry = entry[:-1] + ', "extra": ' + extra + "}"
        yield _json_safe(entry).encode("utf-8")


_REVIEW_JSON = (
    '{"id": %s, "polarity": %s, "subjectivity": %s, "label": %s, "language": %s,'
    ' "rating": %s, "date": %s, "key_phrases": %s, "text": %s, "aspects": %s}'
)


def data_json_from(fragments: Iterable[str | bytes]) -> OutputFile:
    """``data.json`` assembled from ``subject_fragment``s (as text, or as UTF-8
    bytes) in site order: the same bytes as ``data_json`` (a test checks it),
    without re-encoding every review."""
    parts = [f if isinstance(f, bytes) else f.encode("utf-8") for f in fragments]
    pieces, _ = data_json_pieces(parts)
    return OutputFile("data.json", b"".join(pieces))  # type: ignore[arg-type]


_DATA_HEAD = _json_safe(
    json.dumps({"generator": "sitegen"}, ensure_ascii=False, indent=2)[:-2]
).encode("utf-8")


def data_json_pieces(
    fragments: Sequence[bytes | tuple[int, int] | PendingFile],
) -> tuple[list[bytes | tuple[int, int] | PendingFile], list[tuple[int, int]]]:
    """``data.json`` as pieces (bytes, ``(offset, length)`` spans of the current
    data.json for the unchanged subjects' fragments, or files of the pending
    folder), and where each fragment lands in the new file: ``data_json_from``
    without reading the unchanged parts. Adjacent spans are merged (with the
    separator between them)."""
    pieces: list[bytes | tuple[int, int] | PendingFile] = []
    layout: list[tuple[int, int]] = []
    at = 0

    def add(piece: bytes | tuple[int, int] | PendingFile) -> None:
        nonlocal at
        if isinstance(piece, (bytes, PendingFile)):
            pieces.append(piece)
            at += len(piece) if isinstance(piece, bytes) else piece.size
            return
        offset, length = piece
        last = pieces[-1] if pieces else None
        if isinstance(last, tuple) and last[0] + last[1] == offset:
            pieces[-1] = (last[0], last[1] + length)
        else:
            pieces.append(piece)
        at += length

    add(_DATA_HEAD)
    if not fragments:
        add(b',\n  "subjects": []\n}\n')
        return pieces, layout
    add(b',\n  "subjects": [\n')
    previous_span: tuple[int, int] | None = None
    for i, fragment in enumerate(fragments):
        if i:
            if (
                isinstance(fragment, tuple)
                and previous_span is not None
                and previous_span[0] + previous_span[1] + 2 == fragment[0]
            ):
                add(
                    (previous_span[0] + previous_span[1], 2)
                )  # the ",\n" between them in the old file too
            else:
                add(b",\n")
        if isinstance(fragment, PendingFile):
            size = fragment.size
        else:
            size = len(fragment) if isinstance(fragment, bytes) else fragment[1]
        layout.append((at, size))
        add(fragment)
        previous_span = fragment if isinstance(fragment, tuple) else None
    add(b"\n  ]\n}\n")
    return pieces, layout


def check_output_dir(output: Path, *, protected: Iterable[Path], force: bool = False) -> None:
    """Refuse output folders whose replacement would destroy someone's files.

    Never (not even with ``force``): ``/``, a top-level folder such as ``/usr``, a
    home folder or a folder holding one, a folder the build reads (``protected``:
    content, templates, project root) or one holding or inside content or templates,
    a file, a folder holding a git repository. Without ``force``: a non-empty folder
    without the ``.sitegen-output`` marker. Symbolic links are followed first.
    """

    def fail(reason: str) -> UnsafeOutputError:
        return UnsafeOutputError(
            f"refusing to build into {output}: {reason}; choose another --output"
        )

    try:
        target = output.expanduser().resolve()
        protected = [p.expanduser().resolve() for p in protected]
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        raise fail(f"its path cannot be resolved ({exc})") from None
    homes = _homes()
    if len(target.parts) <= 1:
        raise fail("it is the root of the file system")
    if target in homes:
        raise fail("it is a home folder")
    if any(home.is_relative_to(target) for home in homes):
        raise fail("it holds a home folder")
    reason = _overlap(target, protected, homes)
    if reason:
        raise fail(reason)
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


def _homes() -> set[Path]:
    """People's home folders (not the system accounts'), resolved."""
    import pwd  # local: output.py's other users need not pay for it

    homes: set[Path] = set()
    with contextlib.suppress(RuntimeError, KeyError, OSError):
        homes.add(Path.home().resolve())
    with contextlib.suppress(Exception):
        homes |= {
            Path(entry.pw_dir).resolve()
            for entry in pwd.getpwall()
            if (entry.pw_uid == 0 or entry.pw_uid >= 1000)
            and entry.pw_dir not in ("", "/", "/nonexistent")
        }
    with contextlib.suppress(OSError):
        homes |= {folder.resolve() for folder in Path("/home").iterdir() if folder.is_dir()}
    return homes


def _overlap(target: Path, protected: list[Path], homes: set[Path]) -> str:
    """Why ``target`` overlaps a folder the build reads ("" when it does not)."""
    for path in protected:
        if target == path:
            return f"it is {path}, a folder the build reads"
        if path.is_relative_to(target):
            return f"it contains {path}, which the build reads"
    # Inside the project root is the usual place; inside content or templates is not:
    # the next build would read the site (data.json) as content, or copy it as assets.
    for path in protected:
        if any(other != path and other.is_relative_to(path) for other in protected):
            continue  # the project root: ./output is where a site usually goes
        if target.is_relative_to(path) and path not in homes:
            return f"it is inside {path}, which the build reads"
    return ""


def write_site(files: Iterable[OutputFile], output: Path) -> int:
    """Write every file into a temporary folder beside ``output``, then swap it in.

    Returns the number of files written. On any error the temporary folder is
    removed and the previous output is untouched.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with _lock(output):
        return _write_locked(files, output)


def _lock_path(output: Path) -> Path:
    return output.parent / f".{output.name}.sitegen-lock"


@contextlib.contextmanager
def _lock(output: Path) -> Iterator[None]:
    """One writer at a time per output folder (two builds at once wait in turn).
    The lock file is never followed if it is a symbolic link."""
    lock_path = _lock_path(output)
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if os.path.islink(lock_path):
            raise UnsafeOutputError(
                f"refusing to use {lock_path}: it is a symbolic link, not sitegen's lock file; remove it"
            ) from None
        raise UnsafeOutputError(
            f"cannot open the lock file {lock_path} ({exc.strerror or exc}); "
            "check that you can write in that folder"
        ) from None
    with open(fd, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # say why nothing happens (e.g. `sitegen serve` is rebuilding)
            log.warning(
                "%s is being written by another sitegen build: waiting for it to finish", output
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_KEY_HEX = 64  # the journal secret: 32 random bytes, as hex, in the lock file


def _journal_key(output: Path, *, create: bool) -> bytes | None:
    """The secret that signs ``output``'s journals, kept in its lock file: a regular
    file (not a symlink) of this user, readable by no one else. ``create`` makes
    one if there is none yet. None when there is no trustworthy key."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(_lock_path(output), flags, 0o600)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid() or not stat.S_ISREG(info.st_mode):
            return None
        text = os.pread(fd, _KEY_HEX + 1, 0)
        private = not info.st_mode & 0o077
        if private and len(text) == _KEY_HEX:
            with contextlib.suppress(ValueError):
                return bytes.fromhex(text.decode("ascii"))
        if not create:
            return None
        os.fchmod(fd, 0o600)  # before the secret is written: never readable by others
        key = secrets.token_bytes(_KEY_HEX // 2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, key.hex().encode("ascii"), 0)
        return key
    except OSError:
        return None
    finally:
        os.close(fd)


def _journal_mac(
    key: bytes,
    output: str,
    staging: str,
    moves: list[tuple[str, str]],
    inodes: list[int] | None = None,
) -> str:
    what = [output, staging, moves] if inodes is None else [output, staging, moves, inodes]
    signed = json.dumps(what, ensure_ascii=True, separators=(",", ":"))
    return hmac.new(key, signed.encode("ascii"), hashlib.sha256).hexdigest()


def _write_locked(files: Iterable[OutputFile], output: Path) -> int:
    _recover(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.sitegen-new-", dir=output.parent))
    count = 0
    try:
        for item in files:
            destination = (staging / item.path).resolve()
            if not destination.is_relative_to(staging):
                raise UnsafeOutputError(
                    f"refusing to write {item.path!r} outside the output folder"
                )
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
    unlink); the command waits up to ``REMOVAL_WAIT`` seconds for it at exit, and
    whatever is left after that is removed by the next build (``_recover``).
    """
    old = output.parent / f".{output.name}.sitegen-old"
    if os.path.lexists(old):
        _remove(old)
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    if background and old.exists():
        trash = output.parent / f".{output.name}.sitegen-trash-{os.getpid()}-{time.time_ns()}"
        os.replace(old, trash)
        _remove_in_background(trash)
    else:
        shutil.rmtree(old, ignore_errors=True)


def _discard(folder: Path, output: Path) -> None:
    """Remove ``folder`` (a staging folder whose swap is done) in the background,
    as a ``.sitegen-trash-*`` folder: the command waits for it at exit
    (``_finish_removals``), the next build removes what is left."""
    trash = output.parent / f".{output.name}.sitegen-trash-{os.getpid()}-{time.time_ns()}"
    try:
        os.rename(folder, trash)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _remove_in_background(trash)


def _remove_in_background(folder: Path) -> None:
    thread = threading.Thread(
        target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, daemon=True
    )
    thread.start()
    _removals[:] = [t for t in _removals if t.is_alive()]  # ``sitegen serve`` runs long
    _removals.append(thread)


_removals: list[threading.Thread] = []
REMOVAL_WAIT = 2.0  # seconds a command waits at exit for old trees to be removed


@atexit.register
def _finish_removals() -> None:
    """At exit, give the background removals up to ``REMOVAL_WAIT`` seconds in
    all: the old tree of a usual site is gone when the command returns (a daemon
    thread is otherwise stopped at exit, leaving a ``.sitegen-trash-*`` folder
    beside the output until the next build); a huge one is left to that build."""
    deadline = time.monotonic() + REMOVAL_WAIT
    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: leave the rest
        while _removals:
            _removals.pop().join(max(0.0, deadline - time.monotonic()))


def recover_output(output: Path) -> None:
    """Finish or undo what an interrupted build left of ``output`` (call under its
    lock, before looking at it): a swap that died between its two renames is undone,
    a committed in-place swap is rolled forward, stale staging folders removed."""
    _recover(output.resolve())


def _recover(output: Path) -> None:
    """Finish or undo what an interrupted build of ``output`` left beside it, only
    if this user's sitegen made it (see the module docstring)."""
    old = output.parent / f".{output.name}.sitegen-old"
    if os.path.lexists(old) and not os.path.lexists(output):
        if _ours(old):
            os.replace(old, output)
            log.warning("restored %s from an interrupted build", output)
        else:
            _set_aside(old, output, "it is not a folder this user's sitegen made")
    for stale in output.parent.glob(f".{glob.escape(output.name)}.sitegen-new-*"):
        if not _ours(stale):
            _set_aside(stale, output, "it is not a folder this user's sitegen made")
            continue
        if os.path.lexists(stale / _JOURNAL):  # killed while swapping files into the output: finish
            journal, reason = _trusted_moves(stale, output)
            if journal is None:
                _set_aside(stale, output, reason)
                continue
            if output.is_dir():
                _roll_forward(stale, str(output), *journal)
                log.warning("finished updating %s after an interrupted build", output)
        shutil.rmtree(stale, ignore_errors=True)
    for trash in output.parent.glob(f".{glob.escape(output.name)}.sitegen-trash-*"):
        if _ours(trash):
            _remove_in_background(trash)
    _prune_set_aside(output)


KEEP_SET_ASIDE = 3  # untrusted leftovers kept beside the output, the newest


def _prune_set_aside(output: Path) -> None:
    """Remove all but the newest ``KEEP_SET_ASIDE`` of the leftovers recovery set
    aside (``_set_aside``): kept to be looked at, they would otherwise pile up.
    Nothing in them is read or run; a symbolic link is removed, not its target."""
    aside = output.parent.glob(f".{glob.escape(output.name)}.sitegen-untrusted-*")
    by_age = sorted(aside, key=lambda p: (_set_aside_time(p), p.name))
    for old in by_age[:-KEEP_SET_ASIDE]:
        try:
            _remove(old)
        except OSError as exc:
            log.debug("could not remove %s: %s", old, exc)
            continue
        log.warning("removed %s, set aside by an earlier build", old.name)


def _set_aside_time(path: Path) -> int:
    """When ``_set_aside`` named ``path`` (its name's last part, in ns)."""
    stamp = path.name.rpartition("-")[2]
    return int(stamp) if stamp.isdigit() else 0


def _ours(path: Path) -> bool:
    """A real folder (not a symbolic link) of this user."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _remove(path: Path) -> None:
    """Remove a folder tree, or the file or symbolic link itself (never its target)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _set_aside(path: Path, output: Path, reason: str) -> None:
    """Rename something found beside the output that recovery must not trust, with
    a warning: it is not acted on, and kept until newer ones replace it
    (``_prune_set_aside``)."""
    aside = output.parent / f".{output.name}.sitegen-untrusted-{time.time_ns()}"
    try:
        os.rename(path, aside)
    except OSError as exc:
        log.warning(
            "ignoring %s (%s); could not set it aside: %s", path, reason, exc.strerror or exc
        )
        return
    log.warning(
        "set aside %s as %s without acting on it: %s; remove it if you do not know where it came from",
        path,
        aside.name,
        reason,
    )


_JOURNAL_MAX = 4 << 20  # bytes: IN_PLACE_LIMIT moves of long paths fit many times over


def _trusted_moves(
    staging: Path, output: Path
) -> tuple[tuple[list[tuple[str, str]], list[int] | None] | None, str]:
    """The moves of ``staging``'s journal and the new files' inodes (None in a
    journal of an earlier version), or None and why it cannot be trusted: it
    must be a regular file of this user, signed with the output's secret, for this
    output and this staging folder, naming flat files of the staging folder's own
    ``pending`` folder and normalised paths inside the output."""
    raw, why = _journal_bytes(staging)
    if raw is None:
        return None, why
    parsed = _parse_journal(raw)
    if parsed is None:
        return None, "its journal is not one sitegen wrote"
    data, mac, moves, inodes = parsed
    if data.get("output") != str(output) or data.get("staging") != staging.name:
        return None, "its journal is about another folder"
    key = _journal_key(output, create=False)
    if key is None or not hmac.compare_digest(
        mac, _journal_mac(key, str(output), staging.name, moves, inodes)
    ):
        return None, "its journal does not carry this output's secret"
    for name, rel in moves:
        if not _flat_name(name) or not _normal_relative(rel):
            return None, "its journal names a path outside the staging folder or the output"
    try:
        pending = os.lstat(staging / _PENDING)
    except OSError:
        return None, "its pending folder is missing"
    if not stat.S_ISDIR(pending.st_mode) or pending.st_uid != os.getuid():
        return None, "its pending folder is not a folder this user made"
    return (moves, inodes), ""


def _parse_journal(
    raw: bytes,
) -> tuple[dict[str, Any], str, list[tuple[str, str]], list[int] | None] | None:
    """A journal's fields (the whole, its MAC, its moves, its inodes or None), or
    None when it is not laid out as sitegen writes it."""
    try:
        data = json.loads(raw.decode("utf-8"))
        mac = data["mac"]
        moves = [(name, rel) for name, rel in data["moves"]]
        if not all(isinstance(n, str) and isinstance(r, str) for n, r in moves) or not isinstance(
            mac, str
        ):
            return None
        inodes = data.get("inodes")
        if inodes is not None and (
            not isinstance(inodes, list)
            or len(inodes) != len(moves)
            or not all(type(i) is int for i in inodes)
        ):
            return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return data, mac, moves, inodes


def _journal_bytes(staging: Path) -> tuple[bytes | None, str]:
    """The bytes of ``staging``'s journal, or None and why: it must be a regular
    file of this user (never followed through a link), of a bounded size."""
    try:
        fd = os.open(staging / _JOURNAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None, "its journal cannot be opened (a symbolic link?)"
    with open(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.getuid() or not stat.S_ISREG(info.st_mode):
            return None, "its journal is not a file this user wrote"
        raw = handle.read(_JOURNAL_MAX + 1)
    if len(raw) > _JOURNAL_MAX:
        return None, "its journal is too large"
    return raw, ""


def _flat_name(name: str) -> bool:
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and os.sep not in name
        and "\0" not in name
    )


def _normal_relative(rel: str) -> bool:
    try:
        return _safe_relative(rel) == rel and "\0" not in rel
    except UnsafeOutputError:
        return False


def _symlink_on_the_way(root: str, rel: str) -> str | None:
    """The first folder of ``rel`` (inside ``root``) that is a symbolic link or not
    a folder, or None: writing ``rel`` then stays inside ``root``."""
    parts = rel.split("/")[:-1]
    path = root
    for part in parts:
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return None  # made by the writer: a real folder
        if not stat.S_ISDIR(info.st_mode):
            return path
    return None


# --------------------------------------------------------------------------- incremental writing

FileStat = tuple[int, int, int]  # size, mtime_ns, inode


def file_stat(path: Path | str) -> FileStat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _lstat(path: str) -> FileStat | None:
    """``file_stat`` of ``path`` itself (a symbolic link's own)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _safe_relative(path: str) -> str:
    """The normalised relative path, or UnsafeOutputError if it would leave the folder."""
    norm = os.path.normpath(path)
    if os.path.isabs(norm) or norm == ".." or norm.startswith("../") or norm in (".", ""):
        raise UnsafeOutputError(f"refusing to write {path!r} outside the output folder")
    return norm


# At most this many files are swapped into a live output one by one; more, and a
# whole new tree is staged and swapped in with two renames.
IN_PLACE_LIMIT = 500
_PENDING = "pending"  # flat folder of new files inside a staging folder
_JOURNAL = "JOURNAL"  # its presence marks a rename loop under way


@dataclass(frozen=True)
class PendingFile:
    """A piece of a file to write (``StagedOutput.write_pieces``): a whole file of
    the pending folder, ``size`` bytes, written there by a worker."""

    name: str
    size: int


def _copy_range(source: int, handle: Any, offset: int, length: int) -> None:
    """Append ``length`` bytes of file ``source`` from ``offset`` to ``handle`` (in
    the kernel where it can)."""
    handle.flush()
    while length > 0:
        try:
            done = os.copy_file_range(source, handle.fileno(), length, offset)
        except (AttributeError, OSError):
            done = 0
        if done <= 0:  # not supported here: read and write
            handle.write(os.pread(source, length, offset))
            break
        offset += done
        length -= done
        handle.seek(0, os.SEEK_END)


def write_spans(handle: Any, pieces: Iterable[bytes | tuple[int, int]], source: int) -> None:
    """Write ``pieces`` to the file ``handle``: bytes, or ``(offset, length)``
    spans of the file ``source`` (copied in the kernel where it can: never read
    into this process)."""
    for piece in pieces:
        if isinstance(piece, bytes):
            handle.write(piece)
        else:
            _copy_range(source, handle, *piece)


class StagedOutput:
    """Writes a build's files so that a failed or killed build leaves the previous
    output exactly as it was. Use inside ``output_lock(output)``.

    New files are written, flat, into a staging folder beside the output; unchanged
    ones are only named (``keep``). ``commit`` then either

    * **swaps the few new files into the live output** (``in_place``), when the
      build keeps the same set of paths, changes at most ``IN_PLACE_LIMIT`` files
      and no folder of the output changed since the last build (``dirs``: nothing
      added or removed by hand). A journal naming every (new file, target) is
      written (an atomic rename: the commit point), then each file is renamed over
      its target in a tight loop. A build killed before the journal leaves the
      output untouched; one killed during the loop is rolled forward by the next
      build (``_recover``), before it reads the output;
    * or **stages a whole new tree**: unchanged files hard-linked from the current
      output (no copy), new ones moved in, swapped in with two renames.

    Nothing is ever written through a hard link into the previous site.
    """

    def __init__(
        self,
        output: Path,
        *,
        in_place: bool = False,
        dirs: dict[str, FileStat] | None = None,
        files: Iterable[str] | None = None,
    ) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        _recover(self.output)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.output.name}.sitegen-new-", dir=self.output.parent)
        )
        self._pending = os.path.join(str(self.staging), _PENDING)
        os.mkdir(self._pending)
        self.in_place_ok = in_place
        self.old_dirs = dirs
        self.old_files = set(files) if files is not None else None  # what the last build wrote
        self.written = 0
        self.linked = 0
        self.in_place = False  # how the last commit went
        self.stats: dict[str, FileStat] = {}
        self.dirs: dict[str, FileStat] = {}  # folder -> stat after the commit
        self._new: dict[str, str] = {}  # rel -> name in the pending folder
        self._kept: dict[str, FileStat | None] = {}
        self._output = str(self.output)
        self._count = 0
        self._key: bytes | None = None

    def _create(self, rel: str) -> tuple[str, int]:
        rel = _safe_relative(rel)
        if rel in self._new:
            os.unlink(os.path.join(self._pending, self._new.pop(rel)))
        self._kept.pop(rel, None)
        self._count += 1
        name = str(self._count)
        path = os.path.join(self._pending, name)
        self._new[rel] = name
        return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)

    def write(self, item: OutputFile, *, record: bool = True) -> None:
        path, fd = self._create(item.path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)
        self._written(item.path, path)

    def write_pieces(self, rel: str, pieces: Iterable[bytes | PendingFile]) -> None:
        """Write ``rel`` from ``pieces`` one by one, never joined (``data.json`` of
        a large site is hundreds of MB: joining it held several copies at once):
        bytes, or a file of the pending folder copied whole."""
        path, fd = self._create(rel)
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                if isinstance(piece, PendingFile):
                    self._copy_pending(piece, handle)
                else:
                    handle.write(piece)
        self._written(rel, path)

    def _copy_pending(self, piece: PendingFile, handle: Any) -> None:
        fd = os.open(
            os.path.join(self._pending, piece.name), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
        )
        try:
            _copy_range(fd, handle, 0, piece.size)
        finally:
            os.close(fd)

    def drop(self, name: str) -> None:
        """Remove a file another process wrote into ``pending`` and nothing adopts
        (a subject's part of data.json, once data.json is written)."""
        if name.isdigit() or os.sep in name or name in (".", ".."):
            raise ValueError(f"bad pending file name {name!r}")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(self._pending, name))

    def write_spliced(
        self, rel: str, pieces: Iterable[bytes | tuple[int, int]], source: str
    ) -> None:
        """Write ``rel`` from ``pieces``: bytes, or ``(offset, length)`` spans copied
        from the current output's file ``source`` (in the kernel where it can)."""
        old_fd = os.open(
            os.path.join(self._output, _safe_relative(source)),
            os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC,
        )
        try:
            path, fd = self._create(rel)
        except BaseException:
            os.close(old_fd)
            raise
        with os.fdopen(fd, "wb") as handle, open(old_fd, "rb") as old:
            for piece in pieces:
                if isinstance(piece, bytes):
                    handle.write(piece)
                elif isinstance(piece, PendingFile):
                    self._copy_pending(piece, handle)
                else:
                    _copy_range(old.fileno(), handle, *piece)
        self._written(rel, path)

    @property
    def pending(self) -> str:
        """The folder new files are written to (flat, any name not all digits)."""
        return self._pending

    def adopt(self, rel: str, name: str) -> None:
        """Take as ``rel`` the file another process wrote into ``pending`` as ``name``
        (``build_subject`` in a local worker), as if ``write`` had written it."""
        rel = _safe_relative(rel)
        if name.isdigit() or os.sep in name or name in (".", ".."):
            raise ValueError(f"bad pending file name {name!r}")
        if rel in self._new:
            os.unlink(os.path.join(self._pending, self._new.pop(rel)))
        self._kept.pop(rel, None)
        self._new[rel] = name
        self._written(rel, os.path.join(self._pending, name))

    def _written(self, rel: str, path: str) -> None:
        self.written += 1
        self.stats[_safe_relative(rel)] = file_stat(Path(path))  # type: ignore[assignment]

    def keep(self, rel: str, stat: FileStat | None) -> None:
        """Keep ``rel`` as the current output has it (``stat``: as last recorded)."""
        if self.old_files is None or rel not in self.old_files:  # (those are normal already)
            rel = _safe_relative(rel)
        if rel not in self._new:
            self._kept[rel] = stat

    def link(self, path: str) -> bool:
        """Keep ``path`` from the current output. False if it is not there."""
        rel = _safe_relative(path)
        stat = file_stat(Path(self._output, rel))
        if stat is None:
            return False
        self.keep(rel, stat)
        return True

    def record(self, rel: str) -> None:  # kept for callers of the old interface
        pass

    def _folders(self) -> set[str]:
        folders = {""}
        for rel in (*self._new, *self._kept):
            parent = os.path.dirname(rel)
            while parent not in folders:
                folders.add(parent)
                parent = os.path.dirname(parent)
        return folders

    def _can_go_in_place(self) -> bool:
        if not self.in_place_ok or self.old_dirs is None or len(self._new) > IN_PLACE_LIMIT:
            return False
        if not os.path.isfile(os.path.join(self._output, MARKER)):
            return False
        if self.old_files is None or self.old_files != self._new.keys() | self._kept.keys():
            return False  # a file to add or to remove: stage a whole tree
        # The same files, so the same folders as last time (``dirs`` holds those).
        root = self._output
        if file_stat(root) != self.old_dirs.get(""):
            return False
        for rel, known in self.old_dirs.items():
            # (``lstat``: a folder replaced by a symbolic link, never written
            # through, has a stat of its own)
            if rel and _lstat(os.path.join(root, rel)) != known:
                return False  # a file added or removed by hand, a folder replaced
        self._key = _journal_key(self.output, create=True)
        if self._key is None:
            return False  # no private place for the journal's secret: no journal
        for rel in self._new:  # only replacements of existing files
            if not os.path.isfile(os.path.join(self._output, rel)) or os.path.islink(
                os.path.join(self._output, rel)
            ):
                return False
        return True

    def commit(self) -> int:
        if self._can_go_in_place():
            moves = [(name, rel) for rel, name in self._new.items()]
            # each new file's inode: once exchanged with its target, the file left
            # at its pending name is the old one (``_roll_forward``)
            inodes = [os.lstat(os.path.join(self._pending, name)).st_ino for name, _ in moves]
            journal = os.path.join(str(self.staging), _JOURNAL)
            mac = _journal_mac(self._key, self._output, self.staging.name, moves, inodes)  # type: ignore[arg-type]
            with open(journal + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(
                    {
                        "output": self._output,
                        "staging": self.staging.name,
                        "moves": moves,
                        "inodes": inodes,
                        "mac": mac,
                    },
                    handle,
                )
            os.replace(journal + ".tmp", journal)  # the commit point
            _roll_forward(self.staging, self._output, moves, inodes)
            # It holds the replaced files (the old data.json: freeing its blocks
            # took 0.03-0.1 s at 100,000 reviews), removed while the build records.
            _discard(self.staging, self.output)
            self.in_place = True
            changed = {os.path.dirname(rel) for rel in self._new}
            self.dirs = {
                rel: (file_stat(os.path.join(self._output, rel)) if rel in changed else stat)  # type: ignore[misc]
                for rel, stat in self.old_dirs.items()
            }  # type: ignore[union-attr]
            for rel, stat in self._kept.items():
                self.stats[rel] = stat  # type: ignore[assignment]
            self.linked = len(self._kept)
            return self.written + self.linked
        # A whole new tree: folders, links to the unchanged files, new files moved in.
        folders = self._folders()
        for rel in folders:
            if rel and os.path.islink(os.path.join(self._output, rel)):
                raise UnsafeOutputError(
                    f"refusing to read through {os.path.join(self._output, rel)}: it is a symbolic link inside "
                    "the output folder; remove it (sitegen never writes one)"
                )
        root = str(self.staging)
        for rel in sorted(folders):
            if rel:
                os.mkdir(os.path.join(root, rel))
        for rel in self._kept:
            source = os.path.join(self._output, rel)
            destination = os.path.join(root, rel)
            try:
                os.link(source, destination, follow_symlinks=False)
            except OSError:
                shutil.copy2(source, destination)
            stat = file_stat(Path(destination))
            if stat is None:
                raise RuntimeError(f"{rel} vanished from {self.output} during the build")
            self.stats[rel] = stat
        self.linked = len(self._kept)
        for rel, name in self._new.items():
            os.rename(os.path.join(self._pending, name), os.path.join(root, rel))
        os.rmdir(self._pending)
        (self.staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(self.staging, 0o755)
        swap_in(self.staging, self.output, background=True)
        self.dirs = {rel: file_stat(os.path.join(self._output, rel)) for rel in folders}  # type: ignore[misc]
        return self.written + self.linked

    def abort(self) -> None:
        """Drop what was staged, unless the swap was committed (its journal written):
        then the files stay for the next build to finish the renames (``_recover``)."""
        if os.path.exists(os.path.join(str(self.staging), _JOURNAL)):
            return
        shutil.rmtree(self.staging, ignore_errors=True)


def _roll_forward(
    staging: Path, output: str, moves: list[tuple[str, str]], inodes: list[int] | None = None
) -> None:
    """Put every pending file of a committed in-place swap in place of its target
    (those already moved are skipped). Only regular files of the pending folder
    move, and never through a symbolic link inside the output: a target's folder
    that is one stops the swap with :class:`UnsafeOutputError`.

    With ``inodes`` (each new file's, as the journal records them), a file is
    exchanged with its target (``exchange.swap_file``: no forced write-out of a
    big new file), and a pending name that holds another inode holds the file it
    replaced: done already. Without (a journal of an earlier version), renamed."""
    pending = os.path.join(str(staging), _PENDING)
    for i, (name, rel) in enumerate(moves):
        source = os.path.join(pending, name)
        try:
            info = os.lstat(source)
        except FileNotFoundError:
            continue  # moved already
        if inodes is not None and info.st_ino != inodes[i]:
            continue  # exchanged already: this is the file it replaced
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeOutputError(f"refusing to move {source}: it is not a file sitegen wrote")
        link = _symlink_on_the_way(output, rel)
        if link is not None:
            raise UnsafeOutputError(
                f"refusing to write {rel} through {link}: it is a symbolic link inside the output folder; remove it"
            )
        if inodes is None:
            os.replace(source, os.path.join(output, rel))
        else:
            swap_file(source, os.path.join(output, rel))


output_lock = _lock
