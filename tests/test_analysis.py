"""Tests of the analysis stage (sentences, sentiment, aspects, summaries).

All review texts here are written for these tests, except the example site's
reviews in content/backstage.txt (the project's own example content).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analysis import AnalysisSettings, Analyzer, summarize_subject
from generator.analysis.analyzer import CLOSING_SENTENCES, CLOSING_WEIGHT, closing_logit
from generator.analysis.aspects import extract
from generator.analysis.lexicon import load_lexicon, score_tokens
from generator.analysis.sentences import split_sentences
from generator.analysis.tokens import normalized_tokens
from generator.config import SiteConfig, Thresholds
from generator.content import Review

ROOT = Path(__file__).resolve().parent.parent
BACKSTAGE = ROOT / "content" / "backstage.txt"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def review(i: int, text: str, rating: float | None = None, subject: str = "backstage") -> Review:
    return Review(
        id=f"r{i}", subject=subject, text=text, source=Path("x.txt"), line=i, rating=rating
    )


# --- sentiment -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ce n'est pas un bon film.", "negative"),
        ("Pas terrible.", "negative"),
        ("Franchement, pas terrible ce film.", "negative"),
        ("Pas mal du tout !", "positive"),
        ("Un navet.", "negative"),
        ("Quel navet, j'ai failli partir avant la fin.", "negative"),
        ("Un chef-d'œuvre.", "positive"),
        ("Un vrai chef d'oeuvre, à voir absolument !", "positive"),
        ("Bof.", "negative"),
        ("Une perte de temps totale.", "negative"),
        ("Très bon film, je le recommande.", "positive"),
        ("Les acteurs sont bons, mais le scénario est ennuyeux et la fin est ratée.", "negative"),
        ("Le début est lent, mais la suite est excellente et très émouvante.", "positive"),
    ],
)
def test_french_sentences(analyzer: Analyzer, text: str, expected: str) -> None:
    assert analyzer.analyze(text).label == expected


def test_review_lexicon_gaps(analyzer: Analyzer) -> None:
    # fr-review-lexicon.tsv: "ennuyante" is a form of "ennuyeuse", and "jamais été
    # aussi" ends the negation rather than turning the adjective after it around.
    lexicon = load_lexicon()

    def balance(text: str) -> float:
        praise, blame, _, _ = score_tokens(normalized_tokens(text), lexicon)
        return praise - blame

    assert balance("Une série ennuyante.") < 0
    assert balance("Le jeu n'a jamais été aussi juste.") > 0
    assert balance("Le jeu n'a jamais été aussi mauvais.") < 0
    assert analyzer.analyze("Une série ennuyante.").label == "negative"
    assert analyzer.analyze("Le jeu des acteurs n'a jamais été aussi juste.").label != "negative"


def test_negation_flips_polarity(analyzer: Analyzer) -> None:
    assert analyzer.analyze("C'est un bon film.").polarity > 0
    assert analyzer.analyze("Ce n'est pas un bon film.").polarity < 0


def test_closing_logit_counts_the_closing_sentence_only_against_the_whole() -> None:
    w = CLOSING_WEIGHT
    assert closing_logit(2.0, -3.0, CLOSING_SENTENCES) == 2.0 - w * 3.0
    assert closing_logit(-2.0, 3.0, CLOSING_SENTENCES + 2) == -2.0 + w * 3.0
    assert closing_logit(2.0, -3.0, CLOSING_SENTENCES - 1) == 2.0  # too short
    assert closing_logit(2.0, 3.0, CLOSING_SENTENCES) == 2.0  # never surer
    assert closing_logit(-1.0, 100.0, CLOSING_SENTENCES) == -1.0 + w * 40.0  # clamped
    assert closing_logit(2.0, -0.5, CLOSING_SENTENCES) == 2.0  # not a clear opinion


def test_closing_sentence_weighs_in_a_long_review(analyzer: Analyzer) -> None:
    # The same sentences in another order have the same features, so the same
    # logit: only which one closes the review differs.
    praise = [
        "Les acteurs sont excellents et la musique est magnifique.",
        "Une mise en scène brillante, des images superbes.",
    ]
    blame = "Mais franchement, la fin est ratée et décevante."
    closing_blame = analyzer.analyze(" ".join([*praise, blame]))
    closing_praise = analyzer.analyze(" ".join([blame, *praise]))
    assert closing_blame.sentences[-1].polarity < 0 < closing_praise.polarity
    assert closing_blame.polarity < closing_praise.polarity
    # Two sentences: too short for a closing verdict, the order does not matter.
    assert (
        analyzer.analyze(f"{praise[0]} {blame}").polarity
        == analyzer.analyze(f"{blame} {praise[0]}").polarity
    )


# The label a careful French reader gives each example review, in file order.
BACKSTAGE_EXPECTED = [
    {"positive"},  # 1 "Tres bon film ... A voir et a ecouter sans modération !"
    {"positive"},  # 2 "C'est un très beau film, les acteurs sont parfaits"
    {"negative"},  # 3 "Quel film je pourrais me louer ... quelle erreur!"
    {"positive"},  # 4 "Magnifique film ! Certes peu crédible mais ..."
    {"mixed", "negative"},  # 5 praises the actresses, but "très inégal", "bien dommage"
    {"negative", "mixed"},  # 6 "Bof moyen ... un gros gros bof"
    {"positive"},  # 7 "Un film extraordinaire!"
    {"positive"},  # 8 "Un excellent film ... A ne pas manquer!"
    {"positive"},  # 9 "foncez voir le film"
    {"negative"},  # 10 "les chansons sont laides et ennuyeuses"
    {"positive"},  # 11 "'Backstage' est puissant ... une présence extraordinaire"
]


def test_backstage_labels(analyzer: Analyzer) -> None:
    texts = BACKSTAGE.read_text(encoding="utf-8").split("\n")
    assert len(texts) == 11
    labels = [analyzer.analyze(t).label for t in texts]
    wrong = [
        (i + 1, got) for i, (got, ok) in enumerate(zip(labels, BACKSTAGE_EXPECTED)) if got not in ok
    ]
    assert not wrong, f"reviews with an unexpected label: {wrong}"


def test_polarity_in_range_and_deterministic(analyzer: Analyzer) -> None:
    texts = [
        "Génial génial génial !!! " * 30,
        "Nul nul nul, à éviter. " * 30,
        "",
        "...",
        "Le film dure deux heures.",
    ]
    for text in texts:
        a = analyzer.analyze(text)
        assert -1.0 <= a.polarity <= 1.0
        assert 0.0 <= a.subjectivity <= 1.0
        assert all(-1.0 <= s.polarity <= 1.0 for s in a.sentences)
        assert a == Analyzer().analyze(text)


def test_sentence_offsets_point_into_text(analyzer: Analyzer) -> None:
    text = "Super film ! Les acteurs sont excellents.\nMais la fin déçoit."
    a = analyzer.analyze(text)
    assert [s.text for s in a.sentences] == [
        "Super film !",
        "Les acteurs sont excellents.",
        "Mais la fin déçoit.",
    ]
    for s in a.sentences:
        assert text[s.start : s.end] == s.text


def test_cache_key_covers_settings_and_model() -> None:
    a = AnalysisSettings()
    b = AnalysisSettings.from_thresholds(Thresholds(positive=0.2, negative=-0.2))
    assert a.cache_key() != b.cache_key()
    assert Analyzer.version in a.cache_key()
    assert ":m" in a.cache_key() and ":l" in a.cache_key()


# --- sentence splitter -----------------------------------------------------------


def pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_abbreviations_and_decimals() -> None:
    assert pieces("M. Dupont joue bien. Note : 4.5 sur 5, etc. et voilà.") == [
        "M. Dupont joue bien.",
        "Note : 4.5 sur 5, etc. et voilà.",
    ]


def test_split_ellipsis_without_space() -> None:
    # "artiste...Meme": no space after the dots, a new sentence starts anyway.
    assert pieces("je suis fan d'une artiste...Meme plusieurs ! Et donc voilà") == [
        "je suis fan d'une artiste...",
        "Meme plusieurs !",
        "Et donc voilà",
    ]


def test_split_line_breaks_and_questions() -> None:
    assert pieces("Quel film ?! Vraiment\n\nbien.") == ["Quel film ?!", "Vraiment", "bien."]


# --- aspects -----------------------------------------------------------------------


def test_aspect_keys_merge_number_case_accents() -> None:
    keys = [k for k, _ in extract("La chanson est belle, les Chansons aussi.")]
    assert keys == ["chanson", "chanson"]
    assert [k for k, _ in extract("Le scénario et le Scenario.")] == ["scenario", "scenario"]


def test_aspect_names_merge(analyzer: Analyzer) -> None:
    texts = [
        "J'ai adoré Emmanuelle Seigner dans ce rôle, et les chansons sont belles.",
        "Seigner est parfaite, la chanson finale aussi.",
        "Une chanson magnifique, et Seigner chante juste.",
    ]
    reviews = [review(i, t) for i, t in enumerate(texts)]
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig())
    by_key = {a.key: a for a in summary.aspects}
    assert by_key["seigner"].mentions == 3
    assert by_key["seigner"].text == "Emmanuelle Seigner"
    assert by_key["chanson"].mentions == 3
    assert by_key["chanson"].positive >= 2


def test_no_junk_or_title_aspects(analyzer: Analyzer) -> None:
    texts = BACKSTAGE.read_text(encoding="utf-8").split("\n")
    reviews = [review(i, t) for i, t in enumerate(texts)]
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig())
    keys = [a.key for a in summary.aspects]
    assert keys, "the example has aspects"
    junk = {"film", "chose", "fois", "c'est", "d'", "il", "elle", "on", "backstage", "tout", "gens"}
    assert not junk & set(keys)
    assert {"chanson", "acteur"} & set(keys[:6])  # (actrices: under "acteur", aspect_terms.tsv)
    assert summary.consensus.startswith("Les spectateurs")


def test_consensus_in_english(analyzer: Analyzer) -> None:
    texts = ["Les acteurs sont excellents et géniaux."] * 3 + ["Des acteurs formidables, bravo."]
    reviews = [review(i, t) for i, t in enumerate(texts)]
    summary = summarize_subject(
        reviews, [analyzer.analyze(t) for t in texts], SiteConfig(language="en")
    )
    # a film: viewers; the French aspect named in English (aspect_terms.tsv)
    assert summary.consensus.startswith("Viewers mostly praise the acting")


# --- quotes -----------------------------------------------------------------------


def test_quotes_on_example(analyzer: Analyzer) -> None:
    texts = BACKSTAGE.read_text(encoding="utf-8").split("\n")
    reviews = [review(i, t) for i, t in enumerate(texts)]
    analyses = [analyzer.analyze(t) for t in texts]
    summary = summarize_subject(reviews, analyses, SiteConfig())
    assert len(summary.pros) >= 2 and len(summary.cons) >= 2
    for quotes in (summary.pros, summary.cons):
        ids = [q.review_id for q in quotes]
        assert len(ids) == len(set(ids)), "never two quotes from one review"
    for q in summary.pros + summary.cons:
        assert "?" not in q.text
        assert 6 <= len(q.text.split()) <= 40
        text = texts[int(q.review_id[1:])]
        assert text[q.start : q.end] == q.text
    assert all(q.polarity > 0 for q in summary.pros)
    assert all(q.polarity < 0 for q in summary.cons)


def test_quotes_skip_questions_and_duplicates(analyzer: Analyzer) -> None:
    texts = [
        "Ce film est-il vraiment le meilleur film de cette année, génial et magnifique ?",
        "Les acteurs sont excellents et la musique est magnifique du début à la fin.",
        "Les acteurs sont excellents et la musique est magnifique du début à la fin.",
    ]
    reviews = [review(i, t) for i, t in enumerate(texts)]
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig())
    assert len(summary.pros) == 1
    assert "?" not in summary.pros[0].text


# --- ratings ----------------------------------------------------------------------


def test_verdict_uses_ratings_when_most_reviews_are_rated(analyzer: Analyzer) -> None:
    texts = ["Un très bon film.", "Pas terrible.", "Excellent, à voir.", "Bof."]
    ratings = [5.0, 2.0, 4.0, None]
    reviews = [review(i, t, r) for i, (t, r) in enumerate(zip(texts, ratings))]
    v = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig()).verdict
    assert v.based_on == "ratings"
    assert v.rated == 3
    assert v.average_rating == pytest.approx(11 / 3, abs=0.01)
    assert v.share_good_ratings == pytest.approx(2 / 3, abs=0.001)
    assert v.score == round(100 * (11 / 3) / 5)
    assert v.positive == 2 and v.negative == 2  # labels still come from the text


def test_verdict_uses_text_when_few_ratings(analyzer: Analyzer) -> None:
    texts = ["Un très bon film.", "Excellent, à voir.", "Magnifique.", "Bof."]
    reviews = [review(i, t, 1.0 if i == 0 else None) for i, t in enumerate(texts)]
    v = summarize_subject(
        reviews, [analyzer.analyze(t) for t in texts], SiteConfig(language="en")
    ).verdict
    assert v.based_on == "text"
    assert v.average_rating is None
    assert v.score == 75 and v.label == "Positive"


def test_disagreements(analyzer: Analyzer) -> None:
    texts = [
        "Un navet absolu, nul et ennuyeux, une perte de temps.",  # rated 10/10
        "Un chef-d'œuvre magnifique, je recommande, génial !",  # rated 1/10
        "Un chef-d'œuvre magnifique, je recommande, génial !",  # rated 9/10
    ]
    reviews = [review(i, t, r) for i, (t, r) in enumerate(zip(texts, [10, 1, 9]))]
    config = SiteConfig(rating_scale=10)
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], config)
    assert summary.disagreements == frozenset({"r0", "r1"})


def test_participles_and_interjections_are_not_aspects() -> None:
    # Folding accents would make the participle "intrigué" the noun "intrigue".
    # ("intrigue" is a synonym of "scénario": aspect_terms.tsv)
    assert [k for k, _ in extract("Je suis touché et intrigué par l'intrigue du film.")] == [
        "scenario"
    ]
    assert [k for k, _ in extract("J'ai été intrigué, puis déçu.")] == []
    # "Tiens" opening a sentence is not a name.
    assert extract("Tiens, celui-ci a l'air pas mal.") == []
    # A name opening a sentence still is.
    assert [k for k, _ in extract("Seigner chante faux mais joue juste.")] == ["seigner"]


def test_verbs_with_a_hyphenated_pronoun_are_not_names() -> None:
    # An inverted subject or an imperative's pronoun opening a sentence is
    # capitalised but names nothing.
    for text in (
        "Est-ce que le casting est bon ?",
        "Peut-on parler du casting ?",
        "Croyez-moi, le casting est parfait.",
        "Va-t-il sauver le casting ?",
        "Allez-y pour le casting.",
    ):
        assert [k for k, _ in extract(text)] == ["acteur"], text  # casting: a synonym
    # Hyphenated first names still make names, whatever their last part.
    assert extract("Un film de Jean-Pierre Jeunet, vraiment.") == [("jeunet", "Jean-Pierre Jeunet")]
    assert extract("Bravo à Jong-Il pour ce film.") == [("jong-il", "Jong-Il")]
    import reference_analysis as _reference

    assert _reference.extract("Est-ce que Seigner chante ?") == extract(
        "Est-ce que Seigner chante ?"
    )


def test_set_phrases_and_opinions_are_not_aspects() -> None:
    def keys(text: str) -> list[str]:
        return [k for k, _ in extract(text)]

    # "chef-d'œuvre" is an opinion, however it is written; a chef is an aspect.
    for text in (
        "C'est un chef d'œuvre.",
        "Deux chefs d’œuvres.",
        "un chef d oeuvre",
        "Chef-d'œuvre absolu.",
        "Un chef-d'œuvre.",
    ):
        assert keys(text) == [], text
    assert keys("Un chef d'oeuvre, ce casting.") == ["acteur"]
    assert keys("Le chef cuisinier est génial.") == ["chef"]
    # The nouns of set phrases name nothing reviewed.
    # ("au fil des épisodes" says when: no aspect either)
    assert keys("Au fil des épisodes, le scénario tient la route.") == ["scenario"]
    assert keys("Le casting fait mouche et tient en haleine, ça vaut le détour.") == ["acteur"]
    assert keys("Pour l'instant, j'attends avec impatience le casting, une honte.") == ["acteur"]
    # A name may end with one of their nouns.
    assert extract("Jacques Perle joue bien.") == [("perle", "Jacques Perle")]
    # The article of an English title is not tea ("thé").
    assert keys("J'adore the walking dead et The Office est génial.") == ["office"]
    # Other spellings of one aspect are one aspect.
    assert {k for t in ("Un suspens fou.", "Du suspence.", "Le suspense.") for k in keys(t)} == {
        "suspense"
    }
    assert keys("Des questions restent en suspens.") == []  # "unresolved"
    # The trailer is one aspect, however it is written.
    assert {
        k
        for t in (
            "La bande annonce ment.",
            "La bande-annonce ment.",
            "Les bandes-annonces mentent.",
            "Les bandes annonces mentent.",
        )
        for k in keys(t)
    } == {"bande-annonce"}


def test_the_oe_ligature_reads_as_oe() -> None:
    # The stop list spells "oeuvre": "œuvre" is not an aspect either.
    assert extract("Une œuvre magnifique.") == extract("Une oeuvre magnifique.") == []
    # Both spellings are one aspect, shown as written.
    assert extract("Ma sœur est géniale.") == [("soeur", "sœur")]
    assert [k for k, _ in extract("Sa soeur est drôle.")] == ["soeur"]
    import reference_analysis as _reference

    for text in ("Une œuvre magnifique.", "Ma sœur est géniale.", "Un chef d'œuvre, ce film."):
        assert _reference.extract(text) == extract(text)


def test_review_nouns_with_accents_stay_aspects_and_sigma_folds_in_context() -> None:
    assert [k for k, _ in extract("Le méchant est réussi, les méchants aussi.")] == [
        "personnage",
        "personnage",
    ]
    # Σ lowers to ς or σ depending on what follows: the sentence is folded whole.
    text = "Le ΚΟΣΜΟΣ\u0301Α est vraiment magnifique."
    assert extract(text) == extract(text, None)
    import reference_analysis as _reference

    assert extract(text) == _reference.extract(text)
