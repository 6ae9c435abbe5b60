"""Every "what depends on what" of the build, in one place.

Each stage's cache key names exactly what its result depends on, and nothing
else, so that a change that cannot change a result rebuilds nothing:

* parsing a content file: the file (path, mtime, size, inode), the readers' code,
  the reader settings (``columns``, ``rating_scale``, the content folder) and the
  plugins that read (``reader_key``);
* analysing a review: its text, the analyzer's code and data, the analysis
  settings (``AnalysisSettings``: every field is in the key) and the plugins
  that analyse (``analysis_namespace``);
* a subject's pages, the site-wide pages and its summary's state: their inputs,
  the page settings (``page_settings``: every field of ``SiteConfig`` but the
  few that only say how or where to build), the templates, the code that makes
  pages and the plugins (``site_key``).

Never in a key: ``repr(config)`` as a whole, the current folder, ``jobs``,
``executor``, the CLI, the test code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import generator
from generator.analysis import AnalysisSettings
from generator.cache import schema_signature
from generator.config import SiteConfig
from generator.exceptions import Problem
from generator.files import Warn, read_bytes
from generator.render import template_files

# Fields of SiteConfig that say how or where to build, not what: never in a key.
# (The folders' contents are: content through the files' stamps and digests,
# templates through ``templates_fingerprint``; ``cname`` is only published.)
NOT_IN_OUTPUT = frozenset(
    {"jobs", "executor", "config_path", "content_dir", "output_dir", "templates_dir", "cname"}
)

# Files of the package that cannot change what a build writes: the commands'
# glue and the way work is spread over processes.
NOT_OUTPUT_CODE = frozenset(
    {
        "cli.py",
        "__main__.py",
        "executors.py",
        "progress.py",
        "commands/analyze.py",
        "commands/new.py",
        "commands/publish.py",
        "commands/serve.py",
    }
)

_PACKAGE = Path(generator.__file__).parent


def stable_hash(*parts: Any) -> bytes:
    """16-byte digest of ``parts`` (bytes as they are, anything else by ``repr``)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


_memo: dict[Any, Any] = {}


def _source_digest(
    folder: Path, skip: Iterable[str] = (), patterns: tuple[str, ...] = ("*.py",)
) -> bytes:
    """Hash of the files matching ``patterns`` (the ``.py`` files) under ``folder``
    (relative names and bytes), once per process."""
    skipped = frozenset(skip)
    key = ("source", folder, skipped, patterns)
    if key not in _memo:
        h = hashlib.blake2b(generator.__version__.encode(), digest_size=16)
        for path in sorted(p for pattern in patterns for p in folder.rglob(pattern)):
            name = path.relative_to(folder).as_posix()
            if name not in skipped:
                h.update(name.encode())
                h.update(path.read_bytes())
        _memo[key] = h.digest()
    return _memo[key]


def code_fingerprint() -> bytes:
    """The code that makes pages: the package but ``NOT_OUTPUT_CODE``."""
    return _source_digest(_PACKAGE, NOT_OUTPUT_CODE)


def reader_code_fingerprint() -> bytes:
    """The readers' code (and the review type they fill, the dates and the subject
    metadata they read with ``dates.py`` and ``metadata.py``, and ``files.py``,
    which reads their bytes within its limits)."""
    return stable_hash(
        _source_digest(_PACKAGE / "readers"),
        *(
            (_PACKAGE / name).read_bytes()
            for name in ("content.py", "dates.py", "metadata.py", "files.py")
        ),
    )


def analysis_fingerprint() -> str:
    """The analysis code (its ``.py`` and the ``.pxd`` files typing its compiled
    core): a belt to ``AnalysisSettings.cache_key()``'s braces, so an analyzer
    edited without a version bump never serves stale analyses."""
    return _source_digest(_PACKAGE / "analysis", patterns=("*.py", "*.pxd")).hex()[:16]


def templates_fingerprint(config: SiteConfig, warn: Warn | None = None) -> bytes:
    """Hash of every template and static file the build may read (``warn``: told of
    the site's own files left out, ``render.template_files``)."""
    h = hashlib.blake2b(digest_size=16)
    for rel, path in template_files(config.templates_dir, warn):
        h.update(rel.encode("utf-8", "surrogatepass"))
        h.update(read_bytes(path))
    return h.digest()


def template_warning(problems: list[Problem]) -> Warn:
    """A ``Warn`` adding a warning to ``problems`` for each template file left out."""

    def warn(path: Path, message: str, hint: str) -> None:
        problems.append(Problem(path, None, message, hint, "warning"))

    return warn


def page_settings(config: SiteConfig) -> tuple[tuple[str, Any], ...]:
    """The settings pages depend on: every field of ``config`` but ``NOT_IN_OUTPUT``."""
    return tuple(
        (f.name, getattr(config, f.name))
        for f in dataclasses.fields(config)
        if f.name not in NOT_IN_OUTPUT
    )


def reader_key(config: SiteConfig, plugins: str = "") -> str:
    """Part of every content file's stamp: what parsing depends on besides the file."""
    return stable_hash(
        reader_code_fingerprint(),
        sorted(config.columns.items()),
        config.rating_scale,
        str(config.content_dir.resolve()),
        plugins,
    ).hex()


def reader_keys(config: SiteConfig, plugins: Any) -> dict[str, str]:
    """``reader_key`` by file extension: the files a plugin reads carry its
    fingerprint (``""``: every other file)."""
    found = {"": reader_key(config)}
    if plugins:
        for extension, reader in plugins.readers().items():
            found[extension] = reader_key(config, plugins.fingerprint_of(reader))
    return found


def analysis_namespace(settings: AnalysisSettings, plugins: str = "") -> str:
    """The analysis cache's namespace: analyzer version, model and lexicon digests,
    every analysis setting, the stored results' shape, the analysis code."""
    extra = f"|plugins:{plugins}" if plugins else ""
    return f"{settings.cache_key()}|{schema_signature()}|code:{analysis_fingerprint()}{extra}"


def site_key(
    config: SiteConfig, namespace: str, plugins: str = "", warn: Warn | None = None
) -> bytes:
    """What every page depends on besides its subject's content: the code that
    makes pages, the templates, the page settings and the analyses' namespace."""
    return stable_hash(
        code_fingerprint(),
        templates_fingerprint(config, warn),
        page_settings(config),
        namespace,
        plugins,
    )


def state_space(config: SiteConfig, namespace: str, plugins: str = "") -> bytes:
    """What a large subject's summary state depends on besides its reviews."""
    return stable_hash(code_fingerprint(), page_settings(config), namespace, plugins)


def subject_digest(key_of_site: bytes, key: str, slug: str, meta: Any, parts: list[Any]) -> bytes:
    """Everything a subject's pages depend on: the site's key, its name, slug and
    metadata, and its records (per file, the hash of its reviews there)."""
    return stable_hash(key_of_site, key, slug, meta, parts)


def set_build_keys(ctx: Any) -> None:
    """A build's keys (``context.BuildContext``): the analysis namespace, the summary
    states' space and the site key, each with the fingerprints of the plugins that
    touch them (a template left out is reported in ``ctx.report.problems``). With a
    caller's own analysis, nothing of another build applies: the site key is new."""
    plugins = ctx.plugins
    ctx.namespace = analysis_namespace(ctx.settings, plugins.fingerprint("analyse"))
    pages = plugins.fingerprint("pages")
    ctx.state_space = state_space(ctx.config, ctx.namespace, pages)
    warn = template_warning(ctx.report.problems)
    ctx.site_key = site_key(ctx.config, ctx.namespace, pages, warn)
    if not ctx.reuse:
        ctx.site_key = stable_hash(ctx.site_key, time.time_ns(), id(ctx))


def subject_digests(
    key_of_site: bytes,
    slugs: dict[str, str],
    metas: dict[str, Any],
    parts: dict[str, list[Any]],
) -> dict[str, bytes]:
    """``subject_digest`` of every subject of ``parts``, in its order."""
    return {
        key: subject_digest(key_of_site, key, slugs[key], metas.get(key), records)
        for key, records in parts.items()
    }
