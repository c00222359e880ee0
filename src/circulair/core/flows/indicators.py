"""Indicators computed from flows: shares of the R-ladder's rungs, the recycling rate and the
shares to energy recovery and disposal (over finally treated tonnes), and from municipal
statistics residual household waste per inhabitant and the selective-collection rate."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from circulair.core.errors import InputError, gettext_noop
from circulair.core.flows.aggregate import group_key
from circulair.core.flows.codes import Catalogue
from circulair.core.flows.records import Flow


@dataclass(frozen=True)
class Shares:
    """``by_rung``: tonnes per rung slug, with ``preliminary`` (R12, R13, D13-D15: the final
    treatment is not in the data) and ``unknown`` apart. The rates are over ``final_t``, the
    finally treated tonnes, and None when there are none."""

    total_t: float
    final_t: float
    by_rung: Mapping[str, float]
    recycling_rate: float | None
    energy_share: float | None
    disposal_share: float | None


def shares(flows: Iterable[Flow], catalogue: Catalogue) -> Shares:
    """Rung shares and rates. The recycling rate counts preparing for re-use and recycling
    (R2-R11) together, as the Waste Framework Directive's targets do (Article 11(2):
    "preparing for re-use and recycling"); energy recovery is R1; disposal D1-D12."""
    parts: dict[str, list[float]] = defaultdict(list)
    final: list[float] = []
    recycled: list[float] = []
    energy: list[float] = []
    disposed: list[float] = []
    total: list[float] = []
    for f in flows:
        total.append(f.tonnes)
        parts[group_key(f, "rung", catalogue)].append(f.tonnes)
        t = catalogue.treatments.get(f.treatment)
        if t is None or not t.final:
            continue
        final.append(f.tonnes)
        if t.recycling or t.family == "reuse":
            recycled.append(f.tonnes)
        if t.energy:
            energy.append(f.tonnes)
        if t.family == "disposal":
            disposed.append(f.tonnes)
    final_t = math.fsum(final)

    def rate(xs: list[float]) -> float | None:
        return math.fsum(xs) / final_t if final_t > 0 else None

    return Shares(
        total_t=math.fsum(total),
        final_t=final_t,
        by_rung={k: math.fsum(v) for k, v in parts.items()},
        recycling_rate=rate(recycled),
        energy_share=rate(energy),
        disposal_share=rate(disposed),
    )


def _checked(tonnes_by_fraction: Mapping[str, float], catalogue: Catalogue) -> None:
    unknown = sorted(set(tonnes_by_fraction) - set(catalogue.fractions))
    if unknown:
        raise InputError.coded(
            "fraction_unknown",
            gettext_noop("not a fraction of the municipal statistics"),
            field="fraction",
            value=unknown[0],
        )


def residual_per_inhabitant(
    tonnes_by_fraction: Mapping[str, float], inhabitants: int, catalogue: Catalogue
) -> float:
    """kg of residual household waste (the residual fractions: residual and bulky waste) per
    inhabitant."""
    _checked(tonnes_by_fraction, catalogue)
    if inhabitants <= 0:
        raise InputError.coded(
            "inhabitants_not_positive",
            gettext_noop("the number of inhabitants must be positive"),
            field="inhabitants",
            value=inhabitants,
        )
    residual = math.fsum(
        t for k, t in tonnes_by_fraction.items() if catalogue.fractions[k].residual
    )
    return 1000.0 * residual / inhabitants


def household_recycling_rate(
    tonnes_by_fraction: Mapping[str, float], catalogue: Catalogue
) -> float | None:
    """Share of the selectively collected fractions in all household waste (Flanders'
    "selectief ingezameld" share); None when there is no household waste."""
    _checked(tonnes_by_fraction, catalogue)
    total = math.fsum(tonnes_by_fraction.values())
    if total <= 0:
        return None
    selective = math.fsum(
        t for k, t in tonnes_by_fraction.items() if not catalogue.fractions[k].residual
    )
    return selective / total
