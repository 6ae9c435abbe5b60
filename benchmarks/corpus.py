"""A synthetic French review corpus for the scaling benchmark.

``make_corpus(folder, reviews=N, subjects=M)`` writes one CSV file per subject
(``<folder>/content/film-0001.csv`` ...) holding ``id,note,auteur,texte,date`` rows,
plus a ``sitegen.toml``. Texts are composed from sentence templates and word
lists written here; with ``data=PATH`` (a CSV with a ``texte`` column, such as
``../shared/data/films-dev.csv``) sentences sampled from that file, read where it
lies, are mixed in. Nothing of the shared data is ever copied into the repository:
the corpus lives in a temporary folder.

Deterministic for a given seed. Reviews average about 900 characters, so
100,000 reviews are about 90 MB of text. Subjects get a skewed number of reviews
(a few have thousands, most a few dozen), like real sites, so pagination is
exercised.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

OPENINGS = [
    "J'ai vu ce film hier soir",
    "Sorti de la salle il y a une heure",
    "Vu en avant-première",
    "Regardé en famille ce week-end",
    "Je l'attendais depuis des mois",
    "On m'en avait dit du bien",
    "Vu un peu par hasard",
    "Deuxième visionnage",
    "Enfin vu au cinéma",
    "Découvert en streaming",
]
SUBJECTS_FR = [
    "le scénario",
    "la mise en scène",
    "la photographie",
    "la bande originale",
    "le montage",
    "le casting",
    "l'actrice principale",
    "l'acteur principal",
    "les dialogues",
    "la fin",
    "le rythme",
    "les décors",
    "les effets spéciaux",
    "l'histoire",
    "le réalisateur",
    "les seconds rôles",
    "la musique",
    "l'humour",
    "l'intrigue",
    "les personnages",
]
POSITIVE = [
    "excellent",
    "magnifique",
    "génial",
    "superbe",
    "bouleversant",
    "drôle",
    "touchant",
    "brillant",
    "remarquable",
    "émouvant",
    "parfait",
    "réussi",
    "passionnant",
    "sublime",
    "original",
    "efficace",
    "intelligent",
    "captivant",
    "juste",
    "beau",
]
NEGATIVE = [
    "ennuyeux",
    "mauvais",
    "raté",
    "décevant",
    "long",
    "lourd",
    "prévisible",
    "nul",
    "médiocre",
    "confus",
    "plat",
    "fade",
    "pénible",
    "laborieux",
    "creux",
    "maladroit",
    "bâclé",
    "insipide",
    "ridicule",
    "faible",
]
INTENSIFIERS = ["très", "vraiment", "assez", "plutôt", "franchement", "tellement", "un peu", ""]
TEMPLATES = [
    "{S} est {i} {p}.",
    "{S} est {i} {n}.",
    "{S} n'est pas {n}, au contraire.",
    "{S} n'est pas {p} du tout.",
    "J'ai trouvé {s} {i} {p}, mais {s2} plutôt {n}.",
    "Franchement, {s} m'a paru {i} {p} !",
    "Dommage que {s} soit aussi {n}...",
    "On sent que {s} a été travaillé, c'est {p}.",
    "Je ne comprends pas les critiques : {s} est {p}.",
    "Bref, un film {i} {p} que je recommande.",
    "Bref, un film {i} {n} que je déconseille.",
    "Quant à {s}, c'est {i} {n} et sans surprise.",
    "Mention spéciale pour {s}, {i} {p}.",
    "Est-ce que {s} est {p} ? Pas vraiment.",
    "Le public de la salle a ri, moi je trouvais {s} {n}.",
    "Il y a des longueurs, {s} est {n}, mais l'ensemble reste {p}.",
    "{S} m'a laissé de marbre.",
    "À voir absolument, {s} est {p}.",
    "Une perte de temps, {s} est {i} {n}.",
    "Je mets {k} étoiles parce que {s} est {p}.",
]
AUTHORS = [
    "Camille",
    "Léa",
    "Hugo",
    "Manon",
    "Lucas",
    "Chloé",
    "Nathan",
    "Inès",
    "Jules",
    "Zoé",
    "",
]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def shared_sentences(path: Path, limit: int = 20000) -> list[str]:
    """Sentences of the ``texte`` column of a CSV file, read where it lies."""
    sentences: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        column = next(
            (c for c in (reader.fieldnames or []) if c.lower() in ("texte", "text", "avis")), None
        )
        if column is None:
            raise SystemExit(f"{path}: no 'texte' or 'text' column")
        for row in reader:
            for sentence in _SENTENCE_END.split(" ".join((row[column] or "").split())):
                if 20 <= len(sentence) <= 400:
                    sentences.append(sentence)
                    if len(sentences) >= limit:
                        return sentences
    return sentences


def _template_sentence(rng: random.Random) -> str:
    template = rng.choice(TEMPLATES)
    s, s2 = rng.sample(SUBJECTS_FR, 2)
    sentence = template.format(
        S=s[:1].upper() + s[1:],
        s=s,
        s2=s2,
        p=rng.choice(POSITIVE),
        n=rng.choice(NEGATIVE),
        i=rng.choice(INTENSIFIERS),
        k=rng.randint(1, 5),
    )
    return " ".join(sentence.split())


def make_text(rng: random.Random, pool: list[str], target: int) -> str:
    parts = [f"{rng.choice(OPENINGS)}."]
    size = len(parts[0])
    while size < target:
        sentence = rng.choice(pool) if pool and rng.random() < 0.5 else _template_sentence(rng)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


def subject_sizes(reviews: int, subjects: int, rng: random.Random) -> list[int]:
    """A skewed split of ``reviews`` over ``subjects`` (each gets at least one)."""
    subjects = min(subjects, reviews)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(subjects)]
    rng.shuffle(weights)
    total = sum(weights)
    spare = reviews - subjects
    sizes = [1 + int(spare * w / total) for w in weights]
    for i in range(reviews - sum(sizes)):
        sizes[i % subjects] += 1
    return sizes


FRENCH_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
ENGLISH_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def make_date(rng: random.Random) -> str:
    """A review date over 2015-2024 in one of the ways exports write them (a few missing)."""
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.random()
    if kind < 0.55:
        return f"{year}-{month:02d}-{day:02d}"
    if kind < 0.75:
        return f"Publiée le {day} {FRENCH_MONTHS[month - 1]} {year}"
    if kind < 0.85:
        return f"{day:02d}/{month:02d}/{year}"
    if kind < 0.95:
        return f"{day}-{ENGLISH_MONTHS[month - 1]}-{year % 100:02d}"
    return ""


def make_corpus(
    folder: Path,
    *,
    reviews: int,
    subjects: int,
    data: Path | None = None,
    seed: int = 6,
    mean_chars: int = 900,
) -> list[Path]:
    """Write the corpus and a ``sitegen.toml`` into ``folder``; return the CSV paths."""
    rng = random.Random(seed)
    pool = shared_sentences(data) if data else []
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    (folder / "sitegen.toml").write_text(
        'title = "Banc d\'essai"\npage_size = 50\n', encoding="utf-8"
    )
    paths = []
    number = 0
    dates = random.Random(seed + 1)  # its own stream: the texts stay what they were
    for index, size in enumerate(subject_sizes(reviews, subjects, rng)):
        path = content / f"film-{index + 1:04d}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "note", "auteur", "texte", "date"])
            for _ in range(size):
                number += 1
                target = max(80, int(rng.gauss(mean_chars, mean_chars / 3)))
                rating = rng.choice(["", "1", "2", "3", "3,5", "4", "4.5", "5"])
                writer.writerow(
                    [
                        f"r{number}",
                        rating,
                        rng.choice(AUTHORS),
                        make_text(rng, pool, target),
                        make_date(dates),
                    ]
                )
        paths.append(path)
    return paths


def edit_one_review(path: Path) -> None:
    """Change the text of the first review of ``path`` (same id)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][3] = rows[1][3] + " Édition : finalement, je l'ai revu et c'est encore mieux."
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--subjects", type=int, default=20)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    paths = make_corpus(
        args.folder, reviews=args.reviews, subjects=args.subjects, data=args.data, seed=args.seed
    )
    print(f"wrote {len(paths)} files into {args.folder / 'content'}")


if __name__ == "__main__":
    main()
