"""Category pages: one page per category (``categories/<slug>/index.html``) listing
its subjects with their verdicts, and an index of every category
(``categories/index.html``).

A subject's categories are its metadata's (``genres``, ``categories`` and ``tags``:
``generator.metadata``). Categories spelt alike but for case or accents are one
(its first spelling, in site order, names it). The pages show of each subject only
what the home page shows, so they depend on what the home page's key holds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from generator.site import Subject, make_slug, slug_base

log = logging.getLogger(__name__)

INDEX_PATH = "categories/index.html"


@dataclass(frozen=True, eq=False)
class Category:
    slug: str
    name: str
    subjects: tuple[Subject, ...]  # in site order (best verdict first)

    @property
    def path(self) -> str:
        return f"categories/{self.slug}/index.html"


def site_categories(subjects: Sequence[Subject]) -> list[Category]:
    """Every category of the site with its subjects, by name (compared without case
    and accents). Slugs are made as subjects' are, so they stay stable and distinct."""
    names: dict[str, str] = {}
    members: dict[str, list[Subject]] = {}
    for subject in subjects:
        for name in subject.meta.categories:
            key = slug_base(name)
            names.setdefault(key, name)
            group = members.setdefault(key, [])
            if not group or group[-1] is not subject:
                group.append(subject)
    taken: set[str] = {"index"}
    slugs = {
        key: make_slug(names[key], taken)
        for key in sorted(names, key=lambda k: (k != names[k], names[k]))
    }
    return sorted(
        (Category(slugs[key], names[key], tuple(members[key])) for key in names),
        key=lambda c: (c.name.casefold(), c.slug),
    )


def subject_categories(subject: Subject, categories: Sequence[Category]) -> list[Category]:
    """The categories ``subject`` belongs to, in its metadata's order."""
    by_key = {slug_base(c.name): c for c in categories}
    found: dict[str, Category] = {}
    for name in subject.meta.categories:
        category = by_key.get(slug_base(name))
        if category is not None:
            found.setdefault(category.slug, category)
    return list(found.values())
