"""Aspect mentions: each with its exact span in the review text, its polarity and
label; read per subject with names merged and the title left out; the subject's
aspects with their share of praise, best mentions and a line for a reader.

Review texts here are written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analysis import Analyzer, summarize_subject
from generator.analysis.aspect_summary import review_mentions
from generator.analysis.types import mention_label
from generator.config import SiteConfig
from generator.content import Review


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def review(i: int, text: str, subject: str = "Le Phare") -> Review:
    return Review(id=f"r{i}", subject=subject, text=text, source=Path("x.txt"), line=i)


TEXTS = [
    "La musique est sublime.  Le scénario, lui, est   confus.\nEmmanuelle Seigner joue très bien.",
    "Les acteurs sont excellents. La mise en scène est soignée et la BO magnifique !",
    "Le Phare est un film raté : l'histoire est ennuyeuse et la musique trop présente.",
    "Œuvre étrange... Les décors sont beaux mais la fin déçoit vraiment.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_mention_is_an_exact_span_of_the_review(analyzer: Analyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.mentions
    previous = -1
    for key, form, start, end, polarity in analysis.mentions:
        assert 0 <= start < end <= len(text)
        assert start > previous, "in text order"
        previous = start
        written = text[start:end]
        assert written.split() == form.split() or written.lower() == form.lower(), (written, form)
        assert -1 <= polarity <= 1


def test_mentions_carry_their_keys_and_repeats(analyzer: Analyzer) -> None:
    text = "La musique est belle. La musique du générique aussi, et la BO entière."
    mentions = analyzer.analyze(text).mentions
    # "BO" is a synonym of "musique" (aspect_terms.tsv): one key, its own form.
    assert [m[0] for m in mentions] == ["musique", "musique", "musique"]
    assert [text[m[2] : m[3]] for m in mentions] == ["musique", "musique", "BO"]
    assert mentions[2][1] == "BO"


def test_labels_follow_polarity() -> None:
    assert mention_label(0.8) == "positive"
    assert mention_label(-0.8) == "negative"
    assert mention_label(0.0) == "neutral"


def test_the_subjects_title_is_not_a_mention(analyzer: Analyzer) -> None:
    text = TEXTS[2]
    analysis = analyzer.analyze(text)
    assert any(m[0] == "phare" for m in analysis.mentions)
    shown = review_mentions(analysis, "Le Phare", text)
    assert all(m[0] != "phare" for m in shown)
    assert any(m[0] == "scenario" and text[m[2] : m[3]] == "histoire" for m in shown)


def test_names_are_read_as_the_subject_reads_them(analyzer: Analyzer) -> None:
    texts = [
        "Emmanuelle Seigner est magnifique.",
        "Seigner est parfaite dans ce rôle.",
        "J'ai aimé la voix d'emmanuelle seigner. Emmanuelle est touchante.",
        "Emmanuelle Seigner chante faux.",
    ]
    reviews = [review(i, t) for i, t in enumerate(texts)]
    analyses = [analyzer.analyze(t) for t in texts]
    summary = summarize_subject(reviews, analyses, SiteConfig())
    assert summary.aspects[0].key == "seigner"
    for r, a in zip(reviews, analyses):
        for key, _, start, end, _ in summary.mentions_of(r.text, a):
            if "mmanuelle" in r.text[start:end] or "Seigner" in r.text[start:end]:
                assert key == "seigner", (r.text[start:end], key)
    lone = summary.mentions_of(reviews[2].text, analyses[2])
    assert [reviews[2].text[m[2] : m[3]] for m in lone if m[0] == "seigner"] == [
        "emmanuelle",
        "Emmanuelle",
    ]


def test_aspects_have_share_best_mentions_and_a_line(analyzer: Analyzer) -> None:
    texts = [
        "La musique est sublime.",
        "La musique est magnifique, vraiment.",
        "La musique est ratée et pénible.",
        "Le scénario est excellent. La musique est belle.",
        "Le scénario est nul.",
    ]
    reviews = [review(i, t) for i, t in enumerate(texts)]
    analyses = [analyzer.analyze(t) for t in texts]
    summary = summarize_subject(reviews, analyses, SiteConfig())
    music = next(a for a in summary.aspects if a.key == "musique")
    assert (music.mentions, music.positive, music.negative) == (4, 3, 1)
    assert music.share_positive == 0.75
    best, worst = music.best_positive, music.best_negative
    assert best is not None and worst is not None
    assert best.polarity > 0 > worst.polarity
    assert worst.review_id == "r2" and worst.text == texts[2]
    by_id = {r.id: r.text for r in reviews}
    assert by_id[best.review_id][best.start : best.end].lower() == "musique"
    assert by_id[best.review_id][best.quote_start : best.quote_end] == best.text
    assert music.line == f"La musique\u202f: 3 avis positifs sur 4 — «\u202f{best.text}\u202f»"


def test_a_long_sentence_is_quoted_by_its_clause(analyzer: Analyzer) -> None:
    text = (
        "Après une longue attente et beaucoup de bandes-annonces vues au cinéma, "
        "je suis allé voir ce film avec des amis un dimanche soir de pluie, "
        "et la musique est absolument sublime du début à la fin, "
        "même si le reste ne m'a pas convaincu du tout."
    )
    reviews = [review(1, text), review(2, "La musique est belle.")]
    analyses = [analyzer.analyze(t) for t in (text, "La musique est belle.")]
    summary = summarize_subject(reviews, analyses, SiteConfig())
    music = next(a for a in summary.aspects if a.key == "musique")
    quotes = [q for q in (music.best_positive, music.best_negative) if q and q.review_id == "r1"]
    for quote in quotes:
        assert "musique" in quote.text and len(quote.text.split()) <= 25


# --- clause-level polarity, synonyms, names, comparisons, [aspects] ---------------


def polarity_of(analysis, key: str) -> float:
    return next(m[4] for m in analysis.mentions if m[0] == key)


@pytest.mark.parametrize(
    "text",
    [
        "Les acteurs sont bons mais le scénario est nul.",
        "Le scénario est nul, pourtant les acteurs sont excellents.",
        "Le scénario est nul, cependant les acteurs sont excellents.",
    ],
)
def test_a_contrast_gives_each_side_its_own_polarity(analyzer: Analyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert polarity_of(analysis, "acteur") > 0 > polarity_of(analysis, "scenario")


def test_clauses_cut_at_contrast_coordination_and_relatives() -> None:
    from generator.analysis.clauses import clauses

    text = "Les acteurs sont bons mais le scénario, qui traîne, est nul et la fin déçoit."
    parts = [(text[a:b].strip(" ,."), block) for a, b, block in clauses(text)]
    assert parts == [
        ("Les acteurs sont bons", 0),
        ("le scénario", 1),
        ("traîne", 1),
        ("est nul", 1),
        ("la fin déçoit", 1),
    ]


def test_a_clause_without_opinion_leans_as_its_sentence_and_review(analyzer: Analyzer) -> None:
    from generator.analysis.clauses import LEAN_CEILING, leaning

    text = "On entend la musique dans la rue. Les décors sont superbes."
    analysis = analyzer.analyze(text)
    sentence = analysis.sentences[0].polarity
    leaned = polarity_of(analysis, "musique")
    assert leaned == leaning(sentence, analysis.polarity) and 0.1 <= leaned <= LEAN_CEILING
    assert polarity_of(analysis, "decor") > LEAN_CEILING  # judged by its own clause


def test_leaning_adds_the_evidence_of_sentence_and_review() -> None:
    from generator.analysis.analyzer import CLAUSE_CLEAR, STRONG_SENTENCE
    from generator.analysis.clauses import LEAN_CEILING, leaning

    # below any clear judgement, and not enough alone for a review's praise
    assert LEAN_CEILING < CLAUSE_CLEAR and LEAN_CEILING < STRONG_SENTENCE
    assert leaning(0.0, 0.1) == 0.1 and leaning(0.1, 0.0) == 0.1
    assert 0.1 < leaning(0.1, 0.1) < 0.25  # two leanings the same way: stronger
    assert leaning(-0.95, 0.6) == -LEAN_CEILING  # a clear sentence is not undone by its review
    assert leaning(-0.2, 0.6) > 0.1  # a weak one is
    assert leaning(0.6, -0.6) == 0.0
    assert leaning(-1.0, -1.0) == -LEAN_CEILING and leaning(1.0, -1.0) == 0.0  # finite at the ends


def test_a_mention_is_judged_by_what_its_clause_says_of_it() -> None:
    from generator.analysis.clauses import judging_spans

    text = "Les acteurs sont bons mais la saison 7, qui traîne, déçoit."
    at = text.index("saison")
    found = [("acteur", "acteurs", 4, 11), ("saison", "saison", at, at + 6)]
    parts = clauses_of(text)
    first = list(judging_spans(parts, found, 4, len(text)))
    assert [text[a:b] for a, b in first[0]] == ["Les ", " sont bons "]
    second = list(judging_spans(parts, found, at, len(text)))
    # its clause without the mention, then its contrast block without it
    assert [text[a:b] for a, b in second[0]] == [" la ", " 7,"]
    assert [text[a:b] for a, b in second[1]] == [" la ", " 7, qui traîne, déçoit."]
    # a clause of nothing but a mention: with the clause after it, then its block
    text = "Les acteurs sont bons mais Omar Sy et François Cluzet déçoivent vraiment."
    sy, cluzet = text.index("Omar"), text.index("François")
    found = [("sy", "Omar Sy", sy, sy + 7), ("cluzet", "François Cluzet", cluzet, cluzet + 15)]
    spans = list(judging_spans(clauses_of(text), found, sy, len(text)))
    assert ["".join(text[a:b] for a, b in pieces) for pieces in spans] == [
        "  ",
        "  et  déçoivent vraiment.",
        "  et  déçoivent vraiment.",
    ]


def clauses_of(text: str) -> list[tuple[int, int, int]]:
    from generator.analysis.clauses import clauses

    return clauses(text)


def test_folded_text_gives_the_same_cut() -> None:
    from generator.analysis.aspects import fold_1to1
    from generator.analysis.clauses import clauses

    text = "Les acteurs (et notamment Bryan Cranston) sont parfaits, NÉANMOINS la fin déçoit."
    assert [block for _, _, block in clauses(text)] == [0, 0, 1]  # "NÉANMOINS" read
    assert clauses(text, fold_1to1(text.lower())) == clauses(text)


def test_synonyms_share_one_key_shown_by_the_most_written_form(analyzer: Analyzer) -> None:
    texts = [
        "La bande-son est sublime.",
        "La musique est superbe.",
        "La musique est magnifique.",
        "La BO est excellente.",
        "La bande originale est parfaite.",
    ]
    reviews = [review(i, t) for i, t in enumerate(texts)]
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig())
    music = [a for a in summary.aspects if a.key == "musique"]
    assert len(music) == 1 and music[0].mentions == 5
    assert music[0].text == "musique"
    assert {a.key for a in summary.aspects} == {"musique"}


def test_a_common_noun_opening_a_name_is_not_fused_with_it(analyzer: Analyzer) -> None:
    texts = [
        "Site Ubaldi facile à utiliser, livraison rapide.",
        "Le site est clair. Livraison parfaite.",
        "Site très pratique, prix corrects.",
    ]
    reviews = [review(i, t, subject="Ubaldi") for i, t in enumerate(texts)]
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig())
    shown = {a.key: a for a in summary.aspects}
    assert shown["site"].mentions == 3 and shown["site"].text.lower() == "site"
    assert "ubaldi" not in shown  # the shop's own name: the subject's title
    assert all(" " not in a.text for a in summary.aspects), [a.text for a in summary.aspects]


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("Omar Sy est génial, comme dans Trainspotting de Danny Boyle.", "sy", "boyle"),
        ("Loin du précédent de Danny Boyle, Omar Sy est parfait.", "sy", "boyle"),
        ("Bryan Cranston, qu'on a vu dans Malcolm, est immense.", "cranston", "malcolm"),
        ("Omar Sy est génial dans ce remake de Pocahontas.", "sy", "pocahontas"),
        ("Omar Sy est bon, mais on dirait un (mauvais) Marvel.", "sy", "marvel"),
        ("Omar Sy est bon, je préfère « Les Visiteurs » quand même.", "sy", "visiteurs"),
    ],
)
def test_names_only_compared_with_are_not_aspects(
    analyzer: Analyzer, text: str, kept: str, dropped: str
) -> None:
    keys = [m[0] for m in analyzer.analyze(text).mentions]
    assert kept in keys and dropped not in keys and "trainspotting" not in keys


def test_a_name_compared_in_the_same_sentence_as_a_praise_still_counts(analyzer: Analyzer) -> None:
    keys = [m[0] for m in analyzer.analyze("Comme toujours, Omar Sy est parfait.").mentions]
    assert "sy" in keys


def test_time_frames_and_complements_are_not_judged_aspects(analyzer: Analyzer) -> None:
    text = "Au fil des saisons, la fin du dernier épisode reste bouleversante."
    keys = [m[0] for m in analyzer.analyze(text).mentions]
    assert keys == ["fin"]


def test_site_synonyms_and_ignored_words_apply_at_build(analyzer: Analyzer) -> None:
    from generator.config import AspectSettings

    texts = [
        "Le SAV est réactif et le conseiller très aimable.",
        "Le conseiller est parfait. Netflix est génial.",
        "Netflix est génial, le conseiller aussi.",
    ]
    reviews = [review(i, t, subject="Boutique") for i, t in enumerate(texts)]
    analyses = [analyzer.analyze(t) for t in texts]
    plain = summarize_subject(reviews, analyses, SiteConfig())
    assert "netflix" in {a.key for a in plain.aspects}
    settings = AspectSettings(
        synonyms=(("assistance", ("SAV", "conseiller")),), ignore=("Netflix",)
    )
    summary = summarize_subject(reviews, analyses, SiteConfig(aspects=settings))
    keys = {a.key for a in summary.aspects}
    assert "netflix" not in keys and "assistance" in keys
    assistance = next(a for a in summary.aspects if a.key == "assistance")
    assert assistance.mentions == 3
    for r, a in zip(reviews, analyses):
        shown = summary.mentions_of(r.text, a)
        assert all(m[0] != "netflix" for m in shown)
        assert any(m[0] == "assistance" for m in shown)


def test_aspects_settings_are_read_from_sitegen_toml(tmp_path: Path) -> None:
    from generator.config import load_config
    from generator.exceptions import ConfigError

    path = tmp_path / "sitegen.toml"
    path.write_text(
        '[aspects]\nsynonyms = { service = ["SAV", "conseiller"] }\nignore = ["Netflix"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.aspects.synonyms == (("service", ("SAV", "conseiller")),)
    assert config.aspects.ignore == ("Netflix",)
    assert repr(config.aspects) in repr(config)  # in the build's cache keys (repr(config))
    path.write_text('[aspects]\nignore = "Netflix"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="aspects.ignore"):
        load_config(path)
    path.write_text("[aspects]\nsynonym = {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'synonym'"):
        load_config(path)


def test_a_bracket_is_a_clause_said_in_passing() -> None:
    from generator.analysis.clauses import clauses, judging_spans

    text = "Les acteurs (et surtout Bryan Cranston) sont parfaits, mais la fin déçoit."
    parts = clauses(text)
    shown = [(text[a:b].strip(" ,."), block) for a, b, block in parts]
    assert shown == [
        ("Les acteurs (et surtout Bryan Cranston) sont parfaits", 0),
        ("surtout Bryan Cranston)", 0),
        ("la fin déçoit", 1),
    ]
    actors, name = text.index("acteurs"), text.index("Bryan")
    found = [
        ("acteur", "acteurs", actors, actors + 7),
        ("cranston", "Bryan Cranston", name, name + 14),
    ]
    # the actors are judged by their clause, without what the brackets hold
    outer = next(judging_spans(parts, found, actors, len(text)))
    assert "".join(text[a:b] for a, b in outer) == "Les  (et sont parfaits,"
    # the name by its bracket (then the block it is in)
    inner = next(judging_spans(parts, found, name, len(text)))
    assert "".join(text[a:b] for a, b in inner) == " surtout )"


def test_english_and_french_terms_of_one_thing_are_one_aspect(analyzer: Analyzer) -> None:
    texts = [
        "La bague est très confortable.",
        "The ring is beautiful and the battery lasts.",
        "La bague est magnifique, la batterie tient bien.",
    ]
    reviews = [review(i, t, subject="Circular") for i, t in enumerate(texts)]
    analyses = [analyzer.analyze(t) for t in texts]
    assert analyses[1].language == "en"
    summary = summarize_subject(reviews, analyses, SiteConfig())
    shown = {a.key: a for a in summary.aspects}
    assert shown["bague"].mentions == 3 and shown["batterie"].mentions == 2
    assert "ring" not in shown and "battery" not in shown


def test_the_subject_named_in_english_is_not_its_own_aspect(analyzer: Analyzer) -> None:
    texts = ["The ring is beautiful.", "La bague est belle et l'application est superbe."]
    reviews = [review(i, t, subject="Oura Ring (Trustpilot)") for i, t in enumerate(texts)]
    summary = summarize_subject(reviews, [analyzer.analyze(t) for t in texts], SiteConfig())
    assert [a.key for a in summary.aspects] == ["application"]


def test_a_french_sentence_names_english_aspects_in_french() -> None:
    from generator.analysis.consensus import aspect_line, consensus_sentence
    from generator.analysis.types import Aspect

    battery = Aspect(key="batterie", text="battery", mentions=5, positive=4, negative=0)
    app = Aspect(key="application", text="app", mentions=4, positive=3, negative=0)
    music = Aspect(key="musique", text="musique", mentions=4, positive=0, negative=3)
    other = Aspect(key="team", text="team", mentions=4, positive=4, negative=0)
    sentence = consensus_sentence([battery, app, music], "fr")
    assert "la batterie et l'application" in sentence and "le musique" not in sentence
    assert "the battery" in consensus_sentence([battery], "en")
    assert "the music" in consensus_sentence([music], "en")
    assert aspect_line(battery, "fr").startswith("La batterie")
    assert aspect_line(music, "en").startswith("Music:")
    assert "team" in consensus_sentence([other], "fr")  # no French name: as written


def test_a_verb_after_its_pronoun_is_no_mention() -> None:
    from generator.analysis.aspects import extract

    assert [k for k, _ in extract("Je commande une bague en mars.")] == ["bague"]
    assert [k for k, _ in extract("La commande est arrivée vite, super.")] == ["commande"]
    assert extract("Le numéro de suivi est faux.") == []


def test_a_coordinated_subject_is_judged_by_what_follows(
    analyzer: Analyzer,
) -> None:
    both = analyzer.analyze("Dans ce film, Emmanuelle Seigner et Isild Le Besco sont brillantes.")
    assert polarity_of(both, "seigner") > 0.3 and polarity_of(both, "besco") > 0.3


def test_a_participle_is_no_mention() -> None:
    from generator.analysis.aspects import extract

    assert extract("Produit par Danny Boyle.") == [("boyle", "Danny Boyle")]
    assert extract("Le produit est parfait.") == [("produit", "produit")]


@pytest.mark.parametrize("names", [False, True])
def test_resolve_gives_what_the_rows_resolved_give(analyzer: Analyzer, names: bool) -> None:
    """``MentionKeys.resolve`` without a name to resolve takes the mentions as
    they are (remapped, the title's keys left out): what ``_rows`` and
    ``_resolved`` give, checked with and without names, and with a remap."""
    from generator.analysis.aspect_summary import _resolved, _rows, aspects_with_tally
    from generator.config import AspectSettings

    texts = [t for t in TEXTS if names or "Seigner" not in t]
    reviews = [review(i, text) for i, text in enumerate(texts)]
    analyses = [analyzer.analyze(text) for text in texts]
    settings = AspectSettings(synonyms=(("musique", ("BO",)),), ignore=("décors",))
    _, _, keys = aspects_with_tally(reviews, analyses, settings)
    assert bool(keys.names.by_first or keys.names.compound or keys.aliases.renamed) == names
    for r, analysis in zip(reviews, analyses):
        rows = _rows(analysis, keys.names, r.text, keys.remap)
        expected = tuple(
            m if key == m[0] else (key, *m[1:])
            for key, (_, _, m) in _resolved(rows, keys.aliases)
            if key not in keys.excluded
        )
        assert keys.resolve(analysis, r.text) == expected
    assert any(keys.resolve(a, r.text) for r, a in zip(reviews, analyses))
