"""The interface's words, per language: one catalogue, looked up by key from templates
(``{{ t("home.title") }}``), never strings scattered through templates.

French follows French typography: typographic apostrophes, a no-break space before
``:`` and ``%`` and inside « guillemets ». Both languages hold the same keys (a test
checks it), and every key a template uses must be here (a test checks that too).
"""

from __future__ import annotations

import re
from collections.abc import Callable

NBSP = "\u00a0"  # before ":" and inside guillemets
NNBSP = "\u202f"  # narrow no-break space, before "%", "!", "?", ";"

CATALOGUE: dict[str, dict[str, str]] = {
    "fr": {
        "locale": "fr_FR",
        "quote.open": f"«{NBSP}",
        "quote.close": f"{NBSP}»",
        "site.home": "Accueil",
        "site.skip": "Aller au contenu",
        "site.breadcrumb": "Fil d’Ariane",
        "site.generated": "Site généré par sitegen à partir des avis des spectateurs.",
        "site.description": (
            "Ce que pensent les spectateurs{NBSP}: verdicts, points forts, points faibles "
            "et citations tirés de {reviews} sur {subjects}."
        ).replace("{NBSP}", NBSP),
        "home.heading": "Tous les titres",
        "home.intro": "{subjects} · {reviews}",
        "count.titles": "{n} titre|{n} titres",
        "count.reviews": "{n} avis|{n} avis",
        "count.reviews_analysed": "{n} avis analysé|{n} avis analysés",
        "home.search": "Rechercher un titre",
        "home.search_placeholder": "Titre, mot du consensus…",
        "home.no_match": "Aucun titre ne correspond à votre recherche.",
        "home.shown": f"Titres affichés{NBSP}: {{n}}",
        "home.empty": "Aucun avis pour l’instant.",
        "home.reviews_positive": f"{{share}}{NNBSP}% positifs",
        "subject.verdict": "Verdict",
        "subject.score": "Score",
        "subject.score_of": "{score} sur 100",
        "percent": f"{{n}}{NNBSP}%",
        "subject.share_positive": f"{{share}}{NNBSP}% d’avis positifs",
        "subject.average_rating": f"Note moyenne{NBSP}: {{rating}} / {{scale}}",
        "subject.based_on_text": "D’après le texte de {n}",
        "subject.based_on_ratings": "D’après les notes de {rated} sur {total}",
        "count.rated": "{n} avis noté|{n} avis notés",
        "count.mentions": "{n} mention|{n} mentions",
        "subject.description": "{title}{NBSP}: {label} ({score}/100) d’après {n}. {consensus}".replace(
            "{NBSP}", NBSP
        ),
        "subject.figures": "En chiffres",
        "subject.distribution": "Répartition des avis",
        "subject.distribution_title": "Répartition des {total} avis{NBSP}: {details}".replace(
            "{NBSP}", NBSP
        ),
        "subject.ratings": "Notes des spectateurs",
        "subject.ratings_title": "Répartition des {total} notes sur {scale}{NBSP}: {details}".replace(
            "{NBSP}", NBSP
        ),
        "subject.rating_bucket": "{label}{NBSP}: {n}".replace("{NBSP}", NBSP),
        "subject.aspects": "Ce dont parlent les spectateurs",
        "subject.aspects_title": "Sujets les plus cités{NBSP}: {details}".replace("{NBSP}", NBSP),
        "subject.aspect_counts": f"{{mentions}}{NBSP}: positif {{positive}}, négatif {{negative}}",
        "subject.aspect_short": "{text} ({mentions}, +{positive} −{negative})",
        "subject.pros": "Les points forts",
        "subject.cons": "Les points faibles",
        "subject.no_pros": "Aucun avis franchement positif.",
        "subject.no_cons": "Aucun avis franchement négatif.",
        "subject.cards": "Les avis",
        "subject.read_review": "Lire l’avis n°{NBSP}{n}".replace("{NBSP}", NBSP),
        "subject.pages": "Pages d’avis",
        "subject.page": "Page {n}",
        "subject.page_of": "page {n} sur {total}",
        "subject.previous": "Précédents",
        "subject.next": "Suivants",
        "card.number": "Avis n°{NBSP}{n}".replace("{NBSP}", NBSP),
        "card.by": "par {author}",
        "card.anonymous": "Anonyme",
        "card.rating": f"Note{NBSP}: {{rating}} / {{scale}}",
        "card.polarity": "Polarité {polarity}",
        "card.disagrees": "La note et le texte ne disent pas la même chose",
        "card.quoted": "Citation mise en avant",
        "label.positive": "Positif",
        "label.negative": "Négatif",
        "label.mixed": "Mitigé",
        "label.neutral": "Neutre",
        "labels.positive": "positifs",
        "labels.negative": "négatifs",
        "labels.mixed": "mitigés",
        "labels.neutral": "neutres",
        "filter.legend": "Filtrer les avis",
        "filter.all": "Tous",
        "filter.status": f"Avis affichés{NBSP}: {{n}} sur {{total}}",
        "sort.label": "Trier",
        "sort.input": "Ordre d’origine",
        "sort.positive": "Les plus positifs",
        "sort.negative": "Les plus négatifs",
        "sort.newest": "Les plus récents",
        "sort.longest": "Les plus longs",
        "notfound.title": "Page introuvable",
        "notfound.text": "Cette page n’existe pas ou plus.",
        "notfound.back": "Retour à l’accueil",
        "months": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "date": "{day} {month} {year}",
    },
    "en": {
        "locale": "en_US",
        "quote.open": "“",
        "quote.close": "”",
        "site.home": "Home",
        "site.skip": "Skip to content",
        "site.breadcrumb": "Breadcrumb",
        "site.generated": "Site generated by sitegen from viewers’ reviews.",
        "site.description": (
            "What viewers think: verdicts, strengths, weaknesses and quotes drawn from "
            "{reviews} of {subjects}."
        ),
        "home.heading": "All titles",
        "home.intro": "{subjects} · {reviews}",
        "count.titles": "{n} title|{n} titles",
        "count.reviews": "{n} review|{n} reviews",
        "count.reviews_analysed": "{n} review analysed|{n} reviews analysed",
        "home.search": "Search titles",
        "home.search_placeholder": "Title, word of the consensus…",
        "home.no_match": "No title matches your search.",
        "home.shown": "Titles shown: {n}",
        "home.empty": "No reviews yet.",
        "home.reviews_positive": "{share}% positive",
        "subject.verdict": "Verdict",
        "subject.score": "Score",
        "subject.score_of": "{score} out of 100",
        "percent": "{n}%",
        "subject.share_positive": "{share}% positive reviews",
        "subject.average_rating": "Average rating: {rating} / {scale}",
        "subject.based_on_text": "From the text of {n}",
        "subject.based_on_ratings": "From the ratings of {rated} out of {total}",
        "count.rated": "{n} rated review|{n} rated reviews",
        "count.mentions": "{n} mention|{n} mentions",
        "subject.description": "{title}: {label} ({score}/100) from {n}. {consensus}",
        "subject.figures": "By the numbers",
        "subject.distribution": "How reviews split",
        "subject.distribution_title": "How the {total} reviews split: {details}",
        "subject.ratings": "Viewers’ ratings",
        "subject.ratings_title": "How the {total} ratings out of {scale} split: {details}",
        "subject.rating_bucket": "{label}: {n}",
        "subject.aspects": "What viewers talk about",
        "subject.aspects_title": "Most mentioned topics: {details}",
        "subject.aspect_counts": "{mentions}: positive {positive}, negative {negative}",
        "subject.aspect_short": "{text} ({mentions}, +{positive} −{negative})",
        "subject.pros": "Strengths",
        "subject.cons": "Weaknesses",
        "subject.no_pros": "No clearly positive review.",
        "subject.no_cons": "No clearly negative review.",
        "subject.cards": "Reviews",
        "subject.read_review": "Read review #{n}",
        "subject.pages": "Review pages",
        "subject.page": "Page {n}",
        "subject.page_of": "page {n} of {total}",
        "subject.previous": "Previous",
        "subject.next": "Next",
        "card.number": "Review #{n}",
        "card.by": "by {author}",
        "card.anonymous": "Anonymous",
        "card.rating": "Rating: {rating} / {scale}",
        "card.polarity": "Polarity {polarity}",
        "card.disagrees": "The rating and the text disagree",
        "card.quoted": "Highlighted quote",
        "label.positive": "Positive",
        "label.negative": "Negative",
        "label.mixed": "Mixed",
        "label.neutral": "Neutral",
        "labels.positive": "positive",
        "labels.negative": "negative",
        "labels.mixed": "mixed",
        "labels.neutral": "neutral",
        "filter.legend": "Filter reviews",
        "filter.all": "All",
        "filter.status": "Reviews shown: {n} of {total}",
        "sort.label": "Sort",
        "sort.input": "Original order",
        "sort.positive": "Most positive",
        "sort.negative": "Most negative",
        "sort.newest": "Newest",
        "sort.longest": "Longest",
        "notfound.title": "Page not found",
        "notfound.text": "This page does not exist, or no longer does.",
        "notfound.back": "Back to the home page",
        "months": "January February March April May June July August September October November December",
        "date": "{month} {day}, {year}",
    },
}


def translator(language: str) -> Callable[..., str]:
    """``t(key, **values)`` for one language; a missing key is a bug, so it raises."""
    messages = CATALOGUE[language]

    def t(key: str, **values: object) -> str:
        message = messages[key]
        if "|" in message:
            message = plural(message, values.get("n", 0), language)
        return message.format(**values) if values else message

    return t


def plural(message: str, n: object, language: str) -> str:
    """Pick ``"singular|plural"``: French uses the singular for 0 and 1, English for 1 only."""
    singular, _, many = message.partition("|")
    try:
        count = abs(float(n))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return many
    one = count < 2 if language == "fr" else count == 1
    return singular if one else many


def format_number(value: float, language: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    if digits and text.endswith("." + "0" * digits):
        text = text[: -digits - 1]
    return text.replace(".", ",") if language == "fr" else text


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def iso_date(text: str) -> str:
    """``YYYY-MM-DD`` when ``text`` starts with a valid ISO date, else ``""``."""
    match = _ISO_DATE.match(text.strip())
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def format_date(text: str, language: str) -> str:
    """A review's date for a reader (« 3 mars 2024 »); non-ISO dates are shown as written."""
    iso = iso_date(text)
    if not iso:
        return text.strip()
    year, month, day = (int(part) for part in iso.split("-"))
    messages = CATALOGUE[language]
    month_name = messages["months"].split()[month - 1]
    shown_day = "1er" if language == "fr" and day == 1 else str(day)
    return messages["date"].format(day=shown_day, month=month_name, year=year)
