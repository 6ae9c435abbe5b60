"""Language per review: detection, the English analysis, reviews sitegen cannot
analyse (shown, not scored, reported once per file) and the [analysis] setting."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import read_data

from generator.analysis import AnalysisSettings, Analyzer
from generator.analysis.language import detect, detect_folded
from generator.analysis.tokens import fold
from generator.analysis.types import UNANALYSED
from generator.commands.build import build
from generator.config import SiteConfig, load_config
from generator.exceptions import ConfigError

FRENCH = [
    "Un film magnifique, les acteurs sont parfaits et la fin m'a ému.",
    "Bof, je me suis ennuyé du début à la fin.",
    "Livraison rapide, la bague est jolie mais la batterie ne tient pas deux jours.",
    "c' est une serie geniale , j' adore les personnages",
]
ENGLISH = [
    "Works great, easy to set up and the battery lasts a week.",
    "Terrible customer service, I want my money back.",
    "The food was cold and the waiter was rude.",
    "I love this ring!",
]
OTHER = [
    "La película es muy buena, pero el final no me gustó nada.",
    "Der Film ist sehr gut, aber das Ende war leider schwach.",
    "Il film è bellissimo, gli attori sono molto bravi.",
    "Отличный фильм, всем советую!",
]


@pytest.mark.parametrize(("texts", "language"), [(FRENCH, "fr"), (ENGLISH, "en"), (OTHER, "other")])
def test_detection(texts: list[str], language: str) -> None:
    assert [detect(t) for t in texts] == [language] * len(texts)


def test_a_text_without_words_gets_the_default() -> None:
    assert detect("10/10 !!!") == "fr"
    assert detect("10/10 !!!", default="en") == "en"


def test_detect_reads_what_the_analyzer_reads() -> None:
    # The reader's check and the analyzer must agree, long texts included (only
    # the opening is read; œ and … fold to two and three characters).
    long = "Cœur… " * 30 + " ".join(ENGLISH) * 5
    for text in [*FRENCH, *ENGLISH, *OTHER, long, "Œuvre… " + OTHER[0]]:
        assert detect(text) == detect_folded(fold(text))
        assert Analyzer().analyze(text).language == detect(text)


def test_english_reviews_are_scored_by_the_english_model() -> None:
    analyzer = Analyzer()
    good = analyzer.analyze(
        "Works great... Easy & fun to use. This is the best speaker I have owned."
    )
    bad = analyzer.analyze("Stopped working after two days. Don't buy it, a waste of money.")
    assert (good.language, good.label) == ("en", "positive")
    assert (bad.language, bad.label) == ("en", "negative")
    assert good.sentences and all(s.text for s in good.sentences)


def test_english_aspects_are_nouns_and_names_not_stop_words() -> None:
    analyzer = Analyzer()
    text = (
        "This ring is great. Very comfortable. Works well with the app. Easy to use. "
        "I don't like the charger but the battery life is good. The Oura team answered fast."
    )
    keys = set(analyzer.analyze(text).aspect_keys)
    # ring and app under the keys of the French terms they translate (aspect_terms.tsv)
    assert {"bague", "application", "charger", "battery life"} <= keys
    assert "oura" in keys
    assert not keys & {"this", "very", "works", "work", "easy", "don", "i"}


def test_the_business_and_its_customers_are_not_aspects_of_a_shop() -> None:
    analyzer = Analyzer()
    text = (
        "As a loyal customer I expected better from this company. The brand is known, "
        "but the customer care never answered and I need a refund."
    )
    found = {(m[0], m[1]) for m in analyzer.analyze(text).mentions}
    keys = {key for key, _ in found}
    assert not keys & {"customer", "company", "brand", "need"}
    assert ("service", "customer care") in found  # the phrase, not the reviewer
    assert "remboursement" in keys  # "refund", under the French term's key


def test_a_mixed_subject_names_its_aspects_in_the_interface_language() -> None:
    from generator.analysis.consensus import named_for_readers
    from generator.analysis.types import Aspect

    aspects = (
        Aspect("service", "customer service", 5, 3, 1),
        Aspect("produit", "produit", 4, 3, 0),
        Aspect("remplacement", "replacement", 3, 1, 1),
        Aspect("response", "response", 3, 1, 1),  # no French term: as written
        Aspect("oura", "Oura", 3, 2, 0),  # a name stays a name
    )
    french = [a.text for a in named_for_readers(aspects, ["fr", "en", "other"], "fr")]
    assert french == ["service", "produit", "remplacement", "response", "Oura"]
    english = [a.text for a in named_for_readers(aspects, ["en", "fr"], "en")]
    assert english == ["customer service", "product", "replacement", "response", "Oura"]
    # Reviewed in one language: as its reviews write them, whatever the interface.
    for languages in (["en", "en", "other"], ["fr"], []):
        assert named_for_readers(aspects, languages, "fr") == aspects


def test_forced_language_skips_detection() -> None:
    text = ENGLISH[0]
    assert Analyzer(AnalysisSettings(language="fr")).analyze(text).language == "fr"
    assert Analyzer(AnalysisSettings(language="en")).analyze(FRENCH[0]).language == "en"
    assert Analyzer(AnalysisSettings(language="en")).analyze(OTHER[0]).label != UNANALYSED


def test_other_languages_are_not_scored() -> None:
    result = Analyzer().analyze(OTHER[0])
    assert (result.language, result.label, result.polarity) == ("other", UNANALYSED, 0.0)
    assert result.sentences == () and result.key_phrases == ()


def test_the_language_setting_is_part_of_the_cache_key() -> None:
    keys = {AnalysisSettings(language=lang).cache_key() for lang in ("auto", "fr", "en")}
    assert len(keys) == 3


def test_config_analysis_language(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text('[analysis]\nlanguage = "en"\n', encoding="utf-8")
    assert load_config(path).analysis.language == "en"
    path.write_text('[site]\nlanguage = "en"\n', encoding="utf-8")
    assert load_config(path).analysis.language == "auto"  # interface and content independent
    for bad, word in (
        ('language = "de"', "language"),
        ('langue = "fr"', "langue"),
        ("language = 1", "language"),
    ):
        path.write_text(f"[analysis]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert str(path) in str(caught.value) and word in str(caught.value)


class _Cards(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[str | None] = []
        self.badges: list[str] = []
        self._badge = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "body" in classes:
            self.bodies.append(a.get("lang"))
        self._badge = "badge" in classes

    def handle_data(self, data: str) -> None:
        if self._badge:
            self.badges.append(data.strip())
            self._badge = False


MIXED = [
    "Très bon produit, la bague est confortable et la batterie tient bien.",
    "Great ring, comfortable and the battery lasts for days.",
    "Terrible app, it never syncs and support never answers.",
    "Producto excelente, muy cómodo y la batería dura mucho.",
    "Décevant, la bague s'est rayée au bout d'une semaine.",
    "Das Produkt ist leider nicht gut, die Batterie hält nicht lange.",
]


def _site(tmp_path: Path, language: str = "fr") -> tuple[SiteConfig, Path]:
    content = tmp_path / "content"
    content.mkdir()
    (content / "bague.txt").write_text("\n".join(MIXED) + "\n", encoding="utf-8")
    config = SiteConfig(
        content_dir=content,
        output_dir=tmp_path / "out",
        templates_dir=tmp_path / "none",
        language=language,
    )
    return config, tmp_path / "out"


def test_a_mixed_subject_is_summarised_over_french_and_english(tmp_path: Path) -> None:
    config, out = _site(tmp_path)
    report = build(config)
    data = read_data(out)
    subject = data["subjects"][0]
    assert [r["language"] for r in subject["reviews"]] == ["fr", "en", "en", "other", "fr", "other"]
    assert [r["label"] for r in subject["reviews"]][3] == UNANALYSED
    verdict = subject["verdict"]
    # The four analysed reviews only, both languages counted.
    assert verdict["positive"] + verdict["negative"] + verdict["mixed"] + verdict["neutral"] == 4
    assert verdict["positive"] == 2 and verdict["negative"] == 2
    quoted = {q["review_id"] for q in subject["pros"] + subject["cons"]}
    others = {r["id"] for r in subject["reviews"] if r["language"] == "other"}
    assert not quoted & others
    assert "batería" not in json.dumps(subject["key_phrases"], ensure_ascii=False)
    # One warning for the file: the count and the first line.
    warnings = [p for p in report.warnings if "does not analyse" in p.message]
    assert len(warnings) == 1
    assert warnings[0].line == 4 and "2 reviews" in warnings[0].message
    cards = _Cards()
    cards.feed((out / "bague" / "index.html").read_text(encoding="utf-8"))
    assert cards.bodies == ["fr", "en", "en", "", "fr", ""]
    assert cards.badges.count("Non analysé") == 2
    # Reviewed in French and English: the French interface names its aspects in
    # French ("battery" and "batterie" are one aspect, "batterie").
    shown = [a["text"] for a in subject["key_phrases"]]
    assert "batterie" in shown and not {"battery", "ring", "app"} & set(shown)


def test_the_unanalysed_label_follows_the_interface_language(tmp_path: Path) -> None:
    config, out = _site(tmp_path, language="en")
    build(config)
    cards = _Cards()
    cards.feed((out / "bague" / "index.html").read_text(encoding="utf-8"))
    assert cards.badges.count("Not analysed") == 2
    assert cards.bodies[1] == "en"


def test_forcing_a_language_analyses_every_review_and_warns_of_none(tmp_path: Path) -> None:
    config, out = _site(tmp_path)
    from generator.config import AnalysisConfig

    report = build(config.replace(analysis=AnalysisConfig(language="fr")))
    data = read_data(out)
    assert {r["language"] for r in data["subjects"][0]["reviews"]} == {"fr"}
    assert not [p for p in report.warnings if "does not analyse" in p.message]
