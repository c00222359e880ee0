"""Candidate sites for the siting models: municipalities by default, or an imported site list.

A planner's real candidates are business parks, port plots or existing facilities. An imported
CSV gives each site a location (``refnis`` | ``postal_code`` | ``lat``,``lon``) and optionally:
``type_environment`` (a type-environment slug of the knowledge base, e.g. ``zeehavens``),
``capacity_t`` and ``fixed_cost`` (for the capacitated model) and ``existing`` (``yes``: the
facility exists and must stay open). When the archetype names preferred type environments,
only candidates whose ``type_environment`` is one of them are allowed; municipality candidates
carry no type environment, so no such restriction applies to them (the result says so).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from circulair.core.errors import InputError, Problem
from circulair.core.geo import RegionGeography

TRUE = {"yes", "y", "true", "1", "ja", "j", "x"}
FALSE = {"no", "n", "false", "0", "nee", ""}


@dataclass(frozen=True)
class Candidate:
    """One candidate site."""

    id: str
    name: str
    lat: float
    lon: float
    refnis: str = ""
    type_environment: str = ""
    capacity_t: float | None = None
    fixed_cost: float | None = None
    existing: bool = False


def candidates_from_municipalities(
    geo: RegionGeography, *, central_cities_only: bool = False
) -> list[Candidate]:
    """Every municipality (or every central city) as a candidate at its coordinate."""
    return [
        Candidate(id=m.refnis, name=m.name_nl, lat=m.lat, lon=m.lon, refnis=m.refnis)
        for m in geo.municipalities
        if m.central_city or not central_cities_only
    ]


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) and x >= 0 else None


def candidates_from_table(
    rows: Iterable[Mapping[str, str | None]],
    geo: RegionGeography,
    *,
    file: str = "candidates.csv",
    type_environments: Iterable[str] | None = None,
) -> list[Candidate]:
    """Parse a candidate-site table; every bad row is reported (line numbers, header = 1).

    Columns: ``id`` (optional), ``name`` (optional), a location (``refnis`` | ``postal_code`` |
    ``lat``,``lon``), and optional ``type_environment``, ``capacity_t``, ``fixed_cost``,
    ``existing``. ``type_environments`` (known slugs) validates the type column when given.
    """
    known_types = set(type_environments) if type_environments is not None else None
    problems: list[Problem] = []
    out: list[Candidate] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(rows, start=2):
        r = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        refnis, postal = r.get("refnis", ""), r.get("postal_code", "")
        lat = lon = None
        muni = None
        if refnis:
            if geo.has_municipality(refnis):
                muni = geo.municipality(refnis)
            else:
                problems.append(
                    Problem(
                        "unknown municipality (REFNIS)",
                        file=file,
                        row=line,
                        field="refnis",
                        value=refnis,
                    )
                )
        elif postal:
            found = geo.municipalities_by_postal_code(postal)
            if len(found) == 1:
                muni = found[0]
            else:
                problems.append(
                    Problem(
                        "postal code unknown or shared by several "
                        "municipalities; give refnis or lat,lon",
                        file=file,
                        row=line,
                        field="postal_code",
                        value=postal,
                    )
                )
        elif r.get("lat") or r.get("lon"):
            la, lo = _coord(r.get("lat", "")), _coord(r.get("lon", ""))
            if la is None or not -90 <= la <= 90:
                problems.append(
                    Problem(
                        "latitude must be a number in degrees (-90..90)",
                        file=file,
                        row=line,
                        field="lat",
                        value=r.get("lat"),
                    )
                )
            if lo is None or not -180 <= lo <= 180:
                problems.append(
                    Problem(
                        "longitude must be a number in degrees (-180..180)",
                        file=file,
                        row=line,
                        field="lon",
                        value=r.get("lon"),
                    )
                )
            lat, lon = la, lo
        else:
            problems.append(
                Problem(
                    "a location is required: refnis, postal_code or lat,lon", file=file, row=line
                )
            )
        if muni is not None:
            lat, lon = muni.lat, muni.lon
        ident = r.get("id") or (muni.refnis if muni and not r.get("lat") else f"site-{line}")
        if ident in seen:
            problems.append(
                Problem(
                    f"duplicate id (also on line {seen[ident]})",
                    file=file,
                    row=line,
                    field="id",
                    value=ident,
                )
            )
        seen.setdefault(ident, line)
        tenv = r.get("type_environment", "")
        if tenv and known_types is not None and tenv not in known_types:
            problems.append(
                Problem(
                    f"unknown type environment; expected one of {sorted(known_types)}",
                    file=file,
                    row=line,
                    field="type_environment",
                    value=tenv,
                )
            )
        cap = fixed = None
        for col in ("capacity_t", "fixed_cost"):
            if r.get(col):
                x = _number(r[col])
                if x is None:
                    problems.append(
                        Problem(
                            "must be a number >= 0 (decimal point)",
                            file=file,
                            row=line,
                            field=col,
                            value=r[col],
                        )
                    )
                elif col == "capacity_t":
                    cap = x
                else:
                    fixed = x
        ex = r.get("existing", "").lower()
        if ex not in TRUE | FALSE:
            problems.append(
                Problem(
                    "expected yes or no",
                    file=file,
                    row=line,
                    field="existing",
                    value=r.get("existing"),
                )
            )
        if lat is not None and lon is not None:
            out.append(
                Candidate(
                    id=ident,
                    name=r.get("name") or (muni.name_nl if muni else ident),
                    lat=lat,
                    lon=lon,
                    refnis=muni.refnis if muni else "",
                    type_environment=tenv,
                    capacity_t=cap,
                    fixed_cost=fixed,
                    existing=ex in TRUE,
                )
            )
    if not out and not problems:
        problems.append(Problem("the table has no candidate sites", file=file))
    if problems:
        raise InputError(problems)
    return out


def _coord(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def restrict_to_types(candidates: list[Candidate], preferred: Iterable[str]) -> list[Candidate]:
    """Keep the candidates in a preferred type environment (and every existing facility).

    Candidates without a type environment (municipalities) are kept: there is nothing to test.
    """
    wanted = set(preferred)
    if not wanted:
        return candidates
    return [
        c
        for c in candidates
        if c.existing or not c.type_environment or c.type_environment in wanted
    ]
