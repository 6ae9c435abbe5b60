"""Train the language table of ``generator/analysis/language.py`` (reproducible,
offline, a few seconds) and measure it, and a library for comparison, on every
labelled dev set.

Data (trainable files only, see ``../shared/data/README.md``): French from
``allocine-tv-train.tsv`` and ``allocine-films-train.csv``; English from the half
of ``en-uci-sentences.csv`` and ``en-trustpilot-rings.csv`` that
``training.datasets.held_out`` does not hold out (the English model's training half). Words are ``language.WORD_RE`` runs of the folded
text (``tokens.fold``), as at run time.

Table: for the ``--vocab`` most frequent words of each language (document
frequency), ``log P(w | en) - log P(w | fr)`` with add-``--alpha`` smoothing over
the union; every kept word is "known". Other languages: common words of Spanish,
German, Italian, Portuguese and Dutch written below by hand, minus any word that
is common in the French or English training text.

Measured on: ``films-dev.csv``, ``allocine-tv-dev.tsv``, ``fr-trustpilot-rings.csv``,
``fr-allocine-films-2020-2025.csv`` (French, all rows: the table learns from none
of them) and the held-out half of both English files.
``--compare`` also times and scores py3langid (``pip install py3langid``; its
answer is counted right when it names the file's language) on the same texts.

    python training/train_language.py --data ../shared/data [--compare]

writes ``generator/data/language-words.json`` (deterministic).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from generator.analysis import language
from generator.analysis.tokens import fold
from training import datasets

# Common words of languages sitegen does not analyse (accents folded away).
OTHER_LANGUAGE_WORDS = [
    "el",
    "los",
    "las",
    "del",
    "por",
    "para",
    "con",
    "una",
    "pero",
    "muy",
    "esta",
    "este",
    "estos",
    "porque",
    "cuando",
    "tambien",
    "todo",
    "pelicula",
    "bueno",
    "buena",
    "mejor",
    "nada",
    "hay",
    "fue",
    "era",
    "tiene",
    "yo",
    "nos",
    "mucho",
    "muchos",
    "desde",
    "sobre",
    "der",
    "das",
    "und",
    "ist",
    "nicht",
    "ein",
    "eine",
    "einen",
    "mit",
    "auf",
    "fur",
    "dem",
    "sich",
    "auch",
    "ich",
    "sehr",
    "aber",
    "war",
    "wie",
    "noch",
    "nur",
    "von",
    "bei",
    "gut",
    "kann",
    "wird",
    "sind",
    "wir",
    "ganz",
    "schon",
    "leider",
    "hat",
    "haben",
    "habe",
    "keine",
    "kein",
    "che",
    "della",
    "dei",
    "gli",
    "molto",
    "questo",
    "questa",
    "sono",
    "anche",
    "perche",
    "piu",
    "nel",
    "alla",
    "delle",
    "degli",
    "ho",
    "abbiamo",
    "bellissimo",
    "sempre",
    "niente",
    "nao",
    "muito",
    "uma",
    "com",
    "mas",
    "voce",
    "isso",
    "esse",
    "essa",
    "ele",
    "ela",
    "tem",
    "foi",
    "sao",
    "filme",
    "otimo",
    "pessimo",
    "het",
    "een",
    "niet",
    "zijn",
    "ik",
    "voor",
    "maar",
    "ook",
    "wel",
    "heel",
    "goed",
    "dit",
    "naar",
    "geen",
    "hebben",
    "werd",
    "echt",
]


def words_of(text: str) -> list[str]:
    return language.WORD_RE.findall(fold(text), 0, language.SAMPLE_CHARS)


ENGLISH_SETS = ("en-uci-sentences.csv", "en-trustpilot-rings.csv")


def train_texts(data: Path) -> tuple[list[str], list[str]]:
    """French and English texts the table learns from: trainable files only, and of
    the English ones the half ``datasets.held_out`` does not hold out."""
    french = [
        r.text
        for name in ("allocine-tv-train.tsv", "allocine-films-train.csv")
        for r in datasets.read(data / name)
    ]
    english = [
        r.text
        for name in ENGLISH_SETS
        for r in datasets.read(data / name)
        if not datasets.held_out(r.id)
    ]
    return french, english


def dev_sets(data: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (language, texts): every labelled set the table did not learn from."""
    sets = {}
    for name in (
        "films-dev.csv",
        "allocine-tv-dev.tsv",
        "fr-trustpilot-rings.csv",
        "fr-allocine-films-2020-2025.csv",
    ):
        sets[name.rsplit(".", 1)[0]] = ("fr", [r.text for r in datasets.read(data / name)])
    for name in ENGLISH_SETS:
        held = [r.text for r in datasets.read(data / name) if datasets.held_out(r.id)]
        sets[name.rsplit(".", 1)[0] + " (held-out half)"] = ("en", held)
    return sets


def build_table(french: list[str], english: list[str], vocab: int, alpha: float) -> dict:
    counts = {"fr": Counter(), "en": Counter()}
    docs = {"fr": Counter(), "en": Counter()}
    for lang, texts in (("fr", french), ("en", english)):
        for text in texts:
            ws = words_of(text)
            counts[lang].update(ws)
            docs[lang].update(set(ws))
    keep = set()
    for lang in ("fr", "en"):
        keep.update(w for w, _ in sorted(docs[lang].items(), key=lambda x: (-x[1], x[0]))[:vocab])
    total = {lang: sum(counts[lang][w] for w in keep) + alpha * len(keep) for lang in counts}
    weights = {}
    for w in sorted(keep):
        p_en = (counts["en"][w] + alpha) / total["en"]
        p_fr = (counts["fr"][w] + alpha) / total["fr"]
        weights[w] = round(math.log(p_en / p_fr), 3)
    # A word of another language that is common in French or English text is no sign.
    common = {
        w
        for lang in docs
        for w, d in docs[lang].items()
        if d >= 0.002 * len(french if lang == "fr" else english)
    }
    other = sorted(set(OTHER_LANGUAGE_WORDS) - common)
    return {"weights": weights, "other_words": other}


# Texts in languages sitegen does not analyse, written for this script (to check
# that "other" is found; the dev sets hold only French and English).
OTHER_SAMPLES = [
    "La película es muy buena, pero el final no me gustó nada.",
    "Me encantó, los actores son geniales y la historia también.",
    "Der Film ist sehr gut, aber das Ende war leider schwach.",
    "Ich habe den Ring seit drei Monaten und bin ganz zufrieden.",
    "Il film è bellissimo, gli attori sono molto bravi e la storia anche.",
    "Questo prodotto non funziona, sono molto deluso.",
    "O filme é muito bom, mas o final não é tão bom assim.",
    "Het is een goede film, maar niet heel spannend.",
    "Отличный фильм, всем советую!",
    "とても良い映画でした。",
]


def evaluate(table: language.LanguageTable, sets) -> tuple[dict[str, float], float]:
    results = {}
    n_all = 0
    start = time.perf_counter()
    for name, (lang, texts) in sets.items():
        right = sum(language.detect_folded(fold(t), table=table) == lang for t in texts)
        results[name] = right / len(texts)
        n_all += len(texts)
    # Time only the detection, on the texts already folded (the analyzer has the fold).
    folded = [fold(t) for _, texts in sets.values() for t in texts]
    start = time.perf_counter()
    for _ in range(3):
        for f in folded:
            language.detect_folded(f, table=table)
    per = (time.perf_counter() - start) / (3 * len(folded))
    return results, per


def compare_py3langid(sets) -> None:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        print("py3langid is not installed (pip install py3langid): no comparison")
        return
    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.classify("warm up")
    texts = [t for _, ts in sets.values() for t in ts]
    start = time.perf_counter()
    total = 0
    for name, (lang, ts) in sets.items():
        right = sum(ident.classify(t)[0] == lang for t in ts)
        total += right
        print(f"  py3langid (97 languages)  {name:<36} {right / len(ts):.4f}")
    per = (time.perf_counter() - start) / len(texts)
    print(f"  py3langid (97 languages)  all dev sets: {total / len(texts):.4f}")
    other = sum(ident.classify(t)[0] not in ("fr", "en") for t in OTHER_SAMPLES)
    print(f"  py3langid: {other}/{len(OTHER_SAMPLES)} of the other-language samples not fr/en")
    ident.set_languages(["fr", "en"])
    start = time.perf_counter()
    total = 0
    for name, (lang, ts) in sets.items():
        right = sum(ident.classify(t)[0] == lang for t in ts)
        total += right
        print(f"  py3langid (fr/en only)    {name:<36} {right / len(ts):.4f}")
    per2 = (time.perf_counter() - start) / len(texts)
    print(f"  py3langid (fr/en only)    all dev sets: {total / len(texts):.4f}")
    print(
        f"  py3langid: {per * 1e6:.0f} µs a review (97 languages), {per2 * 1e6:.0f} µs (fr/en only)"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=language.DATA_PATH)
    ap.add_argument("--vocab", type=int, default=4000)
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--min-known", type=float, default=0.5)
    ap.add_argument("--min-other", type=float, default=0.2)
    ap.add_argument("--compare", action="store_true", help="also measure py3langid")
    args = ap.parse_args(argv)

    french, english = train_texts(args.data)
    print(f"train: {len(french)} French and {len(english)} English texts")
    data = build_table(french, english, args.vocab, args.alpha)
    data.update(
        {
            "about": "sitegen language table: word log-ratios English/French, see training/train_language.py",
            "bias": 0.0,
            "min_known": args.min_known,
            "min_other": args.min_other,
            "sample_chars": language.SAMPLE_CHARS,
        }
    )
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    args.out.write_text(payload + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(data['weights'])} words)"
    )

    table = language.load_table(args.out)
    sets = dev_sets(args.data)
    results, per = evaluate(table, sets)
    right = total = 0
    for name, acc in results.items():
        n = len(sets[name][1])
        right += round(acc * n)
        total += n
        print(f"  sitegen   {name:<36} {acc:.4f} ({n} texts)")
    print(
        f"  sitegen   all dev sets: {right / total:.4f} ({total} texts); {per * 1e6:.1f} µs a review (folded text given)"
    )
    other = sum(
        language.detect_folded(fold(t), table=table) == language.OTHER for t in OTHER_SAMPLES
    )
    print(f"  sitegen: {other}/{len(OTHER_SAMPLES)} of the other-language samples found other")
    if args.compare:
        compare_py3langid(sets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
