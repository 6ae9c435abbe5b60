"""The interface's words, per language: one catalogue, looked up by key from templates
(``{{ t("home.title") }}``), never strings scattered through templates.

French follows French typography: typographic apostrophes, a no-break space before
``:`` and ``%`` and inside « guillemets ». Both languages hold the same keys (a test
checks it), and every key a template uses must be here (a test checks that too).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from generator.audience import Audience, audience_for

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
        "site.generated": "Site généré par sitegen à partir des avis des {audience}.",
        "site.description": (
            "Ce que pensent les {audience}{NBSP}: verdicts, points forts, points faibles "
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
        "subject.share_good": f"{{share}}{NNBSP}% de bonnes notes",
        "home.good_ratings": f"{{share}}{NNBSP}% de bonnes notes",
        "subject.ratings_split": "Répartition des notes",
        "subject.ratings_split_title": "Répartition des {total} notes{NBSP}: {details}".replace(
            "{NBSP}", NBSP
        ),
        "subject.ratings_thresholds": (
            "Bonnes{NBSP}: {good} et plus sur {scale}{NNBSP}; mauvaises{NBSP}: {bad} et moins."
        )
        .replace("{NBSP}", NBSP)
        .replace("{NNBSP}", NNBSP),
        "subject.text_labels": "Ton des textes, selon l’analyse automatique",
        "ratings.good": "Bonnes",
        "ratings.middling": "Moyennes",
        "ratings.bad": "Mauvaises",
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
        "subject.ratings": "Notes des {audience}",
        "subject.ratings_title": "Répartition des {total} notes sur {scale}{NBSP}: {details}".replace(
            "{NBSP}", NBSP
        ),
        "subject.rating_bucket": "{label}{NBSP}: {n}".replace("{NBSP}", NBSP),
        "subject.aspects": "Ce dont parlent les {audience}",
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
        "label.unanalysed": "Non analysé",
        "labels.positive": "positifs",
        "labels.negative": "négatifs",
        "labels.mixed": "mitigés",
        "labels.neutral": "neutres",
        "filter.legend": "Filtrer les avis",
        "filter.all": "Tous",
        "filter.status": f"Avis affichés{NBSP}: {{n}} sur {{total}}",
        "filter.status_all": f"Avis affichés{NBSP}: {{n}} sur {{total}}, toutes pages confondues",
        "filter.loading": "Chargement des avis de toutes les pages…",
        "filter.failed": "Les avis des autres pages n’ont pas pu être chargés{NBSP}: seuls ceux de cette page sont filtrés.".replace(
            "{NBSP}", NBSP
        ),
        "filter.stars": "Note",
        "aspects.heading": "Ce qu’en disent les avis, aspect par aspect",
        "aspects.hint": "Choisissez un aspect pour ne garder que les avis qui en parlent.",
        "aspects.more": "… et {n} autre avis|… et {n} autres avis",
        "filter.stars_all": "Toutes les notes ({n})",
        "filter.stars_option": "{label} ({n})",
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
        "date.month": "{month} {year}",
        "category.by": "Par catégorie",
        "category.index_title": "Catégories",
        "category.index_description": "Les catégories de {site} et leurs titres, avec le verdict des {audience}.",
        "category.description": "{subjects} dans la catégorie {name}, du mieux au moins bien accueilli.",
        "category.titles": "Les titres · {name}",
        "subject.categories": "Catégories",
        "search.title": "Rechercher dans les avis",
        "search.header": "Rechercher",
        "search.description": "Chercher un mot dans les titres, les consensus, les sujets et le texte de chaque avis.",
        "search.label": "Mots à chercher dans les avis",
        "search.placeholder": "Un acteur, un défaut, un mot…",
        "search.status": "{n} résultat(s){shown}",
        "search.more": "{n} premiers affichés",
        "search.none": "Aucun avis ne contient tous ces mots.",
        "search.noscript": "La recherche a besoin de JavaScript.",
        "search.subject": "Titre",
        "search.partial": "(parmi les {n} premiers titres qui peuvent contenir ces mots{NBSP}: ajoutez un mot pour préciser)".replace(
            "{NBSP}", NBSP
        ),
        "feed.site_subtitle": "Les derniers avis publiés sur {site}.",
        "badge.verdict": "{label} · {score}/100",
        "badge.description": "{title}{NBSP}: {verdict}, d’après {n}".replace("{NBSP}", NBSP),
        "badge.heading": "Intégrer ce verdict",
        "badge.intro": "Ce badge suit le verdict à chaque mise à jour du site. Collez ce code HTML dans une page pour l’afficher{NBSP}:".replace(
            "{NBSP}", NBSP
        ),
        "badge.code": "Code HTML du badge",
        "badge.no_base_url": "Pour obtenir le code à coller ailleurs, le site doit connaître son adresse publique (base_url dans sitegen.toml).",
        "feed.subject_title": "{subject} · {site}",
        "feed.subject_subtitle": "Les derniers avis sur {subject}.",
        "feed.entry_title": "{subject}{NBSP}: avis {label}".replace("{NBSP}", NBSP),
        "colon": f"{NBSP}: ",
        "months.short": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
        "trend.heading": "L’opinion au fil du temps",
        "trend.quarter": "T{q} {year}",
        "trend.unit.month": "par mois",
        "trend.unit.quarter": "par trimestre",
        "trend.unit.year": "par année",
        "trend.title": "Évolution {unit}, de {first} à {last}, d’après {n} datés{NBSP}: part d’avis positifs, note moyenne et nombre d’avis".replace(
            "{NBSP}", NBSP
        ),
        "trend.legend_share": "Part d’avis positifs",
        "trend.legend_rating": "Note moyenne",
        "trend.legend_count": "Nombre d’avis",
        "trend.table": "Les chiffres",
        "trend.period": "Période",
        "trend.undated": "{n} sans date lisible ne sont pas comptés.",
    },
    "en": {
        "locale": "en_US",
        "quote.open": "“",
        "quote.close": "”",
        "site.home": "Home",
        "site.skip": "Skip to content",
        "site.breadcrumb": "Breadcrumb",
        "site.generated": "Site generated by sitegen from {audience_possessive} reviews.",
        "site.description": (
            "What {audience} think: verdicts, strengths, weaknesses and quotes drawn from "
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
        "subject.share_good": "{share}% good ratings",
        "home.good_ratings": "{share}% good ratings",
        "subject.ratings_split": "How the ratings split",
        "subject.ratings_split_title": "How the {total} ratings split: {details}",
        "subject.ratings_thresholds": "Good: {good} and up out of {scale}; bad: {bad} and below.",
        "subject.text_labels": "Tone of the texts, by the automatic analysis",
        "ratings.good": "Good",
        "ratings.middling": "Middling",
        "ratings.bad": "Bad",
        "subject.average_rating": "Average rating: {rating} / {scale}",
        "subject.based_on_text": "From the text of {n}",
        "subject.based_on_ratings": "From the ratings of {rated} out of {total}",
        "count.rated": "{n} rated review|{n} rated reviews",
        "count.mentions": "{n} mention|{n} mentions",
        "subject.description": "{title}: {label} ({score}/100) from {n}. {consensus}",
        "subject.figures": "By the numbers",
        "subject.distribution": "How reviews split",
        "subject.distribution_title": "How the {total} reviews split: {details}",
        "subject.ratings": "{Audience_possessive} ratings",
        "subject.ratings_title": "How the {total} ratings out of {scale} split: {details}",
        "subject.rating_bucket": "{label}: {n}",
        "subject.aspects": "What {audience} talk about",
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
        "label.unanalysed": "Not analysed",
        "labels.positive": "positive",
        "labels.negative": "negative",
        "labels.mixed": "mixed",
        "labels.neutral": "neutral",
        "filter.legend": "Filter reviews",
        "filter.all": "All",
        "filter.status": "Reviews shown: {n} of {total}",
        "filter.status_all": "Reviews shown: {n} of {total}, across all pages",
        "filter.loading": "Loading the reviews of every page…",
        "filter.failed": "The reviews of the other pages could not be loaded: only this page’s are filtered.",
        "filter.stars": "Rating",
        "aspects.heading": "What reviews say, aspect by aspect",
        "aspects.hint": "Choose an aspect to keep only the reviews that mention it.",
        "aspects.more": "… and {n} more review|… and {n} more reviews",
        "filter.stars_all": "All ratings ({n})",
        "filter.stars_option": "{label} ({n})",
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
        "date.month": "{month} {year}",
        "category.by": "By category",
        "category.index_title": "Categories",
        "category.index_description": "The categories of {site} and their titles, with the {audience_possessive} verdict.",
        "category.description": "{subjects} in the category {name}, best received first.",
        "category.titles": "Titles · {name}",
        "subject.categories": "Categories",
        "search.title": "Search the reviews",
        "search.header": "Search",
        "search.description": "Find a word in the titles, the consensus, the topics and the text of every review.",
        "search.label": "Words to find in the reviews",
        "search.placeholder": "An actor, a flaw, a word…",
        "search.status": "{n} result(s){shown}",
        "search.more": "the first {n} shown",
        "search.none": "No review holds all these words.",
        "search.noscript": "Search needs JavaScript.",
        "search.subject": "Title",
        "search.partial": "(among the first {n} titles that may hold these words: add a word to narrow it)",
        "feed.site_subtitle": "The latest reviews on {site}.",
        "badge.verdict": "{label} · {score}/100",
        "badge.description": "{title}: {verdict}, from {n}",
        "badge.heading": "Embed this verdict",
        "badge.intro": "This badge follows the verdict whenever the site is updated. Paste this HTML into a page to show it:",
        "badge.code": "HTML code of the badge",
        "badge.no_base_url": "To get the code to paste elsewhere, the site needs its public address (base_url in sitegen.toml).",
        "feed.subject_title": "{subject} · {site}",
        "feed.subject_subtitle": "The latest reviews of {subject}.",
        "feed.entry_title": "{subject}: {label} review",
        "colon": ": ",
        "months.short": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "trend.heading": "Opinion over time",
        "trend.quarter": "Q{q} {year}",
        "trend.unit.month": "by month",
        "trend.unit.quarter": "by quarter",
        "trend.unit.year": "by year",
        "trend.title": "Trend {unit}, from {first} to {last}, from {n} with a date: share of positive reviews, average rating and number of reviews",
        "trend.legend_share": "Share of positive reviews",
        "trend.legend_rating": "Average rating",
        "trend.legend_count": "Number of reviews",
        "trend.table": "The numbers",
        "trend.period": "Period",
        "trend.undated": "{n} without a readable date are not counted.",
    },
}


def translator(language: str, audience: Audience | None = None) -> Callable[..., str]:
    """``t(key, **values)`` for one language; a missing key is a bug, so it raises.
    ``{audience}`` (and its forms, ``Audience.values``) in a message is the
    reviewers' noun: ``audience``, else the one of the default ``item_type``."""
    messages = CATALOGUE[language]
    nouns = (audience or audience_for("Movie", language)).values()
    # A message asked for without values, as made the first time (most calls of
    # a page's templates: its headings and labels)
    plain: dict[str, str] = {}

    def t(key: str, **values: object) -> str:
        if not values:
            found = plain.get(key)
            if found is not None:
                return found
        message = messages[key]
        if "|" in message:
            message = plural(message, values.get("n", 0), language)
        if "{" in message:
            message = message.format_map({**nouns, **values})
        if not values:
            plain[key] = message
        return message

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


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)?$")


# A build asks for a review's date several times (its card, the page's JSON-LD,
# the trend, the feeds, data.json) and reviews share dates: both below are pure
# and memoised (7.5 calls a review at 10,000 reviews, 1.3 µs each before).
@functools.lru_cache(maxsize=4096)
def iso_date(text: str) -> str:
    """``YYYY-MM-DD`` when ``text`` starts with a valid ISO date, ``YYYY-MM`` when it
    is a month alone (``generator.dates`` writes both), else ``""``."""
    match = _ISO_DATE.match(text.strip())
    if not match:
        return ""
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return ""
    if match[3] is None:
        return f"{year:04d}-{month:02d}"
    day = int(match[3])
    if not 1 <= day <= 31:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


@functools.lru_cache(maxsize=4096)
def format_date(text: str, language: str) -> str:
    """A review's date for a reader (« 3 mars 2024 », « mars 2019 »); dates that are
    not ISO are shown as written."""
    iso = iso_date(text)
    if not iso:
        return text.strip()
    parts = [int(part) for part in iso.split("-")]
    messages = CATALOGUE[language]
    month_name = messages["months"].split()[parts[1] - 1]
    if len(parts) == 2:
        return messages["date.month"].format(month=month_name, year=parts[0])
    day = parts[2]
    shown_day = "1er" if language == "fr" and day == 1 else str(day)
    return messages["date"].format(day=shown_day, month=month_name, year=parts[0])
