"""The engine's public faces keep their names after the split into smaller modules: code
elsewhere imports from ``model``, ``matching`` and ``allocation``, which re-export the names
their submodules define."""

from __future__ import annotations

import importlib

import pytest

FACES: dict[str, tuple[str, ...]] = {
    "circulair.core.exchange.model": (
        "DEFAULT_RADIUS_KM",
        "EPOCH",
        "GRADES",
        "OPEN_END",
        "STATUSES",
        "TRANSITIONS",
        "Kind",
        "Listing",
        "ListingArrays",
        "Location",
        "Status",
        "day_number",
        "grade_code",
        "listings_to_arrays",
        "locate",
        "open_listings",
        "route_rank",
        "routes",
        "split_by_kind",
        "transition",
        "unit_vectors",
    ),
    "circulair.core.exchange.matching": (
        "CRITERIA",
        "MatchTable",
        "ScoreWeights",
        "as_arrays",
        "candidates",
        "candidates_scan",
        "explain",
        "pair_checks",
        "pair_distance_km",
        "pair_scores",
    ),
    "circulair.core.exchange.allocation": ("Allocation", "allocate", "check_allocation"),
}


@pytest.mark.parametrize(("face", "names"), FACES.items(), ids=list(FACES))
def test_public_face_exports_its_names(face: str, names: tuple[str, ...]) -> None:
    mod = importlib.import_module(face)
    assert set(names) <= set(mod.__all__)
    missing = [n for n in names if not hasattr(mod, n)]
    assert missing == []
