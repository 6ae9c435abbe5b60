"""The consensus sentence ("Les spectateurs saluent surtout la musique ; ils
critiquent le scénario.") from the aspects' counts, with its French grammar:
articles by gender and number, names without article, French typography."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Iterable, Sequence

from generator.analysis import aspects as _aspects
from generator.analysis.language import LANGUAGES as _LANGUAGES
from generator.analysis.tokens import fold
from generator.analysis.types import Aspect
from generator.audience import audience_for

log = logging.getLogger(__name__)

NNBSP = "\u202f"  # narrow no-break space, before ; : ! ? in French
# Invariable nouns: written with a final -s/-x in the singular too.
_INVARIABLE = frozenset(
    "univers heros succes corps pays temps prix propos discours parcours remords repas proces "
    "acces exces progres dos bras fils poids mois avis sens virus campus concours secours "
    "voix choix croix paradis rebus puits".split()
)
# Gender of common review nouns, by aspect key (folded singular).
_MASCULINE = frozenset(
    (
        "scenario acteur casting dialogue episode personnage jeu rythme montage doublage "
        "decor costume suspense humour univer univers heros mechant duo role sujet film "
        "realisateur scenariste comedien chanteur interprete effets effets speciaux "
        "son pilote final finale-de-saison cliffhanger zombie groupe succes cliche "
        "interet amour ton message propos theme format visuel spectacle talent charisme "
        "plan cadre recit denouement twist rebondissement traitement realisme "
        "travail script casting doublage sous-titre generique tournage budget "
        "produit service site prix delai colis emballage paiement magasin vendeur stock "
        "conseiller accueil envoi article tarif cout sav"
    ).split()
) | {"effets speciaux"}
_FEMININE_KEYS = frozenset(
    (
        "histoire mise en scene musique chanson realisation fin saison actrice interpretation "
        "intrigue scene image photographie voix serie emotion comedie idee ambiance atmosphere "
        "performance chanteuse presence psychologie relation star bande originale heroine "
        "realisatrice comedienne fille famille planete banlieue longueur lenteur "
        "suite narration tension action violence morale bo b.o bande-son distribution "
        "intensite qualite duree partition vie realite bande-annonce "
        "bague commande taille batterie garantie livraison expedition appli"
    ).split()
) | {"mise en scene", "bande originale"}
# Words whose "h" forbids elision ("le héros", not "l'héros").
_H_ASPIRE = frozenset(
    "heros hasard haine honte hauteur handicap hall hockey huis hurlement".split()
)
_FEMININE_ENDINGS = (
    "tion",
    "sion",
    "ure",
    "ence",
    "ance",
    "ette",
    "euse",
    "trice",
    "ude",
    "esse",
    "aison",
    "ite",
)
_MASCULINE_ENDINGS = ("ment", "isme", "oir", "ier", "eau")


def _gender(aspect: Aspect, guess: bool = True) -> str:
    """ "m", "f" or "" (unknown) for a common noun: from the table, else (with
    ``guess``) from a telling ending ("-tion", "-ment")."""
    shown = fold(aspect.text)
    # The form shown first: a key may gather synonyms of another gender
    # ("histoire" under "scenario").
    for word in (shown, shown[:-1] if shown[-1:] in "sx" else shown, fold(aspect.key)):
        if word in _FEMININE_KEYS:
            return "f"
        if word in _MASCULINE:
            return "m"
    if not guess:
        return ""
    key = shown.split()[0] if shown.split() else fold(aspect.key)
    key = key[:-1] if key[-1:] in "sx" and len(key) > 3 else key
    if key.endswith(_FEMININE_ENDINGS) and len(key) > 5:
        return "f"
    if key.endswith(_MASCULINE_ENDINGS) and len(key) > 5 and key not in ("eau", "peau"):
        return "m"
    return ""


def _is_name(aspect: Aspect) -> bool:
    text = aspect.text
    return text[:1].isupper() and not text.isupper() and not _gender(aspect, guess=False)


def _is_plural(aspect: Aspect) -> bool:
    shown = fold(aspect.text)
    last = shown.split()[-1] if shown.split() else shown
    if last in _INVARIABLE or shown in _INVARIABLE:
        return False
    return shown.endswith(("s", "x")) and shown != aspect.key


@functools.cache
def _names(language: str) -> dict[str, str]:
    return _aspects.term_names(language)


def _term_language(text: str) -> str:
    """ "fr" or "en" when ``text`` is an aspect term of that language only, else ""."""
    folded = fold(text).replace("’", "'")
    words = tuple(_aspects.WORD_RE.findall(folded))
    french = words in _aspects._TERM_PHRASES or _aspects.singular_key(folded) in _aspects.TERMS
    english = (
        words in _aspects._EN_TERM_PHRASES or _aspects.english_singular(folded) in _aspects.EN_TERMS
    )
    return "fr" if french and not english else "en" if english and not french else ""


def in_language(aspect: Aspect, language: str) -> Aspect:
    """The aspect named in ``language`` when it is shown by a term of the other
    one: an English subject's "battery" is "batterie" in a French sentence, a
    French subject's "musique" is "music" in an English one."""
    if _is_name(aspect) or _term_language(aspect.text) in ("", language):
        return aspect
    name = _names(language).get(aspect.key)
    return dataclasses.replace(aspect, text=name) if name else aspect


def named_for_readers(
    aspects: Sequence[Aspect], languages: Iterable[str], language: str = "fr"
) -> tuple[Aspect, ...]:
    """The aspects as a subject's page names them. A subject reviewed in one
    language shows each aspect by its most written form (an English product's
    "battery" on a French-interface site, as its cards say). One reviewed in
    both (``languages``: its analysed reviews' languages) names each aspect in
    the interface ``language`` when the aspect is a term of the other one, so
    its list does not mix "customer service" with "produit"."""
    if len(set(languages) & set(_LANGUAGES)) < 2:
        return tuple(aspects)
    return tuple(in_language(a, language) for a in aspects)


def _with_article(aspect: Aspect, language: str) -> str | None:
    """The aspect as a noun phrase ("les chansons", "l'histoire", "Emmanuelle
    Seigner"); None when its article is unknown (French gender not known)."""
    aspect = in_language(aspect, language)
    text = aspect.text
    if _is_name(aspect):
        return text  # a name takes no article
    if language == "en":
        return f"the {text}"
    if _is_plural(aspect):
        return f"les {text}"
    shown = fold(text)
    if shown[:1] in "aeiouy" or (shown[:1] == "h" and shown.split()[0] not in _H_ASPIRE):
        return f"l'{text}"
    gender = _gender(aspect)
    if gender == "f":
        return f"la {text}"
    if gender == "m":
        return f"le {text}"
    return None


def _join(items: list[str], language: str) -> str:
    word = " and " if language == "en" else " et "
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + word + items[-1]


def _split_opinions(aspects: Sequence[Aspect]) -> tuple[list[Aspect], list[Aspect], list[Aspect]]:
    """(praised, criticised, divisive) aspects, in rank order: praised when at
    least twice as many reviews praise it as criticise it, criticised the reverse,
    divisive when neither side is twice the other; at least two polar reviews."""
    praised, criticised, divisive = [], [], []
    for a in aspects:
        if a.positive + a.negative < 2:
            continue
        if a.positive >= 2 * max(1, a.negative):
            praised.append(a)
        elif a.negative >= 2 * max(1, a.positive):
            criticised.append(a)
        else:
            divisive.append(a)
    return praised, criticised, divisive


def consensus_sentence(aspects: Sequence[Aspect], language: str = "fr", audience: str = "") -> str:
    """One deterministic sentence from the aspects' per-review counts: up to two
    praised aspects, two criticised, one divisive. ``audience``: the reviewers'
    plural noun (``generator.audience``; by default that of films).

    French: names take no article, common nouns the article of their gender and
    number ("les chansons", "la mise en scène", "l'histoire"); a list with a noun
    whose gender is unknown is written without articles after a colon. French
    typography: a narrow no-break space (U+202F) before ";" and ":".
    """
    praised, criticised, divisive = _split_opinions(aspects)
    p, c, d = praised[:2], criticised[:2], divisive[:1]
    noun = (audience or audience_for("Movie", language).noun).strip()
    if language == "en":
        return _consensus_en(p, c, d, noun[:1].upper() + noun[1:])
    return _consensus_fr(p, c, d, noun)


def _consensus_en(p: list[Aspect], c: list[Aspect], d: list[Aspect], who: str) -> str:
    parts = []
    if p:
        parts.append(
            f"{who} mostly praise {_join([_with_article(a, 'en') or a.text for a in p], 'en')}"
        )
    if c:
        parts.append(
            f"{'they criticise' if p else who + ' criticise'} {_join([_with_article(a, 'en') or a.text for a in c], 'en')}"
        )
    if d:
        phrase = f"{_join([_with_article(a, 'en') or a.text for a in d], 'en')} {'divide' if len(d) > 1 else 'divides'} opinion"
        parts.append(phrase if parts else phrase[0].upper() + phrase[1:])
    return ("; ".join(parts) + ".") if parts else ""


def _phrases_fr(items: list[Aspect]) -> tuple[str, bool]:
    """The items joined, and whether they all took an article."""
    with_articles = [_with_article(a, "fr") for a in items]
    if all(w is not None for w in with_articles):
        return _join(with_articles, "fr"), True  # type: ignore[arg-type]
    return ", ".join(a.text for a in items), False


def _consensus_fr(p: list[Aspect], c: list[Aspect], d: list[Aspect], noun: str) -> str:
    parts = []
    if p:
        text, ok = _phrases_fr(p)
        subject = f"Les {noun} saluent"
        parts.append(f"{subject} surtout {text}" if ok else f"{subject} surtout{NNBSP}: {text}")
    if c:
        text, ok = _phrases_fr(c)
        subject = "ils critiquent" if parts else f"Les {noun} critiquent"
        parts.append(f"{subject} {text}" if ok else f"{subject}{NNBSP}: {text}")
    if d:
        text, ok = _phrases_fr(d)
        if ok:
            plural = len(d) > 1 or text.startswith("les ")
            phrase = f"{text} {'divisent' if plural else 'divise'}"
        else:
            phrase = f"les avis divergent{NNBSP}: {text}"
        parts.append(phrase if parts else phrase[0].upper() + phrase[1:])
    return (f"{NNBSP}; ".join(parts) + ".") if parts else ""


def aspect_line(aspect: Aspect, language: str = "fr") -> str:
    """One line for a reader about one aspect: how many of the reviews naming it
    praise it, and its best mention on the side that wins ("La musique : 21 avis
    positifs sur 26 — « … »"; "sur 26": the reviews that name it)."""
    best = aspect.best_positive if aspect.positive >= aspect.negative else aspect.best_negative
    if language == "en":
        text = in_language(aspect, "en").text
        name = text if _is_name(aspect) else text[:1].upper() + text[1:]
        noun = "review" if aspect.mentions == 1 else "reviews"
        line = f"{name}: {aspect.positive} positive out of {aspect.mentions} {noun}"
        return line + (f" — “{best.text}”" if best else "")
    phrase = _with_article(aspect, "fr") or aspect.text
    name = phrase[:1].upper() + phrase[1:]
    adjective = "positif" if aspect.positive == 1 else "positifs"
    line = f"{name}{NNBSP}: {aspect.positive} avis {adjective} sur {aspect.mentions}"
    return line + (f" — «{NNBSP}{best.text}{NNBSP}»" if best else "")


def with_lines(aspects: Sequence[Aspect], language: str = "fr") -> tuple[Aspect, ...]:
    """The aspects, each with its ``line`` (``aspect_line``)."""
    return tuple(dataclasses.replace(a, line=aspect_line(a, language)) for a in aspects)
