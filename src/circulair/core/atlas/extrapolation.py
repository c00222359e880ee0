"""Extrapolation of facility archetypes over a spatial partition: the study's scaling method.

The spatial study scales a case to all of Flanders with one rule: every unit of a partition
(arrondissement, OVAM catchment area, ...) gets one facility per material stream; units that
contain a central city get the large archetype, the others the small one. Or it simply states a
count ("14 sorting centres of 40,000 m²"). This module reproduces those figures exactly and makes
the rule explicit and reusable:

* :func:`extrapolate_partition` -- one facility (or ``per_unit``) per unit and stream, sized by a
  rule (``"central_large"`` or ``"uniform"`` or a callable), with optional per-size count overrides
  where the source states a count that the partition does not give;
* :func:`extrapolate_fixed` -- a stated number of facilities of one size.

Both return an :class:`ExtrapolationResult` with the per-unit allocation and totals in m² and ha
(1 ha = 10,000 m²).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..errors import InputError, Problem

__all__ = [
    "M2_PER_HA",
    "ExtrapolationResult",
    "SizeClass",
    "UnitAllocation",
    "contains_any",
    "extrapolate_fixed",
    "extrapolate_partition",
]

M2_PER_HA = 10_000

SizeRule = Literal["central_large", "uniform"] | Callable[[str, Sequence[str], bool], str]
CentralPredicate = Callable[[str, Sequence[str]], bool]


@dataclass(frozen=True)
class SizeClass:
    """A facility archetype size: a label (``"large"``, ``"small"``, ...) and its area in m²."""

    label: str
    m2: float


@dataclass(frozen=True)
class UnitAllocation:
    """Facilities allotted to one unit of the partition."""

    unit_id: str
    central: bool
    size_label: str
    count: int
    m2_each: float

    @property
    def m2(self) -> float:
        """Total floor/parcel area in the unit (m²)."""
        return self.count * self.m2_each


@dataclass(frozen=True)
class ExtrapolationResult:
    """Outcome of an extrapolation.

    Attributes
    ----------
    units : tuple of UnitAllocation
        Per-unit allocation as the rule derives it (empty for a fixed count).
    count_by_size : dict
        Facility count per size label, after overrides.
    derived_count_by_size : dict
        Facility count per size label as the partition and rule give it, before overrides.
    m2_by_size : dict
        Area per size label (m²), after overrides.
    total_count : int
        Number of facilities.
    total_m2 : float
        Total area (m²).
    streams : int
        Number of material streams the counts were multiplied by.
    notes : tuple of str
        Human-readable remarks, e.g. where an override departs from the partition.
    """

    units: tuple[UnitAllocation, ...]
    count_by_size: dict[str, int]
    derived_count_by_size: dict[str, int]
    m2_by_size: dict[str, float]
    total_count: int
    total_m2: float
    streams: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total_ha(self) -> float:
        """Total area in hectares."""
        return self.total_m2 / M2_PER_HA

    @property
    def ha_by_size(self) -> dict[str, float]:
        """Area per size label in hectares."""
        return {k: v / M2_PER_HA for k, v in self.m2_by_size.items()}


def contains_any(municipalities: Collection[str]) -> CentralPredicate:
    """Predicate: a unit is central when one of its members is in ``municipalities``.

    Parameters
    ----------
    municipalities : collection of str
        Ids of e.g. the 13 central cities (centrumsteden).
    """
    wanted = frozenset(municipalities)

    def predicate(unit_id: str, members: Sequence[str]) -> bool:
        return any(m in wanted for m in members)

    return predicate


def _check_size(size: SizeClass | None, name: str, problems: list[Problem]) -> None:
    if size is None:
        return
    if not isinstance(size, SizeClass):
        problems.append(Problem("must be a SizeClass(label, m2)", field=name, value=size))
    elif not (isinstance(size.m2, (int, float)) and size.m2 > 0):
        problems.append(Problem("area must be a positive number of m²", field=name, value=size.m2))
    elif not size.label:
        problems.append(Problem("size label must not be empty", field=name))


def _check_count(value: object, name: str, problems: list[Problem], *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.append(Problem(f"must be an integer >= {minimum}", field=name, value=value))


def extrapolate_partition(
    partition: Mapping[str, Sequence[str]],
    *,
    large: SizeClass,
    small: SizeClass | None = None,
    central: Collection[str] | CentralPredicate | None = None,
    rule: SizeRule = "central_large",
    streams: int = 1,
    per_unit: int = 1,
    count_override: Mapping[str, int] | None = None,
) -> ExtrapolationResult:
    """Give every unit of a partition its facilities and sum the space they need.

    Parameters
    ----------
    partition : mapping of str to sequence of str
        Unit id -> member municipality ids (e.g. arrondissement -> municipalities).
    large : SizeClass
        Archetype for central units (or for every unit under ``rule="uniform"``).
    small : SizeClass, optional
        Archetype for the other units; required for ``rule="central_large"``.
    central : collection of str or callable, optional
        Unit ids that contain a central city, or a predicate ``(unit_id, members) -> bool``
        (see :func:`contains_any`). Required for ``rule="central_large"``.
    rule : {"central_large", "uniform"} or callable
        ``"central_large"``: central units get ``large``, others ``small``. ``"uniform"``: all get
        ``large``. A callable ``(unit_id, members, is_central) -> size label`` picks among
        ``large.label`` and ``small.label``.
    streams : int
        Number of material streams; every count is multiplied by it.
    per_unit : int
        Facilities per unit and stream.
    count_override : mapping of str to int, optional
        Facility count (for all streams together) per size label, replacing what the partition
        gives. Use it where a source states a count the partition does not give (e.g. the
        reuse-cluster annex counts 13 small clusters where 30 catchment areas with 13 central ones
        give 17). The per-unit allocation is kept as derived and a note records the difference.

    Returns
    -------
    ExtrapolationResult

    Raises
    ------
    InputError
        Empty partition, non-positive sizes or counts, a municipality in two units, central unit
        ids not in the partition, a rule label without a matching size class, or an override for
        an unknown size label; every problem is reported.

    Examples
    --------
    Materials banks, one per arrondissement (22, of which 12 hold a central city):

    >>> part = {f"A{i}": [f"m{i}"] for i in range(22)}
    >>> r = extrapolate_partition(part, large=SizeClass("large", 10_000),
    ...                           small=SizeClass("small", 5_000),
    ...                           central={f"A{i}" for i in range(12)})
    >>> r.total_ha
    17.0
    """
    problems: list[Problem] = []
    if not isinstance(partition, Mapping) or not partition:
        problems.append(
            Problem("partition must be a non-empty mapping unit id -> members", field="partition")
        )
        raise InputError(problems)
    _check_size(large, "large", problems)
    _check_size(small, "small", problems)
    _check_count(streams, "streams", problems, minimum=1)
    _check_count(per_unit, "per_unit", problems, minimum=1)
    if (
        small is not None
        and isinstance(small, SizeClass)
        and isinstance(large, SizeClass)
        and small.label == large.label
    ):
        problems.append(
            Problem(
                "large and small size classes need different labels",
                field="small",
                value=small.label,
            )
        )
    seen: dict[str, str] = {}
    for unit, members in partition.items():
        if isinstance(members, str) or not isinstance(members, Sequence):
            problems.append(
                Problem(
                    "members must be a list of municipality ids",
                    field="partition",
                    row=str(unit),
                    value=members,
                )
            )
            continue
        for mun in members:
            if mun in seen and seen[mun] != unit:
                problems.append(
                    Problem(
                        f"municipality belongs to two units ('{seen[mun]}' and '{unit}')",
                        field="partition",
                        row=str(unit),
                        value=mun,
                    )
                )
            seen[mun] = unit
    if rule == "central_large":
        if small is None:
            problems.append(Problem("rule 'central_large' needs a small size class", field="small"))
        if central is None:
            problems.append(
                Problem(
                    "rule 'central_large' needs the central units or a predicate", field="central"
                )
            )
    elif rule != "uniform" and not callable(rule):
        problems.append(
            Problem(
                "rule must be 'central_large', 'uniform' or a callable", field="rule", value=rule
            )
        )
    if central is not None and not callable(central):
        unknown = sorted(set(central) - set(partition))
        for u in unknown:
            problems.append(
                Problem("central unit id is not in the partition", field="central", value=u)
            )
    if problems:
        raise InputError(problems)

    sizes = {large.label: large}
    if small is not None:
        sizes[small.label] = small

    def is_central(unit: str, members: Sequence[str]) -> bool:
        if central is None:
            return False
        if callable(central):
            return bool(central(unit, members))
        return unit in central

    units: list[UnitAllocation] = []
    for unit, members in partition.items():
        cen = is_central(unit, members)
        if rule == "central_large":
            label = large.label if cen else small.label  # type: ignore[union-attr]
        elif rule == "uniform":
            label = large.label
        else:
            label = rule(unit, members, cen)
            if label not in sizes:
                problems.append(
                    Problem(
                        f"rule returned unknown size label (known: {sorted(sizes)})",
                        field="rule",
                        row=str(unit),
                        value=label,
                    )
                )
                continue
        units.append(UnitAllocation(unit, cen, label, per_unit * streams, sizes[label].m2))
    derived = {label: 0 for label in sizes}
    for alloc in units:
        derived[alloc.size_label] += alloc.count
    counts = dict(derived)
    notes: list[str] = []
    for label, value in (count_override or {}).items():
        if label not in sizes:
            problems.append(
                Problem(
                    f"override for unknown size label (known: {sorted(sizes)})",
                    field="count_override",
                    value=label,
                )
            )
            continue
        _check_count(value, f"count_override[{label}]", problems, minimum=0)
        if isinstance(value, int) and value != derived[label]:
            notes.append(
                f"count of '{label}' set to {value} by override "
                f"(the partition and rule give {derived[label]})"
            )
        if isinstance(value, int) and not isinstance(value, bool):
            counts[label] = value
    if problems:
        raise InputError(problems)
    m2_by_size = {label: counts[label] * sizes[label].m2 for label in sizes}
    return ExtrapolationResult(
        units=tuple(units),
        count_by_size=counts,
        derived_count_by_size=derived,
        m2_by_size=m2_by_size,
        total_count=sum(counts.values()),
        total_m2=sum(m2_by_size.values()),
        streams=streams,
        notes=tuple(notes),
    )


def extrapolate_fixed(count: int, size: SizeClass, *, streams: int = 1) -> ExtrapolationResult:
    """A stated number of facilities of one size (e.g. 14 sorting centres × 40,000 m² = 56 ha).

    Parameters
    ----------
    count : int
        Number of facilities per stream.
    size : SizeClass
        Their archetype.
    streams : int
        Number of material streams; the count is multiplied by it.

    Raises
    ------
    InputError
        Non-positive count, size or streams.
    """
    problems: list[Problem] = []
    _check_count(count, "count", problems, minimum=1)
    _check_size(size, "size", problems)
    _check_count(streams, "streams", problems, minimum=1)
    if problems:
        raise InputError(problems)
    total = count * streams
    return ExtrapolationResult(
        units=(),
        count_by_size={size.label: total},
        derived_count_by_size={size.label: total},
        m2_by_size={size.label: total * size.m2},
        total_count=total,
        total_m2=total * size.m2,
        streams=streams,
    )
