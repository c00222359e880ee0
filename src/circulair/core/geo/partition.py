"""Partitions: every municipality of a region in exactly one unit.

Why: the study sizes facilities "one per arrondissement", "one per OVAM catchment area", and the
platform must let a user bring their own areas. A partition is that mapping, checked once on
import so that engines can rely on it covering the region exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.core.geo.reference import RegionGeography
from circulair.core.tables import csv_dicts


@dataclass(frozen=True)
class Partition:
    """A named mapping municipality REFNIS -> unit id.

    ``unit_names`` optionally gives a display name per unit (e.g. arrondissement names).
    """

    name: str
    unit_of: dict[str, str]
    unit_names: dict[str, str] = field(default_factory=dict)

    def units(self) -> tuple[str, ...]:
        """The unit ids, sorted."""
        return tuple(sorted(set(self.unit_of.values())))

    def members(self, unit: str) -> tuple[str, ...]:
        """REFNIS codes of the municipalities in ``unit`` (sorted); empty if no such unit."""
        return tuple(sorted(m for m, u in self.unit_of.items() if u == unit))

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Unit id -> member REFNIS codes, in one pass."""
        out: dict[str, list[str]] = defaultdict(list)
        for m, u in sorted(self.unit_of.items()):
            out[u].append(m)
        return {u: tuple(out[u]) for u in sorted(out)}


def partition_by_arrondissement(geo: RegionGeography) -> Partition:
    """The administrative arrondissements as a partition (unit id = arrondissement REFNIS)."""
    return Partition(
        "arrondissement",
        {m.refnis: m.arrondissement_refnis for m in geo.municipalities},
        {a.refnis: a.name_nl for a in geo.arrondissements},
    )


def partition_by_province(geo: RegionGeography) -> Partition:
    """The provinces as a partition (unit id = province REFNIS)."""
    return Partition(
        "province",
        {m.refnis: m.province_refnis for m in geo.municipalities},
        {p.refnis: p.name_nl for p in geo.provinces},
    )


def parse_partition_csv(
    text: str, geo: RegionGeography, *, name: str, file: str = "upload.csv"
) -> Partition:
    """Read a partition from CSV text and check that it covers the region exactly once.

    The header must hold ``unit`` and either ``refnis`` or ``municipality`` (a Dutch or French
    municipality name, case-insensitive); ``unit_name`` is optional. All problems are collected
    and raised together in one InputError — unknown municipalities (row and value), a
    municipality given twice (named, with both rows), municipalities missing (each named), empty
    units, a bad header — because a user fixing a spreadsheet wants the whole list at once.
    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    problems: list[Problem] = []
    header, records = csv_dicts(text, file=file)
    key = "refnis" if "refnis" in header else "municipality" if "municipality" in header else None
    if key is None or "unit" not in header:
        raise InputError(
            [
                problem(
                    "columns_missing",
                    gettext_noop(
                        "bad header: expected columns refnis,unit (or municipality,unit), "
                        "optionally unit_name"
                    ),
                    file=file,
                    row=1,
                    value=",".join(header),
                )
            ]
        )
    by_name: dict[str, str] = {}
    for m in geo.municipalities:
        by_name.setdefault(m.name_nl.strip().lower(), m.refnis)
        by_name.setdefault(m.name_fr.strip().lower(), m.refnis)
    unit_of: dict[str, str] = {}
    rows_of: dict[str, list[int]] = defaultdict(list)
    unit_names: dict[str, str] = {}
    for row_no, row in records:
        value = row.get(key, "")
        refnis = value if key == "refnis" else by_name.get(value.lower(), "")
        if not value:
            problems.append(
                problem(
                    "value_empty",
                    gettext_noop("a value is required"),
                    file=file,
                    row=row_no,
                    field=key,
                )
            )
            continue
        if not geo.has_municipality(refnis):
            problems.append(
                problem(
                    "municipality_unknown",
                    gettext_noop("unknown municipality in region %(region)s"),
                    file=file,
                    row=row_no,
                    field=key,
                    value=value,
                    region=geo.code,
                )
            )
            continue
        unit = row.get("unit", "")
        if not unit:
            problems.append(
                problem(
                    "value_empty",
                    gettext_noop("a value is required"),
                    file=file,
                    row=row_no,
                    field="unit",
                )
            )
        rows_of[refnis].append(row_no)
        if unit and refnis not in unit_of:
            unit_of[refnis] = unit
        if unit and row.get("unit_name"):
            unit_names.setdefault(unit, row["unit_name"])
    for refnis, rows in sorted(rows_of.items()):
        if len(rows) > 1:
            m = geo.municipality(refnis)
            problems.append(
                problem(
                    "municipality_twice",
                    gettext_noop(
                        "municipality %(refnis)s %(name)s is assigned more than once (rows "
                        "%(rows)s)"
                    ),
                    file=file,
                    row=rows[1],
                    field=key,
                    value=refnis if key == "refnis" else m.name_nl,
                    refnis=m.refnis,
                    name=m.name_nl,
                    rows=", ".join(map(str, rows)),
                )
            )
    for m in geo.municipalities:
        if m.refnis not in rows_of:
            problems.append(
                problem(
                    "municipality_missing",
                    gettext_noop("municipality %(refnis)s %(name)s is missing"),
                    file=file,
                    field="refnis",
                    value=m.refnis,
                    refnis=m.refnis,
                    name=m.name_nl,
                )
            )
    if problems:
        raise InputError(problems)
    return Partition(name, unit_of, unit_names)
