"""Which sentences may be quoted as a subject's pros and cons (issue 14): pros only
from reviews whose rating, where there is one, is good, cons only from bad ones,
and a con must criticise something. Texts written for these tests; analyses built
by hand so each rule is tested alone, whatever the model's weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analysis.quotes import criticises, pick_quotes
from generator.analysis.sentences import split_sentences
from generator.analysis.types import ReviewAnalysis, SentenceAnalysis
from generator.content import Review


def analysed(text: str, polarity: float) -> ReviewAnalysis:
    """Every sentence of ``text`` as polar as the review (a clear pro or con)."""
    sentences = tuple(
        SentenceAnalysis(text[s:e], s, e, polarity, 0.5) for s, e in split_sentences(text)
    )
    label = "positive" if polarity > 0 else "negative"
    return ReviewAnalysis(polarity=polarity, subjectivity=0.5, label=label, sentences=sentences)


def review(i: int, text: str, rating: float | None = None) -> Review:
    return Review(
        id=f"r{i}", subject="Boutique", text=text, source=Path("x.csv"), line=i + 1, rating=rating
    )


def quotes(items: list[tuple[str, float, float | None]], positive: bool) -> list[str]:
    reviews = [review(i, t, r) for i, (t, _, r) in enumerate(items)]
    analyses = [analysed(t, p) for t, p, _ in items]
    return [q.text for q in pick_quotes(reviews, analyses, positive=positive)]


@pytest.mark.parametrize(
    "text",
    [
        "Je mets une étoile pour la musique qui mérite quand même d'être écoutée.",
        "Prix 15 % moins cher du marché, livraison en deux jours.",
        "Une vraie claque du début à la fin de la séance.",
        # "réussis" scored -0.2 by textblob-fr (fr-review-lexicon.tsv corrects it)
        "Point positif : les zombies sont plutôt réussis et les effets gore aussi.",
    ],
)
def test_sentences_that_blame_nothing_do_not_criticise(text):
    assert not criticises(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le scénario ne tient pas debout une seconde.",
        "Service client injoignable depuis trois semaines, une arnaque.",
        "Les acteurs sont bons mais le film est ennuyeux.",
        "Colis jamais reçu malgré mes relances auprès du vendeur.",
        "La bague ne fonctionne plus au bout de deux semaines.",
    ],
)
def test_sentences_that_find_fault_criticise(text):
    assert criticises(text)


def test_a_con_must_criticise_something():
    praise = "Je mets une étoile pour la musique qui mérite quand même d'être écoutée."
    fault = "Le scénario ne tient pas debout une seconde."
    picked = quotes([(praise, -0.99, None), (fault, -0.99, None)], positive=False)
    assert picked == [fault]


def test_pros_only_from_good_ratings_and_cons_only_from_bad_ones():
    pro = "La livraison est rapide et le produit est vraiment excellent."
    con = "Le produit est arrivé cassé et le vendeur est malhonnête."
    # Text and rating agree: quoted.
    assert quotes([(pro, 0.99, 5.0)], positive=True) == [pro]
    assert quotes([(con, -0.99, 1.0)], positive=False) == [con]
    # A middling rating (3/5) gives neither side; 2.5/5 is not bad enough for a con.
    assert quotes([(pro, 0.99, 3.0)], positive=True) == []
    assert quotes([(con, -0.99, 3.0)], positive=False) == []
    assert quotes([(con, -0.99, 2.5)], positive=False) == []
    assert quotes([(con, -0.99, 2.0)], positive=False) == [con]
    # No rating: the text decides.
    assert quotes([(con, -0.99, None)], positive=False) == [con]


def test_a_sentence_in_lower_case_after_a_full_stop_may_be_quoted():
    # The writer did not capitalise after "!": a whole sentence, not a cut-off part.
    after_stop = (
        "Impossible d'accrocher à cette série! désolée pour les fans mais je n'ai pas "
        "du tout aimé les personnages."
    )
    assert quotes([(after_stop, -0.99, None)], positive=False) == [
        "désolée pour les fans mais je n'ai pas du tout aimé les personnages."
    ]
    # After an ellipsis the same words go on the sentence before: a fragment.
    after_ellipsis = after_stop.replace("série!", "série...")
    assert quotes([(after_ellipsis, -0.99, None)], positive=False) == []
