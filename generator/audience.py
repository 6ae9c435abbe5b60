"""Who writes the reviews, in words: the audience noun of a subject type.

A film's reviewers are "spectateurs" / "viewers", a book's "lecteurs" / "readers",
a shop's "clients" / "customers". ``item_type`` (the schema.org type in
``sitegen.toml``) selects the noun in both interface languages; ``[site] audience``
overrides it with a plural noun written as the site should say it. Every
interface string that names the reviewers (``generator.i18n``) and the consensus
sentence take their noun from here, so the words follow the subject type on every
page and in ``data.json``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.config import SiteConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Audience:
    """The reviewers as a plural noun, lowercase (``spectateurs``), in one language."""

    noun: str
    language: str

    @property
    def capitalised(self) -> str:
        """At the start of a sentence: ``Spectateurs``."""
        return self.noun[:1].upper() + self.noun[1:]

    @property
    def possessive(self) -> str:
        """English possessive (``viewers’``, ``people’s``); French says ``des …``."""
        if self.language != "en":
            return self.noun
        return self.noun + ("’" if self.noun.endswith("s") else "’s")

    def values(self) -> dict[str, str]:
        """The placeholders the interface strings use."""
        return {
            "audience": self.noun,
            "Audience": self.capitalised,
            "audience_possessive": self.possessive,
            "Audience_possessive": self.possessive[:1].upper() + self.possessive[1:],
        }


# Nouns per kind of audience: (French, English).
_NOUNS = {
    "viewers": ("spectateurs", "viewers"),
    "readers": ("lecteurs", "readers"),
    "listeners": ("auditeurs", "listeners"),
    "players": ("joueurs", "players"),
    "users": ("utilisateurs", "users"),
    "customers": ("clients", "customers"),
    "guests": ("clients", "guests"),
    "visitors": ("visiteurs", "visitors"),
    "learners": ("participants", "learners"),
    "reviewers": ("internautes", "reviewers"),
}

# schema.org types (and the usual subtypes people write) -> kind of audience.
ITEM_TYPES = {
    **dict.fromkeys(
        (
            "Movie",
            "TVSeries",
            "TVSeason",
            "TVEpisode",
            "Episode",
            "MovieSeries",
            "CreativeWorkSeries",
            "VideoObject",
            "Event",
            "TheaterEvent",
            "ScreeningEvent",
            "Play",
        ),
        "viewers",
    ),
    **dict.fromkeys(
        ("Book", "BookSeries", "Chapter", "Article", "Periodical", "ComicStory", "Blog"), "readers"
    ),
    **dict.fromkeys(
        (
            "MusicAlbum",
            "MusicRecording",
            "MusicPlaylist",
            "MusicGroup",
            "MusicEvent",
            "PodcastSeries",
            "PodcastEpisode",
            "RadioSeries",
        ),
        "listeners",
    ),
    **dict.fromkeys(("VideoGame", "VideoGameSeries", "Game"), "players"),
    **dict.fromkeys(
        ("SoftwareApplication", "MobileApplication", "WebApplication", "WebSite"), "users"
    ),
    **dict.fromkeys(
        (
            "Product",
            "ProductModel",
            "ProductGroup",
            "IndividualProduct",
            "Vehicle",
            "Car",
            "Offer",
            "Brand",
            "Service",
            "FinancialProduct",
            "Organization",
            "Corporation",
            "LocalBusiness",
            "Store",
            "OnlineStore",
            "OnlineBusiness",
            "Restaurant",
            "FoodEstablishment",
            "CafeOrCoffeeShop",
            "BarOrPub",
            "Bakery",
            "AutoRepair",
            "HealthAndBeautyBusiness",
            "ProfessionalService",
            "HomeAndConstructionBusiness",
            "TravelAgency",
        ),
        "customers",
    ),
    **dict.fromkeys(
        ("Hotel", "LodgingBusiness", "Motel", "Hostel", "BedAndBreakfast", "Resort"), "guests"
    ),
    **dict.fromkeys(
        ("Place", "TouristAttraction", "Museum", "Park", "LandmarksOrHistoricalBuildings", "Zoo"),
        "visitors",
    ),
    **dict.fromkeys(("Course", "CourseInstance", "EducationEvent"), "learners"),
}


def audience_for(item_type: str, language: str, override: str = "") -> Audience:
    """The audience noun of ``item_type`` in ``language`` (``override`` wins: a
    plural noun in the site's language, kept as written apart from surrounding
    spaces). A type not listed gets the generic "internautes" / "reviewers"."""
    if override.strip():
        return Audience(override.strip(), language)
    french, english = _NOUNS[ITEM_TYPES.get(item_type, "reviewers")]
    return Audience(english if language == "en" else french, language)


def audience_noun(config: SiteConfig) -> str:
    """The reviewers' noun a site's config selects (``item_type``, ``audience``)."""
    return audience_for(config.item_type, config.language, config.audience).noun
