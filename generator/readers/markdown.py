"""``.md``: Markdown with YAML front matter.

``content/<subject>/index.md`` describes the subject (title, year, image, and a
Markdown description); every other ``.md`` in that folder is one review whose front
matter may give author, rating, date, title and id. Markdown is rendered with
``markdown`` and then cleaned by an allow-list sanitiser (``nh3``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import frontmatter
import markdown as markdown_lib
import nh3
import yaml

from generator.content import SubjectMeta
from generator.metadata import categories_from, safe_image_url
from generator.readers.base import FileResult, ReadContext, Reader, clean_text, register
from generator.readers.records import make_review
from generator.readers.text import subject_key_for

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "b", "i", "u", "s", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr", "abbr", "q", "sub", "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def markdown_to_html(text: str) -> str:
    """Markdown to safe HTML: no scripts, no event handlers, no ``javascript:`` links."""
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def plain_text(markdown_text: str) -> str:
    """The readable text of a Markdown body, for analysis."""
    html = markdown_lib.markdown(markdown_text, extensions=["extra"])
    html = html.replace("</p>", "</p>\n").replace("<br />", "\n").replace("</li>", "</li>\n")
    return clean_text(nh3.clean(html, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'"))


@register
class MarkdownReader(Reader):
    extensions = (".md", ".markdown")

    def parse(self, text: str, path: Path, context: ReadContext, result: FileResult) -> None:
        try:
            raw_meta, content = split_front_matter(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            context.problem(path, line, f"invalid front matter: {reason}; file skipped", "the block between the --- lines must be YAML key: value pairs")
            return
        except Exception as exc:  # noqa: BLE001 - JSON front matter, recursion, odd shapes: reported, never raised
            context.problem(path, 1, f"invalid front matter: {str(exc)[:200]}; file skipped", "the block between the --- lines must be YAML key: value pairs")
            return
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        if raw_meta is not None and not isinstance(raw_meta, dict):
            context.problem(
                path, 2, f"the front matter is {type(raw_meta).__name__}, not key: value pairs; it is ignored",
                "write it as lines such as 'auteur: Marie' and 'note: 4'",
            )
        body_line = _body_line(text)
        subject = subject_key_for(path, context)
        if path.stem == "index":
            if path.parent == context.content_dir:
                context.warn(path, 1, "index.md belongs in a subject folder (content/<subject>/index.md); ignored")
                return
            result.subjects.append(
                SubjectMeta(
                    key=subject,
                    title=_text(meta.get("title", meta.get("titre"))),
                    year=_text(meta.get("year", meta.get("annee", meta.get("année")))),
                    image=safe_image(_text(meta.get("image")), path, context),
                    description_html=markdown_to_html(content) if content.strip() else "",
                    source=context.display(path),
                    categories=categories_from(meta),
                )
            )
            return
        review = make_review(
            context,
            path,
            body_line,
            subject=_text(meta.get("subject", meta.get("sujet"))) or subject,
            text=plain_text(content),
            id=meta.get("id"),
            rating=meta.get("rating", meta.get("note")),
            author=meta.get("author", meta.get("auteur")),
            date=meta.get("date"),
            title=meta.get("title", meta.get("titre")),
            body_html=markdown_to_html(content),
        )
        if review:
            result.reviews.append(review)


def split_front_matter(text: str) -> tuple[Any, str]:
    """``(front matter as parsed, Markdown body)``; the front matter is ``None`` when
    there is none. Unlike ``frontmatter.loads`` a front matter that is not a mapping
    is returned as it is, so that it can be reported rather than silently dropped."""
    stripped = text.strip()
    handler = frontmatter.detect_format(stripped, frontmatter.handlers)
    if handler is None:
        return None, stripped
    try:
        block, content = handler.split(stripped)
    except ValueError:
        return None, stripped
    return handler.load(block), content.strip()


def _text(value: Any) -> str:
    """A front-matter scalar as text; lists and mappings are not text."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return clean_text(str(value))


def safe_image(value: str, path: Path, context: ReadContext) -> str:
    """The subject's image (``metadata.safe_image_url``); anything else is dropped
    with a problem."""
    if not value:
        return ""
    url = safe_image_url(value)
    if url:
        return url
    context.problem(
        path, 1, f"the image {value[:60]!r} is not an http(s) URL or a relative path; it is left out",
        "give image: a path such as affiche.jpg or an https:// URL",
    )
    return ""


def _body_line(text: str) -> int:
    """The line where the Markdown body starts (after the front matter)."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=2):
            if line.strip() in ("---", "..."):
                return index + 1
    return 1
