"""The search shards (``generator.search``): a card is listed once per word it
holds, however often the word occurs in it (``search.js`` lists every posting as
a result: a card listed twice was shown twice)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.commands.build import build
from generator.config import SiteConfig


def test_a_card_is_listed_once_per_word(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "boutique.txt").write_text(
        "Livraison rapide, livraison soignée, livraisons toujours à l'heure.\n"
        "Le service client répond vite et bien.\n",
        encoding="utf-8",
    )
    config = SiteConfig(content_dir=content, output_dir=tmp_path / "out")
    build(config, executor="serial", cache=False)
    script = (tmp_path / "out" / "boutique" / "search.js").read_text(encoding="utf-8")
    shard = json.loads(script.removeprefix("sitegenSearch.add(").removesuffix(");\n"))
    assert shard["words"]["livraison"].count(0) == 1  # (-1 too: the subject's aspects)
    for postings in shard["words"].values():
        assert len(postings) == len(set(postings))
