"""Demand points: where the material, the waste or the users a facility serves come from.

Why: every siting model (see :mod:`circulair.core.atlas.siting`) needs demand as weighted points.
The study (003, Part 2) scales its cases with rough proxies; the platform lets a user pick the
proxy explicitly and say what it was computed from:

* :func:`demand_from_population` -- the default: municipality population (inhabitants), or
  population times a per-capita rate (e.g. 477 kg household waste per inhabitant -> t/yr);
* :func:`demand_from_table` -- a user table with ``refnis`` or ``postal_code`` or ``lat``/``lon``
  and ``weight``, validated row by row (every bad row is reported, nothing is dropped);
* :func:`circulair.core.atlas.kbo.demand_from_kbo` -- companies from the KBO register.

All of them return a :class:`DemandPoints`, immutable and validated, whose ``unit`` and
``source`` travel with the numbers so that a result can say what it was based on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError, Problem, ProblemCollector
from ..geo.reference import Municipality, RegionGeography

__all__ = [
    "DemandPoints",
    "aggregate_by_municipality",
    "demand_from_population",
    "demand_from_table",
]


@dataclass(frozen=True)
class DemandPoints:
    """Weighted demand points: one row per municipality, site or establishment cluster.

    Parameters
    ----------
    ids : tuple of str
        Unique identifiers (REFNIS codes for municipality points).
    names : tuple of str
        Human-readable names, same length as ``ids``.
    lat, lon : array_like of float
        WGS84 coordinates in degrees; must be finite and within range.
    weight : array_like of float
        Demand per point, in ``unit``; must be finite and ``>= 0`` (a negative demand has no
        meaning for siting and would silently reward distant sites).
    unit : str
        What ``weight`` counts, e.g. ``"inhabitants"``, ``"t/yr"``, ``"establishments"``.
    source : str
        What the figures were computed from, for reports.

    Notes
    -----
    Arrays are copied to float64 and made read-only, so a shared instance cannot be modified
    by one engine behind another's back. Invalid input raises :class:`InputError` listing every
    problem, each naming the point (its id) and the value.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    weight: NDArray[np.float64]
    unit: str
    source: str

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        ids = tuple(str(i) for i in self.ids)
        names = tuple(str(n) for n in self.names)
        arrays: dict[str, NDArray[np.float64]] = {}
        for name in ("lat", "lon", "weight"):
            arr = _float_array(getattr(self, name), name, problems)
            arrays[name] = arr
        n = len(ids)
        for name, length in (("names", len(names)), *((k, len(v)) for k, v in arrays.items())):
            if length != n:
                problems.append(
                    Problem(f"length {length} differs from the {n} ids", field=name, value=length)
                )
        if not self.unit:
            problems.append(Problem("unit must not be empty", field="unit"))
        if problems:
            raise InputError(problems)
        seen: set[str] = set()
        for i, pid in enumerate(ids):
            if pid in seen:
                problems.append(Problem("duplicate id", row=pid, field="id", value=pid))
            seen.add(pid)
            lat, lon, w = arrays["lat"][i], arrays["lon"][i], arrays["weight"][i]
            if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
                problems.append(
                    Problem(
                        "latitude must be a finite number in [-90, 90]",
                        row=pid,
                        field="lat",
                        value=float(lat),
                    )
                )
            if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
                problems.append(
                    Problem(
                        "longitude must be a finite number in [-180, 180]",
                        row=pid,
                        field="lon",
                        value=float(lon),
                    )
                )
            if not math.isfinite(w):
                problems.append(
                    Problem(
                        "weight must be a finite number", row=pid, field="weight", value=float(w)
                    )
                )
            elif w < 0:
                problems.append(
                    Problem("weight must be >= 0", row=pid, field="weight", value=float(w))
                )
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "names", names)
        for name, arr in arrays.items():
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total(self) -> float:
        """Sum of all weights, in ``unit``."""
        return float(self.weight.sum())

    def as_rows(self) -> list[dict[str, Any]]:
        """One plain dict per point (id, name, lat, lon, weight, unit), e.g. for a CSV export."""
        return [
            {
                "id": i,
                "name": n,
                "lat": float(la),
                "lon": float(lo),
                "weight": float(w),
                "unit": self.unit,
            }
            for i, n, la, lo, w in zip(
                self.ids, self.names, self.lat, self.lon, self.weight, strict=True
            )
        ]


def _float_array(value: ArrayLike, name: str, problems: list[Problem]) -> NDArray[np.float64]:
    try:
        arr = np.array(value, dtype=np.float64, copy=True).reshape(-1)
    except (TypeError, ValueError) as e:
        problems.append(Problem(f"must be numbers: {e}", field=name))
        return np.zeros(0)
    return arr


def aggregate_by_municipality(
    refnis: Sequence[str],
    weights: ArrayLike,
    geo: RegionGeography,
    *,
    unit: str,
    source: str,
    include_zero: bool = False,
) -> DemandPoints:
    """Sum weights per municipality and place each sum at the municipality's coordinate.

    Why: the KBO register and user tables give many records per municipality; the siting models
    work on one point per municipality (the reference geography's coordinate), which keeps the
    distance matrix small and the result explainable.

    Parameters
    ----------
    refnis : sequence of str
        REFNIS code of each record (repeats allowed).
    weights : array_like of float
        Weight of each record, same length, finite and ``>= 0``.
    geo : RegionGeography
        The region; every code must be one of its municipalities.
    unit, source : str
        Passed on to :class:`DemandPoints`.
    include_zero : bool
        If true, every municipality of the region gets a point (weight 0 where no record);
        otherwise only municipalities with at least one record appear.

    Returns
    -------
    DemandPoints
        Sorted by REFNIS code; ``total`` equals the sum of ``weights``.
    """
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    problems: list[Problem] = []
    if len(w) != len(refnis):
        raise InputError.single(
            f"{len(w)} weights for {len(refnis)} REFNIS codes", field="weights", value=len(w)
        )
    sums: dict[str, float] = {}
    for i, (code, x) in enumerate(zip(refnis, w, strict=True)):
        code = str(code).strip()
        if not geo.has_municipality(code):
            problems.append(
                Problem(
                    f"unknown municipality in region {geo.code}", row=i, field="refnis", value=code
                )
            )
            continue
        if not (math.isfinite(x) and x >= 0):
            problems.append(
                Problem(
                    "weight must be a finite number >= 0", row=i, field="weight", value=float(x)
                )
            )
            continue
        sums[code] = sums.get(code, 0.0) + float(x)
    if problems:
        raise InputError(problems)
    munis = [m for m in geo.municipalities if include_zero or m.refnis in sums]
    return _points(munis, [sums.get(m.refnis, 0.0) for m in munis], unit=unit, source=source)


def _points(
    munis: Sequence[Municipality], weights: Sequence[float], *, unit: str, source: str
) -> DemandPoints:
    return DemandPoints(
        ids=tuple(m.refnis for m in munis),
        names=tuple(m.name_nl for m in munis),
        lat=np.array([m.lat for m in munis], dtype=np.float64),
        lon=np.array([m.lon for m in munis], dtype=np.float64),
        weight=np.array(weights, dtype=np.float64),
        unit=unit,
        source=source,
    )


def demand_from_population(
    geo: RegionGeography, *, rate_kg_per_inhabitant: float | None = None
) -> DemandPoints:
    """One demand point per municipality, weighted by population or by a per-capita rate.

    Why: population is the study's implicit proxy for household-related streams (reuse shops,
    container parks, household waste), and the only figure available for every municipality.

    Parameters
    ----------
    geo : RegionGeography
        Its population figures are used as they are (the shipped proxy, or official figures
        applied with :func:`circulair.core.geo.population.with_population`).
    rate_kg_per_inhabitant : float, optional
        If given, weight = population x rate / 1000 in t/yr (e.g. 477 kg household waste per
        inhabitant: 10,000 inhabitants -> 4,770 t/yr). Must be finite and ``>= 0``.

    Returns
    -------
    DemandPoints
        Unit ``"inhabitants"`` or ``"t/yr"``; ``source`` names the population source and rate.
    """
    munis = list(geo.municipalities)
    pop_sources = sorted({m.population_source for m in munis if m.population_source})
    pop_text = f"population of {geo.code} ({'; '.join(pop_sources) or 'unspecified source'})"
    if rate_kg_per_inhabitant is None:
        return _points(
            munis, [float(m.population) for m in munis], unit="inhabitants", source=pop_text
        )
    rate = rate_kg_per_inhabitant
    if (
        isinstance(rate, bool)
        or not isinstance(rate, (int, float))
        or not math.isfinite(rate)
        or rate < 0
    ):
        raise InputError.single(
            "rate must be a finite number of kg per inhabitant >= 0",
            field="rate_kg_per_inhabitant",
            value=rate,
        )
    weights = [m.population * float(rate) / 1000.0 for m in munis]
    return _points(munis, weights, unit="t/yr", source=f"{pop_text} x {rate:g} kg per inhabitant")


def demand_from_table(
    rows: Iterable[Mapping[str, str | None]],
    geo: RegionGeography,
    *,
    file: str = "demand.csv",
    unit: str = "t/yr",
    source: str | None = None,
) -> DemandPoints:
    """Demand from a user table (e.g. ``csv.DictReader`` rows), validated row by row.

    Why: users hold better figures than the population proxy (tonnages per municipality from
    OVAM, a list of construction sites with coordinates); the import must be all-or-nothing and
    say exactly which row is wrong, since a half-read file would silently misstate demand.

    Columns (names are case-insensitive and stripped)
        ``weight`` (required, finite, ``>= 0``; a decimal point, no thousands separators) and a
        location, one of: ``refnis``; ``postal_code``; ``lat`` and ``lon``. A row may give both
        ``refnis`` and ``postal_code`` if they agree; coordinates exclude the other two.
        Optional ``id`` and ``name`` label coordinate rows.

    Rows located by municipality (REFNIS or postal code) are summed per municipality and placed
    at its coordinate; a postal code shared by several municipalities is refused (give the
    REFNIS code) rather than guessed. Coordinate rows stay individual points, with id ``id`` or
    ``row <line>``. Empty rows are skipped; everything else is either used or reported.

    Parameters
    ----------
    rows : iterable of mapping
        The records; the first is on line 2 of ``file`` (line 1 is the header), so reported
        row numbers are file line numbers for a CSV without embedded newlines.
    geo : RegionGeography
        The region; municipalities and postal codes outside it are errors here.
    file : str
        Name used in error messages.
    unit : str
        Unit of ``weight``.
    source : str, optional
        Defaults to ``"table <file>"``.

    Raises
    ------
    InputError
        Listing every bad row (file, row = line number, field, value); at most
        :data:`~circulair.core.errors.MAX_LISTED` are listed, the rest counted in a final problem.
    """
    problems = ProblemCollector(file=file)
    report = problems.add

    muni_sums: dict[str, float] = {}
    points: list[tuple[str, str, float, float, float, int]] = []
    header_checked = False
    n_rows = 0
    for line, raw in enumerate(rows, start=2):
        row = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
        if not header_checked:
            header_checked = True
            cols = set(row)
            has_loc = "refnis" in cols or "postal_code" in cols or {"lat", "lon"} <= cols
            if "weight" not in cols or not has_loc:
                raise InputError(
                    [
                        Problem(
                            "bad header: expected a 'weight' column and a location column "
                            "('refnis', 'postal_code', or 'lat' and 'lon')",
                            file,
                            1,
                            None,
                            ",".join(sorted(cols)),
                        )
                    ]
                )
        if None in raw:
            report(Problem("more fields than columns in the header", file, line, None, raw[None]))  # type: ignore[index]
            continue
        short = [k for k, v in row.items() if v is None]
        if short:
            report(Problem("fewer fields than columns in the header", file, line, short[0]))
            continue
        vals = {k: (v or "").strip() for k, v in row.items()}
        if not any(vals.values()):
            continue
        n_rows += 1
        weight = _parse_weight(vals.get("weight", ""))
        if weight is None:
            report(
                Problem(
                    "weight must be a number from 0 to 1e15 (decimal point, no thousands "
                    "separator)",
                    file,
                    line,
                    "weight",
                    vals.get("weight", ""),
                )
            )
        refnis, postal = vals.get("refnis", ""), vals.get("postal_code", "")
        lat_t, lon_t = vals.get("lat", ""), vals.get("lon", "")
        if (lat_t or lon_t) and (refnis or postal):
            report(
                Problem(
                    "give either a municipality (refnis/postal_code) or coordinates "
                    "(lat/lon), not both",
                    file,
                    line,
                    "lat" if lat_t else "lon",
                    lat_t or lon_t,
                )
            )
            continue
        if refnis or postal:
            code = _municipality_of(refnis, postal, geo, file, line, report)
            if code is not None and weight is not None:
                muni_sums[code] = muni_sums.get(code, 0.0) + weight
            continue
        if lat_t or lon_t:
            coords = _coords(lat_t, lon_t, file, line, report)
            if coords is not None and weight is not None:
                pid = vals.get("id", "") or f"row {line}"
                points.append(
                    (pid, vals.get("name", "") or pid, coords[0], coords[1], weight, line)
                )
            continue
        report(
            Problem(
                "no location: give refnis, postal_code, or lat and lon", file, line, "refnis", ""
            )
        )
    if not header_checked or (n_rows == 0 and not problems):
        raise InputError([Problem("the table has no data rows", file)])
    seen: dict[str, int] = {}
    for pid, _, _, _, _, line in points:
        if pid in seen or pid in muni_sums:
            where = f"row {seen[pid]}" if pid in seen else "a municipality code"
            report(Problem(f"duplicate id (same as {where})", file, line, "id", pid))
        seen.setdefault(pid, line)
    problems.raise_if_any()
    munis = [m for m in geo.municipalities if m.refnis in muni_sums]
    return DemandPoints(
        ids=tuple(m.refnis for m in munis) + tuple(p[0] for p in points),
        names=tuple(m.name_nl for m in munis) + tuple(p[1] for p in points),
        lat=np.array([m.lat for m in munis] + [p[2] for p in points], dtype=np.float64),
        lon=np.array([m.lon for m in munis] + [p[3] for p in points], dtype=np.float64),
        weight=np.array(
            [muni_sums[m.refnis] for m in munis] + [p[4] for p in points], dtype=np.float64
        ),
        unit=unit,
        source=source or f"table {file}",
    )


# Above this a weight is a typo (or a unit error), and sums of such values overflow to inf.
MAX_WEIGHT = 1e15


def _parse_weight(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) and 0 <= x <= MAX_WEIGHT else None


def _municipality_of(
    refnis: str, postal: str, geo: RegionGeography, file: str, line: int, report: Any
) -> str | None:
    if refnis and not geo.has_municipality(refnis):
        report(
            Problem(
                f"unknown municipality REFNIS code in region {geo.code}",
                file,
                line,
                "refnis",
                refnis,
            )
        )
        return None
    if postal:
        found = geo.municipalities_by_postal_code(postal)
        if refnis:
            if refnis not in {m.refnis for m in found}:
                report(
                    Problem(
                        f"postal code does not belong to municipality {refnis}",
                        file,
                        line,
                        "postal_code",
                        postal,
                    )
                )
                return None
            return refnis
        if not found:
            report(
                Problem(
                    f"unknown postal code in region {geo.code}", file, line, "postal_code", postal
                )
            )
            return None
        if len(found) > 1:
            names = ", ".join(f"{m.refnis} {m.name_nl}" for m in found)
            report(
                Problem(
                    f"postal code is shared by several municipalities ({names}); give "
                    "the REFNIS code instead",
                    file,
                    line,
                    "postal_code",
                    postal,
                )
            )
            return None
        return found[0].refnis
    return refnis


def _coords(
    lat_t: str, lon_t: str, file: str, line: int, report: Any
) -> tuple[float, float] | None:
    out: list[float] = []
    for name, text, limit in (("lat", lat_t, 90.0), ("lon", lon_t, 180.0)):
        try:
            x = float(text)
        except ValueError:
            x = math.nan
        if not (math.isfinite(x) and -limit <= x <= limit):
            report(
                Problem(
                    f"{'latitude' if name == 'lat' else 'longitude'} must be a number "
                    f"in [-{limit:g}, {limit:g}] (decimal point)",
                    file,
                    line,
                    name,
                    text,
                )
            )
        else:
            out.append(x)
    return (out[0], out[1]) if len(out) == 2 else None
