"""The reviewers' noun follows the subject type (``item_type``) or ``[site] audience``,
in both languages, on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, rated_site, read_data

from generator.audience import audience_for
from generator.config import SiteConfig, config_from_dict
from generator.exceptions import ConfigError
from generator.i18n import translator
from generator.render import Renderer


@pytest.mark.parametrize(
    ("item_type", "fr", "en"),
    [
        ("Movie", "spectateurs", "viewers"),
        ("TVSeries", "spectateurs", "viewers"),
        ("Book", "lecteurs", "readers"),
        ("Product", "clients", "customers"),
        ("LocalBusiness", "clients", "customers"),
        ("Restaurant", "clients", "customers"),
        ("Hotel", "clients", "guests"),
        ("MusicAlbum", "auditeurs", "listeners"),
        ("VideoGame", "joueurs", "players"),
        ("SoftwareApplication", "utilisateurs", "users"),
        ("Museum", "visiteurs", "visitors"),
        ("Course", "participants", "learners"),
        ("Thing", "internautes", "reviewers"),  # a type not listed: the generic noun
    ],
)
def test_each_type_has_its_nouns_in_both_languages(item_type: str, fr: str, en: str) -> None:
    assert audience_for(item_type, "fr").noun == fr
    assert audience_for(item_type, "en").noun == en
    assert translator("fr", audience_for(item_type, "fr"))("subject.ratings") == f"Notes des {fr}"
    assert (
        translator("en", audience_for(item_type, "en"))("subject.aspects")
        == f"What {en} talk about"
    )


def test_english_possessive() -> None:
    assert translator("en", audience_for("Book", "en"))("subject.ratings") == "Readers’ ratings"
    assert (
        translator("en", audience_for("Movie", "en", "people"))("subject.ratings")
        == "People’s ratings"
    )


def test_the_audience_option_overrides_the_type(tmp_path: Path) -> None:
    config = config_from_dict(
        {"site": {"item_type": "Product", "audience": " acheteurs "}}, tmp_path / "sitegen.toml"
    )
    assert config.audience == " acheteurs "
    assert audience_for(config.item_type, config.language, config.audience).noun == "acheteurs"
    with pytest.raises(ConfigError, match="audience"):
        config_from_dict({"site": {"audience": 3}}, tmp_path / "sitegen.toml")


def render(config: SiteConfig) -> dict[str, str]:
    return {
        item.path: item.data.decode("utf-8")
        for item in Renderer(rated_site(config)).render_all()
        if item.path.endswith(".html")
    }


@pytest.mark.parametrize(
    ("language", "item_type", "audience", "said", "never"),
    [
        (
            "fr",
            "Product",
            "",
            ["Notes des clients", "Ce dont parlent les clients", "avis des clients"],
            "spectateur",
        ),
        (
            "en",
            "Book",
            "",
            ["Readers’ ratings", "What readers talk about", "from readers’ reviews"],
            "viewer",
        ),
        (
            "fr",
            "Movie",
            "abonnés",
            ["Notes des abonnés", "Ce dont parlent les abonnés"],
            "spectateur",
        ),
    ],
)
def test_every_page_names_the_reviewers_by_type(language, item_type, audience, said, never) -> None:
    config = SiteConfig(
        title="Avis",
        language=language,
        item_type=item_type,
        audience=audience,
        page_size=3,
        templates_dir=REPO / "no-site-templates",
    )
    pages = render(config)
    subject = pages["le-grand-bain/index.html"]
    for words in said:
        assert words in subject, words
    # (the fixture's consensus is written by hand, not made by the summary)
    consensus = "viewers praise the actors and the humour; the plot divides."
    for path, html in pages.items():
        assert never not in html.lower().replace(consensus, ""), path
    assert said[-1] in pages["index.html"] or said[0].split()[-1] in pages["index.html"]


@pytest.mark.parametrize(
    ("language", "item_type", "audience", "start"),
    [
        ("fr", "Movie", "", "Les spectateurs saluent"),
        ("fr", "Book", "", "Les lecteurs saluent"),
        ("fr", "Product", "", "Les clients saluent"),
        ("fr", "Product", "acheteurs", "Les acheteurs saluent"),
        ("en", "Movie", "", "Viewers mostly praise"),
        ("en", "LocalBusiness", "", "Customers mostly praise"),
        ("en", "Book", "", "Readers mostly praise"),
    ],
)
def test_the_consensus_names_the_reviewers_by_type(language, item_type, audience, start) -> None:
    from generator.analysis.consensus import consensus_sentence
    from generator.analysis.types import Aspect
    from generator.audience import audience_noun

    config = SiteConfig(language=language, item_type=item_type, audience=audience)
    aspects = [Aspect("musique", "musique", 5, 5, 0), Aspect("fin", "fin", 5, 0, 5)]
    assert consensus_sentence(aspects, language, audience_noun(config)).startswith(start)


def test_a_shop_built_from_content_says_customers_everywhere(tmp_path: Path) -> None:
    """A real build (analysis, summary, data.json) of the example reviews as a product."""

    from generator.commands.build import build

    config = SiteConfig(
        title="Boutique",
        content_dir=REPO / "content",
        output_dir=tmp_path / "out",
        templates_dir=REPO / "no-site-templates",
        item_type="Product",
    )
    build(config, executor="serial", cache=False)
    data = read_data(tmp_path / "out")
    consensus = data["subjects"][0]["consensus"]
    assert consensus.startswith("Les clients "), consensus
    for page in (tmp_path / "out").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "spectateurs" not in html.lower(), page  # (a review says "le spectateur")
    subject = (tmp_path / "out" / "backstage" / "index.html").read_text(encoding="utf-8")
    assert "Ce dont parlent les clients" in subject and consensus in subject
