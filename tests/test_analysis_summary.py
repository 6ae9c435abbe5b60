"""Tests of the subject summary read as a careful French reader would: sentence
splitting, quotes that are whole sentences, names merged as people, counts that
add up, and a consensus sentence in correct French.

All review texts here are written for these tests, except the example site's
reviews in content/backstage.txt (the project's own example content).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analysis import Analyzer, summarize_subject
from generator.analysis.sentences import split_sentences
from generator.analysis.summary import (
    NNBSP,
    consensus_sentence,
    is_fragment,
    pick_quotes,
    review_tier,
)
from generator.analysis.types import Aspect
from generator.config import SiteConfig
from generator.content import Review

ROOT = Path(__file__).resolve().parent.parent
BACKSTAGE = ROOT / "content" / "backstage.txt"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def review(i: int, text: str, subject: str = "Le Phare") -> Review:
    return Review(id=f"r{i}", subject=subject, text=text, source=Path("x.txt"), line=i)


def summarize(analyzer: Analyzer, texts: list[str], language: str = "fr"):
    reviews = [review(i, t) for i, t in enumerate(texts)]
    return summarize_subject(
        reviews, [analyzer.analyze(t) for t in texts], SiteConfig(language=language)
    )


def pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# --- sentence splitting ------------------------------------------------------------


def test_glued_sentences_are_split() -> None:
    text = "Le début est lent.Les comédiens sont justes!Quelle surprise?Oui, vraiment."
    assert pieces(text) == [
        "Le début est lent.",
        "Les comédiens sont justes!",
        "Quelle surprise?",
        "Oui, vraiment.",
    ]


def test_glued_split_keeps_hyphenated_words_and_spaced_stops() -> None:
    assert pieces("Un vrai feel-good.Je recommande.") == ["Un vrai feel-good.", "Je recommande."]
    assert pieces("la meilleure série du moment .Un régal") == [
        "la meilleure série du moment .",
        "Un régal",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "J'ai croisé M.Durand au cinéma hier soir.",
        "Voir www.Cinefil.fr pour la bande-annonce.",
        "La note moyenne est de 3.5 sur cinq.",
        "Des effets, des cascades, etc.Rien de neuf.",
        "Le personnage de J.Martin est attachant.",
        "Vu en V.O. sous-titrée au cinéma du quartier.",
    ],
)
def test_no_split_inside_initials_abbreviations_urls_decimals(text: str) -> None:
    assert pieces(text) == [text]


# --- quotes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Et le pire c'est que la salle applaudit ...",  # connector opening, trails off
        "Mais alors quel ennui du début à la fin.",  # short, connector opening
        "Un portrait sensible entre deux sœurs...",  # trails off, no verb
        "des dialogues ratés et une fin bâclée.",  # lower-case opening
        "Nul, nul, vraiment nul, archi nul !",  # neither noun nor verb
        "Le scénario (qui se perd en route est bâclé.",  # unbalanced bracket
    ],
)
def test_fragments(text: str) -> None:
    assert is_fragment(text)


@pytest.mark.parametrize(
    "text",
    [
        "Un film glacial, une intrigue sans âme.",  # nominal sentence, two nouns
        "La photographie est superbe et la musique accompagne chaque scène.",
        "C'est un très beau film, les comédiens sont tous parfaits....",  # complete, long enough
        "Mais au bout du compte, la mise en scène sauve largement ce film pourtant fragile.",
    ],
)
def test_whole_sentences(text: str) -> None:
    assert not is_fragment(text)


def test_lower_case_opening_is_a_fragment_unless_the_sentence_before_ended() -> None:
    text = "désolée pour les fans mais je n'ai pas du tout aimé les personnages."
    assert is_fragment(text)  # first sentence: nothing says it is whole
    assert is_fragment(text, previous="Je ne sais pas trop...")  # the ellipsis goes on
    assert is_fragment(text, previous="Impossible d'accrocher à cette série,")
    for ended in ("Impossible d'accrocher!", "J'ai essayé.", "Pourquoi ?", "Vu « Avatar ». "):
        assert not is_fragment(text, previous=ended), ended


def test_trailing_ellipsis_followed_by_lower_case_is_a_fragment() -> None:
    text = "Un excellent film sur les rapports entre les musiciens et leur public..."
    assert not is_fragment(text, "Et puis voilà.")
    assert is_fragment(text, "mais aussi sur la vie en tournée.")


def test_fragment_quotes_are_never_picked(analyzer: Analyzer) -> None:
    texts = [
        (
            "Quelle déception, un scénario ridicule et des dialogues affligeants. "
            "Et le pire c'est que la salle applaudit ..."
        ),
        "Un navet complet, le scénario est nul et ennuyeux du début à la fin. Mais alors quel ennui.",
        "Le montage est raté, la musique est insupportable et les acteurs sont mauvais.",
    ]
    summary = summarize(analyzer, texts)
    quoted = [q.text for q in summary.cons]
    assert len(quoted) >= 2
    assert not any(q.startswith(("Et ", "Mais ")) for q in quoted)
    assert not any(q.endswith(("...", "…")) for q in quoted)


def test_confident_reviews_are_quoted_first(analyzer: Analyzer) -> None:
    # A: praise, then a clear reservation (a less sure review, with a quotable
    # sentence naming the subject's main aspect); C: wholehearted praise.
    a = "Les acteurs sont excellents et la musique est superbe. Mais le scénario est un peu long."
    c = "Un film magnifique, drôle et émouvant, avec une mise en scène brillante et inventive."
    reviews = [review(0, a), review(1, c)]
    analyses = [analyzer.analyze(a), analyzer.analyze(c)]
    tiers = [review_tier(a.polarity) for a in analyses]
    assert None not in tiers and tiers[1] < tiers[0]  # C is surer than A
    assert "musique" in analyses[0].sentences[0].aspects
    music = (Aspect("musique", "musique", 2, 2, 0),)
    # Alone, the less sure review is quoted (few reviews: every slot counts) ...
    alone = pick_quotes(reviews[:1], analyses[:1], positive=True, limit=1, aspects=music)
    assert [q.review_id for q in alone] == ["r0"]
    # ... but a sure review goes first, though A's sentence names an aspect.
    both = pick_quotes(reviews, analyses, positive=True, limit=1, aspects=music)
    assert [q.review_id for q in both] == ["r1"]
    assert [
        q.review_id for q in pick_quotes(reviews, analyses, positive=True, limit=2, aspects=music)
    ] == ["r1", "r0"]


def test_backstage_quotes(analyzer: Analyzer) -> None:
    texts = BACKSTAGE.read_text(encoding="utf-8").split("\n")
    summary = summarize(analyzer, texts)
    assert len(summary.pros) >= 2 and len(summary.cons) >= 2
    for q in summary.pros + summary.cons:
        assert q.text[0].isupper() and not q.text.startswith(("Et ", "Mais ", "Donc "))
        assert "Et le pire" not in q.text
        assert ".Les" not in q.text and ".C'est" not in q.text  # glued sentences split
    assert sum(1 for q in summary.pros + summary.cons if q.aspect) >= 3  # name an aspect
    for quotes in (summary.pros, summary.cons):
        aspects = [q.aspect for q in quotes if q.aspect]
        assert len(aspects) == len(set(aspects)), "one quote per aspect"


# --- names -------------------------------------------------------------------------

DIRECTOR_AND_ACTRESS = [
    "Sandrine Dumas signe une mise en scène superbe, et Sandrine Navarro est bouleversante.",
    "Sandrine Navarro joue juste, un rôle magnifique. Navarro porte le film.",
    "J'ai adoré la voix de sandrine navarro, vraiment sublime.",
    "Sandrine est lumineuse du début à la fin, quelle actrice formidable.",
]


def test_first_and_last_names_merge_into_the_full_name(analyzer: Analyzer) -> None:
    summary = summarize(analyzer, DIRECTOR_AND_ACTRESS)
    shown = {a.text: a for a in summary.aspects}
    # "Navarro" alone, "sandrine navarro" in lower case and the lone "Sandrine"
    # (the most mentioned Sandrine) are all Sandrine Navarro, with capitals.
    assert shown["Sandrine Navarro"].mentions == 4
    assert "Sandrine Dumas" not in shown  # named by one review only
    assert not {"Sandrine", "sandrine", "Navarro"} & set(shown)


def test_ambiguous_first_name_is_dropped(analyzer: Analyzer) -> None:
    texts = [
        "Sandrine Dumas signe une mise en scène superbe, et Sandrine Navarro est bouleversante.",
        "Sandrine Dumas filme avec talent, Sandrine Navarro joue avec justesse.",
        "Sandrine est lumineuse du début à la fin, quelle beauté.",
        "Une mise en scène superbe, Sandrine est formidable.",
    ]
    summary = summarize(analyzer, texts)
    by_text = {a.text: a for a in summary.aspects}
    # Either Sandrine could be meant: the lone first name counts for neither.
    assert by_text["Sandrine Dumas"].mentions == 2
    assert by_text["Sandrine Navarro"].mentions == 2
    assert "Sandrine" not in by_text


def test_misspelt_last_name_joins_the_usual_spelling(analyzer: Analyzer) -> None:
    texts = [
        "Karim Lenoir est excellent dans ce rôle.",
        "Karim Lenoir porte le film, quel acteur.",
        "Karim Lenoix est parfait, une prestation superbe.",
    ]
    by_text = {a.text: a for a in summarize(analyzer, texts).aspects}
    assert by_text["Karim Lenoir"].mentions == 3
    assert "Karim Lenoix" not in by_text


# --- counts ------------------------------------------------------------------------


def test_counts_add_up(analyzer: Analyzer) -> None:
    for texts in (BACKSTAGE.read_text(encoding="utf-8").split("\n"), DIRECTOR_AND_ACTRESS):
        summary = summarize(analyzer, texts)
        assert summary.aspects
        for a in summary.aspects:
            assert a.positive + a.negative <= a.mentions <= len(texts), a
        ranks = [(-a.mentions, -(a.positive + a.negative)) for a in summary.aspects]
        assert ranks == sorted(ranks)


def test_a_review_counts_once_per_aspect(analyzer: Analyzer) -> None:
    texts = [
        (
            "La chanson du début est sublime. La chanson de la fin est sublime aussi. "
            "Mais une chanson est ratée."
        ),
        "Les chansons sont magnifiques.",
    ]
    by_key = {a.key: a for a in summarize(analyzer, texts).aspects}
    chanson = by_key["chanson"]
    assert chanson.mentions == 2
    assert chanson.positive == 2 and chanson.negative == 0


# --- consensus ---------------------------------------------------------------------


def test_backstage_consensus(analyzer: Analyzer) -> None:
    texts = BACKSTAGE.read_text(encoding="utf-8").split("\n")
    consensus = summarize(analyzer, texts).consensus
    assert consensus.startswith("Les spectateurs saluent surtout ")
    assert "l'emmanuelle" not in consensus.lower()
    assert "Emmanuelle Seigner" in consensus
    assert f"{NNBSP};" in consensus and " ;" not in consensus


def test_consensus_articles_and_typography() -> None:
    aspects = [
        Aspect("seigner", "Emmanuelle Seigner", 5, 5, 0),
        Aspect("mise en scène", "mise en scène", 4, 4, 0),
        Aspect("chanson", "chansons", 4, 0, 4),
        Aspect("scenario", "scénario", 4, 0, 3),
        Aspect("histoire", "histoire", 4, 2, 2),
    ]
    assert consensus_sentence(aspects) == (
        f"Les spectateurs saluent surtout Emmanuelle Seigner et la mise en scène{NNBSP}; "
        f"ils critiquent les chansons et le scénario{NNBSP}; l'histoire divise."
    )


def test_consensus_elision_and_number() -> None:
    aspects = [
        Aspect("univer", "univers", 3, 3, 0),
        Aspect("effets spéciaux", "effets spéciaux", 3, 3, 0),
        Aspect("musique", "musique", 3, 0, 3),
        Aspect("succe", "succès", 3, 2, 2),
    ]
    assert consensus_sentence(aspects) == (
        f"Les spectateurs saluent surtout l'univers et les effets spéciaux{NNBSP}; "
        f"ils critiquent la musique{NNBSP}; le succès divise."
    )


def test_consensus_unknown_gender_needs_no_article() -> None:
    aspects = [Aspect("acteur", "acteurs", 3, 3, 0), Aspect("bidule", "bidule", 3, 3, 0)]
    assert (
        consensus_sentence(aspects) == f"Les spectateurs saluent surtout{NNBSP}: acteurs, bidule."
    )


def test_consensus_only_criticism_or_division() -> None:
    assert (
        consensus_sentence([Aspect("fin", "fin", 3, 0, 3)]) == "Les spectateurs critiquent la fin."
    )
    assert consensus_sentence([Aspect("chanson", "chansons", 4, 2, 2)]) == "Les chansons divisent."
    assert consensus_sentence([Aspect("fin", "fin", 3, 1, 0)]) == ""


def test_consensus_in_english() -> None:
    aspects = [
        Aspect("seigner", "Emmanuelle Seigner", 5, 5, 0),
        Aspect("chanson", "chansons", 4, 0, 4),
        Aspect("histoire", "histoire", 4, 2, 2),
    ]
    assert consensus_sentence(aspects, "en") == (
        "Viewers mostly praise Emmanuelle Seigner; they criticise the chansons; "
        "the histoire divides opinion."
    )
    assert NNBSP not in consensus_sentence(aspects, "en")


def test_consensus_is_deterministic(analyzer: Analyzer) -> None:
    texts = BACKSTAGE.read_text(encoding="utf-8").split("\n")
    assert len({summarize(analyzer, texts).consensus for _ in range(3)}) == 1
