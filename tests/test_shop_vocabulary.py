"""Shop, product and service reviews, and horror vocabulary that turns around
(issue 14): the review lexicon's entries and what the analyzer makes of short
reviews written for these tests."""

from __future__ import annotations

import pytest

from generator.analysis import Analyzer
from generator.analysis.lexicon import load_lexicon, score_tokens
from generator.analysis.tokens import normalized_tokens


def lexicon_balance(text: str) -> float:
    praise, blame, _, _ = score_tokens(normalized_tokens(text), load_lexicon())
    return praise - blame


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("moins cher du marché", 1),
        ("pas cher du tout", 1),
        ("trop cher", -1),
        ("une arnaque", -1),
        ("SAV injoignable", -1),
        ("colis jamais reçu", -1),
        ("ne fonctionne plus", -1),
        ("inadmissible", -1),  # textblob-fr has it positive
        ("une vraie claque", 1),
        ("terrifiant", 0),  # the genre's promise, not a fault
        ("glaçant et flippant", 0),
        ("gore", 0),
    ],
)
def test_review_lexicon_reads_shop_and_horror_words(text, sign):
    balance = lexicon_balance(text)
    assert (balance > 0) - (balance < 0) == sign


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Livraison rapide, produit conforme, je recommande.", "positive"),
        # Service nouns are not learnt from the ring shop's complaints (UNLEARNED).
        ("Service client réactif et remboursement en deux jours, nickel.", "positive"),
        ("Remboursement rapide, service client au top.", "positive"),
        ("Colis jamais reçu, SAV injoignable, une arnaque.", "negative"),
        ("Produit défectueux, le vendeur ne répond pas, à fuir.", "negative"),
        ("Trop cher pour une qualité médiocre, emballage abîmé.", "negative"),
        ("Terrifiant et glaçant du début à la fin, une vraie claque !", "positive"),
        ("Un film d'horreur vraiment flippant, gore juste ce qu'il faut, j'ai adoré.", "positive"),
    ],
)
def test_shop_and_horror_reviews(analyzer, text, label):
    assert analyzer.analyze(text).label == label


def test_shop_nouns_are_aspects(analyzer):
    keys = analyzer.analyze("Le colis est arrivé vite mais la livraison était chère.").aspect_keys
    assert {"colis", "livraison"} <= set(keys)


def test_unlearned_words_are_counted_but_not_learned():
    """Training leaves out every feature of a shop's service nouns (their n-grams
    and character n-grams) but counts them, as the analyzer does, so the other
    features are scaled alike."""
    ts = pytest.importorskip("training.train_sentiment")  # numpy, scipy, scikit-learn
    text = "Remboursement rapide, service client au top."
    kept, _ = ts.review_features(text, True)
    every, _ = ts.review_features(text, True, unlearned=frozenset())
    assert "remboursement" in every and "service client" in every
    assert not [f for f in kept if "rembours" in f or "client" in f or "service" in f]
    assert kept["rapide"] == every["rapide"]
    assert kept[ts.CHAR_PREFIX + "<rap"] == every[ts.CHAR_PREFIX + "<rap"]
    assert set(kept) < set(every)
