"""Plugins: code outside sitegen joining a build at its stage boundaries.

A plugin is an object (or class, or module) found by name: in the entry-point
group ``sitegen.plugins`` (``[project.entry-points."sitegen.plugins"]`` in its
package), or as ``module:attribute`` / ``module``; a site lists the ones it uses
in ``sitegen.toml`` (``plugins = ["name", ...]``). Each hook is optional:

``readers()``
    reader classes for new formats (``readers.base.Reader`` subclasses with
    ``extensions``), used for the files with those extensions.
``pages()``
    ``render.SitePage`` and ``render.SubjectFile`` objects: extra pages, site-wide
    or one per subject.
``analyse_review(text, analysis)``
    a dict of JSON values by name, added to the review's analysis
    (``analysis.extra``: templates see ``card.analysis.extra.NAME``;
    ``data.json`` has them as the review's ``"extra"``). Called once per text
    analysed, where the analysis runs (a worker process, a Dask worker), and
    cached with the analysis by text: it may depend on ``text`` and
    ``analysis`` only.
``summarise_subject(reviews, analyses, summary)``
    a dict of JSON values by name, added to the subject's summary
    (``summary.extra``: ``subject.summary.extra.NAME``, also for an unchanged
    subject; the subject's ``"extra"`` in ``data.json``), from its reviews and
    their analyses (without their sentences; with their ``extra``).
``template_context()``
    a dict of names every template sees (values, functions).
``site(site)``
    the site model before the site-wide pages are written (return a model,
    e.g. with ``dataclasses.replace``).
``after_build(site, output)``
    called once the output is in place.
``fingerprint()``
    a string that changes whenever the plugin's output may change (its version,
    its settings): mixed into the cache keys of the stages it touches (``read``
    for readers, ``analyse`` for ``analyse_review``, ``pages`` for pages, the
    template context, the site model and ``summarise_subject``). Without it, the
    plugin's module and class names and the SHA-256 of its module's source file
    are used, so editing the plugin's own file rebuilds what it touches (code it
    imports from elsewhere is not seen: give a ``fingerprint()`` then).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.exceptions import ConfigError, PluginError

log = logging.getLogger(__name__)

GROUP = "sitegen.plugins"


def entry_points(group: str) -> Any:
    """The installed entry points of ``group`` (``importlib.metadata``, imported
    only by a site that names plugins: about 5 ms of every build otherwise)."""
    from importlib.metadata import entry_points as installed

    return installed(group=group)


def _load(name: str) -> Any:
    """The plugin called ``name``: an entry point of ``sitegen.plugins``, else
    ``module:attribute`` or a module."""
    for point in entry_points(group=GROUP):
        if point.name == name:
            found = point.load()
            return found() if isinstance(found, type) else found
    module, _, attribute = name.partition(":")
    try:
        found: Any = importlib.import_module(module)
        for part in filter(None, attribute.split(".")):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"plugin '{name}' not found: neither an entry point of '{GROUP}' nor an importable "
            f"module[:attribute] ({exc})"
        ) from exc
    return found() if isinstance(found, type) else found


class Plugins:
    """The plugins of a site (loaded once per process: ``loaded``), and the hooks
    they join. Nothing is registered globally: the readers and pages they add
    apply to the builds of the sites that list them."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.names = tuple(names)
        self.items = [_load(name) for name in self.names]
        self._review_hooks = self._named("analyse_review")
        self._subject_hooks = self._named("summarise_subject")

    def __bool__(self) -> bool:
        return bool(self.items)

    def _hook(self, name: str) -> list[Any]:
        return [getattr(p, name) for p in self.items if callable(getattr(p, name, None))]

    def _named(self, name: str) -> list[tuple[str, Any]]:
        """(plugin name, hook) for the plugins with a hook ``name``."""
        return [
            (plugin, getattr(p, name))
            for plugin, p in zip(self.names, self.items)
            if callable(getattr(p, name, None))
        ]

    def fingerprint(self, stage: str) -> str:
        """What the plugins touching ``stage`` ("read", "analyse", "pages") add to
        its cache keys ("" without plugins)."""
        hooks = {
            "read": ("readers",),
            "analyse": ("analyse_review",),
            "pages": ("pages", "site", "template_context", "summarise_subject"),
        }[stage]
        parts = []
        for name, plugin in zip(self.names, self.items):
            if any(callable(getattr(plugin, hook, None)) for hook in hooks):
                parts.append(f"{name}={self._mark(plugin)}")
        return ";".join(parts)

    def fingerprint_of(self, reader: type) -> str:
        """The fingerprint of the plugin that gives ``reader``."""
        for name, plugin in zip(self.names, self.items):
            get = getattr(plugin, "readers", None)
            if callable(get) and reader in get():
                return f"{name}={self._mark(plugin)}"
        return ""

    @staticmethod
    def _mark(plugin: Any) -> str:
        get = getattr(plugin, "fingerprint", None)
        if callable(get):
            return str(get())
        cls = type(plugin)
        return f"{cls.__module__}.{cls.__qualname__}@{_source_digest(cls)}"

    def readers(self) -> dict[str, type]:
        """Extension -> reader class, of every plugin (later plugins win)."""
        out: dict[str, type] = {}
        for readers in self._hook("readers"):
            for reader in readers():
                out.update(dict.fromkeys(reader.extensions, reader))
        return out

    def _pages(self) -> list[Any]:
        return [page for pages in self._hook("pages") for page in pages()]

    def site_pages(self) -> list[Any]:
        from generator.render import SitePage

        return [page for page in self._pages() if isinstance(page, SitePage)]

    def subject_files(self) -> list[Any]:
        from generator.render import SubjectFile

        return [page for page in self._pages() if isinstance(page, SubjectFile)]

    def analysed(self, text: str, analysis: Any) -> Any:
        """``analysis`` (of ``text``) with what the plugins' ``analyse_review`` add
        in its ``extra``; the same object without such plugins."""
        for name, hook in self._review_hooks:
            added = _additions(name, "analyse_review", hook(text, analysis))
            analysis = dataclasses.replace(analysis, extra={**(analysis.extra or {}), **added})
        return analysis

    def summarised(self, reviews: Sequence[Any], analyses: Sequence[Any], summary: Any) -> Any:
        """``summary`` with what the plugins' ``summarise_subject`` add in its
        ``extra``; the same object without such plugins."""
        for name, hook in self._subject_hooks:
            added = _additions(name, "summarise_subject", hook(reviews, analyses, summary))
            summary = dataclasses.replace(summary, extra={**(summary.extra or {}), **added})
        return summary

    def template_context(self) -> dict[str, Any]:
        """Names every template sees besides sitegen's own."""
        context: dict[str, Any] = {}
        for hook in self._hook("template_context"):
            context.update(hook())
        return context

    def site(self, site: Any) -> Any:
        for hook in self._hook("site"):
            site = hook(site)
        return site

    def after_build(self, site: Any, output: Path) -> None:
        for hook in self._hook("after_build"):
            hook(site, output)


def _additions(plugin: str, hook: str, values: Any) -> dict[str, Any]:
    """A hook's additions, checked: a mapping of names to JSON values (what
    ``data.json`` can hold and the cache can store)."""
    try:
        if not isinstance(values, Mapping) or not all(isinstance(k, str) for k in values):
            raise TypeError(f"got {type(values).__name__}")
        json.dumps(values, allow_nan=False)  # NaN and infinities are not JSON
    except (TypeError, ValueError) as exc:
        raise PluginError(
            f"plugin '{plugin}': {hook} must return a dict of JSON values (strings, numbers, "
            f"booleans, None, lists and dicts of them) by name ({exc})"
        ) from None
    return dict(values)


_loaded: dict[tuple[str, ...], Plugins] = {}


def _source_digest(cls: type) -> str:
    """SHA-256 of the file that defines ``cls`` ("" when it has none, e.g. a
    class made at run time or a compiled module)."""
    try:
        source = inspect.getsourcefile(cls)
    except TypeError:
        source = None
    if not source:
        return ""
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def loaded(names: Sequence[str]) -> Plugins:
    """The plugins ``names``, loaded once per process."""
    key = tuple(names)
    if key not in _loaded:
        _loaded[key] = Plugins(key)
    return _loaded[key]
