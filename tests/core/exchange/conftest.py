"""Builders for hand-checked exchange cases (places in km north/east of 51 N, 4 E), as the
``b`` fixture: ``b.offer("o1", north=3)``, ``b.request(...)``, ``b.at(...)``, ``b.DAY0``."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import strategies as st

from circulair.core.exchange.model import Listing, ListingArrays, split_by_kind
from circulair.core.geo.distance import EARTH_RADIUS_KM

LAT0, LON0 = 51.0, 4.0
DAY0 = dt.date(2026, 1, 1)
KM_PER_DEG_LAT = EARTH_RADIUS_KM * math.pi / 180.0


def at(north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    """(lat, lon) of a point ``north_km`` north and ``east_km`` east of (51 N, 4 E).

    Along a meridian (east_km = 0) the haversine distance is exactly ``|Δnorth|``.
    """
    lat = LAT0 + north_km / KM_PER_DEG_LAT
    lon = LON0 + east_km / (KM_PER_DEG_LAT * math.cos(math.radians(LAT0)))
    return lat, lon


def listing(id: str, kind: str, *, north: float = 0.0, east: float = 0.0, **kw: Any) -> Listing:
    lat, lon = at(north, east)
    base: dict[str, Any] = {
        "organisation": f"org-{id}",
        "material": "plastic-pet",
        "quantity": 10.0,
        "unit": "t",
        "available_from": DAY0,
        "available_to": DAY0 + dt.timedelta(days=90),
        "route": "recycle" if kind == "offer" else None,
        "status": "published",
    }
    base.update(kw)
    return Listing(id=id, kind=kind, lat=lat, lon=lon, **base)  # type: ignore[arg-type]


def offer(id: str, **kw: Any) -> Listing:
    return listing(id, "offer", **kw)


def request(id: str, **kw: Any) -> Listing:
    return listing(id, "request", **kw)


@pytest.fixture
def b() -> SimpleNamespace:
    return SimpleNamespace(
        at=at,
        listing=listing,
        offer=offer,
        request=request,
        DAY0=DAY0,
        KM_PER_DEG_LAT=KM_PER_DEG_LAT,
    )


# Random small instances within ~40 km, for property tests (drawn with st.data()).
MATERIALS = [
    "plastics",
    "plastic-pet",
    "plastic-pet",
    "plastic-pet",
    "plastic-pp",
    "plastic-mixed",
    "aggregates-natural",
    "aggregates-recycled",
    "concrete-rubble",
]

LISTING = st.fixed_dictionaries(
    {
        "north": st.floats(-20, 20),
        "east": st.floats(-20, 20),
        "material": st.sampled_from(MATERIALS),
        "unit": st.sampled_from(["t"] * 5 + ["m3"]),
        "frequency": st.sampled_from(["once"] * 5 + ["per_year"]),
        "organisation": st.sampled_from(["a", "b", "c", "d", "e", "f"]),
        "quantity": st.integers(1, 50),
        "lot": st.sampled_from([0, 0, 0, 2, 5, 10]),
        "start": st.integers(0, 40),
        "length": st.one_of(st.none(), st.integers(0, 90)),
        "route": st.sampled_from([None, None, "reuse", "repair", "recycle", "recover"]),
        "quality": st.sampled_from([None, None, "A", "B", "C", "mixed"]),
        "certified": st.sampled_from([False] * 5 + [True]),
        "radius": st.sampled_from([15.0, 30.0, 50.0, 50.0]),
    }
)


def build(
    offers_raw: list[dict[str, Any]], requests_raw: list[dict[str, Any]]
) -> tuple[ListingArrays, ListingArrays]:
    """Offers and requests from raw draws of ``LISTING``."""
    xs = []
    for kind, raws in (("offer", offers_raw), ("request", requests_raw)):
        for i, x in enumerate(raws):
            start = DAY0 + dt.timedelta(days=x["start"])
            xs.append(
                listing(
                    f"{kind[0]}{i}",
                    kind,
                    north=x["north"],
                    east=x["east"],
                    material=x["material"],
                    unit=x["unit"],
                    frequency=x["frequency"],
                    organisation=x["organisation"],
                    quantity=float(x["quantity"]),
                    min_quantity=float(min(x["lot"], x["quantity"])),
                    available_from=start,
                    available_to=None
                    if x["length"] is None
                    else start + dt.timedelta(days=x["length"]),
                    route=x["route"] or ("recycle" if kind == "offer" else None),
                    quality=x["quality"],
                    certified=x["certified"],
                    radius_km=x["radius"] if kind == "request" else None,
                )
            )
    return split_by_kind(xs)


@pytest.fixture
def gen() -> SimpleNamespace:
    return SimpleNamespace(listings=st.lists(LISTING, min_size=3, max_size=12), build=build)
