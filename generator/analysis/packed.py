"""Read-only tables from strings to floats or to bytes, packed in one buffer and
looked up key by key where they lie: the sentiment model's big tables as the
analyzer's snapshot keeps them (``snapshot.py``, ``model.StoredTables``).

A dict of 70,000 weights costs about 10 ms and 10 MB to unpickle; a build that
analyses one edited review looks up a few hundred keys. Mapped from the
snapshot's file, a ``Packed`` table is read only in the pages its look-ups
touch.

Layout (native byte order and sizes: the snapshot is this machine's cache, and
its name hashes the Python version): a header of four unsigned 32-bit integers
(the number of entries ``n``, the hash table's bits, the kind of values, 0),
then for floats the ``n`` values as C doubles, the slots (``2**bits``
unsigned 32-bit integers: 0 for an empty slot, else 1 + an entry's number;
linear probing from ``crc32(key) & mask``), each entry's CRC-32, the ``n + 1``
offsets of the keys in the key bytes, (for bytes) the ``n + 1`` offsets of
the values in the value bytes, the keys (UTF-8, lone surrogates passed) and
the value bytes. Entries keep the dict's order. The same bytes whether this
module runs compiled or not (``_core.py``).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterable
from itertools import accumulate, repeat
from zlib import crc32

FLOATS, BLOBS = 0, 1
_HEADER = struct.Struct("=4I")


def _encoded(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


_UTF8, _SURROGATES = repeat("utf-8"), repeat("surrogatepass")


def _slots(hashes: list[int], bits: int) -> array:
    """The hash table: entry ``e`` (counting from 1) in the first free slot
    from ``hashes[e - 1] & mask``."""
    mask = (1 << bits) - 1
    slots = [0] * (mask + 1)
    for e, h in enumerate(hashes, 1):
        i = h & mask
        while slots[i]:
            i = (i + 1) & mask
        slots[i] = e
    return array("I", slots)


def pack(keys: Iterable[str], values: list[float] | list[bytes], kind: int) -> bytes:
    """The packed table of ``keys`` (distinct) to ``values`` (floats for
    ``FLOATS``, bytes for ``BLOBS``), padded to a multiple of 8 bytes."""
    encoded = list(map(str.encode, keys, _UTF8, _SURROGATES))  # (_encoded)
    n = len(encoded)
    bits = max(2, (2 * n).bit_length())  # at most half full
    hashes = list(map(crc32, encoded))
    parts = [_HEADER.pack(n, bits, kind, 0)]
    if kind == FLOATS:
        parts.append(array("d", values).tobytes())
    parts.append(_slots(hashes, bits).tobytes())
    parts.append(array("I", hashes).tobytes())
    parts.append(array("I", accumulate(map(len, encoded), initial=0)).tobytes())
    if kind == BLOBS:
        parts.append(array("I", accumulate(map(len, values), initial=0)).tobytes())
    parts.append(b"".join(encoded))
    if kind == BLOBS:
        parts.append(b"".join(values))  # type: ignore[arg-type]
    data = b"".join(parts)
    return data + bytes(-len(data) % 8)


class Packed:
    """A packed table (``pack``) in ``buffer`` (bytes or a read-only ``mmap``)
    at ``start``: ``get`` finds a key's value; nothing is read before."""

    __slots__ = ("_blobs", "_data", "_hashes", "_keys", "_koffs", "_mask", "_slots", "_values")

    def __init__(self, buffer, start: int = 0) -> None:
        n, bits, kind, _ = _HEADER.unpack_from(buffer, start)
        view = memoryview(buffer)
        at = start + _HEADER.size
        if kind == FLOATS:
            self._values = view[at : at + 8 * n].cast("d")
            at += 8 * n
        size = 1 << bits
        self._mask = size - 1
        self._slots = view[at : at + 4 * size].cast("I")
        at += 4 * size
        self._hashes = view[at : at + 4 * n].cast("I")
        at += 4 * n
        self._koffs = view[at : at + 4 * (n + 1)].cast("I")
        at += 4 * (n + 1)
        self._blobs = -1
        if kind == BLOBS:
            self._values = view[at : at + 4 * (n + 1)].cast("I")
            at += 4 * (n + 1)
        self._data = buffer
        self._keys = at
        if kind == BLOBS:
            self._blobs = at + self._koffs[n]

    def _find(self, key: str) -> int:
        """The entry of ``key``, or -1."""
        kb = _encoded(key)
        h = crc32(kb)
        mask = self._mask
        slots = self._slots
        i = h & mask
        while True:
            e = slots[i]
            if not e:
                return -1
            e -= 1
            if self._hashes[e] == h:
                koffs = self._koffs
                at = self._keys
                if self._data[at + koffs[e] : at + koffs[e + 1]] == kb:
                    return e
            i = (i + 1) & mask

    def get(self, key: str, default=None):
        """``key``'s value (a float, or bytes), else ``default``: as ``dict.get``."""
        e = self._find(key)
        if e < 0:
            return default
        if self._blobs < 0:
            return self._values[e]
        at = self._blobs
        return self._data[at + self._values[e] : at + self._values[e + 1]]

    def __contains__(self, key: str) -> bool:
        return self._find(key) >= 0

    def __len__(self) -> int:
        return len(self._hashes)
