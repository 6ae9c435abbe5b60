"""Broken and unusual files: each gives a located, actionable problem, never an exception,
and the rest of the content is still read."""

from __future__ import annotations

import json
from pathlib import Path

from generator.config import SiteConfig
from generator.exceptions import Problem
from generator.readers import read_content


def read(folder: Path, **config):
    return read_content(SiteConfig(content_dir=folder, **config))


def put(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def only(problems: list[Problem], name: str) -> list[Problem]:
    return [p for p in problems if Path(p.path).name == name]


def assert_actionable(problem: Problem) -> None:
    assert problem.hint, f"no hint on what to do: {problem}"
    assert "Traceback" not in str(problem)


def test_cp1252_csv_is_decoded_with_a_warning(tmp_path: Path) -> None:
    put(
        tmp_path,
        "export.csv",
        "texte;note\nTrès réussi, à voir;4\nPas mal, où est la suite ?;3\n".encode("cp1252"),
    )
    corpus = read(tmp_path)
    assert [r.text for r in corpus.reviews] == ["Très réussi, à voir", "Pas mal, où est la suite ?"]
    [problem] = corpus.problems
    assert problem.severity == "warning" and "cp1252" in problem.message and problem.line == 2
    assert_actionable(problem)


def test_latin1_txt(tmp_path: Path) -> None:
    put(
        tmp_path,
        "vieux.txt",
        "L'été dernier, très réussi : un chef-d'œuvre\n".replace("œ", "oe").encode("latin-1"),
    )
    corpus = read(tmp_path)
    assert corpus.reviews[0].text == "L'été dernier, très réussi : un chef-d'oeuvre"


def test_bom_is_dropped(tmp_path: Path) -> None:
    put(tmp_path, "bom.csv", b"\xef\xbb\xbftexte,note\nBien,4\n")
    corpus = read(tmp_path)
    assert [(r.text, r.rating) for r in corpus.reviews] == [("Bien", 4.0)]
    assert corpus.problems == []


def test_invalid_utf8_binary_and_empty(tmp_path: Path) -> None:
    put(tmp_path, "vide.txt", b"  \n\n")
    put(tmp_path, "image.json", bytes(range(256)) * 20)
    put(tmp_path, "ok.txt", "Toujours lu")
    corpus = read(tmp_path)
    assert [r.text for r in corpus.reviews] == ["Toujours lu"]
    [empty] = only(corpus.problems, "vide.txt")
    assert empty.severity == "warning"
    [binary] = only(corpus.problems, "image.json")
    assert binary.severity == "error" and "binary" in binary.message
    assert_actionable(binary)


def test_csv_without_text_column(tmp_path: Path) -> None:
    put(tmp_path, "chiffres.csv", "a;b\n1;2\n")
    [problem] = read(tmp_path).problems
    assert (
        problem.line == 1
        and "no review text column" in problem.message
        and "'a'" in problem.message
    )
    assert_actionable(problem)


def test_ragged_rows(tmp_path: Path) -> None:
    put(tmp_path, "r.csv", "texte,note\nun,1,en trop\ndeux\ntrois,3\n")
    corpus = read(tmp_path)
    assert [(r.text, r.rating) for r in corpus.reviews] == [
        ("un", 1.0),
        ("deux", None),
        ("trois", 3.0),
    ]
    extra, missing = corpus.problems
    assert (extra.line, extra.severity) == (2, "error")  # "en trop" is dropped
    assert (missing.line, missing.severity) == (3, "warning")
    assert_actionable(extra)


def test_lone_quote_does_not_swallow_the_file(tmp_path: Path) -> None:
    put(
        tmp_path,
        "q.csv",
        'texte;note;auteur\n"Un avis très réussi;4;Marie\nAutre avis;3;Paul\nDernier;5;"Zoé\n',
    )
    corpus = read(tmp_path)
    assert [(r.text, r.rating, r.author, r.line) for r in corpus.reviews] == [
        ("Un avis très réussi", 4.0, "Marie", 2),
        ("Autre avis", 3.0, "Paul", 3),
        ("Dernier", 5.0, "Zoé", 4),
    ]
    assert [p.line for p in corpus.problems] == [2, 4]
    assert all("quote" in p.message for p in corpus.problems)
    assert_actionable(corpus.problems[0])


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    put(tmp_path, "bad.json", '[\n {"texte": "a"},\n {"texte": "b" "note": 3}\n]')
    put(tmp_path, "bad.jsonl", '{"texte": "bon"}\n{"texte": \n{"texte": "aussi bon"}\n')
    corpus = read(tmp_path)
    [bad] = only(corpus.problems, "bad.json")
    assert bad.line == 3 and "invalid JSON" in bad.message
    assert_actionable(bad)
    assert [r.text for r in corpus.reviews] == ["bon", "aussi bon"]
    [line] = only(corpus.problems, "bad.jsonl")
    assert line.line == 2


def test_json_fields_that_are_not_strings(tmp_path: Path) -> None:
    records = [
        {"texte": 12},
        {"texte": ["liste"]},
        {"texte": "Bien", "auteur": {"nom": "x"}, "note": [4], "film": {"a": 1}},
        {"texte": "Daté", "date": 20240101, "id": 7},
        "pas un objet",
    ]
    put(tmp_path, "t.json", json.dumps(records))
    corpus = read(tmp_path)
    assert [(r.text, r.author, r.rating, r.subject) for r in corpus.reviews] == [
        ("Bien", "", None, "t"),
        ("Daté", "", None, "t"),
    ]
    assert corpus.reviews[1].id == "7" and corpus.reviews[1].date == "20240101"
    errors = [p for p in corpus.problems if p.severity == "error"]
    assert len(errors) == 6  # two texts, author, rating, subject, the string record
    for problem in errors:
        assert_actionable(problem)
    assert not any("{'" in p.message for p in corpus.problems)  # no Python reprs of dicts


def test_json_top_level_not_a_list(tmp_path: Path) -> None:
    put(tmp_path, "o.json", '{"avis": []}')
    [problem] = read(tmp_path).problems
    assert "expected a list" in problem.message
    assert_actionable(problem)


def test_invalid_front_matter(tmp_path: Path) -> None:
    put(tmp_path, "f/a.md", "---\nauteur: [pas fermé\n---\nTexte\n")
    put(tmp_path, "f/b.md", "---\n- une\n- liste\n---\nLe corps est gardé.\n")
    corpus = read(tmp_path)
    bad, listed = corpus.problems
    assert (
        Path(bad.path).name == "a.md"
        and "invalid front matter" in bad.message
        and bad.line in (2, 3)
    )
    assert Path(listed.path).name == "b.md" and "list" in listed.message
    assert [r.text for r in corpus.reviews] == ["Le corps est gardé."]
    assert_actionable(bad)


def test_front_matter_dates_and_datetimes(tmp_path: Path) -> None:
    put(tmp_path, "d/a.md", "---\ndate: 2024-03-01\n---\nUn.\n")
    put(tmp_path, "d/b.md", "---\ndate: 2024-03-01 20:30:00\n---\nDeux.\n")
    corpus = read(tmp_path)
    # Dates are days (generator.dates): the time of day is not kept.
    assert [r.date for r in corpus.reviews] == ["2024-03-01", "2024-03-01"]


def test_huge_review_is_skipped_with_a_message(tmp_path: Path) -> None:
    put(tmp_path, "gros.txt", "Bien\n" + "x" * (50 * 1024 * 1024) + "\nFin\n")
    corpus = read(tmp_path)
    assert [r.text for r in corpus.reviews] == ["Bien", "Fin"]
    [problem] = corpus.problems
    assert problem.line == 2 and "characters skipped" in problem.message


def test_huge_csv_field_does_not_stop_the_file(tmp_path: Path) -> None:
    put(tmp_path, "gros.csv", 'texte\n"' + "y" * (20 * 1024 * 1024) + '"\nsuite\n')
    corpus = read(tmp_path)
    assert [r.text for r in corpus.reviews] == ["suite"]
    assert len(corpus.problems) == 1


def test_subject_without_reviews(tmp_path: Path) -> None:
    put(tmp_path, "seul/index.md", "---\ntitle: Seul\n---\n")
    corpus = read(tmp_path)
    [problem] = corpus.problems
    assert problem.severity == "warning" and "no reviews" in problem.message


def test_duplicate_ids_are_renamed_and_reported(tmp_path: Path) -> None:
    put(tmp_path, "d.csv", "id,texte\n1,Premier\n1,Second\n")
    put(tmp_path, "e.txt", "Pareil\nPareil\n")
    corpus = read(tmp_path)
    assert [r.id for r in corpus.reviews[:2]] == ["1", "1-2"]
    assert corpus.reviews[3].id == corpus.reviews[2].id + "-2"
    assert len(corpus.problems) == 2 and all(p.line for p in corpus.problems)


def test_ids_with_markup_are_made_safe(tmp_path: Path) -> None:
    put(
        tmp_path,
        "i.json",
        json.dumps([{"id": 'x" onmouseover="alert(1)', "texte": "a"}, {"id": "<>", "texte": "b"}]),
    )
    corpus = read(tmp_path)
    ids = [r.id for r in corpus.reviews]
    assert ids[0] == "x-onmouseover-alert-1"
    assert len(ids[1]) == 10 and ids[1].isalnum()  # nothing left: the stable id
    assert all(set(i) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_.") for i in ids)


def test_ratings_not_numbers_or_out_of_scale_keep_the_review(tmp_path: Path) -> None:
    put(tmp_path, "n.csv", "texte;note\nA;abc\nB;7\nC;12/10\nD;9/10\n")
    corpus = read(tmp_path)
    assert [(r.text, r.rating) for r in corpus.reviews] == [
        ("A", None),
        ("B", None),
        ("C", None),
        ("D", 4.5),
    ]
    assert [p.line for p in corpus.problems] == [2, 3, 4]
    assert all(p.severity == "error" and p.hint for p in corpus.problems)


def test_control_characters_and_lone_surrogates_removed(tmp_path: Path) -> None:
    put(tmp_path, "s.json", '[{"texte": "bien\\u0000\\u0007 \\ud800vu\\u2028ok"}]')
    [review] = read(tmp_path).reviews
    assert review.text == "bien vu\u2028ok"
    review.text.encode("utf-8")  # writable


def test_subject_image_must_be_relative_or_http(tmp_path: Path) -> None:
    bad = [
        "javascript:alert(1)",
        "JaVa\tScRipt:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "/etc/passwd",
        "../../secret.png",
        "//evil.example/x.png",
        "vbscript:x",
    ]
    good = [
        "affiche.jpg",
        "images/affiche.jpg",
        "https://exemple.fr/a.jpg",
        "http://exemple.fr/a.jpg",
    ]
    for n, value in enumerate(bad + good):
        put(tmp_path, f"s{n}/index.md", f"---\nimage: {json.dumps(value)}\n---\n")
        put(tmp_path, f"s{n}/avis.txt", "Bien")
    corpus = read(tmp_path)
    images = {key: meta.image for key, meta in corpus.subjects.items()}
    assert [images[f"s{n}"] for n in range(len(bad))] == [""] * len(bad)
    assert [images[f"s{n}"] for n in range(len(bad), len(bad) + len(good))] == good
    assert len([p for p in corpus.problems if "image" in p.message]) == len(bad)
