"""The coded vocabulary of listings: kinds, grades, R-ladder routes and day numbers.

Why a module of its own: the one-record form (:mod:`~circulair.core.exchange.listing`) and the
array form (:mod:`~circulair.core.exchange.listing_arrays`) must code grades, routes and dates
identically, so both read the codes from here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from circulair.core.errors import InputError

__all__ = [
    "EPOCH",
    "GRADES",
    "OPEN_END",
    "Kind",
    "day_number",
    "grade_code",
    "route_rank",
    "route_slug",
    "routes",
]

Kind = Literal["offer", "request"]

GRADES: tuple[str, ...] = ("A", "B", "C")
"""Quality grades, best first; the position is the integer code in
:class:`~circulair.core.exchange.listing_arrays.ListingArrays`."""

EPOCH = dt.date(1970, 1, 1)
OPEN_END = 10**9
"""Day number standing for an open-ended availability (far beyond any real date)."""

_MATERIAL_RANKS = range(3, 10)  # R3 reuse ... R9 recover: routes a secondary material can take


@lru_cache(maxsize=1)
def routes() -> dict[str, int]:
    """R-strategy slug -> rank for the routes a listing can take (R3 reuse ... R9 recover).

    Read from the knowledge base's ``r_ladder.yaml`` so that the exchange and the rest of the
    platform share one ladder. R0-R2 (refuse, rethink, reduce) avoid a material altogether and are
    therefore no route for a material that exists.
    """
    path = Path(__file__).resolve().parents[2] / "data" / "knowledge" / "r_ladder.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, int] = {}
    for rec in raw["records"]:
        rank = (rec.get("attributes") or {}).get("rank")
        if isinstance(rank, int) and rank in _MATERIAL_RANKS:
            out[str(rec["slug"])] = rank
    return out


def route_rank(route: str, *, field: str = "route", row: int | str | None = None) -> int:
    """Rank (3 reuse ... 9 recover) of an R-strategy given as ``"r3-reuse"`` or ``"reuse"``."""
    key = str(route).strip().lower()
    table = routes()
    if key in table:
        return table[key]
    for slug, rank in table.items():
        if slug.split("-", 1)[1] == key:
            return rank
    names = ", ".join(s.split("-", 1)[1] for s in table)
    raise InputError.single(
        f"route must be one of {names} (or their R-ladder slugs)", row=row, field=field, value=route
    )


def route_slug(rank: int) -> str:
    """The R-ladder slug of a route rank (``3`` -> ``"r3-reuse"``)."""
    return next(s for s, r in routes().items() if r == rank)


def day_number(d: dt.date | None) -> int:
    """Days since 1970-01-01 (``OPEN_END`` for ``None``), the integer dates of the arrays."""
    return OPEN_END if d is None else (d - EPOCH).days


def grade_code(quality: str | None) -> int:
    """0/1/2 for grade A/B/C (case-insensitive), -1 for free text or none."""
    q = (quality or "").strip().upper()
    return GRADES.index(q) if q in GRADES else -1
