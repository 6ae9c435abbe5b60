"""The golden corpus: the digest of the analyses of 3,000 texts, recorded with the
``ANALYZER_VERSION`` that made them (``tests/golden_analysis.json``).

Any change to what the analyzer outputs (its code, the model's weights, the
lexicon, the aspect tables) must come with a new ``ANALYZER_VERSION``, since the
build cache keeps analyses under it. This test fails when the analysis changes
and the version does not; after a bump, record the new digest with

    python tests/test_golden_analysis.py

which refuses to overwrite the digest of the version in force. The texts are
composed here from words written for this test, by a seeded generator.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

GOLDEN = Path(__file__).with_name("golden_analysis.json")
COUNT = 3000
SEED = 16

OPENINGS = [
    "",
    "Franchement, ",
    "Bon, ",
    "Alors ",
    "Je dois dire que ",
    "Honnêtement ",
    "Au final, ",
    "Pour moi ",
    "Mais ",
    "Pourtant ",
    "Cependant, ",
    "Sincèrement, ",
]
SUBJECTS = [
    "le film",
    "la série",
    "ce film",
    "cette saison",
    "l'épisode",
    "le scénario",
    "la mise en scène",
    "les acteurs",
    "le casting",
    "la musique",
    "la bande originale",
    "la B.O.",
    "les dialogues",
    "l'histoire",
    "le rythme",
    "la fin",
    "le jeu des acteurs",
    "les effets spéciaux",
    "la photographie",
    "Emmanuelle Seigner",
    "Omar Sy",
    "Jean-Pierre Jeunet",
    "le réalisateur",
    "Marion Cotillard",
    "la bande-annonce",
    "le suspense",
    "l'intrigue",
    "les personnages",
    "le chef cuisinier",
]
VERBS = [
    "est",
    "était",
    "reste",
    "semble",
    "n'est pas",
    "n'est jamais",
    "est vraiment",
    "est un peu",
    "paraît",
]
ADJECTIVES = [
    "excellent",
    "génial",
    "nul",
    "bof",
    "magnifique",
    "décevant",
    "long",
    "lent",
    "drôle",
    "triste",
    "superbe",
    "raté",
    "pas terrible",
    "sublime",
    "médiocre",
    "prenant",
    "ennuyeux",
    "parfait",
    "moyen",
    "très bon",
    "trop long",
    "peu crédible",
    "pas mal du tout",
    "incroyable",
    "convenu",
    "bouleversant",
    "plat",
    "réussi",
    "exellent",
    "decevante",
    "touchant",
    "insupportable",
]
TAILS = [
    ".",
    " !",
    " !!!",
    "...",
    " ?",
    ", mais on s'ennuie.",
    ", à voir absolument.",
    ", une perte de temps.",
    ", un chef-d'œuvre.",
    " 😍",
    " 👎",
    ", rien à redire.",
    " ; je recommande.",
    ", franchement.",
    ". Un navet.",
    ", sans plus.",
    ". Bravo!Le casting",
    ", etc. Dr. House aussi.",
]
NOISE = [
    "",
    "",
    "",
    "\n",
    "  ",
    "\t",
    " (spoiler) ",
    " « top » ",
    " 10/10 ",
    " 2/5 ",
    " www.site.fr ",
]


def sentence(rng: random.Random) -> str:
    return (
        rng.choice(OPENINGS)
        + rng.choice(SUBJECTS)
        + " "
        + rng.choice(VERBS)
        + " "
        + rng.choice(ADJECTIVES)
        + rng.choice(TAILS)
        + rng.choice(NOISE)
    )


def texts() -> list[str]:
    rng = random.Random(SEED)
    out = []
    for _ in range(COUNT):
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 6)))
        if rng.random() < 0.1:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        out.append(text.strip())
    return out


def digest() -> str:
    from generator.analysis import Analyzer

    analyzer = Analyzer()
    h = hashlib.blake2b(digest_size=16)
    for text in texts():
        h.update(repr(analyzer.analyze(text)).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def test_the_analysis_changes_only_with_the_analyzer_version() -> None:
    from generator.analysis import ANALYZER_VERSION

    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["analyzer_version"] == ANALYZER_VERSION, (
        f"ANALYZER_VERSION is {ANALYZER_VERSION}, the golden digest was made by version "
        f"{golden['analyzer_version']}: record the new one with `python tests/test_golden_analysis.py`"
    )
    assert golden["texts"] == COUNT
    assert digest() == golden["digest"], (
        "the analyses of the golden corpus changed but ANALYZER_VERSION did not: bump it in "
        "generator/analysis/analyzer.py (cached analyses are kept under it), then record the new "
        "digest with `python tests/test_golden_analysis.py`"
    )


def test_the_corpus_is_varied() -> None:
    # The digest guards something only if the texts reach the analyzer's rules.
    from generator.analysis import Analyzer

    analyzer = Analyzer()
    sample = [analyzer.analyze(text) for text in texts()[:300]]
    assert len(set(texts())) > COUNT * 0.99
    assert {a.label for a in sample} == {"positive", "negative", "mixed", "neutral"}
    assert sum(1 for a in sample if a.aspect_keys) > 200


def main() -> int:
    from generator.analysis import ANALYZER_VERSION

    if GOLDEN.exists():
        golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
        if golden.get("analyzer_version") == ANALYZER_VERSION:
            print(
                f"{GOLDEN} already holds the digest of version {ANALYZER_VERSION}: "
                "bump ANALYZER_VERSION first (a digest is made once per version)",
                file=sys.stderr,
            )
            return 1
    record = {"analyzer_version": ANALYZER_VERSION, "texts": COUNT, "digest": digest()}
    GOLDEN.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"recorded {record}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
