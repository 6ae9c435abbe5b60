"""``.md``: Markdown with YAML front matter.

``content/<subject>/index.md`` describes the subject (title, year, image, and a
Markdown description); every other ``.md`` in that folder is one review whose front
matter may give author, rating, date, title and id. Markdown is rendered with
``markdown`` and then cleaned by an allow-list sanitiser (``nh3``).

Rendering stays within limits (``markdown_limits``, checked before anything is
rendered): at most ``MAX_MARKDOWN_CHARS`` characters, HTML nested at most
``MAX_MARKDOWN_NESTING`` deep (Python-Markdown recurses into ``markdown="1"``
blocks), and at most ``MARKDOWN_WORK_PER_CHAR`` link or tag openers per character
of a paragraph (Python-Markdown's inline patterns scan the rest of a paragraph from
each ``[``, ``](`` or ``<`` that is never closed: time grows with their number
times the paragraph's length). A file over a limit, or whose rendering fails all
the same, is a problem for that file; the rest of the site builds.
"""

from __future__ import annotations

import re
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
    "p",
    "br",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "abbr",
    "q",
    "sub",
    "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


MAX_MARKDOWN_CHARS = 50_000  # a longer Markdown review is refused before rendering
MAX_MARKDOWN_NESTING = 32  # HTML elements inside one another (RecursionError near 400)
MARKDOWN_WORK_PER_CHAR = 64  # openers x paragraph length, per character of the body
MARKDOWN_WORK_BASE = 250_000  # (and this much for any body: short ones are always fine)

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
# Elements that never nest (void), or whose end tag HTML lets one leave out.
_FLAT = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "option",
}


def _nesting(text: str) -> int:
    """How deep the HTML elements of ``text`` nest (open tags less closed ones)."""
    if "<" not in text:
        return 0
    depth = deepest = 0
    for match in _TAG.finditer(text):
        if match.group(3) or match.group(2).lower() in _FLAT:
            continue
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _work(text: str) -> int:
    """An upper estimate of Python-Markdown's inline work on ``text``: every ``[``,
    ``](`` and ``<`` times the length of its paragraph (blocks between blank lines)."""
    if "[" not in text and "<" not in text:
        return 0
    return sum(
        (block.count("[") + block.count("](") + block.count("<")) * len(block)
        for block in text.split("\n\n")
    )


def markdown_limits(text: str) -> str:
    """Why ``text`` may not be rendered ('' when it may): checked before rendering,
    in time linear in its length."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return (
            f"its Markdown is {len(text):,} characters long (the limit is {MAX_MARKDOWN_CHARS:,})"
        )
    depth = _nesting(text)
    if depth > MAX_MARKDOWN_NESTING:
        return f"its HTML is nested {depth} levels deep (the limit is {MAX_MARKDOWN_NESTING})"
    if _work(text) > MARKDOWN_WORK_PER_CHAR * len(text) + MARKDOWN_WORK_BASE:
        return "it holds too many unclosed links or tags ('[', '](' or '<') for its length: rendering it would take too long"
    return ""


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
    return clean_text(
        nh3.clean(html, tags=set())
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
    )


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
            context.problem(
                path,
                line,
                f"invalid front matter: {reason}; file skipped",
                "the block between the --- lines must be YAML key: value pairs",
            )
            return
        except Exception as exc:  # noqa: BLE001 - JSON front matter, recursion, odd shapes: reported, never raised
            context.problem(
                path,
                1,
                f"invalid front matter: {str(exc)[:200]}; file skipped",
                "the block between the --- lines must be YAML key: value pairs",
            )
            return
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        if raw_meta is not None and not isinstance(raw_meta, dict):
            context.problem(
                path,
                2,
                f"the front matter is {type(raw_meta).__name__}, not key: value pairs; it is ignored",
                "write it as lines such as 'auteur: Marie' and 'note: 4'",
            )
        body_line = _body_line(text)
        subject = subject_key_for(path, context)
        if path.stem == "index":
            if path.parent == context.content_dir:
                context.warn(
                    path,
                    1,
                    "index.md belongs in a subject folder (content/<subject>/index.md); ignored",
                )
                return
            description = (
                _render(
                    content,
                    path,
                    body_line,
                    context,
                    markdown_to_html,
                    "its description is left out",
                )
                if content.strip()
                else ""
            )
            result.subjects.append(
                SubjectMeta(
                    key=subject,
                    title=_text(meta.get("title", meta.get("titre"))),
                    year=_text(meta.get("year", meta.get("annee", meta.get("année")))),
                    image=safe_image(_text(meta.get("image")), path, context),
                    description_html=description or "",
                    source=context.display(path),
                    categories=categories_from(meta),
                )
            )
            return
        body_html = _render(content, path, body_line, context, markdown_to_html, "review skipped")
        text = (
            _render(content, path, body_line, context, plain_text, "review skipped")
            if body_html is not None
            else None
        )
        if body_html is None or text is None:
            return
        review = make_review(
            context,
            path,
            body_line,
            subject=_text(meta.get("subject", meta.get("sujet"))) or subject,
            text=text,
            id=meta.get("id"),
            rating=meta.get("rating", meta.get("note")),
            author=meta.get("author", meta.get("auteur")),
            date=meta.get("date"),
            title=meta.get("title", meta.get("titre")),
            body_html=body_html,
        )
        if review:
            result.reviews.append(review)


def _render(
    content: str, path: Path, line: int, context: ReadContext, render: Any, outcome: str
) -> str | None:
    """``render(content)`` within the limits, or None with a problem for the file
    (``outcome``: what becomes of it)."""
    reason = markdown_limits(content)
    if not reason:
        try:
            return render(content)
        except RecursionError:
            reason = "its Markdown is nested too deeply to render"
        except Exception as exc:  # noqa: BLE001 - a renderer's failure on odd input: this file's problem, not the build's
            reason = f"its Markdown could not be rendered ({type(exc).__name__}: {str(exc)[:100]})"
    context.problem(
        path,
        line,
        f"{reason}; {outcome}",
        "split the text, close its links and tags, or write [ and < as \\[ and \\<",
    )
    return None


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
        path,
        1,
        f"the image {value[:60]!r} is not an http(s) URL or a relative path; it is left out",
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
