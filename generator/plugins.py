"""Plugins: code outside sitegen joining a build at its stage boundaries.

A plugin is an object (or class, or module) found by name: in the entry-point
group ``sitegen.plugins`` (``[project.entry-points."sitegen.plugins"]`` in its
package), or as ``module:attribute`` / ``module``; a site lists the ones it uses
in ``sitegen.toml`` (``plugins = ["name", ...]``). Each hook is optional:

``readers()``
    reader classes for new formats (``readers.base.Reader`` subclasses with
    ``extensions``); they are registered by extension.
``pages()``
    ``render.SitePage`` and ``render.SubjectFile`` objects: extra pages.
``site(site)``
    the site model before it is written (template context: return a model,
    e.g. with ``dataclasses.replace``).
``after_build(site, output)``
    called once the output is in place.
``fingerprint()``
    a string that changes whenever the plugin's output may change (its version,
    its settings): mixed into the cache keys of the stages it touches (``read``
    for readers, ``pages`` for pages and the site model). Without it, the
    plugin's class and module names are used.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from generator.exceptions import ConfigError

log = logging.getLogger(__name__)

GROUP = "sitegen.plugins"


def _load(name: str) -> Any:
    """The plugin called ``name``: an entry point of ``sitegen.plugins``, else
    ``module:attribute`` or a module."""
    for point in entry_points(group=GROUP):
        if point.name == name:
            return point.load()
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
    """The plugins of one build, and the hooks they join."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.names = tuple(names)
        self.items = [_load(name) for name in self.names]
        self._registered = False

    def _hook(self, name: str) -> list[Any]:
        return [getattr(p, name) for p in self.items if callable(getattr(p, name, None))]

    def fingerprint(self, stage: str) -> str:
        """What the plugins touching ``stage`` ("read", "analyse", "pages") add to
        its cache keys ("" without plugins: keys as without this feature)."""
        hooks = {"read": ("readers",), "analyse": (), "pages": ("pages", "site")}[stage]
        parts = []
        for name, plugin in zip(self.names, self.items):
            if any(callable(getattr(plugin, hook, None)) for hook in hooks):
                get = getattr(plugin, "fingerprint", None)
                mark = (
                    get()
                    if callable(get)
                    else f"{type(plugin).__module__}.{type(plugin).__qualname__}"
                )
                parts.append(f"{name}={mark}")
        return ";".join(parts)

    def register(self) -> None:
        """Register the plugins' readers and pages (once per process and plugin:
        the registries are the process's)."""
        if self._registered:
            return
        self._registered = True
        from generator import render
        from generator.readers.base import register

        for readers in self._hook("readers"):
            for reader in readers():
                register(reader)
        for pages in self._hook("pages"):
            for page in pages():
                kinds = (
                    render.SITE_PAGES if isinstance(page, render.SitePage) else render.SUBJECT_FILES
                )
                if all(p.name != page.name for p in kinds):
                    kinds.append(page)

    def site(self, site: Any) -> Any:
        for hook in self._hook("site"):
            site = hook(site)
        return site

    def after_build(self, site: Any, output: Path) -> None:
        for hook in self._hook("after_build"):
            hook(site, output)
