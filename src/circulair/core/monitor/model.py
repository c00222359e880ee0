"""Indicators, targets and observations of the monitor, as plain data.

Why: the monitor must say per indicator and region where Flanders stands against its targets
(DOMAIN.md section 3). Keeping definitions, targets and observations as frozen records, separate
from the computation, lets the web layer store them in a database, the knowledge base seed them,
and the engine assess them without knowing where they came from.

Conventions
-----------
* An :class:`Observation` holds one value of one indicator, for one region and calendar year.
* A :class:`Target` is *absolute* (reach ``target_value`` in ``unit`` by ``target_year``) or
  *relative* (change by ``target_value`` percent versus the level of ``baseline_year``; -30
  means 30 % lower). For a relative target ``unit`` is ``"%"`` and ``baseline_value``, when
  given, is in the indicator's unit; for an absolute target ``baseline_value`` is in ``unit``.
* ``direction`` says which way is better. A target may carry its own direction; otherwise the
  indicator's is used, and for an indicator without one (``"none"``) the target's sign decides
  (see :func:`circulair.core.monitor.compute.resolve_direction`).
* ``strict`` marks a target that must be passed, not merely reached ("more than half").

:func:`monitor_from_knowledge` builds all three from the knowledge base (``indicators.yaml``,
``targets.yaml``, ``indicator_figures.yaml``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from ..errors import InputError, Problem
from ..knowledge.model import KnowledgeBase, Record
from .units import compatible, convert, parse_unit

__all__ = [
    "Direction",
    "Indicator",
    "MonitorData",
    "Observation",
    "Target",
    "TargetType",
    "figure_source",
    "monitor_from_knowledge",
]

Direction = Literal["lower_is_better", "higher_is_better", "none"]
TargetType = Literal["absolute", "relative"]

_DIRECTIONS: tuple[str, ...] = get_args(Direction)
_TARGET_TYPES: tuple[str, ...] = get_args(TargetType)


@dataclass(frozen=True)
class Indicator:
    """Definition of an indicator.

    Attributes
    ----------
    slug : str
        Stable identifier (``"rmc"``), used in files and URLs.
    name_nl, name_en : str
        Display names.
    unit : str
        The unit every observation of the indicator is stored in (canonical spelling).
    direction : {"lower_is_better", "higher_is_better", "none"}
        Which way is progress; ``"none"`` for context indicators (RMI, DMI).
    """

    slug: str
    name_nl: str
    name_en: str
    unit: str
    direction: Direction = "none"

    def __post_init__(self) -> None:
        problems = []
        if not self.slug.strip():
            problems.append(Problem("an indicator needs a slug", field="slug", value=self.slug))
        if self.direction not in _DIRECTIONS:
            problems.append(
                Problem(
                    f"direction must be one of {', '.join(_DIRECTIONS)}",
                    row=self.slug,
                    field="direction",
                    value=self.direction,
                )
            )
        if not str(self.unit).strip():
            problems.append(
                Problem("an indicator needs a unit", row=self.slug, field="unit", value=self.unit)
            )
        if problems:
            raise InputError(problems)


@dataclass(frozen=True)
class Target:
    """A target for one indicator in one region.

    Attributes
    ----------
    slug : str
        Stable identifier (``"rmc-2030"``).
    indicator : str
        Slug of the indicator.
    region : str
        Region code (``"VLG"``).
    baseline_year, baseline_value : int or None, float or None
        The reference level. A relative target needs ``baseline_year``; when
        ``baseline_value`` is None the observation of that year is used.
    target_year : int
        Year by which the target must be reached.
    target_value : float
        The level to reach (absolute) or the change in percent versus the baseline (relative).
    target_type : {"absolute", "relative"}
    unit : str
        Unit of ``target_value``: a level unit for an absolute target, ``"%"`` for a relative one.
    direction : {"lower_is_better", "higher_is_better"} or None
        Overrides the indicator's direction when given.
    strict : bool
        True when the level must be passed, not merely reached ("more than half" = > 50 %).
    """

    slug: str
    indicator: str
    region: str
    target_year: int
    target_value: float
    target_type: TargetType = "absolute"
    unit: str = ""
    baseline_year: int | None = None
    baseline_value: float | None = None
    direction: Direction | None = None
    strict: bool = False

    def __post_init__(self) -> None:
        p: list[Problem] = []

        def bad(message: str, fld: str, value: Any) -> None:
            p.append(Problem(message, row=self.slug or None, field=fld, value=value))

        if self.target_type not in _TARGET_TYPES:
            bad("target_type must be 'absolute' or 'relative'", "target_type", self.target_type)
        if not _finite(self.target_value):
            bad("target_value must be a finite number", "target_value", self.target_value)
        if self.baseline_value is not None and not _finite(self.baseline_value):
            bad("baseline_value must be a finite number", "baseline_value", self.baseline_value)
        if self.direction is not None and self.direction not in _DIRECTIONS:
            bad(f"direction must be one of {', '.join(_DIRECTIONS)}", "direction", self.direction)
        if self.target_type == "relative":
            if self.baseline_year is None:
                bad("a relative target needs a baseline year", "baseline_year", None)
            if not compatible(self.unit or "%", "%"):
                bad(
                    "a relative target is a change in percent: its unit must be '%'",
                    "unit",
                    self.unit,
                )
        elif not str(self.unit).strip():
            bad("an absolute target needs the unit of its target value", "unit", self.unit)
        if (
            self.baseline_year is not None
            and isinstance(self.target_year, int)
            and self.baseline_year >= self.target_year
        ):
            bad(
                "the baseline year must lie before the target year",
                "baseline_year",
                self.baseline_year,
            )
        if p:
            raise InputError(p)

    @property
    def relative_change_percent(self) -> float:
        """For a relative target, the change in percent (the unit converted to ``%``)."""
        return convert(self.target_value, self.unit or "%", "%")


@dataclass(frozen=True)
class Observation:
    """One value of an indicator for a region and calendar year.

    Attributes
    ----------
    indicator, region : str
        Indicator slug and region code.
    year : int
    value : float
    unit : str
        Unit of ``value`` (the indicator's unit once imported).
    source : str
        Where the figure comes from (publication, table, URL).
    note : str
        Anything a reader needs to interpret the figure.
    """

    indicator: str
    region: str
    year: int
    value: float
    unit: str
    source: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, int]:
        """``(indicator, region, year)``: at most one observation per key."""
        return (self.indicator, self.region, self.year)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "region": self.region,
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class MonitorData:
    """What :func:`monitor_from_knowledge` reads from the knowledge base.

    Attributes
    ----------
    indicators : dict of str to Indicator
    targets : list of Target
    observations : list of Observation
        The figures that are a level of their indicator in a known year.
    skipped : list of (str, str)
        ``(figure slug, reason)`` for figures that cannot be a time-series point: no year, or a
        unit that is not the indicator's (a change in percent of a tonnage, a share of a
        tonnage).
    regions : set of str
        Region codes used by targets and figures.
    """

    indicators: dict[str, Indicator]
    targets: list[Target]
    observations: list[Observation]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    regions: set[str] = field(default_factory=set)


def monitor_from_knowledge(kb: KnowledgeBase) -> MonitorData:
    """Indicators, targets and the usable figures of the knowledge base.

    Why: the source documents give a handful of figures (RMI 567 Mt in 2010, 642 Mt in 2018, ...)
    and four targets; seeding the monitor with them shows something meaningful before anyone
    imports data, and each seeded observation cites its figure slug in ``source``.

    A figure becomes an observation only when it has a year and a unit convertible to its
    indicator's; the others are listed in ``skipped`` with the reason.
    """
    indicators: dict[str, Indicator] = {}
    for r in kb.by_kind("indicator"):
        indicators[r.slug] = Indicator(
            slug=r.slug,
            name_nl=r.name.get("nl", r.slug),
            name_en=r.name.get("en", r.slug),
            unit=parse_unit(str(r.attributes["unit"])).symbol,
            direction=cast(Direction, r.attributes["direction"]),
        )
    targets: list[Target] = []
    regions: set[str] = set()
    for r in kb.by_kind("target"):
        a = r.attributes
        strict = bool(a.get("strict", False))
        targets.append(
            Target(
                slug=r.slug,
                indicator=r.refs["indicator"][0],
                region=str(a["region"]),
                target_year=int(a["target_year"]),
                target_value=float(a["target_value"]),
                target_type=cast(TargetType, a["target_type"]),
                unit=str(a["unit"]),
                baseline_year=None if a.get("baseline_year") is None else int(a["baseline_year"]),
                baseline_value=(
                    None if a.get("baseline_value") is None else float(a["baseline_value"])
                ),
                strict=strict,
            )
        )
        regions.add(str(a["region"]))
    observations: list[Observation] = []
    skipped: list[tuple[str, str]] = []
    seen: set[tuple[str, str, int]] = set()
    for r in kb.by_kind("indicator_figure"):
        a = r.attributes
        ind = indicators[r.refs["indicator"][0]]
        regions.add(str(a["region"]))
        if a.get("year") is None:
            skipped.append((r.slug, "the text gives no year"))
            continue
        if not compatible(str(a["unit"]), ind.unit):
            skipped.append(
                (
                    r.slug,
                    f"unit '{a['unit']}' is not the indicator's unit "
                    f"'{ind.unit}' (not a level of the indicator)",
                )
            )
            continue
        obs = Observation(
            indicator=ind.slug,
            region=str(a["region"]),
            year=int(a["year"]),
            value=convert(float(a["value"]), str(a["unit"]), ind.unit),
            unit=ind.unit,
            source=figure_source(r),
            note=str(a.get("note", "")),
        )
        if obs.key in seen:
            skipped.append((r.slug, "another figure already gives this indicator, region and year"))
            continue
        seen.add(obs.key)
        observations.append(obs)
    return MonitorData(
        indicators=indicators,
        targets=targets,
        observations=observations,
        skipped=skipped,
        regions=regions,
    )


def figure_source(r: Record) -> str:
    """The provenance of a figure as an observation's ``source``: each citation's source, lines
    and locator (``003:836-839 (Deel 1, ...)``), so a reader finds the passage from the table."""
    return "; ".join(f"{c.label()} ({c.locator})" for c in r.citations) or r.slug


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False
