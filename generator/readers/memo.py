"""Row by row, what a table file's rows gave the last time it was read: after an
edit of one row of a large CSV, the other rows' reviews are taken back instead of
being made again (``make_review``), and so is their language check
(``base.warn_unanalysed``).

A row's key is a digest of its fields (as the csv module gives them) salted with
everything else its review depends on: the file's columns, its default subject,
the path shown for it (``RowMemo.start``); the rest (the readers' code, the
column settings, the rating scale) is in the file's stamp, and a memo is only
used with a file whose last stamp had the same reader key
(``incremental.sources``). A row's review is kept for later only when making it
reported nothing (no problem, no warning) and no unreadable date of its file was
seen yet (the one warning per file for such dates depends on the rows before), so
that taking it back is exactly what making it again would give: the same review
at its new line, nothing reported.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator.content import Review

NO_KEY = bytes(16)  # a review that is not to be taken back
_UNKNOWN, _ANALYSED, _UNANALYSED = 0, 1, 2  # language flags, per review


class RowMemo:
    """One file's memo: the last read's reviews by row key (``old``), and this
    read's keys and language flags, one per review made, in order (what the cache
    keeps for the next read: ``stored``)."""

    def __init__(
        self, reviews: Sequence[Review] = (), keys: bytes = b"", flags: bytes = b""
    ) -> None:
        self._old: dict[bytes, tuple[Review, int, int]] = {}
        if len(keys) == 16 * len(reviews):
            if len(flags) != len(reviews):
                flags = bytes(len(reviews))
            for i, review in enumerate(reviews):
                key = keys[16 * i : 16 * i + 16]
                if key != NO_KEY:
                    self._old[key] = (review, flags[i], i)
        self._salt = hashlib.blake2b(digest_size=16)
        self._source = ""
        self.keys: list[bytes] = []
        self.flags: list[int] = []
        # per review made: the index of the review taken back among the last
        # read's (``sources`` takes its hashes back too), -1 when made again
        self.rows: list[int] = []
        self.reused = 0
        self._key: bytes | None = None  # the key of the row last given to ``taken``

    def start(self, salt: Any, source: Path) -> None:
        """A new read of the file: ``salt`` (a string) holds what its reviews depend
        on besides their rows; ``source`` is the absolute path the cache keeps in
        its reviews (a review taken back has that one)."""
        self._salt = hashlib.blake2b(
            f"{salt!s}\0{source}".encode("utf-8", "surrogatepass"), digest_size=16
        )
        self._source = str(source)
        self.keys = []
        self.flags = []
        self.rows = []

    def taken(self, row: list[str], line: int) -> Review | None:
        """The review the same row gave last time, at ``line``; None when there is
        none: the caller makes it and tells ``made``."""
        joined = "\0".join(row)
        self._key = None
        if joined.count("\0") == len(row) - 1:  # (fields holding NUL: not told apart)
            digest = self._salt.copy()
            digest.update(joined.encode("utf-8", "surrogatepass"))
            key = self._key = digest.digest()
            old = self._old.get(key)
            if old is not None and str(old[0].source) == self._source:
                review, flag, index = old
                if review.line != line:
                    review = dataclasses.replace(review, line=line)
                self.keys.append(key)
                self.flags.append(flag)
                self.rows.append(index)
                self.reused += 1
                return review
        return None

    def made(self, review: Review | None, reported: bool) -> None:
        """The review made of the row last given to ``taken`` (None: the row gave
        none); ``reported``: making it reported something (it is not kept)."""
        if review is not None:
            self.keys.append(NO_KEY if self._key is None or reported else self._key)
            self.flags.append(_UNKNOWN)
            self.rows.append(-1)

    def unanalysed(self, reviews: Sequence[Review], detect: Callable[[str], bool]) -> list[bool]:
        """Per review, whether ``detect`` (the language check) finds it in a language
        sitegen does not analyse: the flag of a review taken back, else checked."""
        flags = self.flags if len(self.flags) == len(reviews) else [_UNKNOWN] * len(reviews)
        out = []
        for i, review in enumerate(reviews):
            if flags[i] == _UNKNOWN:
                flags[i] = _UNANALYSED if detect(review.text) else _ANALYSED
            out.append(flags[i] == _UNANALYSED)
        self.flags = flags
        return out

    def stored(self, count: int) -> tuple[bytes, bytes]:
        """(keys, flags) of this read's ``count`` reviews, for the cache; empty when
        the reader did not go row by row."""
        if len(self.keys) != count:
            return b"", b""
        flags = self.flags if len(self.flags) == count else [_UNKNOWN] * count
        return b"".join(self.keys), bytes(flags)
