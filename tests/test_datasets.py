"""The labelled-set readers shared by the training script and the evaluation
harness: formats, gold labels and the seeded held-out split (on files written here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training import datasets


def test_gold_prefers_the_rating_and_leaves_the_middle_out():
    assert datasets.gold(4.0, 0) == 1
    assert datasets.gold(3.5, None) == 1
    assert datasets.gold(3.0, 1) is None
    assert datasets.gold(2.0, None) == 0
    assert datasets.gold(None, 1) == 1
    assert datasets.gold(None, None) is None


def test_readers_of_each_format(tmp_path):
    shared = tmp_path / "fr-shop.csv"
    shared.write_text(
        "id,subject,text,rating,label,lang\n"
        'a1,Shop,"Livraison rapide, merci",5,1,fr\n'
        "a2,Shop,Bof,3,,fr\n"
        "a3,Shop,Never again,,0,en\n",
        encoding="utf-8",
    )
    rows = datasets.read(shared)
    assert [(r.id, r.rating, r.label, r.lang) for r in rows] == [
        ("a1", 5.0, 1, "fr"),
        ("a2", 3.0, None, "fr"),
        ("a3", None, 0, "en"),
    ]
    films = tmp_path / "films-dev.csv"
    films.write_text(
        "content_id,content_type,content_name,titre_avis,note,texte,date,scraped_at\n"
        '1,film,Titre,t,1.5,"Long\ntexte",d,s\n',
        encoding="utf-8",
    )
    (row,) = datasets.read(films)
    assert (row.id, row.subject, row.text, row.label) == ("d0", "Titre", "Long\ntexte", 0)
    tsv = tmp_path / "tv.tsv"
    tsv.write_text("1\tsuper\n\n0\tnul\n", encoding="utf-8")
    assert [(r.label, r.text) for r in datasets.read(tsv)] == [(1, "super"), (0, "nul")]
    with pytest.raises(SystemExit, match="unknown format"):
        datasets.read(tmp_path / "x.json")


def test_held_out_split_is_about_half_and_depends_on_the_id_only():
    ids = [f"fr-tp-{i:05d}" for i in range(1000)]
    held = [i for i in ids if datasets.held_out(i)]
    assert 430 < len(held) < 570
    assert held == [i for i in reversed(ids) if datasets.held_out(i)][::-1]
