"""Sizing of opened facilities and side-by-side comparison of scenarios.

Why: the study sizes its Flanders-wide scenarios by rule of thumb ("a large bank of 10,000 m²
where there is a central city, a small one of 5,000 m² elsewhere", 003:10051-10127). Once a
siting model has assigned demand to facilities, each facility can instead be sized from the
demand it serves and the throughput/area figures the study gives for an archetype (e.g.
mechanical recycling: 60,000 m² for 16,000 t/yr, 003:10137-10796). This module does that, puts
each facility in the study's size classes (003:11854-12074) and compares two scenarios, e.g. the
study's rough estimate and a demand-driven one, in hectares.

Conventions
-----------
* Areas are in m²; 1 ha = 10,000 m².
* :func:`size_facility` picks the smallest option whose throughput covers the demand; when even
  the largest does not, it uses as many units of the largest as needed (``ceil(demand /
  throughput)``), since the study gives no larger archetype and building bigger than any
  observed site would be a guess. A facility with zero demand still gets the smallest option:
  it was opened, so it occupies land.
* Size classes are half-open ``[min, max)``; the study's legend jumps from "20,000 - 50,000" to
  "> 60,000 m²", so an area in between is reported as :data:`BETWEEN_CLASSES` instead of being
  assigned to a neighbour.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem

__all__ = [
    "BETWEEN_CLASSES",
    "M2_PER_HA",
    "OUTSIDE_CLASSES",
    "STUDY_SIZE_CLASSES",
    "FacilitySize",
    "FacilitySizing",
    "ScenarioSizing",
    "SizeOption",
    "compare",
    "fixed_scenario",
    "size_class_of",
    "size_facility",
    "size_scenario",
]

M2_PER_HA = 10_000.0
BETWEEN_CLASSES = "between classes"
"""Label for an area in a gap of the class legend (50,000-60,000 m² in the study)."""
OUTSIDE_CLASSES = "outside classes"
"""Label for an area below the first or above the last bounded class."""

SizeClassSpec = tuple[str, float | None, float | None]

STUDY_SIZE_CLASSES: tuple[SizeClassSpec, ...] = (
    ("< 1,000 m²", 0.0, 1_000.0),
    ("1,000 - 5,000 m²", 1_000.0, 5_000.0),
    ("5,000 - 20,000 m²", 5_000.0, 20_000.0),
    ("20,000 - 50,000 m²", 20_000.0, 50_000.0),
    ("> 60,000 m²", 60_000.0, None),
)
"""The size-class legend of the matrix of spatial infrastructures (003:12066-12074), kept as
printed, including its gap between 50,000 and 60,000 m²."""


@dataclass(frozen=True)
class SizeOption:
    """One size of an archetype: a label, its area and, where the study gives it, its
    throughput.

    Parameters
    ----------
    label : str
        E.g. ``"small"``, ``"large"``.
    area_m2 : float
        Land or floor area in m² (> 0).
    throughput_t_per_year : float or None
        Capacity in t/yr (> 0); None where the source gives none (such options can be used in
        fixed scenarios but not sized from demand).
    """

    label: str
    area_m2: float
    throughput_t_per_year: float | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.label, str) or not self.label.strip():
            problems.append(
                Problem("label must be a non-empty string", field="label", value=self.label)
            )
        if not _positive(self.area_m2):
            problems.append(
                Problem(
                    "area must be a finite number of m² > 0",
                    row=str(self.label),
                    field="area_m2",
                    value=self.area_m2,
                )
            )
        if self.throughput_t_per_year is not None and not _positive(self.throughput_t_per_year):
            problems.append(
                Problem(
                    "throughput must be a finite number of t/yr > 0 (or None)",
                    row=str(self.label),
                    field="throughput_t_per_year",
                    value=self.throughput_t_per_year,
                )
            )
        if problems:
            raise InputError(problems)


@dataclass(frozen=True)
class FacilitySize:
    """The size chosen for one facility: ``units`` of ``option``."""

    option: SizeOption
    units: int
    demand_t: float

    @property
    def area_m2(self) -> float:
        """Total area of the units (m²)."""
        return self.units * self.option.area_m2

    @property
    def capacity_t(self) -> float:
        """Total throughput of the units (t/yr)."""
        return self.units * (self.option.throughput_t_per_year or 0.0)

    @property
    def utilisation(self) -> float:
        """Demand / capacity (0 if no capacity)."""
        cap = self.capacity_t
        return self.demand_t / cap if cap > 0 else 0.0


def _positive(x: object) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x) and x > 0


def _check_options(options: Sequence[SizeOption], *, need_throughput: bool) -> list[SizeOption]:
    problems: list[Problem] = []
    opts = list(options)
    if not opts:
        problems.append(Problem("give at least one size option", field="options"))
    labels: set[str] = set()
    for o in opts:
        if not isinstance(o, SizeOption):
            problems.append(Problem("must be a SizeOption", field="options", value=o))
            continue
        if o.label in labels:
            problems.append(Problem("duplicate option label", field="options", value=o.label))
        labels.add(o.label)
        if need_throughput and o.throughput_t_per_year is None:
            problems.append(
                Problem(
                    "sizing from demand needs a throughput for every option "
                    "(the source gives none for this one)",
                    row=o.label,
                    field="throughput_t_per_year",
                )
            )
    if problems:
        raise InputError(problems)
    return opts


def size_facility(demand_t: float, options: Sequence[SizeOption]) -> FacilitySize:
    """Size one facility from the demand it serves.

    Parameters
    ----------
    demand_t : float
        Demand assigned to the facility, t/yr (finite, >= 0).
    options : sequence of SizeOption
        The archetype's sizes, each with a throughput.

    Returns
    -------
    FacilitySize
        The smallest option (by throughput, then area) whose throughput covers the demand;
        otherwise ``ceil(demand / throughput)`` units of the largest. Capacity always covers
        the demand.
    """
    if (
        isinstance(demand_t, bool)
        or not isinstance(demand_t, (int, float))
        or not math.isfinite(demand_t)
        or demand_t < 0
    ):
        raise InputError.single(
            "demand must be a finite number of t/yr >= 0", field="demand_t", value=demand_t
        )
    opts = sorted(
        _check_options(options, need_throughput=True),
        key=lambda o: (o.throughput_t_per_year or 0.0, o.area_m2),
    )
    for o in opts:
        if (o.throughput_t_per_year or 0.0) >= demand_t:
            return FacilitySize(o, 1, float(demand_t))
    largest = opts[-1]
    cap = largest.throughput_t_per_year or 0.0
    units = math.ceil(demand_t / cap)
    while units * cap < demand_t:  # guard against floating-point rounding
        units += 1
    return FacilitySize(largest, units, float(demand_t))


def _check_classes(classes: Sequence[SizeClassSpec]) -> list[tuple[str, float, float]]:
    problems: list[Problem] = []
    out: list[tuple[str, float, float]] = []
    for i, spec in enumerate(classes):
        try:
            label, lo, hi = spec
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    "a class is (label, min_m2, max_m2 or None)", row=i, field="classes", value=spec
                )
            )
            continue
        lo_f = 0.0 if lo is None else lo
        hi_f = math.inf if hi is None else hi
        if not isinstance(label, str) or not label.strip():
            problems.append(
                Problem("label must be a non-empty string", row=i, field="label", value=label)
            )
        if not (
            isinstance(lo_f, (int, float))
            and isinstance(hi_f, (int, float))
            and math.isfinite(lo_f)
            and lo_f >= 0
            and lo_f < hi_f
        ):
            problems.append(
                Problem(
                    "bounds must satisfy 0 <= min < max (max None = open)",
                    row=i,
                    field="classes",
                    value=(lo, hi),
                )
            )
            continue
        out.append((str(label), float(lo_f), float(hi_f)))
    if not classes:
        problems.append(Problem("give at least one size class", field="classes"))
    ordered = sorted(out, key=lambda c: c[1])
    for a, b in itertools.pairwise(ordered):
        if b[1] < a[2]:
            problems.append(
                Problem(f"classes overlap ({a[0]} and {b[0]})", field="classes", value=(a[2], b[1]))
            )
    if problems:
        raise InputError(problems)
    return ordered


def size_class_of(area_m2: float, classes: Sequence[SizeClassSpec] = STUDY_SIZE_CLASSES) -> str:
    """The label of the size class holding ``area_m2``.

    Parameters
    ----------
    area_m2 : float
        Area in m² (finite, >= 0).
    classes : sequence of (label, min_m2, max_m2 or None)
        Half-open ``[min, max)`` intervals, not overlapping; ``min`` None means 0, ``max`` None
        means open-ended. Defaults to the study's legend.

    Returns
    -------
    str
        The class label; :data:`BETWEEN_CLASSES` for an area in a gap between two classes
        (e.g. 55,000 m² in the study's legend); :data:`OUTSIDE_CLASSES` below the first or
        above the last bounded class.
    """
    if (
        isinstance(area_m2, bool)
        or not isinstance(area_m2, (int, float))
        or not math.isfinite(area_m2)
        or area_m2 < 0
    ):
        raise InputError.single(
            "area must be a finite number of m² >= 0", field="area_m2", value=area_m2
        )
    ordered = _check_classes(classes)
    for label, lo, hi in ordered:
        if lo <= area_m2 < hi:
            return label
    if ordered[0][1] <= area_m2 < ordered[-1][2]:
        return BETWEEN_CLASSES
    return OUTSIDE_CLASSES


@dataclass(frozen=True)
class FacilitySizing:
    """One facility of a scenario, sized.

    ``demand_t`` and ``capacity_t`` are None in fixed scenarios (areas as stated by a source).
    ``size_class`` is the class of one unit's area (a unit is one building or site).
    """

    facility_id: str
    name: str
    option_label: str
    units: int
    unit_area_m2: float
    size_class: str
    demand_t: float | None = None
    capacity_t: float | None = None

    @property
    def area_m2(self) -> float:
        """Total area (m²)."""
        return self.units * self.unit_area_m2

    @property
    def area_ha(self) -> float:
        """Total area (ha)."""
        return self.area_m2 / M2_PER_HA


@dataclass(frozen=True)
class ScenarioSizing:
    """Facilities of one scenario with their sizes, and totals.

    Attributes
    ----------
    name : str
        Scenario name, for reports.
    rows : tuple of FacilitySizing
        One per facility.
    class_labels : tuple of str
        The class legend used, in order (for stable comparison rows).
    """

    name: str
    rows: tuple[FacilitySizing, ...]
    class_labels: tuple[str, ...]

    @property
    def facilities(self) -> int:
        """Number of facilities (sites)."""
        return len(self.rows)

    @property
    def units(self) -> int:
        """Number of units (buildings); more than facilities where demand needs several."""
        return sum(r.units for r in self.rows)

    @property
    def total_m2(self) -> float:
        """Total area (m²)."""
        return float(sum(r.area_m2 for r in self.rows))

    @property
    def total_ha(self) -> float:
        """Total area (ha)."""
        return self.total_m2 / M2_PER_HA

    @property
    def demand_t(self) -> float | None:
        """Total demand served (t/yr), None if any facility has no demand figure."""
        vals = [r.demand_t for r in self.rows]
        return None if any(v is None for v in vals) else float(sum(v or 0.0 for v in vals))

    @property
    def capacity_t(self) -> float | None:
        """Total throughput (t/yr), None if any facility has no capacity figure."""
        vals = [r.capacity_t for r in self.rows]
        return None if any(v is None for v in vals) else float(sum(v or 0.0 for v in vals))

    def units_by_class(self) -> dict[str, int]:
        """Units per size class, every class of the legend present (0 if none), then
        :data:`BETWEEN_CLASSES` / :data:`OUTSIDE_CLASSES` when used."""
        out = dict.fromkeys(self.class_labels, 0)
        for r in self.rows:
            out[r.size_class] = out.get(r.size_class, 0) + r.units
        return out

    def facilities_by_option(self) -> dict[str, int]:
        """Facilities per option label (e.g. ``{"large": 12, "small": 10}``)."""
        return dict(Counter(r.option_label for r in self.rows))

    def m2_by_class(self) -> dict[str, float]:
        """Area per size class (m²), keys as :meth:`units_by_class`."""
        out = dict.fromkeys(self.class_labels, 0.0)
        for r in self.rows:
            out[r.size_class] = out.get(r.size_class, 0.0) + r.area_m2
        return out


def _facility_items(
    facilities: Mapping[str, float] | Iterable[tuple[str, str, float]],
) -> list[tuple[str, str, float]]:
    if isinstance(facilities, Mapping):
        return [(str(k), str(k), v) for k, v in facilities.items()]
    out: list[tuple[str, str, float]] = []
    for item in facilities:
        fid, name, value = item
        out.append((str(fid), str(name), value))
    return out


def size_scenario(
    name: str,
    facilities: Mapping[str, float] | Iterable[tuple[str, str, float]],
    options: Sequence[SizeOption],
    *,
    classes: Sequence[SizeClassSpec] = STUDY_SIZE_CLASSES,
) -> ScenarioSizing:
    """Size every opened facility of a scenario from the demand it serves.

    Parameters
    ----------
    name : str
        Scenario name.
    facilities : mapping id -> demand (t/yr), or iterable of (id, name, demand)
        E.g. the demand a siting result assigns to each open site.
    options : sequence of SizeOption
        The archetype's sizes with throughputs.
    classes : sequence of (label, min_m2, max_m2 or None)
        Size-class legend (default: the study's).

    Raises
    ------
    InputError
        Listing every facility with a bad demand (and bad options or classes).
    """
    items = _facility_items(facilities)
    ordered = _check_classes(classes)
    _check_options(options, need_throughput=True)
    problems: list[Problem] = []
    rows: list[FacilitySizing] = []
    seen: set[str] = set()
    for fid, fname, demand in items:
        if fid in seen:
            problems.append(
                Problem("duplicate facility id", row=fid, field="facility_id", value=fid)
            )
        seen.add(fid)
        try:
            fs = size_facility(demand, options)
        except InputError as e:
            problems.extend(p.at(row=fid) for p in e.problems)
            continue
        rows.append(
            FacilitySizing(
                facility_id=fid,
                name=fname,
                option_label=fs.option.label,
                units=fs.units,
                unit_area_m2=fs.option.area_m2,
                size_class=size_class_of(fs.option.area_m2, classes),
                demand_t=fs.demand_t,
                capacity_t=fs.capacity_t,
            )
        )
    if problems:
        raise InputError(problems)
    return ScenarioSizing(name=name, rows=tuple(rows), class_labels=tuple(c[0] for c in ordered))


def fixed_scenario(
    name: str,
    facilities: Iterable[tuple[str, str, SizeOption]],
    *,
    classes: Sequence[SizeClassSpec] = STUDY_SIZE_CLASSES,
) -> ScenarioSizing:
    """A scenario whose sizes are stated, not derived (e.g. the study's "10 small banks of
    5,000 m² + 12 large of 10,000 m² = 17 ha"), so that it can be compared with a demand-driven
    one.

    Parameters
    ----------
    facilities : iterable of (id, name, SizeOption)
        One per facility (one unit each).
    """
    ordered = _check_classes(classes)
    problems: list[Problem] = []
    rows: list[FacilitySizing] = []
    seen: set[str] = set()
    for fid, fname, option in facilities:
        if not isinstance(option, SizeOption):
            problems.append(
                Problem("must be a SizeOption", row=str(fid), field="option", value=option)
            )
            continue
        if str(fid) in seen:
            problems.append(
                Problem("duplicate facility id", row=str(fid), field="facility_id", value=fid)
            )
        seen.add(str(fid))
        rows.append(
            FacilitySizing(
                facility_id=str(fid),
                name=str(fname),
                option_label=option.label,
                units=1,
                unit_area_m2=option.area_m2,
                size_class=size_class_of(option.area_m2, classes),
                capacity_t=option.throughput_t_per_year,
            )
        )
    if problems:
        raise InputError(problems)
    return ScenarioSizing(name=name, rows=tuple(rows), class_labels=tuple(c[0] for c in ordered))


def _row(
    metric: str, unit: str, a: float | None, b: float | None, size_class: str | None = None
) -> dict[str, Any]:
    diff = None if a is None or b is None else b - a
    rel = None if diff is None or not a else diff / a
    row: dict[str, Any] = {
        "metric": metric,
        "unit": unit,
        "a": a,
        "b": b,
        "difference": diff,
        "relative": rel,
    }
    if size_class is not None:
        row["size_class"] = size_class
    return row


def compare(a: ScenarioSizing, b: ScenarioSizing) -> list[dict[str, Any]]:
    """Side-by-side rows of two scenarios: facilities, units per size class, m², ha.

    Returns
    -------
    list of dict
        The first row names the scenarios (``metric`` ``"scenario"``); then one row per
        metric with keys ``metric``, ``unit``, ``a``, ``b``, ``difference`` (b - a) and
        ``relative`` ((b - a) / a, None when a is 0 or a figure is missing); per-class rows
        also carry ``size_class``. Every class of either legend appears, in order.
    """
    rows: list[dict[str, Any]] = [
        {
            "metric": "scenario",
            "unit": "",
            "a": a.name,
            "b": b.name,
            "difference": None,
            "relative": None,
        }
    ]
    rows.append(_row("facilities", "count", a.facilities, b.facilities))
    rows.append(_row("units", "count", a.units, b.units))
    ua, ub = a.units_by_class(), b.units_by_class()
    ma, mb = a.m2_by_class(), b.m2_by_class()
    labels = list(dict.fromkeys([*ua, *ub]))
    for label in labels:
        rows.append(_row("units", "count", ua.get(label, 0), ub.get(label, 0), label))
    for label in labels:
        rows.append(_row("area", "m²", ma.get(label, 0.0), mb.get(label, 0.0), label))
    rows.append(_row("area", "m²", a.total_m2, b.total_m2))
    rows.append(_row("area", "ha", a.total_ha, b.total_ha))
    rows.append(_row("demand served", "t/yr", a.demand_t, b.demand_t))
    rows.append(_row("capacity", "t/yr", a.capacity_t, b.capacity_t))
    return rows
