"""``plan``: which subjects a build keeps and which it builds, decided from the last
manifest, the subjects' digests, the output's file stats and what the cache
holds. A pure function: these tests need no build, no cache and no files."""

from __future__ import annotations

import dataclasses

import pytest

from generator.incremental.manifest import Manifest
from generator.incremental.plan import BuildPlan, plan

A, B, C = b"a" * 16, b"b" * 16, b"c" * 16
SLUGS = {"Dune": "dune", "Amélie": "amelie"}


def last() -> Manifest:
    return Manifest(
        subjects={"dune": A, "amelie": B},
        pages={
            "dune": ("dune/index.html", "dune/page/2/index.html"),
            "amelie": ("amelie/index.html",),
        },
        files={
            "dune/index.html": (1, 10, 100),
            "dune/page/2/index.html": (1, 11, 101),
            "amelie/index.html": (1, 12, 102),
            "index.html": (1, 13, 103),
        },
        page_digests={"dune/index.html": b"p1", "dune/page/2/index.html": b"p2"},
    )


def stats_of(manifest: Manifest) -> dict:
    return dict(manifest.files)


def test_without_a_manifest_everything_is_built() -> None:
    result = plan(None, {"Dune": A, "Amélie": B}, SLUGS, {}, {A, B})
    assert result == BuildPlan(clean=(), dirty=("Dune", "Amélie"), kept={}, same_subjects=False)


def test_nothing_changed_everything_is_clean() -> None:
    m = last()
    result = plan(m, {"Dune": A, "Amélie": B}, SLUGS, stats_of(m), {A, B})
    assert result.clean == ("Dune", "Amélie") and result.dirty == ()
    assert result.same_subjects


def test_a_changed_digest_makes_the_subject_dirty_and_keeps_its_intact_pages() -> None:
    m = last()
    result = plan(m, {"Dune": C, "Amélie": B}, SLUGS, stats_of(m), {A, B, C})
    assert result.clean == ("Amélie",) and result.dirty == ("Dune",)
    assert result.kept == {"Dune": {"dune/index.html": b"p1", "dune/page/2/index.html": b"p2"}}
    assert not result.same_subjects


def test_a_page_touched_in_the_output_makes_its_subject_dirty_and_is_not_kept() -> None:
    m = last()
    stats = stats_of(m)
    stats["dune/page/2/index.html"] = (1, 99, 101)  # edited by hand since
    result = plan(m, {"Dune": A, "Amélie": B}, SLUGS, stats, {A, B})
    assert result.dirty == ("Dune",)
    assert result.kept["Dune"] == {"dune/index.html": b"p1"}


def test_a_page_gone_from_the_output_makes_its_subject_dirty() -> None:
    m = last()
    stats = stats_of(m)
    stats["amelie/index.html"] = None
    result = plan(m, {"Dune": A, "Amélie": B}, SLUGS, stats, {A, B})
    assert result.dirty == ("Amélie",) and result.clean == ("Dune",)


def test_a_subject_the_cache_lost_is_built_again() -> None:
    m = last()
    result = plan(m, {"Dune": A, "Amélie": B}, SLUGS, stats_of(m), {A})
    assert result.dirty == ("Amélie",)


@pytest.mark.parametrize("change", ["added", "removed"])
def test_a_subject_added_or_removed_means_the_site_changed(change: str) -> None:
    m = last()
    if change == "added":
        digests, slugs = {"Dune": A, "Amélie": B, "Heat": C}, {**SLUGS, "Heat": "heat"}
        result = plan(m, digests, slugs, stats_of(m), {A, B, C})
        assert result.dirty == ("Heat",)
    else:
        m = dataclasses.replace(m, subjects={**m.subjects, "heat": C})
        result = plan(m, {"Dune": A, "Amélie": B}, SLUGS, stats_of(m), {A, B})
        assert result.dirty == ()
    assert not result.same_subjects


def test_a_subject_without_pages_in_the_manifest_is_built() -> None:
    m = dataclasses.replace(last(), pages={"dune": last().pages["dune"]})
    result = plan(m, {"Dune": A, "Amélie": B}, SLUGS, stats_of(m), {A, B})
    assert result.dirty == ("Amélie",)


def test_the_plan_is_frozen() -> None:
    result = plan(None, {"Dune": A}, {"Dune": "dune"}, {}, set())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.clean = ("Dune",)  # type: ignore[misc]
