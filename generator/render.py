"""Rendering the site model to files with Jinja (autoescape on).

The built-in theme ships inside the package; a site's own ``templates/`` folder
overrides it file by file (templates and ``static/`` assets alike). Rendering only
produces bytes: writing them is ``output``'s job.
"""

from __future__ import annotations

import json
import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

import generator
from generator.exceptions import SitegenError
from generator.i18n import format_number, translator
from generator.site import Card, CardPage, Site, Subject

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: its path relative to the output root, and bytes."""

    path: str
    data: bytes


def theme_dir() -> Path:
    """The built-in theme: inside the installed package, or the checkout's ``templates/``
    for an editable install."""
    package = Path(generator.__file__).parent
    installed = package / "theme"
    return installed if installed.is_dir() else package.parent / "templates"


def template_dirs(site_templates: Path | None) -> list[Path]:
    dirs = []
    if site_templates and site_templates.is_dir() and site_templates.resolve() != theme_dir().resolve():
        dirs.append(site_templates)
    dirs.append(theme_dir())
    return dirs


def make_environment(site_templates: Path | None, language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(site_templates)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = translator(language)
    env.filters["number"] = lambda v, digits=1: format_number(float(v), language, digits)
    env.filters["percent"] = lambda v: format_number(100 * float(v), language, 0)
    env.filters["json_script"] = json_script
    env.filters["highlight"] = highlight
    return env


def json_script(value: Any) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` are escaped, so a review
    holding ``</script>`` cannot close the block."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def highlight(card: Card) -> Markup:
    """The review text, escaped, with the quoted sentence in ``<mark>``."""
    text = card.review.text
    escape = jinja2.utils.markupsafe.escape
    if card.highlight:
        start, end = card.highlight
        return Markup(
            f"{escape(text[:start])}<mark id=\"quote-{escape(card.review.id)}\">"
            f"{escape(text[start:end])}</mark>{escape(text[end:])}"
        )
    return escape(text)


def relative(target: str, from_path: str) -> str:
    """Relative URL from the page at ``from_path`` to ``target`` (both root-relative)."""
    base = posixpath.dirname(from_path) or "."
    return posixpath.relpath(target, base)


class Renderer:
    """Renders one site. Templates are compiled once and reused for every page."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.config = site.config
        self.env = make_environment(self.config.templates_dir, self.config.language)

    def _render(self, template: str, path: str, **context: Any) -> OutputFile:
        root = "../" * path.count("/")
        try:
            html = self.env.get_template(template).render(
                site=self.site,
                config=self.config,
                root=root,
                page_path=path,
                canonical=self.config.base_url + path.removesuffix("index.html") if self.config.base_url else "",
                url=lambda target: relative(target, path),
                **context,
            )
        except jinja2.TemplateSyntaxError as exc:
            raise SitegenError(f"{exc.filename or template}:{exc.lineno}: template error: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise SitegenError(f"{template}: template error while rendering {path}: {exc}") from exc
        return OutputFile(path, html.encode("utf-8"))

    def home(self) -> OutputFile:
        return self._render("index.html", "index.html")

    def subject_pages(self, subject: Subject) -> Iterator[OutputFile]:
        for page in subject.pages:
            yield self._render(
                "subject.html", page.path, subject=subject, page=page, json_ld=self.json_ld(subject, page)
            )

    def not_found(self) -> OutputFile:
        return self._render("404.html", "404.html")

    def json_ld(self, subject: Subject, page: CardPage) -> dict[str, Any]:
        """schema.org data for search engines: the item, its aggregate rating, reviews."""
        verdict = subject.summary.verdict
        scale = self.config.rating_scale
        item: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": self.config.item_type,
            "name": subject.title,
        }
        if self.config.base_url:
            item["url"] = self.config.base_url + subject.url.removesuffix("index.html")
        if verdict.average_rating is not None:
            item["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": round(verdict.average_rating, 2),
                "bestRating": scale,
                "worstRating": 0,
                "ratingCount": verdict.rated,
                "reviewCount": subject.review_count,
            }
        elif subject.review_count:
            item["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": verdict.score,
                "bestRating": 100,
                "worstRating": 0,
                "reviewCount": subject.review_count,
            }
        reviews = []
        for card in page.cards:
            entry: dict[str, Any] = {
                "@type": "Review",
                "reviewBody": card.review.text,
                "author": {"@type": "Person", "name": card.review.author or translator(self.config.language)("card.anonymous")},
            }
            if card.review.rating is not None:
                entry["reviewRating"] = {
                    "@type": "Rating",
                    "ratingValue": card.review.rating,
                    "bestRating": scale,
                    "worstRating": 0,
                }
            if card.review.title:
                entry["name"] = card.review.title
            reviews.append(entry)
        if reviews:
            item["review"] = reviews
        return item

    def render_all(self) -> Iterator[OutputFile]:
        yield self.home()
        for subject in self.site.subjects:
            yield from self.subject_pages(subject)
        yield self.not_found()
        yield self._render("robots.txt", "robots.txt")
        if self.config.base_url:
            yield self._render("sitemap.xml", "sitemap.xml")
        yield from static_files(self.config.templates_dir)


def static_files(site_templates: Path | None) -> Iterator[OutputFile]:
    """The theme's ``static/`` files, a site's own ``templates/static/`` winning."""
    seen: dict[str, Path] = {}
    for folder in template_dirs(site_templates):
        static = folder / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                rel = path.relative_to(folder).as_posix()
                seen.setdefault(rel, path)
    for rel in sorted(seen):
        yield OutputFile(rel, seen[rel].read_bytes())
