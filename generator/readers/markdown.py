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
from generator.readers.base import FileResult, ReadContext, Reader, clean_text, read_text, register
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

    def read(self, path: Path, context: ReadContext) -> FileResult:
        result = FileResult()
        text = read_text(path, context)
        if text is None:
            return result
        try:
            post = frontmatter.loads(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            context.problem(path, line, f"invalid front matter: {reason}", "the block between the --- lines must be YAML")
            return result
        except Exception as exc:  # frontmatter raises plain ValueError for some shapes
            context.problem(path, 1, f"invalid front matter: {exc}")
            return result
        meta: dict[str, Any] = post.metadata if isinstance(post.metadata, dict) else {}
        body_line = _body_line(text)
        subject = subject_key_for(path, context)
        if path.stem == "index":
            if path.parent == context.content_dir:
                context.warn(path, 1, "index.md belongs in a subject folder (content/<subject>/index.md); ignored")
                return result
            result.subjects.append(
                SubjectMeta(
                    key=subject,
                    title=clean_text(str(meta.get("title") or "")),
                    year=clean_text(str(meta.get("year") or "")),
                    image=clean_text(str(meta.get("image") or "")),
                    description_html=markdown_to_html(post.content) if post.content.strip() else "",
                    source=context.display(path),
                )
            )
            return result
        review = make_review(
            context,
            path,
            body_line,
            subject=str(meta.get("subject") or subject),
            text=plain_text(post.content),
            id=meta.get("id"),
            rating=meta.get("rating", meta.get("note")),
            author=meta.get("author", meta.get("auteur")),
            date=meta.get("date"),
            title=meta.get("title", meta.get("titre")),
            body_html=markdown_to_html(post.content),
        )
        if review:
            result.reviews.append(review)
        return result


def _body_line(text: str) -> int:
    """The line where the Markdown body starts (after the front matter)."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=2):
            if line.strip() in ("---", "..."):
                return index + 1
    return 1
