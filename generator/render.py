"""Rendering the site model to files with Jinja (autoescape on).

The built-in theme ships inside the package; a site's own ``templates/`` folder
overrides it file by file (templates and ``static/`` assets alike). Rendering only
produces bytes: writing them is ``output``'s job.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import json
import logging
import operator
import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup
from slugify import slugify

import generator
from generator import badges, categories, charts, feeds, search, template_code, trends
from generator.analysis.types import UNANALYSED, Aspect, mention_label
from generator.analysis.verdict import BAD_RATING, GOOD_RATING
from generator.audience import Audience, audience_for
from generator.exceptions import SitegenError
from generator.files import Warn, is_hidden, read_bytes, refusal, walk_files
from generator.i18n import format_date, format_number, iso_date, translator
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
    if (
        site_templates
        and site_templates.is_dir()
        and site_templates.resolve() != theme_dir().resolve()
    ):
        dirs.append(site_templates)
    dirs.append(theme_dir())
    return dirs


def template_files(site_templates: Path | None, warn: Warn | None = None) -> list[tuple[str, Path]]:
    """``(name relative to its folder, path)`` of every file of the template folders
    (the site's own first, then the theme's) that may be read: ``files.walk_files``
    leaves out hidden names, links leading out of the folder, pipes and devices
    (with ``warn``, said of the site's own folder)."""
    found = []
    for folder in template_dirs(site_templates):
        own = folder != theme_dir()
        for path in walk_files(folder, warn if warn is not None and own else _quiet):
            found.append((path.relative_to(folder).as_posix(), path))
    return found


def _quiet(path: Path, message: str, hint: str) -> None:
    log.debug("%s: %s", path, message)


class _TemplateLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading only what ``template_files`` would list: no
    hidden name, no link leading out of the templates folder, no pipe or device
    (such a file is passed over, as if it were not there)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = jinja2.loaders.split_template_path(template)
        if is_hidden("/".join(pieces)):
            raise jinja2.TemplateNotFound(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if not os.path.lexists(filename):
                continue
            root = os.path.realpath(searchpath)
            real = os.path.realpath(filename)
            if (
                real == root
                or os.path.commonpath([real, root]) != root
                or is_hidden(os.path.relpath(real, root))
                or refusal(Path(filename), root)
            ):
                log.debug(
                    "template %s passed over (%s)",
                    filename,
                    refusal(Path(filename), root) or "outside its folder",
                )
                continue
            break
        else:
            raise jinja2.TemplateNotFound(template)
        contents = read_bytes(Path(filename)).decode(self.encoding)
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


_ENVIRONMENTS: dict[tuple[object, ...], jinja2.Environment] = {}


def make_environment(
    site_templates: Path | None, language: str, audience: Audience | None = None
) -> jinja2.Environment:
    """The Jinja environment for a site, reused across the rebuilds of one process
    (``sitegen serve``) so templates compile once. Jinja re-reads a template whose
    file changed; the key holds the names of the site's own templates so that adding
    or removing an override also takes effect."""
    overrides: tuple[str, ...] = ()
    if site_templates and site_templates.is_dir():
        overrides = tuple(sorted(p.as_posix() for p in walk_files(site_templates)))
    key = (site_templates.resolve() if site_templates else None, language, audience, overrides)
    if key not in _ENVIRONMENTS:
        if len(_ENVIRONMENTS) > 8:
            _ENVIRONMENTS.clear()
        _ENVIRONMENTS[key] = _new_environment(site_templates, language, audience)
    return _ENVIRONMENTS[key]


def _new_environment(
    site_templates: Path | None, language: str, audience: Audience | None = None
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_TemplateLoader([str(d) for d in template_dirs(site_templates)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template_code.use(env)
    t = translator(language, audience)
    env.globals["t"] = t
    env.globals["LABELS"] = LABEL_ORDER
    env.globals["distribution_chart"] = lambda subject, chart_id: distribution_chart(
        subject, chart_id, t
    )
    env.globals["score_ring"] = charts.score_ring
    env.filters["number"] = lambda v, digits=1: format_number(float(v), language, digits)
    env.filters["percent"] = lambda v: format_number(100 * float(v), language, 0)
    env.filters["json_script"] = json_script
    env.filters["js_string"] = js_string
    env.filters["highlight"] = highlight
    env.filters["mentioned"] = mentioned
    env.filters["date"] = lambda text: format_date(text, language)
    env.filters["iso_date"] = iso_date
    env.filters["stars"] = stars
    env.filters["quote"] = lambda text: t("quote.open") + text + t("quote.close")
    env.filters["xml_text"] = feeds.xml_text
    return env


# Labels in the order charts, legends and filters show them: best to worst.
LABEL_ORDER = ("positive", "mixed", "neutral", "negative")


def safe_json_text(text: str) -> str:
    """JSON text that is safe inside an HTML page too (``<script>`` blocks here,
    ``data.json`` in ``output.py``): ``<``, ``>``, ``&`` and the line separators
    U+2028/U+2029 as ``\\u`` escapes, which JSON reads as the same characters, so
    a review holding ``</script>`` cannot close the block. (Each replaced only
    where there is one: ``in`` looks for a character with ``memchr``, where
    ``str.replace`` first counts it a character at a time; 30 times fewer
    instructions on data.json's entries, which hold none.)"""
    return _escaped(text, _UNSAFE_IN_HTML)


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    """``text`` with each character of ``escapes`` replaced by its escape, only
    where ``text`` holds one (see ``safe_json_text``)."""
    for char, escape in escapes:
        if char in text:
            text = text.replace(char, escape)
    return text


# The line separators older JavaScript engines refuse in string literals.
_LINE_SEPARATORS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_UNSAFE_IN_HTML = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), *_LINE_SEPARATORS)


def json_script(value: Any) -> Markup:
    """``value`` as JSON for a ``<script>`` block (``safe_json_text``)."""
    return Markup(safe_json_text(_json_text(value)))


# ``json.dumps(value, ensure_ascii=False)``, without making an encoder per call
_json_text = json.JSONEncoder(ensure_ascii=False).encode


def js_string(value: str) -> str:
    """A JSON string literal for a JavaScript file of its own (``cards.js``): no
    ``<``/``>`` escaping is needed outside an HTML page, only the two line
    separators older engines refuse in string literals. (What
    ``json.dumps(str(value), ensure_ascii=False)`` writes, by json's own string
    encoder.)"""
    return _escaped(encode_json_string(str(value)), _LINE_SEPARATORS)


# A str as a JSON string literal, non-ASCII kept (json's own encoder: the C one
# when there is one); also ``output``'s for data.json.
encode_json_string = json.encoder.encode_basestring


def highlight(card: Card, aspects: Collection[str] = ()) -> Markup:
    """The review text, escaped, with the quoted sentence in ``<mark>`` and each
    mention of an aspect among ``aspects`` in ``<span class="aspect-mention"
    data-aspect="<key>">`` (the aspect explorer turns those of the aspect chosen
    into ``<mark>``). A mention overlapping another or the quote's edge is left
    plain."""
    text = card.review.text
    # (offset, rank, tag): at one offset, closing before opening, the quote
    # outside the mentions. The mentions' come in text order, one after the other,
    # so in that order; the quote's two are put in their place.
    tags: list[tuple[int, int, str]] = []
    quote = card.highlight
    q_start, q_end = quote if quote else (-1, -1)
    last = 0
    size = len(text)
    for key, _form, start, end, _polarity in card.mentions:
        if key not in aspects or not 0 <= start < end <= size or start < last:
            continue
        if start < q_start < end or start < q_end < end:
            continue
        tag = _MENTION_TAGS.get(key)
        if tag is None:
            if len(_MENTION_TAGS) > 10_000:
                _MENTION_TAGS.clear()
            tag = _MENTION_TAGS[key] = f'<span class="aspect-mention" data-aspect="{_escape(key)}">'
        tags += ((start, 3, tag), (end, 0, "</span>"))
        last = end
    if quote:
        bisect.insort(tags, (q_start, 2, f'<mark id="quote-{_escape(card.review.id)}">'))
        bisect.insort(tags, (q_end, 1, "</mark>"))
    elif not tags:
        return _escape(text)
    pieces, at = [], 0
    for offset, _, _ in tags:
        pieces.append(text[at:offset])
        at = offset
    pieces.append(text[at:])
    # Escaping works character by character: the pieces escaped in one call,
    # joined by a character escape leaves alone and the text does not hold.
    if _PIECE_SEP in text:
        escaped = [_escape_text(piece) for piece in pieces]
    else:
        escaped = _escape_text(_PIECE_SEP.join(pieces)).split(_PIECE_SEP)
    out = [""] * (2 * len(tags) + 1)  # piece, tag, piece, ..., piece
    out[0::2] = escaped
    out[1::2] = [tag for _, _, tag in tags]
    return Markup("".join(out))


_escape = jinja2.utils.markupsafe.escape
# MarkupSafe's escaping of a string as a plain string: ``str(_escape(text))``
# without the ``Markup`` made, then copied (``template_code.html_text``'s)
_escape_text: Callable[[str], str] = template_code._escape_inner or (
    lambda text: str(_escape(text))
)
_PIECE_SEP = "\x00"
_MENTION_TAGS: dict[str, str] = {}  # aspect key -> its opening tag (keys repeat across cards)


_first = operator.itemgetter(0)


def mentioned(card: Card, aspects: Collection[str]) -> str:
    """The keys of ``aspects`` a card mentions, in text order, ``|``-separated (a
    key may hold spaces): its ``data-aspects``."""
    return "|".join([key for key in dict.fromkeys([m[0] for m in card.mentions]) if key in aspects])


# The aspect explorer: a section per aspect (its anchor, its counts and best
# quotes; on the subject's first page, its mentions listed for a reader without
# JavaScript).
ASPECT_LIST_LIMIT = 10  # mentions listed per aspect
SNIPPET_CONTEXT = 90  # characters of a listed mention's sentence each side, at most


class Snippet(NamedTuple):
    """A listed mention: its card, and its sentence cut around it."""

    review_id: str
    path: str  # the page holding the card
    before: str
    mention: str
    after: str
    label: str  # the mention's own label (positive, negative, neutral)
    href: str  # the link to its card from the subject's first page (which lists it)


@dataclass(frozen=True)
class AspectView:
    aspect: Aspect
    anchor: str  # the id of its section
    listed: tuple[Snippet, ...]  # (the first page only)
    more: int  # reviews mentioning it not listed
    counts: str  # its counts in words (``subject.aspect_counts``)


def snippet(
    text: str, start: int, end: int, context: int = SNIPPET_CONTEXT
) -> tuple[str, str, str]:
    """The sentence around ``text[start:end]``, as (before, mention, after), cut
    at a word with "…" when the sentence is longer than ``context`` each side."""
    low = max(0, start - context)
    last = _UP_TO_LAST_STOP.match(text, low, start)
    cut = last.end() - 1 if last else -1
    if cut >= 0:
        begin, lead = cut + 1, ""
    else:
        begin, lead = low, "…" if low > 0 else ""
        space = text.find(" ", begin, start) if lead else -1
        begin = space + 1 if space != -1 else begin
    high = min(len(text), end + context)
    first = _STOP.search(text, end, high)
    if first:
        finish, tail = first.start() + 1, ""
    else:
        finish, tail = high, "…" if high < len(text) else ""
        space = text.rfind(" ", end, finish) if tail else -1
        finish = space if space != -1 else finish
    return lead + text[begin:start].lstrip(), text[start:end], text[end:finish].rstrip() + tail


# A sentence's end; the text up to the last one (in a window: ``match(text, pos, endpos)``)
_STOP = re.compile("[.!?…\n]")
_UP_TO_LAST_STOP = re.compile("(?s).*[.!?…\n]")


def aspect_anchors(aspects: Sequence[Aspect]) -> dict[str, str]:
    """A distinct section id per aspect key (``aspect-musique``)."""
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for aspect in aspects:
        base = "aspect-" + (slugify(aspect.key) or "x")
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        taken.add(anchor)
        anchors[aspect.key] = anchor
    return anchors


def aspect_listing(subject: Subject) -> dict[str, tuple[tuple[Snippet, ...], int]]:
    """Per aspect of the subject: its first ``ASPECT_LIST_LIMIT`` mentions (one a
    review, in card order) and the number of reviews mentioning it. The first
    page shows them (``worker.page_digests`` hashes them for it, then the page is
    rendered: the last subject's listing is kept, by identity, for the second
    call; the subject is frozen)."""
    global _last_listing
    last = _last_listing
    if last is not None and last[0] is subject:
        return last[1]
    found = _aspect_listing(subject)
    _last_listing = (subject, found)
    return found


_last_listing: tuple[Subject, dict[str, tuple[tuple[Snippet, ...], int]]] | None = None


def _aspect_listing(subject: Subject) -> dict[str, tuple[tuple[Snippet, ...], int]]:
    keys = [a.key for a in subject.summary.aspects]  # (in order: the digest hashes it)
    listed: dict[str, list[Snippet]] = {key: [] for key in keys}
    short = set(keys) if ASPECT_LIST_LIMIT > 0 else set()  # (those listing fewer)
    # Reviews mentioning each key (each key once a card, counted in one call)
    counts = Counter(
        itertools.chain.from_iterable(
            set(map(_first, card.mentions)) for page in subject.pages for card in page.cards
        )
    )
    first = subject.pages[0].path if subject.pages else ""
    for page in subject.pages:
        for card in page.cards:
            if not short:  # (every key listing its first mentions)
                break
            seen: set[str] = set()
            for key, _form, start, end, polarity in card.mentions:
                if key not in short or key in seen:
                    continue
                seen.add(key)
                review_id = card.review.id
                before, words, after = snippet(card.review.text, start, end)
                href = f"{relative(page.path, first)}#review-{review_id}"
                label = mention_label(polarity)
                listed[key].append(Snippet(review_id, page.path, before, words, after, label, href))
                if len(listed[key]) == ASPECT_LIST_LIMIT:
                    short.discard(key)
    return {key: (tuple(listed[key]), counts[key]) for key in keys}


def aspect_views(subject: Subject, listing: bool, t: Any) -> list[AspectView]:
    aspects = subject.summary.aspects
    anchors = aspect_anchors(aspects)
    found = aspect_listing(subject) if listing else {}
    views = []
    for aspect in aspects:
        listed, count = found.get(aspect.key, ((), 0))
        counts = t(
            "subject.aspect_counts",
            mentions=t("count.mentions", n=aspect.mentions),
            positive=aspect.positive,
            negative=aspect.negative,
        )
        more = max(count - len(listed), 0)
        views.append(AspectView(aspect, anchors[aspect.key], listed, more, counts))
    return views


class RatingView(NamedTuple):
    """What a card shows of its rating (``Renderer._subject_context``)."""

    bucket: str  # its star filter's value (``star_bucket``)
    stars: Markup  # ``stars``
    label: str  # "4 sur 5" (``card.rating``)


def stars(rating: float, scale: int) -> Markup:
    """Five stars filled in proportion to ``rating`` on ``scale``; decorative (the
    rating is written beside them), so hidden from assistive technologies."""
    share = max(0.0, min(1.0, float(rating) / scale)) if scale else 0.0
    return Markup(
        f'<span class="stars" aria-hidden="true" style="--fill:{round(share * 100, 1)}%">★★★★★</span>'
    )


def relative(target: str, from_path: str) -> str:
    """Relative URL from the page at ``from_path`` to ``target`` (both root-relative):
    ``posixpath.relpath(target, dirname(from_path))``, computed from the names alone
    when both are plain (no empty, ``.`` or ``..`` part, not absolute), as the site's
    paths are: relpath asks the system for the working folder at every call, and
    a subject of many pages links every page from every page."""
    found = _plain_relative(target, from_path)
    if found is not None:
        return found
    return posixpath.relpath(target, posixpath.dirname(from_path) or ".")


@functools.lru_cache(maxsize=4096)
def _plain_relative(target: str, from_path: str) -> str | None:
    """``relative`` of two plain paths, from their names alone; None when one is
    not plain. (Memoised: pure, and a build asks for the same links again and
    again: every page's links to the subject's pages, categories and home, each
    listed mention's link to its card.)"""
    base = posixpath.dirname(from_path)
    to = target.split("/")
    here = base.split("/") if base else []
    if _PLAIN.isdisjoint(to) and _PLAIN.isdisjoint(here) and target:
        common = 0
        for a, b in zip(to, here):
            if a != b:
                break
            common += 1
        return "/".join([".."] * (len(here) - common) + to[common:]) or "."
    return None


_PLAIN = frozenset(["", ".", ".."])  # parts that are not a plain name


def pretty_path(path: str) -> str:
    """``backstage/index.html`` -> ``backstage/``: the form canonical URLs use."""
    return path.removesuffix("index.html")


def label_segments(subject: Subject, t: Any) -> list[charts.Segment]:
    verdict = subject.summary.verdict
    return [
        charts.Segment(label, t("label." + label), getattr(verdict, label)) for label in LABEL_ORDER
    ]


# The ratings' split as the verdict reads them, coloured as the labels they match.
RATING_SEGMENTS = (("positive", "good"), ("mixed", "middling"), ("negative", "bad"))


def rating_segments(subject: Subject, t: Any) -> list[charts.Segment]:
    verdict = subject.summary.verdict
    return [
        charts.Segment(css, t("ratings." + part), getattr(verdict, f"{part}_ratings"))
        for css, part in RATING_SEGMENTS
    ]


def verdict_segments(subject: Subject, t: Any) -> list[charts.Segment]:
    """The breakdown of what the verdict is made of: the ratings' split when it
    comes from the ratings, else the reviews' labels."""
    if subject.summary.verdict.based_on == "ratings":
        return rating_segments(subject, t)
    return label_segments(subject, t)


def distribution_chart(subject: Subject, chart_id: str, t: Any, *, text: bool = False) -> Markup:
    """The verdict's breakdown as one stacked bar (``text``: the reviews' labels
    whatever the verdict comes from)."""
    ratings = subject.summary.verdict.based_on == "ratings" and not text
    segments = rating_segments(subject, t) if ratings else label_segments(subject, t)
    details = ", ".join(f"{s.label} {s.count}" for s in segments)
    if ratings:
        title = t(
            "subject.ratings_split_title", total=subject.summary.verdict.rated, details=details
        )
    else:
        title = t("subject.distribution_title", total=subject.review_count, details=details)
    return charts.stacked_bar(chart_id, title, segments)


@dataclass(frozen=True)
class SubjectFigures:
    """The charts of a subject page and the numbers they show, for the text beside them."""

    distribution: Markup  # the verdict's breakdown (ratings or labels)
    segments: list[charts.Segment]
    # When the verdict comes from the ratings: the reviews' labels, shown apart.
    text_distribution: Markup | None
    text_segments: list[charts.Segment]
    good_rating: float  # from here up a rating is good (verdict.GOOD_RATING of the scale)
    bad_rating: float  # from here down a rating is bad
    ratings: Markup | None
    buckets: list[tuple[str, int]]
    rated: int
    aspects: Markup | None
    trend: Markup | None = None
    trend_periods: tuple[trends.Period, ...] = ()
    undated: int = 0  # reviews the trend leaves out


def subject_figures(subject: Subject, scale: int, language: str, t: Any = None) -> SubjectFigures:
    t = t or translator(language)
    slug = subject.slug
    segments = verdict_segments(subject, t)
    by_ratings = subject.summary.verdict.based_on == "ratings"
    ratings = [r.rating for r in subject.reviews if r.rating is not None]
    buckets: list[tuple[str, int]] = []
    ratings_chart = None
    if ratings:
        raw = charts.rating_buckets(ratings, scale)
        buckets = [(format_number(value, language, 1) + " ★", n) for value, n in raw]
        details = ", ".join(t("subject.rating_bucket", label=label, n=n) for label, n in buckets)
        ratings_chart = charts.bar_rows(
            f"ratings-{slug}",
            t("subject.ratings_title", total=len(ratings), scale=scale, details=details),
            [charts.Bar(label, (charts.Segment("star", label, n),)) for label, n in buckets],
            label_width=44,
            css="chart-rows chart-ratings",
        )
    aspects_chart = None
    aspects = subject.summary.aspects[:8]
    if aspects:
        bars = []
        for aspect in aspects:
            positive = max(aspect.positive, 0)
            negative = max(aspect.negative, 0)
            neutral = max(aspect.mentions - positive - negative, 0)
            bars.append(
                charts.Bar(
                    aspect.text,
                    (
                        charts.Segment("positive", "+", positive),
                        charts.Segment("neutral", "=", neutral),
                        charts.Segment("negative", "-", negative),
                    ),
                    value=aspect.mentions,
                )
            )
        details = "; ".join(
            t(
                "subject.aspect_short",
                text=a.text,
                mentions=a.mentions,
                positive=a.positive,
                negative=a.negative,
            )
            for a in aspects
        )
        aspects_chart = charts.bar_rows(
            f"aspects-{slug}",
            t("subject.aspects_title", details=details),
            bars,
            label_width=118,
            css="chart-rows chart-aspects",
        )
    trend = trends.subject_trend(subject.reviews, subject.analyses, language)
    return SubjectFigures(
        trend=trends.trend_chart(trend, f"trend-{slug}", scale, language) if trend else None,
        trend_periods=trend.periods if trend else (),
        undated=subject.review_count - trend.dated if trend else 0,
        distribution=distribution_chart(subject, f"distribution-{slug}", t),
        segments=segments,
        text_distribution=(
            distribution_chart(subject, f"labels-{slug}", t, text=True) if by_ratings else None
        ),
        text_segments=label_segments(subject, t) if by_ratings else [],
        good_rating=GOOD_RATING * scale,
        bad_rating=BAD_RATING * scale,
        ratings=ratings_chart,
        buckets=buckets,
        rated=len(ratings),
        aspects=aspects_chart,
    )


def verdict_groups(subjects: Sequence[Subject]) -> list[tuple[str, str, list[Subject]]]:
    """Subjects grouped by verdict (``key``, ``label``, subjects), in the order they
    come (the site model sorts them best score first); subjects without reviews last."""
    groups: dict[str, tuple[str, str, list[Subject]]] = {}
    for subject in subjects:
        verdict = subject.summary.verdict
        groups.setdefault(verdict.key, (verdict.key, verdict.label, []))[2].append(subject)
    return sorted(groups.values(), key=lambda group: group[0] == "none")


class SubjectCards:
    """A subject's cards, each rendered once (``_card.html``'s ``review_card``) for
    its pages and its ``cards.js`` alike (both used to render every card), when
    first asked for, and kept only until its line of ``cards.js`` is made (the
    last use: a large subject's cards are tens of MB of text). ``macro`` None: the
    site's own ``_card.html``, which the templates call themselves."""

    def __init__(self, subject: Subject, shared: dict[str, Any], macro: Any) -> None:
        self.subject = subject
        self.shared = shared
        self.macro = macro
        self.starts: dict[str, int] = {}  # page path -> index of its first card
        at = 0
        for page in subject.pages:
            self.starts[page.path] = at
            at += len(page.cards)
        self.done: dict[int, Markup] = {}

    def html(self, index: int, card: Card) -> Markup:
        html = self.done.get(index)
        if html is None:
            html = self.done[index] = self.macro(card)
        return html

    def page(self, page: CardPage) -> list[Markup] | None:
        """The page's cards, rendered (None: the templates render them)."""
        if self.macro is None:
            return None
        start = self.starts[page.path]
        return [self.html(i, card) for i, card in enumerate(page.cards, start=start)]

    def script_lines(self, reused: dict[int, Any]) -> Iterator[Any] | None:
        """Every card as a JSON string for ``cards.js``, in UTF-8 (``reused``: those
        known), made as they are asked for; a card's HTML is no longer kept after
        its line (its page rendered before, when it is: ``worker._render``)."""
        if self.macro is None:
            return None
        return self._lines(reused)

    def _lines(self, reused: dict[int, Any]) -> Iterator[Any]:
        cards = (card for page in self.subject.pages for card in page.cards)
        for i, card in enumerate(cards):
            line = reused.get(i)
            if line is None:
                # (``str.strip``: the plain string, without copying the card first)
                line = js_string(str.strip(self.html(i, card))).encode("utf-8")
            self.done.pop(i, None)
            yield line


@functools.lru_cache(maxsize=256)
def _in_theme(filename: str) -> bool:
    """Whether the template file ``filename`` is in the theme's folder (asked for
    twice a subject: each time two paths resolved, a system call a part)."""
    return Path(filename).parent.resolve() == theme_dir().resolve()


class Renderer:
    """Renders one site. Templates are compiled once and reused for every page."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.config = site.config
        self.audience = audience_for(
            self.config.item_type, self.config.language, self.config.audience
        )
        self.env = make_environment(self.config.templates_dir, self.config.language, self.audience)
        self.t = translator(self.config.language, self.audience)
        self.plugins = _plugins(self.config)
        self._card_memo: SubjectCards | None = None
        # For the next ``cards_file``: card index -> its line of the last cards.js
        # (a JSON string, in UTF-8), or what stands for it (``worker``: where it
        # lies there), for the cards known unchanged.
        self.reused_cards: dict[int, Any] = {}
        # Files of the subjects the caller writes itself (``worker._render``: their
        # unchanged parts copied from the last ones), not rendered here.
        self.written_elsewhere: set[str] = set()

    @functools.cached_property
    def site_pages(self) -> list[SitePage]:
        """The site-wide page types: the built-in ones (a page per category among
        them), then the plugins'."""
        pages = SITE_PAGES + category_pages(self.categories)
        return pages + self.plugins.site_pages() if self.plugins else pages

    @property
    def subject_file_kinds(self) -> list[SubjectFile]:
        return SUBJECT_FILES + self.plugins.subject_files() if self.plugins else SUBJECT_FILES

    @functools.cached_property
    def categories(self) -> list[categories.Category]:
        return categories.site_categories(self.site.subjects)

    def absolute(self, path: str) -> str:
        """Absolute URL of an output path under ``base_url`` (``""`` without one)."""
        return self.config.base_url + pretty_path(path) if self.config.base_url else ""

    def _render(
        self, template: str, path: str, *, root: str | None = None, **context: Any
    ) -> OutputFile:
        try:
            html = self.env.get_template(template).render(self._context(path, context, root))
        except jinja2.TemplateSyntaxError as exc:
            raise SitegenError(
                f"{exc.filename or template}:{exc.lineno}: template error: {exc.message}"
            ) from exc
        except jinja2.TemplateError as exc:
            raise SitegenError(f"{template}: template error while rendering {path}: {exc}") from exc
        return OutputFile(path, html.encode("utf-8"))

    def _context(
        self, path: str, context: dict[str, Any], root: str | None = None
    ) -> dict[str, Any]:
        """What a template rendered as ``path`` sees: the site, the config, links
        relative to ``path``, the plugins' names, then ``context``."""
        return {
            "site": self.site,
            "config": self.config,
            "root": "../" * path.count("/") if root is None else root,
            "page_path": path,
            "canonical": self.absolute(path),
            "absolute": self.absolute,
            "url": lambda target: relative(target, path),
            **(self.plugins.template_context() if self.plugins else {}),
            **context,
        }

    def site_description(self) -> str:
        t = self.t
        return self.config.description or t(
            "site.description",
            subjects=t("count.titles", n=len(self.site.subjects)),
            reviews=t("count.reviews", n=self.site.review_count),
        )

    def home(self) -> OutputFile:
        return self._render(
            "index.html",
            "index.html",
            groups=verdict_groups(self.site.subjects),
            description=self.site_description(),
            json_ld=self.home_json_ld(),
            categories=self.categories,
            feed_path=feeds.SITE_FEED if any(s.latest for s in self.site.subjects) else "",
            feed_title=self.config.title,
        )

    def subject_pages(
        self, subject: Subject, pages: Sequence[CardPage] | None = None
    ) -> Iterator[OutputFile]:
        """The pages of ``subject`` (only ``pages`` of them, when given)."""
        cards = self._subject_cards(subject)
        shared = cards.shared
        in_categories = categories.subject_categories(subject, self.categories)
        badge = self.badge(subject)
        snippet = self.badge_snippet(subject, badge)
        views: dict[bool, list[AspectView]] = {}
        for page in subject.pages if pages is None else pages:
            first = page.number == 1
            if first not in views:
                views[first] = aspect_views(subject, listing=first, t=self.t)
            cards_html = cards.page(page)
            made = self._render(
                "subject.html",
                page.path,
                page=page,
                cards_html=cards_html,
                aspect_views=views[first],
                subject_categories=in_categories,
                badge=badge,
                badge_snippet=snippet,
                feed_path=feeds.subject_feed_path(subject.slug) if subject.latest else "",
                feed_title=self.t(
                    "feed.subject_title", subject=subject.title, site=self.config.title
                ),
                description=self.subject_description(subject),
                json_ld=self.json_ld(subject, page),
                **shared,
            )
            if cards_html is not None:
                # The template's context (in a reference cycle, as every jinja
                # context: garbage until the collector next walks it, which in a
                # build may be long after) does not hold the cards' HTML either.
                cards_html.clear()
            yield made

    def cards_file(self, subject: Subject) -> Iterator[OutputFile]:
        """A subject's cards data file (``Subject.cards_path``: every card of a
        subject of several pages, as its pages show them, for their filters). The
        cards in ``reused_cards`` (index -> the card's line in the last
        ``cards.js``, known unchanged) are not rendered again."""
        if not subject.cards_path or subject.cards_path in self.written_elsewhere:
            return
        ends = self.cards_ends(subject)
        cards = self._subject_cards(subject)
        made = cards.script_lines(self.reused_cards)
        lines = list(made) if made is not None else None
        if ends is not None and lines:
            # Its layout filled in as bytes: not the lines decoded, put in a string
            # and encoded again (tens of MB for a large subject).
            lines[0] = ends[0] + lines[0]
            lines[-1] += ends[1]
            yield OutputFile(subject.cards_path, b",\n".join(lines))
            return
        yield self._render(
            "cards.js",
            subject.cards_path,
            cards=list(self._cards(subject)),
            cards_js=[line.decode("utf-8") for line in lines] if lines is not None else None,
            **cards.shared,
        )

    def cards_ends(self, subject: Subject) -> tuple[bytes, bytes] | None:
        """What ``cards.js`` holds before and after its cards' lines (one a line,
        JSON strings joined by ``",\\n"``: ``card_lines``) as the theme's template
        lays it out; None with a site's own ``cards.js`` or ``_card.html``
        (``tests/test_incremental_cards.py`` compares the file with the template's
        own loop)."""
        if not subject.cards_path or not self._theme_template("cards.js"):
            return None
        cards = self._subject_cards(subject)
        if cards.macro is None:
            return None
        ends = self._render("cards.js", subject.cards_path, cards=[], cards_js=[], **cards.shared)
        head, _, foot = ends.data.partition(b"\n")
        return head + b"\n", b"\n" + foot

    def card_lines(self, subject: Subject) -> Iterator[Any]:
        """Every card of ``subject`` as its line of ``cards.js`` (``cards_ends``), in
        UTF-8, made as they are asked for (``SubjectCards.script_lines``); those
        in ``reused_cards`` (as it is now) as given there."""
        return self._subject_cards(subject).script_lines(self.reused_cards) or iter(())

    def _theme_template(self, name: str) -> bool:
        """Whether the template ``name`` is the theme's own (not the site's)."""
        return _in_theme(self.env.get_template(name).filename or "")

    def _subject_cards(self, subject: Subject) -> SubjectCards:
        """The subject's shared context and cards, made once for its pages and its
        ``cards.js`` (kept for the subject last asked about)."""
        if self._card_memo is None or self._card_memo.subject is not subject:
            shared = self._subject_context(subject)
            template = self.env.get_template("_card.html")
            macro = None
            # (a site's own _card.html may depend on the page its card is on)
            if self._theme_template("_card.html"):
                macro = template.make_module(self._context(subject.url, shared)).review_card
            self._card_memo = SubjectCards(subject, shared, macro)
        return self._card_memo

    def _subject_context(self, subject: Subject) -> dict[str, Any]:
        """What a subject's pages and its cards file share: figures, card numbers,
        the filter bar's counts (the subject's), the star filter's values."""
        figures = subject_figures(subject, self.config.rating_scale, self.config.language, self.t)
        numbers = {card.review.id: n for n, card in enumerate(self._cards(subject), start=1)}
        counts = dict.fromkeys(LABEL_ORDER, 0)
        for analysis in subject.analyses:
            counts[analysis.label] = counts.get(analysis.label, 0) + 1
        scale = self.config.rating_scale

        def star_bucket(rating: float) -> str:
            return format_number(charts.rating_bucket(rating, scale), "en")

        number = self.env.filters["number"]
        return {
            "subject": subject,
            "figures": figures,
            "numbers": numbers,
            "label_counts": counts,
            "label_names": {
                label: self.t("label." + label) for label in (*LABEL_ORDER, UNANALYSED)
            },
            "star_bucket": star_bucket,
            # Per rating of the subject, what its cards show of it: made once per
            # value instead of once per card.
            "ratings": {
                rating: RatingView(
                    star_bucket(rating),
                    stars(rating, scale),
                    self.t("card.rating", rating=number(rating), scale=scale),
                )
                for rating in {r.rating for r in subject.reviews if r.rating is not None}
            },
            "aspect_keys": {a.key for a in subject.summary.aspects},
            "star_options": [
                (format_number(value, "en"), label, n)
                for (value, _), (label, n) in zip(charts.rating_buckets((), scale), figures.buckets)
            ],
        }

    @staticmethod
    def _cards(subject: Subject) -> Iterator[Card]:
        for page in subject.pages:
            yield from page.cards

    def badge(self, subject: Subject) -> badges.Badge:
        verdict = subject.summary.verdict
        t = self.t
        count = t("count.reviews", n=format_number(subject.review_count, self.config.language, 0))
        if subject.review_count:
            right = t("badge.verdict", label=verdict.label, score=verdict.score)
        else:
            right = verdict.label
        description = t("badge.description", title=subject.title, verdict=right, n=count)
        return badges.make_badge(count, right, verdict.key, description)

    def badge_snippet(self, subject: Subject, badge: badges.Badge) -> str:
        """The HTML to paste elsewhere: the badge linking to the subject's page
        (absolute URLs: only with a ``base_url``)."""
        if not self.config.base_url:
            return ""
        escape = jinja2.utils.markupsafe.escape
        return (
            f'<a href="{escape(self.absolute(subject.url))}"><img src="{escape(self.absolute(badges.badge_path(subject.slug)))}" '
            f'alt="{escape(badge.text)}" width="{badge.width}" height="{badges.HEIGHT}"></a>'
        )

    def subject_description(self, subject: Subject) -> str:
        verdict = subject.summary.verdict
        text = self.t(
            "subject.description",
            title=subject.title,
            label=verdict.label,
            score=verdict.score,
            n=self.t("count.reviews", n=subject.review_count),
            consensus=subject.summary.consensus,
        ).strip()
        return text if len(text) <= 300 else text[:299].rstrip() + "…"

    def not_found(self) -> OutputFile:
        # Hosts serve 404.html for any missing path, at any depth: with a base_url its
        # links and assets are absolute so they resolve from wherever it is served.
        return self._render(
            "404.html",
            "404.html",
            root=self.config.base_url or None,
            description=self.t("notfound.text"),
        )

    def home_json_ld(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": self.config.title,
            "description": self.site_description(),
            "inLanguage": self.config.language,
        }
        if self.config.base_url:
            data["url"] = self.config.base_url
        return data

    def json_ld(self, subject: Subject, page: CardPage) -> dict[str, Any]:
        """schema.org data for search engines: the item, its aggregate rating, and the
        reviews of this page nested in it (so each Review's itemReviewed is the item)."""
        verdict = subject.summary.verdict
        scale = self.config.rating_scale
        item: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": self.config.item_type,
            "name": subject.title,
        }
        if self.config.base_url:
            item["url"] = self.absolute(subject.url)
        if subject.meta.year and self.config.item_type in (
            "Movie",
            "TVSeries",
            "Book",
            "CreativeWork",
        ):
            item["dateCreated"] = subject.meta.year
        if subject.summary.consensus:
            item["description"] = subject.summary.consensus
        ratings = [r.rating for r in subject.reviews if r.rating is not None]
        if verdict.average_rating is not None and ratings:
            item["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": round(verdict.average_rating, 2),
                "bestRating": scale,
                "worstRating": 0,
                "ratingCount": verdict.rated or len(ratings),
                "reviewCount": subject.review_count,
            }
        elif subject.review_count:
            # No ratings to average: the verdict's score, on its own 0-100 scale.
            item["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": verdict.score,
                "bestRating": 100,
                "worstRating": 0,
                "ratingCount": subject.review_count,
                "reviewCount": subject.review_count,
            }
        reviews = []
        for card in page.cards:
            review = card.review
            entry: dict[str, Any] = {
                "@type": "Review",
                "author": {"@type": "Person", "name": review.author or self.t("card.anonymous")},
                "reviewBody": review.text,
                "inLanguage": self.config.language,
            }
            if self.config.base_url:
                entry["url"] = f"{self.absolute(page.path)}#review-{review.id}"
            if iso_date(review.date):
                entry["datePublished"] = iso_date(review.date)
            if review.rating is not None:
                entry["reviewRating"] = {
                    "@type": "Rating",
                    "ratingValue": review.rating,
                    "bestRating": scale,
                    "worstRating": 0,
                }
            if review.title:
                entry["name"] = review.title
            reviews.append(entry)
        if reviews:
            item["review"] = reviews
        return item

    def subject_files(self, subject: Subject) -> Iterator[OutputFile]:
        """A subject's files other than its card pages (``SUBJECT_FILES``)."""
        for kind in self.subject_file_kinds:
            yield from kind.render(self, subject)

    def render_all(self, *, skip: frozenset[str] = frozenset()) -> Iterator[OutputFile]:
        """Every file of the site: the site-wide pages (but those named in
        ``skip``), and every subject's pages and files."""
        for page in self.site_pages:
            if page.name not in skip:
                yield from page.render(self)
            if page.name == "index.html":  # the subjects' pages come after the home page
                for subject in self.site.subjects:
                    yield from self.subject_pages(subject)
                    yield from self.subject_files(subject)


# --------------------------------------------------------------------------- page types
# Adding a page type is one registration here (or a plugin's ``pages()``).


@dataclass(frozen=True)
class SitePage:
    """A site-wide page type: ``render`` yields its files (none when it does not
    apply). ``key``, if given, returns what the page shows of the site model
    (plain data): an incremental build with the built-in templates does not
    render it again while that is unchanged. Without a key the page is rendered
    every build and its bytes compared with the output's."""

    name: str
    render: Callable[[Renderer], Iterable[OutputFile]]
    key: Callable[[Site], Any] | None = None


@dataclass(frozen=True)
class SubjectFile:
    """A file per subject besides its card pages (rendered with them, kept with
    them while the subject is unchanged)."""

    name: str
    render: Callable[[Renderer, Subject], Iterable[OutputFile]]


def _home_key(site: Site) -> Any:
    """What the home page shows of each subject (and so whether it links a feed)."""
    return [shown_on_lists(s) for s in site.subjects]


SITE_PAGES: list[SitePage] = [
    SitePage("index.html", lambda r: [r.home()], _home_key),
    SitePage("404.html", lambda r: [r.not_found()]),
    SitePage("robots.txt", lambda r: [r._render("robots.txt", "robots.txt")]),
    SitePage(
        "sitemap.xml",
        lambda r: (
            [r._render("sitemap.xml", "sitemap.xml", categories=r.categories)]
            if r.config.base_url
            else []
        ),
    ),
    SitePage("static", lambda r: static_files(r.config.templates_dir)),
]
SUBJECT_FILES: list[SubjectFile] = [
    SubjectFile("cards.js", lambda r, subject: r.cards_file(subject)),
]


def shown_on_lists(subject: Subject) -> tuple[Any, ...]:
    """What the home page and the category pages show of a subject (their keys;
    whether it has dated reviews decides whether the home page links a feed)."""
    return (
        subject.slug,
        subject.title,
        subject.meta,
        subject.review_count,
        subject.summary.verdict,
        subject.summary.consensus,
        bool(subject.latest),
    )


def _search_files(r: Renderer) -> list[OutputFile]:
    """``search/index.html`` and ``search/index.js`` (``generator.search``)."""
    entries = _search_key(r.site)
    return [
        r._render("search.html", search.PAGE, description=r.t("search.description")),
        OutputFile(search.INDEX, search.index_script(entries).encode("utf-8")),
    ]


def _search_key(site: Site) -> Any:
    return [(s.slug, s.title, s.search_filter) for s in site.subjects]


def _shard(r: Renderer, subject: Subject) -> list[OutputFile]:
    """A subject's search shard, ``<slug>/search.js``."""
    return [
        OutputFile(search.shard_path(subject.slug), subject.search_index.script.encode("utf-8"))
    ]


def _subject_data(r: Renderer, subject: Subject) -> list[OutputFile]:
    """A subject's ``<slug>/data.json``: its entry of ``data.json`` with its reviews."""
    from generator.output import subject_data_file, subject_data_path  # (output imports render)

    path = subject_data_path(subject.slug)
    if path in r.written_elsewhere:
        return []
    return [OutputFile(path, subject_data_file(subject)[0])]


def _badge(r: Renderer, subject: Subject) -> list[OutputFile]:
    """A subject's ``<slug>/badge.svg``."""
    return [OutputFile(badges.badge_path(subject.slug), r.badge(subject).svg.encode("utf-8"))]


def _newest(site: Site) -> list[tuple[Any, feeds.Entry]]:
    """The site's newest dated reviews, for ``feed.xml``."""
    # Chosen by date first: an unchanged subject's entries are read only if shown.
    dated = (
        (date, s.slug, i, s)
        for s in site.subjects
        for i, date in enumerate(feeds.entry_dates(s.latest))
    )
    # (``sorted(..., reverse=True)[:n]``, ties as it orders them, without sorting all)
    chosen = heapq.nlargest(feeds.PER_SITE, dated, key=lambda item: (item[0], item[1]))
    return [(s, s.latest[i]) for _, _, i, s in chosen]


def _site_feed(r: Renderer) -> list[OutputFile]:
    entries = _newest(r.site)
    if not entries:
        return []
    if not r.config.base_url:
        feeds.warn_relative_links()
    title = r.config.title
    return [
        _feed(
            r, feeds.SITE_FEED, "index.html", title, r.t("feed.site_subtitle", site=title), entries
        )
    ]


def _subject_feed(r: Renderer, subject: Subject) -> list[OutputFile]:
    if not subject.latest:
        return []
    t = r.t
    return [
        _feed(
            r,
            feeds.subject_feed_path(subject.slug),
            subject.url,
            t("feed.subject_title", subject=subject.title, site=r.config.title),
            t("feed.subject_subtitle", subject=subject.title),
            [(subject, e) for e in subject.latest],
        )
    ]


def _feed(
    r: Renderer,
    path: str,
    html_path: str,
    title: str,
    subtitle: str,
    entries: list[tuple[Any, feeds.Entry]],
) -> OutputFile:
    return r._render(
        "feed.xml",
        path,
        feed_id=feeds.feed_id(path),
        feed_title=title,
        feed_subtitle=subtitle,
        updated=entries[0][1].date,
        html_path=html_path,
        entries=entries,
        entry_id=feeds.entry_id,
        link=lambda target: r.absolute(target) if r.config.base_url else _below(target, path),
    )


def _below(target: str, path: str) -> str:
    """``relative(target, path)``, without ``posixpath.relpath`` for the usual case
    of a target in ``path``'s folder or below it (every link of a feed)."""
    folder = posixpath.dirname(path)
    if not folder:
        return target
    if target.startswith(folder + "/"):
        return target[len(folder) + 1 :]
    return relative(target, path)


def _category_index(r: Renderer) -> list[OutputFile]:
    """``categories/index.html`` (``generator.categories``), when there are categories."""
    if not r.categories:
        return []
    return [
        r._render(
            "categories.html",
            categories.INDEX_PATH,
            categories=r.categories,
            description=r.t("category.index_description", site=r.config.title),
        )
    ]


def _category_index_key(site: Site) -> Any:
    """What the index shows: each category, its count and its first subjects."""
    found = categories.site_categories(site.subjects)
    return [
        (c.slug, c.name, len(c.subjects), [shown_on_lists(s) for s in c.subjects[:8]])
        for c in found
    ]


def category_pages(found: Sequence[categories.Category]) -> list[SitePage]:
    """A page type per category (``categories/<slug>/index.html``), each with a
    key of its own: an edit re-renders only the categories whose subjects it
    changes as they show (their key was one for every category page)."""
    return [
        SitePage(
            category.path,
            functools.partial(_category_page, category=category),
            functools.partial(_category_page_key, category=category),
        )
        for category in found
    ]


def _category_page(r: Renderer, category: categories.Category) -> list[OutputFile]:
    return [
        r._render(
            "category.html",
            category.path,
            category=category,
            groups=verdict_groups(category.subjects),
            description=r.t(
                "category.description",
                name=category.name,
                subjects=r.t("count.titles", n=len(category.subjects)),
            ),
        )
    ]


def _category_page_key(site: Site, category: categories.Category) -> Any:
    return (category.slug, category.name, [shown_on_lists(s) for s in category.subjects])


SITE_PAGES[1:1] = [
    SitePage("search", _search_files, _search_key),
    SitePage("feed.xml", _site_feed, lambda site: [(s.slug, s.title, e) for s, e in _newest(site)]),
    SitePage("categories", _category_index, _category_index_key),
]
SUBJECT_FILES.extend(
    [
        SubjectFile("search.js", _shard),
        SubjectFile("badge.svg", _badge),
        SubjectFile("feed.xml", _subject_feed),
        SubjectFile("data.json", _subject_data),
    ]
)


def _plugins(config: Any) -> Any:
    """The site's plugins (``generator.plugins``), None without any."""
    if not getattr(config, "plugins", ()):
        return None
    from generator.plugins import loaded

    return loaded(config.plugins)


def static_files(site_templates: Path | None) -> Iterator[OutputFile]:
    """The theme's ``static/`` files, a site's own ``templates/static/`` winning
    (only what ``template_files`` lists: never a hidden file or a link leading out)."""
    seen: dict[str, Path] = {}
    for rel, path in template_files(site_templates):
        if rel.startswith("static/"):
            seen.setdefault(rel, path)
    for rel in sorted(seen):
        yield OutputFile(rel, read_bytes(seen[rel]))
