"""One test per reader and format, on small French fixtures written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.config import SiteConfig
from generator.readers import read_content
from generator.readers.base import parse_rating, stable_id


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def read(folder: Path, **config):
    return read_content(SiteConfig(content_dir=folder, **config))


def test_txt_one_review_per_non_empty_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "backstage.txt",
        "Un film très réussi.\n\n   \nLa fin m'a déçu.\r\nMusique superbe\n",
    )
    corpus = read(tmp_path)
    assert [r.text for r in corpus.reviews] == [
        "Un film très réussi.",
        "La fin m'a déçu.",
        "Musique superbe",
    ]
    assert [r.line for r in corpus.reviews] == [1, 4, 5]
    assert {r.subject for r in corpus.reviews} == {"backstage"}
    assert corpus.problems == []


def test_md_front_matter_and_subject_index(tmp_path: Path) -> None:
    write(
        tmp_path,
        "le-bureau/index.md",
        "---\ntitle: Le Bureau des légendes\nyear: 2015\nimage: affiche.jpg\n---\nUne série d'**espionnage**.\n",
    )
    write(
        tmp_path,
        "le-bureau/avis-1.md",
        '---\nauteur: Marie\nnote: "4,5"\ndate: 2024-03-01\ntitre: Captivant\n---\nUne série *captivante*, très bien écrite.\n',
    )
    corpus = read(tmp_path)
    meta = corpus.subjects["le-bureau"]
    assert (meta.title, meta.year, meta.image) == ("Le Bureau des légendes", "2015", "affiche.jpg")
    assert "<strong>espionnage</strong>" in meta.description_html
    [review] = corpus.reviews
    assert review.subject == "le-bureau"
    assert review.text == "Une série captivante, très bien écrite."
    assert "<em>captivante</em>" in review.body_html
    assert (review.author, review.rating, review.date, review.title) == (
        "Marie",
        4.5,
        "2024-03-01",
        "Captivant",
    )
    assert review.line == 7  # the body's first line
    assert corpus.problems == []


def test_csv_french_columns_semicolon(tmp_path: Path) -> None:
    write(
        tmp_path,
        "films.csv",
        "texte;note;auteur;date\n"
        '"Très réussi; j\'ai adoré";4,5;Marie;2024-01-02\n'
        "Décevant;2;Paul;\n"
        '"Sur deux\nlignes";3;Léa;\n',
    )
    corpus = read(tmp_path)
    assert [(r.text, r.rating, r.author) for r in corpus.reviews] == [
        ("Très réussi; j'ai adoré", 4.5, "Marie"),
        ("Décevant", 2.0, "Paul"),
        ("Sur deux\nlignes", 3.0, "Léa"),
    ]
    assert [r.line for r in corpus.reviews] == [2, 3, 4]
    assert corpus.problems == []


def test_tsv(tmp_path: Path) -> None:
    write(
        tmp_path, "series.tsv", "avis\tnote\tpseudo\nBien joué, bonne série\t8/10\tzaz\nBof\t\t\n"
    )
    corpus = read(tmp_path)
    assert [(r.text, r.rating, r.author) for r in corpus.reviews] == [
        ("Bien joué, bonne série", 4.0, "zaz"),
        ("Bof", None, ""),
    ]


def test_json_list_and_reviews_object(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.json",
        json.dumps(
            [{"texte": "Excellent", "note": 5}, {"avis": "Moyen", "note": "2,5"}],
            ensure_ascii=False,
            indent=1,
        ),
    )
    write(
        tmp_path,
        "b.json",
        json.dumps(
            {"reviews": [{"text": "Génial", "author": "Zoé", "rating": 4}]}, ensure_ascii=False
        ),
    )
    corpus = read(tmp_path)
    assert [(r.subject, r.text, r.rating) for r in corpus.reviews] == [
        ("a", "Excellent", 5.0),
        ("a", "Moyen", 2.5),
        ("b", "Génial", 4.0),
    ]
    assert [r.line for r in corpus.reviews[:2]] == [2, 6]
    assert corpus.reviews[2].author == "Zoé"


def test_jsonl(tmp_path: Path) -> None:
    write(tmp_path, "c.jsonl", '{"texte": "Premier avis"}\n\n{"texte": "Second avis", "note": 3}\n')
    corpus = read(tmp_path)
    assert [(r.text, r.line, r.rating) for r in corpus.reviews] == [
        ("Premier avis", 1, None),
        ("Second avis", 3, 3.0),
    ]


def test_subject_column_groups_reviews(tmp_path: Path) -> None:
    write(
        tmp_path,
        "tout.csv",
        "film;texte\nAmélie;Charmant\nDune;Grandiose\nAmélie;Trop sucré\n;Sans sujet\n",
    )
    corpus = read(tmp_path)
    assert [(r.subject, r.text) for r in corpus.reviews] == [
        ("Amélie", "Charmant"),
        ("Dune", "Grandiose"),
        ("Amélie", "Trop sucré"),
        ("tout", "Sans sujet"),
    ]


def test_column_mapping_from_config(tmp_path: Path) -> None:
    write(tmp_path, "export.csv", "Ressenti,Etoiles,Qui\nMagnifique,5,Ana\n")
    assert read(tmp_path).reviews == []  # no known text column without the mapping
    corpus = read(tmp_path, columns={"text": "Ressenti", "rating": "Etoiles", "author": "Qui"})
    assert [(r.text, r.rating, r.author) for r in corpus.reviews] == [("Magnifique", 5.0, "Ana")]
    assert corpus.problems == []


def test_ids_stable_across_reads_and_reordering(tmp_path: Path) -> None:
    write(tmp_path, "f.txt", "Un\nDeux\nTrois\n")
    first = {r.text: r.id for r in read(tmp_path).reviews}
    again = {r.text: r.id for r in read(tmp_path).reviews}
    write(tmp_path, "f.txt", "Trois\nQuatre\nUn\nDeux\n")
    reordered = {r.text: r.id for r in read(tmp_path).reviews}
    assert first == again
    assert all(reordered[text] == first[text] for text in first)
    assert len(set(reordered.values())) == 4
    assert first["Un"] == stable_id("f", "Un")


def test_input_order_kept(tmp_path: Path) -> None:
    lines = ["Zèbre", "abricot", "Mangue", "banane"]
    write(tmp_path, "o.txt", "\n".join(lines))
    assert [r.text for r in read(tmp_path).reviews] == lines


def test_files_read_in_sorted_order_and_hidden_skipped(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "B")
    write(tmp_path, "a.txt", "A")
    write(tmp_path, ".cache.txt", "caché")
    write(tmp_path, "README.md", "# Lisez-moi")
    assert [r.text for r in read(tmp_path).reviews] == ["A", "B"]


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [
        ("4,5", 5, 4.5),
        ("8/10", 5, 4.0),
        ("3.5 étoiles", 5, 3.5),
        ("4 sur 5", 10, 8.0),
        ("1 étoile", 5, 1.0),
        (" 2 ", 5, 2.0),
        ("4★", 5, 4.0),
        (3, 20, 3.0),
        ("", 5, None),
        (None, 5, None),
    ],
)
def test_rating_parsing(value: object, scale: int, expected: float | None) -> None:
    assert parse_rating(value, scale) == (expected, "")


@pytest.mark.parametrize(
    "value",
    ["abc", "6", "-1", "11/10", "5/0", "NaN", "inf", True, [4], {"n": 4}, 10**400, float("nan")],
)
def test_bad_ratings_are_errors(value: object) -> None:
    rating, error = parse_rating(value, 5)
    assert rating is None and error
