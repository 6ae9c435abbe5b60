"""The one place where textblob-fr 0.2.0 (2013, unmaintained) is repaired for Python >= 3.7.

Its ``_text._read`` generator ends with ``raise StopIteration``, which PEP 479 turns
into ``RuntimeError: generator raised StopIteration`` (upstream issue #10, unfixed):
the lexicon, morphology and context files then fail to load and the tagger and
parser crash. It also opens those files without an encoding, so a machine whose
locale is not UTF-8 reads the French lexicon as garbage.

``apply()`` replaces ``_read`` with a version that returns normally and reads UTF-8.
It is idempotent; call it before using textblob-fr's tagger, parser or
``PatternAnalyzer`` (the tests and the benchmarks' textblob-fr baseline do).
sitegen's own analyzer reads textblob-fr's lexicon files directly
(``textblob_fr_data_path``) and never needs the patched code.

Nothing here downloads anything: textblob-fr ships its lexicons inside the package,
and sitegen never calls TextBlob's NLTK-based sentence splitter (which needs the
``punkt`` data that is fetched at run time).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any

log = logging.getLogger(__name__)

_applied = False


def _read(path: Any, encoding: str = "utf-8", comment: str = ";;;") -> Iterator[str]:
    """Same contract as ``textblob_fr._text._read``, without ``raise StopIteration``."""
    if not path:
        return
    lines: Iterable[Any]
    if isinstance(path, str) and os.path.exists(path):
        with open(path, encoding=encoding) as handle:
            lines = handle.read().splitlines()
    elif isinstance(path, str):
        lines = path.splitlines()
    elif hasattr(path, "read"):
        lines = path.read().splitlines()
    else:
        lines = path
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode(encoding)
        line = line.strip()
        if comment and line.startswith(comment):
            continue
        yield line


def apply() -> None:
    """Install the fix into textblob-fr. Safe to call many times."""
    global _applied
    if _applied:
        return
    from textblob_fr import _text

    _text._read = _read
    _applied = True
    log.debug("textblob-fr patched: _text._read no longer raises StopIteration")


def textblob_fr_data_path(name: str) -> str:
    """Path of a data file shipped inside textblob-fr (``fr-sentiment.xml``,
    ``fr-lexicon.txt``...), found without importing the package.

    Importing textblob-fr pulls in TextBlob and NLTK (about a second); sitegen's
    analyzer only needs textblob-fr's lexicons, which it reads from here once per
    process. The files are read-only data, so no patch is needed to use them.
    """
    import importlib.util

    spec = importlib.util.find_spec("textblob_fr")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textblob-fr is not installed (pip install textblob-fr)")
    path = os.path.join(next(iter(spec.submodule_search_locations)), name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"textblob-fr has no {name} (looked in {path})")
    return path


def textblob_en_data_path(name: str) -> str:
    """Path of a data file shipped inside TextBlob's English package (a dependency
    of textblob-fr): ``en-sentiment.xml``, ``en-lexicon.txt``. Found without
    importing TextBlob, as ``textblob_fr_data_path``."""
    import importlib.util

    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("TextBlob is not installed (pip install textblob-fr)")
    path = os.path.join(next(iter(spec.submodule_search_locations)), "en", name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"TextBlob has no en/{name} (looked in {path})")
    return path
