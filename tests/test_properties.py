"""Property tests: readers never crash on any bytes, analysis never crashes and keeps its
scores in range, a build is reproducible byte for byte."""

from __future__ import annotations

import hashlib
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.config import SiteConfig
from generator.readers import read_content
from generator.readers.base import READERS

EXTENSIONS = sorted(READERS)
# Characters that matter to the formats, so that random input reaches deep paths.
SYNTAX = st.sampled_from(
    list(";,\t\"'\n\r{}[]:-#*<>\\/ \x00\ufeffé€œ")
    + ["---\n", "\n---\n", '{"texte": "', '"}', "texte;note\n", "note: ", "\ud800"]
)
TEXTISH = st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=40).map("".join)
BYTES = st.one_of(
    st.binary(max_size=400),
    TEXTISH.map(lambda s: s.encode("utf-8", "surrogatepass")),
    TEXTISH.map(lambda s: s.encode("cp1252", "replace")),
    TEXTISH.map(lambda s: s.encode("utf-16", "surrogatepass")),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXTENSIONS), BYTES)
@example(".csv", b'texte;note\n"ouvert;3\nx;2\n')
@example(".md", b"---\n- a\n---\nb")
@example(".md", b"---\na: &a [*a]\n---\nb")
@example(".json", b"[" * 100_000)
@example(".json", b'[{"texte": "a", "note": 1' + b"0" * 5000 + b"}]")
@example(".jsonl", b'{"texte": "\\ud800"}')
@example(".txt", b"\xff\xfe\x00")
def test_readers_never_crash(extension: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"f{extension}"
        path.write_bytes(data)
        corpus = read_content(SiteConfig(content_dir=Path(folder)))
    for problem in corpus.problems:
        assert problem.severity in ("error", "warning") and problem.message
    for review in corpus.reviews:
        assert review.text.strip() and review.id
        review.text.encode("utf-8")  # writable: no lone surrogates
        assert review.rating is None or 0 <= review.rating <= 5
        assert all(ch in "\n\t" or ord(ch) >= 32 for ch in review.text)


_ANALYZER = None


def analyzer():
    global _ANALYZER
    if _ANALYZER is None:
        from generator.analysis import AnalysisSettings, Analyzer

        _ANALYZER = Analyzer(AnalysisSettings())
    return _ANALYZER


FRENCH = st.lists(
    st.sampled_from(
        [
            "très",
            "pas",
            "bien",
            "mal",
            "excellent",
            "nul",
            "!",
            "?",
            ".",
            "mais",
            "ne",
            "jamais",
            "film",
            "superbe",
            "😀",
            "…",
            "\n",
            " ",
        ]
    ),
    max_size=30,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), FRENCH, TEXTISH))
@example("")
@example("!!!!!!!!" * 50)
@example("pas pas pas pas pas pas très très très très excellent")
def test_analysis_never_crashes_and_stays_in_range(text: str) -> None:
    result = analyzer().analyze(text)
    assert -1 <= result.polarity <= 1 and not math.isnan(result.polarity)
    assert 0 <= result.subjectivity <= 1 and not math.isnan(result.subjectivity)


def tree_hash(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


REVIEW = st.tuples(
    st.sampled_from(["Amélie", "Dune", "été", "Été", "../x", "CON"]),
    st.one_of(FRENCH, st.text(min_size=1, max_size=60)),
    st.one_of(st.none(), st.integers(0, 5), st.sampled_from(["4,5", "abc", "8/10"])),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(REVIEW, min_size=1, max_size=12))
@example([("Dune", "\x1f", None)])  # a control character alone: dropped by the reader, no review
def test_building_twice_gives_identical_bytes(reviews: list[tuple[str, str, object]]) -> None:
    import json

    from generator.commands.build import build
    from generator.exceptions import ContentError
    from generator.readers.base import clean_text

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "content").mkdir()
        records = [{"film": s, "texte": t, "note": r} for s, t, r in reviews]
        (root / "content" / "avis.json").write_text(
            json.dumps(records, ensure_ascii=False), encoding="utf-8"
        )
        config = SiteConfig(
            content_dir=root / "content", output_dir=root / "site", templates_dir=root / "templates"
        )
        try:
            build(config)
        except ContentError:  # every text blank once cleaned: nothing to build, and that is said
            assert all(not clean_text(t) for _, t, _ in reviews)
            return
        first = tree_hash(root / "site")
        build(config)
        assert tree_hash(root / "site") == first


_VALUE_TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["</script>", '"', "\\", "\u2028", "\x00", "é"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            _VALUE_TEXT,
            st.floats(-1, 1),
            st.floats(0, 1),
            st.sampled_from(["positive", "negative", "mixed", "neutral"]),
            st.none() | st.integers(0, 20) | st.floats(0, 20),
            st.lists(_VALUE_TEXT, max_size=3),
        ),
        max_size=6,
    )
)
def test_subject_data_file_is_json_dumps_of_subject_data(rows) -> None:
    """The hand-written review list of a subject's data.json is byte for byte the
    documented layout: ``json.dumps(indent=2)`` of ``subject_data``, but each review
    on one line as ``json.dumps(review)`` writes it; and what is known of the last
    file is used as is."""
    import json

    from generator.analysis.types import ReviewAnalysis, SubjectSummary, Verdict
    from generator.content import Review
    from generator.incremental.worker import _spans_in
    from generator.output import (
        DATA_FILE_END,
        _json_safe,
        entries_span,
        subject_data,
        subject_data_file,
        subject_data_json,
    )
    from generator.site import make_subject

    reviews = [
        Review(id=r[0], subject="s", text="t", source=Path("x"), line=1, rating=r[4]) for r in rows
    ]
    analyses = [
        ReviewAnalysis(polarity=r[1], subjectivity=r[2], label=r[3], key_phrases=tuple(r[5]))
        for r in rows
    ]
    summary = SubjectSummary(verdict=Verdict(50, "Mitigé", "mixed", 1, 1, 0, 0, 0.5))
    subject = make_subject(SiteConfig(), "s", "s", None, reviews, analyses, summary)
    data = subject_data(subject)
    reviews = data.pop("reviews")
    data["reviews"] = []  # the last key, as in subject_data
    text = json.dumps(data, ensure_ascii=False, indent=2)
    assert text.endswith('"reviews": []\n}')
    lines = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in reviews)
    text = text[: -len("[]\n}")] + ("[\n" + lines + "\n  ]\n}" if reviews else "[]\n}")
    made, entries = subject_data_file(subject)
    assert json.loads(made) == {**data, "reviews": reviews}
    assert made == (_json_safe(text) + "\n").encode("utf-8") == subject_data_json(subject).data
    # the entries are found again in the file from their lengths (``_Last``)
    lengths = [len(e) for e in entries]
    with tempfile.TemporaryFile() as handle:
        handle.write(made)
        handle.flush()
        same = {i: i for i in range(len(entries))}
        start = entries_span(len(made), lengths)[0]
        spans = _spans_in(handle.fileno(), len(made), start, lengths, same, b"[\n", DATA_FILE_END)
    assert [made[spans[i][0] : sum(spans[i])] for i in range(len(entries))] == entries
    if entries:  # an entry given is written as given
        known = {0: b'    {"id": "known"}'}
        again = subject_data_file(subject, known)
        assert again[1] == [known[0], *entries[1:]]
        assert json.loads(again[0])["reviews"][0] == {"id": "known"}
