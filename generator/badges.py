"""A badge per subject to embed elsewhere (a shop's product page, a blog post):
``<slug>/badge.svg``, a small standalone SVG with the verdict's label, score and
review count in the site's language, and the HTML snippet that shows it, offered
on the subject page to copy.

The SVG stands alone: its colours are written in it (it cannot use the site's
stylesheet), its text is measured with a table of average glyph widths of the
usual sans-serif fonts (no font is loaded), and it carries a ``<title>`` and an
``aria-label`` so that it reads as its text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from markupsafe import escape

from generator.feeds import xml_text

log = logging.getLogger(__name__)

HEIGHT = 20
# Background of the right part per verdict key: white text on each is at least 4.5:1.
COLOURS = {
    "very_positive": "#1b5e20",
    "positive": "#2e7d32",
    "mixed": "#8a5300",
    "neutral": "#545454",
    "negative": "#b71c1c",
    "very_negative": "#8e0000",
    "none": "#545454",
}
LEFT_COLOUR = "#2b2124"
_NARROW = set("fijlrtI.,:;'!|()[] ")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float = 11) -> float:
    """Approximate width of ``text`` in a sans-serif font of ``size`` px."""
    units = sum(
        0.32 if ch in _NARROW else 0.9 if ch in _WIDE else 0.62 if ch.isupper() else 0.56
        for ch in text
    )
    return units * size


@dataclass(frozen=True)
class Badge:
    svg: str
    width: int
    text: str  # what it says, for alt text


def badge_path(slug: str) -> str:
    return f"{slug}/badge.svg"


def make_badge(left: str, right: str, key: str, description: str) -> Badge:
    """A two-part badge: ``left`` on a dark background, ``right`` on the verdict's
    colour; ``description`` is its accessible name."""
    left, right, description = xml_text(left), xml_text(right), xml_text(description)
    pad = 6
    left_w = round(text_width(left) + 2 * pad)
    right_w = round(text_width(right) + 2 * pad)
    width = left_w + right_w
    colour = COLOURS.get(key, COLOURS["none"])
    name = escape(description)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="img" aria-label="{name}"><title>{name}</title>'
        f'<clipPath id="r"><rect width="{width}" height="{HEIGHT}" rx="3"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left_w}" height="{HEIGHT}" fill="{LEFT_COLOUR}"/>'
        f'<rect x="{left_w}" width="{right_w}" height="{HEIGHT}" fill="{colour}"/></g>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left_w / 2:g}" y="14">{escape(left)}</text>'
        f'<text x="{left_w + right_w / 2:g}" y="14">{escape(right)}</text></g></svg>\n'
    )
    return Badge(svg, width, description)
