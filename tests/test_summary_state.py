"""Updating a large subject's summary after a small edit (``summary_state``).

What is checked:

* equivalence: over random chains of small edits (a text replaced, a rating
  changed, a review removed, added or moved; one to three at once) of a subject
  analysed by the real analyzer, whenever ``update_summary`` gives a result it is
  exactly what summarising afresh gives: the summary, the new state (fed, pickled
  as the build cache keeps it, into the next edit) and the slim analyses; it
  gives a result often enough to matter, and gives up sometimes;
* ``changes`` tells what was removed and added, and refuses too many changes and
  reviews it cannot tell apart;
* ``compute_aspects`` does not depend on the reviews' order, even with names
  merged across first names and misspellings;
* the update gives up when a full summary could differ: a new full name, a lone
  first name joining another person, a new ranking of the aspects, a quoted
  review replaced, a new review worth quoting, a changed title;
* in a build, ``BuildReport.summaries_updated`` counts the large subjects updated
  from the state in the build cache, and the output is byte for byte what a full
  build without cache gives, both when the update is made and when it falls back.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import pickle
import random
from pathlib import Path

import pytest
from test_incremental import tree

from generator.analysis import Analyzer, summary_state
from generator.analysis.summary import compute_aspects, summarize_subject
from generator.analysis.summary_state import (
    SummaryState,
    changes,
    summarize_with_state,
    update_summary,
)
from generator.analysis.types import ReviewAnalysis, SubjectSummary
from generator.cache import decode_analysis, encode_analysis, text_hash
from generator.commands.build import build
from generator.config import SiteConfig
from generator.content import Review
from generator.incremental import schedule as schedule_module
from generator.incremental.worker import pickled_state

SUBJECT = "Le Bal des vampires"
CONFIG = SiteConfig()
SMALL = 5  # STATE_MIN_REVIEWS in these tests
TRIALS = 400  # random edits per chain


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(autouse=True)
def small_subjects_keep_a_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary_state, "STATE_MIN_REVIEWS", SMALL)
    monkeypatch.setattr(schedule_module, "STATE_MIN_REVIEWS", SMALL)  # imported by name there


# --- random reviews ----------------------------------------------------------------

# Common aspects (gender or plural, how often a sentence names it: well apart, so
# that most small edits keep their ranking).
ASPECTS = [
    ("Le scénario", "m", 40),
    ("La musique", "f", 22),
    ("La mise en scène", "f", 12),
    ("Le montage", "m", 6),
    ("Les acteurs", "p", 3),
]
GOOD = {
    "m": ["excellent", "magnifique", "réussi", "brillant"],
    "f": ["excellente", "magnifique", "réussie", "brillante"],
    "p": ["excellents", "magnifiques", "réussis", "brillants"],
}
BAD = {
    "m": ["raté", "décevant", "médiocre", "ennuyeux"],
    "f": ["ratée", "décevante", "médiocre", "ennuyeuse"],
    "p": ["ratés", "décevants", "médiocres", "ennuyeux"],
}
INTENSIFIERS = ["", "vraiment ", "très ", "assez ", "franchement "]
ENDINGS = ["", "", " du début jusqu'au bout", " et franchement surprenant"]  # quotable: 6 words
# People: full names, lone last names, a misspelling ("Seignier"), a lone first
# name shared by two people, a full name half in lower case, two first names for
# one last name.
NAMES = [
    "Emmanuelle Seigner est {adj}.",
    "Seigner est {adj}.",
    "Emmanuelle Seignier joue {adv}.",
    "Emmanuelle est {adj}.",
    "Roman Polanski filme {adv}.",
    "Polanski filme {adv}.",
    "Avec Emmanuelle seigner, le scénario tient.",
    "Mathilde Seigner est {adj}.",
    "Emmanuelle Béart est {adj}.",
    "Béart joue {adv}.",
    "Béart est {adj}.",
]
NAME_ADJECTIVES = ["géniale", "parfaite", "décevante", "fade"]
NAME_ADVERBS = ["très bien", "avec talent", "mal", "sans conviction"]
# Whole sentences naming no aspect, strongly positive or negative: quotes.
VERDICTS = [
    "Une réussite totale, drôle et touchante du début à la fin du film.",
    "Vraiment génial, je le conseille à tout le monde sans hésiter.",
    "Quelle déception, je ne reverrai jamais ce film ennuyeux et raté.",
    "C'est nul, ennuyeux et raté, je le déconseille vraiment.",
    "Un navet ridicule et prétentieux, à fuir absolument.",
]
RATINGS = [None, 1.0, 2.0, 3.0, 4.0, 5.0]


# English reviews: with them the subject is reviewed in two languages, and names
# its aspects in the interface's (``consensus.named_for_readers``).
ENGLISH = (
    "The music is wonderful and the actors are great.",
    "Boring story, the ending is a mess and the pacing drags.",
    "Great soundtrack, but the plot makes no sense at all.",
    "The acting is superb. I loved the cinematography.",
)


class Writer:
    """Random reviews of one subject, mostly French, and their analyses (each text analysed
    once; ``texts`` finds a text back from its hash, as the cache does)."""

    def __init__(self, analyzer: Analyzer, seed: int, english: bool = False) -> None:
        self.analyzer = analyzer
        self.rng = random.Random(seed)
        # English reviews drawn apart, so the French ones are the same either way.
        self.english = random.Random(-seed) if english else None
        self.made = 0
        self.texts: dict[bytes, str] = {}
        self.analyses: dict[str, ReviewAnalysis] = {}

    def sentence(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.1:
            name = rng.choice(NAMES)
            return name.format(adj=rng.choice(NAME_ADJECTIVES), adv=rng.choice(NAME_ADVERBS))
        if r < 0.2:
            return rng.choice(VERDICTS)
        aspect, gender, _ = rng.choices(ASPECTS, weights=[w for _, _, w in ASPECTS])[0]
        adjective = rng.choice(GOOD[gender] if rng.random() < 0.6 else BAD[gender])
        verb = "sont" if gender == "p" else "est"
        return f"{aspect} {verb} {rng.choice(INTENSIFIERS)}{adjective}{rng.choice(ENDINGS)}."

    def text(self) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))
        if self.english is not None and self.english.random() < 0.08:
            return self.english.choice(ENGLISH)  # now and then: a mixed subject
        return text

    def rating(self) -> float | None:
        return self.rng.choice(RATINGS)

    def review(self, text: str | None = None) -> Review:
        self.made += 1
        return Review(
            id=f"r{self.made}",
            subject=SUBJECT,
            text=self.text() if text is None else text,
            source=Path("avis.csv"),
            line=self.made + 1,
            rating=self.rating(),
        )

    def analyse(self, text: str) -> ReviewAnalysis:
        if text not in self.analyses:
            self.analyses[text] = self.analyzer.analyze(text)
            self.texts[text_hash(text)] = text
        return self.analyses[text]

    def edit(self, reviews: list[Review]) -> list[Review]:
        """``reviews`` after one to three random small edits."""
        rng = self.rng
        new = list(reviews)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(new))
            kind = rng.choice(["text", "rating", "remove", "add", "move"])
            if kind == "rating":
                new[i] = dataclasses.replace(new[i], rating=self.rating())
            elif kind == "remove" and len(new) > 40:
                del new[i]
            elif kind == "add" and len(new) < 80:
                new.insert(i, self.review())
            elif kind == "move":
                new.insert(rng.randrange(len(new)), new.pop(i))
            else:
                new[i] = dataclasses.replace(new[i], text=self.text())
        return new


# --- helpers -------------------------------------------------------------------------


def reviews_of(texts: list[str]) -> list[Review]:
    return [Review(f"r{i}", SUBJECT, text, Path("avis.csv"), i + 2) for i, text in enumerate(texts)]


def more_reviews(text: str, n: int, start: int = 100) -> list[Review]:
    return [Review(f"n{i}", SUBJECT, text, Path("avis.csv"), i) for i in range(start, start + n)]


def hashes_of(reviews: list[Review]) -> list[bytes]:
    return [text_hash(r.text) for r in reviews]


def from_scratch(writer: Writer, reviews: list[Review]) -> tuple[SubjectSummary, SummaryState]:
    analyses = [writer.analyse(r.text) for r in reviews]
    summary, state = summarize_with_state(reviews, analyses, hashes_of(reviews), CONFIG)
    assert state is not None
    return summary, state


def random_subject(
    writer: Writer, n: int = 50
) -> tuple[list[Review], SubjectSummary, SummaryState]:
    reviews = [writer.review() for _ in range(n)]
    return (reviews, *from_scratch(writer, reviews))


def without_text(analysis: ReviewAnalysis, text: str) -> ReviewAnalysis:
    """The analysis as the build reads a removed review's: from the cache, without
    its text (the sentences' texts empty)."""
    return decode_analysis(encode_analysis(analysis, text), "")


def update(
    writer: Writer, state: SummaryState, reviews: list[Review]
) -> tuple[SubjectSummary, SummaryState, list[ReviewAnalysis]] | None:
    """``update_summary`` called the way the build calls it."""
    hashes = hashes_of(reviews)
    change = changes(state, reviews, hashes)
    if change is None:
        return None
    gone, added = change
    removed = {
        e: without_text(writer.analyse(writer.texts[e[2]]), writer.texts[e[2]]) for e in gone
    }
    new = {i: writer.analyse(reviews[i].text) for i in added}
    return update_summary(state, reviews, hashes, removed, new, CONFIG)


def assert_same_state(made: SummaryState, expected: SummaryState) -> None:
    for field in dataclasses.fields(SummaryState):
        assert getattr(made, field.name) == getattr(expected, field.name), field.name


def stored(state: SummaryState) -> SummaryState:
    """The state once kept in the build cache and read back."""
    return pickle.loads(pickled_state(state))


# --- equivalence -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updates_equal_summaries_made_afresh(analyzer: Analyzer, seed: int) -> None:
    writer = Writer(analyzer, seed, english=True)
    reviews, _, state = random_subject(writer, 60)
    updated = 0
    for trial in range(TRIALS):
        edited = writer.edit(reviews)
        analyses = [writer.analyse(r.text) for r in edited]
        expected = summarize_subject(edited, analyses, CONFIG)
        fresh = from_scratch(writer, edited)[1]
        result = update(writer, state, edited)
        if result is not None:
            updated += 1
            summary, new_state, slim = result
            assert summary == expected, f"trial {trial}"
            assert_same_state(new_state, fresh)
            assert slim == [dataclasses.replace(a, sentences=()) for a in analyses]
        # The next edit starts from the state the build would keep.
        state = stored(fresh if result is None else new_state)
        reviews = edited
    languages = {writer.analyse(r.text).language for r in reviews}
    assert languages == {"fr", "en"}  # the mixed case was exercised
    print(f"seed {seed}: {updated} of {TRIALS} edits updated, {TRIALS - updated} made afresh")
    assert updated >= 0.3 * TRIALS
    assert updated < TRIALS


def test_a_kept_state_holds_each_aspect_string_once(analyzer: Analyzer) -> None:
    """The state's strings are shared (``summary_state._slim_fields``) and pickled
    with the memo: read back, equal aspect keys and forms of different reviews'
    mentions are one object, and the state is what was made."""
    writer = Writer(analyzer, 5)
    _, _, state = random_subject(writer, 60)
    again = stored(state)
    assert_same_state(again, state)
    at = summary_state._SLIM.index("mentions")
    mentions = [m for fields, _, _ in again.entries.values() for m in fields[at]]
    keys: dict[str, str] = {}
    for key, form, *_ in mentions:
        assert keys.setdefault(key, key) is key
        assert keys.setdefault(form, form) is form
    assert len(mentions) > 2 * len(keys)  # (strings repeated across reviews: shared)


def test_changes_lists_what_was_removed_and_added(analyzer: Analyzer) -> None:
    writer = Writer(analyzer, 4)
    reviews, _, state = random_subject(writer, 30)
    assert changes(state, reviews, hashes_of(reviews)) == ([], [])
    moved = reviews[1:] + reviews[:1]
    assert changes(state, moved, hashes_of(moved)) == ([], [])
    edited = list(reviews)
    edited[3] = dataclasses.replace(edited[3], rating=None if edited[3].rating else 4.0)
    del edited[7]
    edited.append(writer.review())
    gone, added = changes(state, edited, hashes_of(edited))  # type: ignore[misc]
    entries = [(r.id, r.rating, h) for r, h in zip(reviews, hashes_of(reviews))]
    assert sorted(gone) == [entries[3], entries[7]]
    assert added == [3, len(edited) - 1]
    # Too many changes, or two reviews the state could not tell apart: None.
    many = [dataclasses.replace(r, rating=None if r.rating else 1.0) for r in reviews[:21]]
    assert changes(state, many + reviews[21:], hashes_of(many + reviews[21:])) is None
    twice = reviews + reviews[:1]
    assert changes(state, twice, hashes_of(twice)) is None


# --- order ------------------------------------------------------------------------------

# Names merged across first names: "Seignier" a misspelling of "Seigner" for
# Emmanuelle, "Seigner" one of "Seigneur" for Mathilde (the summary used to depend
# on which came first); one name written several ways ("Béart", "Beart",
# "EMMANUELLE Béart"), lone last and first names.
ORDER_TEXTS = (
    ["Emmanuelle Seigner est géniale."] * 3
    + ["Emmanuelle Seignier joue très bien."] * 2
    + ["Mathilde Seigneur est parfaite."] * 8
    + ["Mathilde Seigner est fade.", "Seigner est géniale.", "Seigner est fade."]
    + ["Emmanuelle est parfaite.", "Emmanuelle est décevante."]
    + ["Emmanuelle Béart est parfaite.", "Emmanuelle Beart est fade.", "EMMANUELLE Béart joue mal."]
    + ["Le scénario est excellent.", "La musique est vraiment ratée.", "Le scénario est médiocre."]
)


def test_aspects_do_not_depend_on_the_reviews_order(analyzer: Analyzer) -> None:
    reviews = reviews_of(ORDER_TEXTS)
    analyses = [analyzer.analyze(t) for t in ORDER_TEXTS]
    aspects = compute_aspects(reviews, analyses)
    summary = summarize_subject(reviews, analyses, CONFIG)
    assert {"seigneur", "scenario"} <= {a.key for a in aspects}
    rng = random.Random(0)
    for _ in range(40):
        order = list(range(len(reviews)))
        rng.shuffle(order)
        shuffled, shuffled_analyses = [reviews[i] for i in order], [analyses[i] for i in order]
        assert compute_aspects(shuffled, shuffled_analyses) == aspects, order
        assert summarize_subject(shuffled, shuffled_analyses, CONFIG) == summary, order


# --- giving up --------------------------------------------------------------------------


def test_gives_up_on_a_new_full_name(analyzer: Analyzer) -> None:
    texts = (
        ["Le scénario est excellent."] * 10
        + ["La musique est belle."] * 6
        + ["Huppert est parfaite."] * 3
        + ["Isabelle est géniale."] * 2
    )
    writer = Writer(analyzer, 0)
    reviews = reviews_of(texts)
    state = from_scratch(writer, reviews)[1]
    assert state.important == ("scenario", "musique", "huppert", "isabelle")
    edited = reviews + more_reviews("Isabelle Huppert est magnifique.", 1)
    assert update(writer, state, edited) is None
    # Afresh, the lone first name joins the new full name: more moved than the one
    # review added, which no sum over reviews could tell.
    after = {a.key: a for a in from_scratch(writer, edited)[0].aspects}
    assert "isabelle" not in after and after["huppert"].text == "Isabelle Huppert"
    assert after["huppert"].mentions == 3 + 2 + 1


def test_gives_up_when_a_lone_first_name_would_join_another_person(analyzer: Analyzer) -> None:
    texts = (
        ["Le scénario est excellent."] * 10
        + ["Emmanuelle Seigner est géniale."] * 4
        + ["Emmanuelle Béart est parfaite."] * 3
        + ["Emmanuelle est parfaite."] * 2
    )
    writer = Writer(analyzer, 0)
    reviews = reviews_of(texts)
    before, state = from_scratch(writer, reviews)
    assert state.important == ("scenario", "seigner", "beart")
    assert before.aspects[1].mentions == 4 + 2  # "Emmanuelle": the most named Emmanuelle
    edited = reviews + more_reviews("Emmanuelle Béart est parfaite.", 2)
    assert update(writer, state, edited) is None
    # Afresh, Béart is now the most named: the lone first names move to her.
    after = {a.key: a.mentions for a in from_scratch(writer, edited)[0].aspects}
    assert after == {"scenario": 10, "beart": 3 + 2 + 2, "seigner": 4}
    # The control: one more review naming Emmanuelle Seigner merges nothing new.
    assert (
        update(writer, state, reviews + more_reviews("Emmanuelle Seigner est géniale.", 1))
        is not None
    )


def test_gives_up_when_the_aspects_ranking_changes(analyzer: Analyzer) -> None:
    texts = (
        ["Le scénario est excellent."] * 6
        + ["La musique est belle."] * 4
        + ["Le montage est réussi."] * 3
    )
    writer = Writer(analyzer, 0)
    reviews = reviews_of(texts)
    state = from_scratch(writer, reviews)[1]
    assert state.important == ("scenario", "musique", "montage")
    edited = reviews + more_reviews("Le montage est vraiment réussi.", 2)
    assert update(writer, state, edited) is None
    # No name merged differently: the ranking alone changed (and with it, which
    # aspects the quotes prefer).
    assert [a.key for a in from_scratch(writer, edited)[0].aspects] == [
        "scenario",
        "montage",
        "musique",
    ]
    # The control: one more review on the music keeps the ranking, and is updated.
    assert update(writer, state, reviews + more_reviews("La musique est belle.", 1)) is not None


def test_gives_up_when_a_quoted_review_is_replaced(analyzer: Analyzer) -> None:
    writer = Writer(analyzer, 6)  # (three pros and three cons)
    reviews, before, state = random_subject(writer)
    for quotes in (before.pros, before.cons):
        assert len(quotes) == 3
        quoted = quotes[0].review_id
        edited = [
            dataclasses.replace(r, text="Le scénario est correct.") if r.id == quoted else r
            for r in reviews
        ]
        assert update(writer, state, edited) is None
        after = from_scratch(writer, edited)[0]
        assert quoted not in {q.review_id for q in after.pros + after.cons}


def test_gives_up_when_a_review_worth_quoting_comes(analyzer: Analyzer) -> None:
    writer = Writer(analyzer, 15)  # (three pros, the last one in its tier's first pass)
    reviews, before, state = random_subject(writer)
    assert len(before.pros) == 3 and len(state.horizons[0]) == 4
    best = (
        "Vraiment génial, je le conseille à tout le monde. "
        "Le scénario est vraiment excellent et très bien construit."
    )
    edited = reviews + [dataclasses.replace(writer.review(best), rating=5.0)]
    assert update(writer, state, edited) is None
    assert from_scratch(writer, edited)[0].pros != before.pros


def test_gives_up_when_the_title_changes(analyzer: Analyzer) -> None:
    writer = Writer(analyzer, 9)
    reviews, before, state = random_subject(writer)
    assert "musique" in {a.key for a in before.aspects}
    renamed = [dataclasses.replace(r, subject="La Musique") for r in reviews]
    assert update(writer, state, renamed) is None
    assert "musique" not in {a.key for a in from_scratch(writer, renamed)[0].aspects}  # the title's


# --- in a build ----------------------------------------------------------------------------

PAST = 1_600_000_000


def write_csv(path: Path, rows: list[tuple[str, str, str]], stamp: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "note", "texte"])
        writer.writerows(rows)
    os.utime(path, (stamp, stamp))  # a stamp of its own: read again, then trusted


def full_build(config: SiteConfig, name: str) -> dict[str, bytes]:
    other = config.replace(output_dir=config.root / name)
    build(other, executor="serial", cache=False)
    return tree(other.output_dir)


def test_a_build_updates_a_large_subjects_summary(tmp_path: Path, analyzer: Analyzer) -> None:
    writer = Writer(analyzer, 10)
    big = [
        (r.id, "" if r.rating is None else str(int(r.rating)), r.text)
        for r in random_subject(writer, 28)[0]
    ]
    big += [("fixe-1", "4", "Le scénario est excellent."), ("fixe-2", "", "La musique est belle.")]
    small = [
        ("s1", "5", "Un film superbe, vraiment."),
        ("s2", "1", "Très ennuyeux."),
        ("s3", "", "Le scénario est confus."),
    ]
    root = tmp_path / "site"
    content = root / "content"
    content.mkdir(parents=True)
    write_csv(content / "le-bal-des-vampires.csv", big, PAST)
    write_csv(content / "autre.csv", small, PAST)
    config = SiteConfig(
        content_dir=content,
        output_dir=root / "output",
        templates_dir=root / "templates",
        config_path=root / "sitegen.toml",
        page_size=10,
    )
    # (Serial: the patched STATE_MIN_REVIEWS holds in this process only.)
    first = build(config, executor="serial")
    assert first.subjects == 2 and first.summaries_updated == 0

    # A short sentence for another: the same aspect, the same side, nothing to quote.
    big[-2] = ("fixe-1", "4", "Le scénario est brillant.")
    write_csv(content / "le-bal-des-vampires.csv", big, PAST + 10)
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1 and report.analyzed == 1
    assert report.summaries_updated == 1
    assert tree(config.output_dir) == full_build(config, "full-1")

    # A new full name: names may merge differently, the summary is made afresh.
    big.append(("nouveau", "5", "Isabelle Huppert est magnifique dans ce rôle."))
    write_csv(content / "le-bal-des-vampires.csv", big, PAST + 20)
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1 and report.summaries_updated == 0
    assert tree(config.output_dir) == full_build(config, "full-2")

    # That build kept the state of the summary it made afresh: the next edit (a
    # rating) updates it.
    big[-2] = ("fixe-2", "3", "La musique est belle.")
    write_csv(content / "le-bal-des-vampires.csv", big, PAST + 30)
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1 and report.analyzed == 0
    assert report.summaries_updated == 1
    assert tree(config.output_dir) == full_build(config, "full-3")

    # A small subject keeps no state.
    small[0] = ("s1", "5", "Un film superbe, vraiment magnifique.")
    write_csv(content / "autre.csv", small, PAST + 40)
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1 and report.summaries_updated == 0
    assert tree(config.output_dir) == full_build(config, "full-4")


def test_states_of_other_code_or_settings_are_pruned(tmp_path: Path) -> None:
    """A large subject's state is kept however old while the build's code and
    settings (its space) stay the same; states of another space go after a week
    unwritten."""
    from generator.cache import BuildCache

    with BuildCache(tmp_path / "cache.sqlite") as cache:
        cache.put_states(b"current", [(b"kept-old", b"a")])
        cache.put_states(b"former", [(b"gone", b"b"), (b"recent", b"c")])
        cache._db.execute("UPDATE summary_states SET used = 0 WHERE key != ?", (b"recent",))
        cache.prune_subjects(every=0, space=b"current")
        assert cache.get_states([b"kept-old", b"gone", b"recent"]) == {
            b"kept-old": b"a",
            b"recent": b"c",
        }


def test_an_unreadable_state_is_made_afresh(tmp_path: Path, analyzer: Analyzer) -> None:
    """A state the cache holds but cannot read (damaged, or from another version)
    costs a full summary, not the build: the output is what a full build gives,
    and the state made then serves the next edit."""
    import sqlite3

    writer = Writer(analyzer, 11)
    rows = [
        (r.id, "" if r.rating is None else str(int(r.rating)), r.text)
        for r in random_subject(writer, 20)[0]
    ]
    rows.append(("fixe", "4", "Le scénario est excellent."))
    root = tmp_path / "site"
    content = root / "content"
    content.mkdir(parents=True)
    write_csv(content / "film.csv", rows, PAST)
    config = SiteConfig(
        content_dir=content,
        output_dir=root / "output",
        templates_dir=root / "templates",
        config_path=root / "sitegen.toml",
        page_size=10,
    )
    build(config, executor="serial")
    with sqlite3.connect(root / ".sitegen-cache" / "cache.sqlite") as db:
        assert db.execute("UPDATE summary_states SET data = x'00ff'").rowcount == 1
    rows[-1] = ("fixe", "4", "Le scénario est brillant.")
    write_csv(content / "film.csv", rows, PAST + 10)
    report = build(config, executor="serial")
    assert report.subjects_rebuilt == 1 and report.summaries_updated == 0
    assert tree(config.output_dir) == full_build(config, "full-1")
    rows[-1] = ("fixe", "3", "Le scénario est brillant.")
    write_csv(content / "film.csv", rows, PAST + 20)
    report = build(config, executor="serial")
    assert report.summaries_updated == 1
    assert tree(config.output_dir) == full_build(config, "full-2")
