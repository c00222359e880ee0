"""Aggregating flows by any combination of groupings, with mass conserved: the tonnes of the
groups add up to the tonnes of the flows (summed with ``math.fsum``)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from circulair.core.flows.codes import Catalogue
from circulair.core.flows.records import Flow

GROUPS = (
    "year",
    "material",
    "chapter",
    "nace_section",
    "refnis",
    "arrondissement",
    "province",
    "treatment",
    "rung",
    "family",
)
UNKNOWN = "unknown"
# NACE Rev. 2 sections by their first and last two-digit division.
_SECTIONS = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)  # fmt: skip


def nace_section(code: str) -> str:
    """The NACE section letter of a NACE(-BEL) code (``25.110`` -> ``C``); ``unknown`` when
    there is no code (households) or it has no section."""
    digits = "".join(ch for ch in code if ch.isdigit())[:2]
    if len(digits) < 2:
        return UNKNOWN
    d = int(digits)
    return next((s for s, lo, hi in _SECTIONS if lo <= d <= hi), UNKNOWN)


def group_key(flow: Flow, by: str, catalogue: Catalogue) -> str:
    """The key of ``flow`` in grouping ``by`` (one of :data:`GROUPS`). Places come from the
    REFNIS code: its first two digits are the arrondissement (``24`` of ``24062``), the first
    digit the province in this data model (Statbel's arrondissement codes start with the
    province's digit)."""
    if by == "year":
        return str(flow.year)
    if by == "material":
        return flow.material or UNKNOWN
    if by == "chapter":
        return flow.waste_code[:2] or UNKNOWN
    if by == "nace_section":
        return nace_section(flow.origin_nace)
    if by == "refnis":
        return flow.origin_refnis or UNKNOWN
    if by == "arrondissement":
        return flow.origin_refnis[:2] or UNKNOWN
    if by == "province":
        return flow.origin_refnis[:1] or UNKNOWN
    if by == "treatment":
        return flow.treatment or UNKNOWN
    if by == "rung":
        if flow.rung:
            return flow.rung
        t = catalogue.treatments.get(flow.treatment)
        return "preliminary" if t is not None and not t.final else UNKNOWN
    if by == "family":
        t = catalogue.treatments.get(flow.treatment)
        return t.family if t is not None else UNKNOWN
    raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPS)}")


def aggregate(
    flows: Iterable[Flow], by: Sequence[str], catalogue: Catalogue
) -> list[tuple[tuple[str, ...], float]]:
    """(key, tonnes) per group, largest first, then by key."""
    parts: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for f in flows:
        parts[tuple(group_key(f, b, catalogue) for b in by)].append(f.tonnes)
    out = [(k, math.fsum(v)) for k, v in parts.items()]
    out.sort(key=lambda kv: (-kv[1], kv[0]))
    return out


def year_over_year(flows: Iterable[Flow], by: str, catalogue: Catalogue) -> list[dict[str, Any]]:
    """Per key and year: tonnes, the previous year's and the change in percent (None when the
    previous year has no tonnes for the key)."""
    totals = {k: t for k, t in aggregate(flows, ["year", by], catalogue)}
    rows = []
    for (year, key), t in sorted(totals.items(), key=lambda kv: (kv[0][1], int(kv[0][0]))):
        prev = totals.get((str(int(year) - 1), key))
        rows.append(
            {
                "key": key,
                "year": int(year),
                "tonnes": t,
                "previous": prev,
                "change_pct": None if not prev else 100.0 * (t - prev) / prev,
            }
        )
    return rows
