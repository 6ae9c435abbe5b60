"""Recognising the columns of exports: English and French names, and the site's own mapping."""

from __future__ import annotations

import unicodedata

# Our field -> names seen in exports (compared without case, accents, spaces, - and _).
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "review",
        "reviewtext",
        "body",
        "content",
        "comment",
        "texte",
        "avis",
        "critique",
        "commentaire",
        "contenu",
        "message",
    ),
    "id": ("id", "reviewid", "identifiant", "idavis"),
    "subject": (
        "subject",
        "product",
        "item",
        "film",
        "movie",
        "title_name",
        "contentname",
        "sujet",
        "produit",
        "oeuvre",
        "serie",
        "titrefilm",
    ),
    "rating": ("rating", "note", "stars", "score", "grade", "etoiles", "notation", "evaluation"),
    "author": (
        "author",
        "user",
        "username",
        "reviewer",
        "name",
        "auteur",
        "pseudo",
        "utilisateur",
        "nom",
    ),
    "date": ("date", "published", "publishedat", "createdat", "datepublication", "publie"),
    "title": ("title", "headline", "summary", "titre", "titreavis"),
    # The subject's metadata (``generator.metadata.ColumnMetas``)
    "categories": (
        "genres",
        "genre",
        "categories",
        "category",
        "categorie",
        "tags",
        "tag",
        "rayon",
    ),
    "year": ("year", "annee", "releaseyear", "anneedesortie"),
    "image": ("image", "poster", "affiche", "imageurl", "cover"),
}


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(ch for ch in decomposed if ch.isalnum())


def map_columns(header: list[str], configured: dict[str, str]) -> dict[str, str]:
    """Our field -> the header's column name, configured names first."""
    by_norm = {normalise(h): h for h in header if h}
    mapping: dict[str, str] = {}
    for fieldname, column in configured.items():
        if column in header:
            mapping[fieldname] = column
        elif normalise(column) in by_norm:
            mapping[fieldname] = by_norm[normalise(column)]
    taken = set(mapping.values())
    for fieldname, names in KNOWN_COLUMNS.items():
        if fieldname in mapping:
            continue
        for name in names:
            column = by_norm.get(normalise(name))
            if column and column not in taken:
                mapping[fieldname] = column
                taken.add(column)
                break
    return mapping
