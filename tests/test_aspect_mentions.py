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
    assert [m[0] for m in mentions].count("musique") == 2
    bo = [m for m in mentions if m[0] == "bande originale"]
    assert bo and text[bo[0][2] : bo[0][3]] == "BO"


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
    assert any(m[0] == "histoire" for m in shown)


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
