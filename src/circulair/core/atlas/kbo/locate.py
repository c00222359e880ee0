"""Establishments placed in a region's municipalities, grouped by sector, and turned into demand."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from circulair.core.atlas.demand import DemandPoints, aggregate_by_municipality
from circulair.core.atlas.kbo.records import (
    _FIRST_ESTABLISHMENT,
    _G,
    _MAX_GROUPS,
    KboExtract,
    KboLocated,
    _Float,
    _Int64,
)
from circulair.core.errors import InputError, Problem
from circulair.core.geo.reference import RegionGeography


def _lookup(keys: _Int64, values: NDArray[_G], query: _Int64, default: float | int) -> NDArray[_G]:
    """values[keys == q] for each q of ``query`` (keys sorted and unique), else ``default``."""
    if len(keys) == 0:
        return np.full(len(query), default, dtype=values.dtype)
    idx = np.searchsorted(keys, query)
    idx_c = np.minimum(idx, len(keys) - 1)
    found = keys[idx_c] == query
    return np.where(found, values[idx_c], default).astype(values.dtype)


def _member(keys: _Int64, query: _Int64) -> NDArray[np.bool_]:
    if len(keys) == 0:
        return np.zeros(len(query), dtype=bool)
    idx = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.asarray(keys[idx] == query)


def _group_masks(
    codes: Sequence[str],
    groups: Mapping[str, Sequence[str]],
) -> NDArray[np.uint64]:
    slugs = list(groups)
    out = np.zeros(len(codes), dtype=np.uint64)
    for j, slug in enumerate(slugs):
        prefixes = tuple(groups[slug])
        bit = np.uint64(1) << np.uint64(j)
        hit = np.array([c.startswith(prefixes) for c in codes], dtype=bool)
        out[hit] |= bit
    return out


def _entity_masks(
    entity: _Int64,
    row_mask: NDArray[np.uint64],
) -> tuple[_Int64, NDArray[np.uint64]]:
    """OR of the row masks per entity (``entity`` sorted)."""
    if len(entity) == 0:
        return entity, row_mask
    starts = np.nonzero(np.r_[True, entity[1:] != entity[:-1]])[0]
    return entity[starts], np.bitwise_or.reduceat(row_mask, starts)


def _check_groups(
    sector_groups: Mapping[str, Sequence[str]], prefixes: tuple[str, ...] | None
) -> dict[str, tuple[str, ...]]:
    problems: list[Problem] = []
    out: dict[str, tuple[str, ...]] = {}
    if not sector_groups:
        problems.append(Problem("give at least one sector group", field="sector_groups"))
    if len(sector_groups) > _MAX_GROUPS:
        problems.append(
            Problem(
                f"at most {_MAX_GROUPS} sector groups at once",
                field="sector_groups",
                value=len(sector_groups),
            )
        )
    for slug, codes in sector_groups.items():
        if not isinstance(slug, str) or not slug.strip():
            problems.append(
                Problem("group slug must be a non-empty string", field="sector_groups", value=slug)
            )
            continue
        if isinstance(codes, str):
            problems.append(
                Problem("codes must be a list of strings, not one string", field=slug, value=codes)
            )
            continue
        clean = tuple(str(c).strip() for c in codes)
        if not clean:
            problems.append(Problem("group has no NACE codes", field=slug))
        for c in clean:
            if not re.fullmatch(r"\d{2,7}", c):
                problems.append(
                    Problem(
                        "NACE code must be 2 to 7 digits without dots (e.g. '2511' or '41101')",
                        field=slug,
                        value=c,
                    )
                )
            elif prefixes is not None and not c.startswith(prefixes):
                problems.append(
                    Problem(
                        "the extract was read keeping only NACE codes "
                        f"starting with {', '.join(prefixes)}, which does not "
                        "cover this code; read it again including it",
                        field=slug,
                        value=c,
                    )
                )
        out[slug] = clean
    if problems:
        raise InputError(problems)
    return out


def locate_establishments(
    extract: KboExtract,
    geo: RegionGeography,
    *,
    sector_groups: Mapping[str, Sequence[str]],
    nace_version: str = "2008",
) -> KboLocated:
    """Place every establishment of the given sector groups in the region's municipalities.

    Parameters
    ----------
    extract : KboExtract
        From :func:`read_kbo`.
    geo : RegionGeography
        The region (postal codes -> municipalities).
    sector_groups : mapping of str to sequence of str
        Group slug -> annex NACE codes as printed in the study (``"2511"``, ``"41101"``).
    nace_version : str
        Must be the version the extract was read with.

    Returns
    -------
    KboLocated
        Located rows and the counts of everything else (see the module notes for the rules).
        Being outside the region is not an error: it is counted by reason.
    """
    if str(nace_version) != extract.nace_version:
        raise InputError.single(
            f"the extract was read with NACE version "
            f"{extract.nace_version}; read it again for this version",
            field="nace_version",
            value=nace_version,
        )
    groups = _check_groups(sector_groups, extract.nace_prefixes)
    slugs = tuple(groups)
    code_mask = _group_masks(extract.nace_codes, groups)
    row_mask = (
        code_mask[extract.activity_code]
        if len(code_mask)
        else np.zeros(len(extract.activity_code), dtype=np.uint64)
    )
    is_est_row = extract.activity_entity >= _FIRST_ESTABLISHMENT
    est_keys, est_masks = _entity_masks(extract.activity_entity[is_est_row], row_mask[is_est_row])
    ent_rows = ~is_est_row & extract.activity_main
    ent_keys, ent_masks = _entity_masks(extract.activity_entity[ent_rows], row_mask[ent_rows])

    est = extract.establishment_numbers
    parent = extract.establishment_enterprise
    has_own = _member(extract.establishments_with_activity, est)
    has_main = _member(extract.enterprises_with_main, parent)
    own_mask = _lookup(est_keys, est_masks, est, 0)
    fallback = _lookup(ent_keys, ent_masks, parent, 0)
    mask = np.where(has_own, own_mask, fallback).astype(np.uint64)
    no_activity = ~has_own & ~has_main
    matched = mask != 0

    parents_u, n_of_parent = np.unique(parent, return_counts=True)
    n_est = _lookup(parents_u.astype(np.int64), n_of_parent.astype(np.int64), parent, 0)
    own_place = _lookup(extract.address_entity, extract.address_place, est, -1)
    seat_place = _lookup(extract.address_entity, extract.address_place, parent, -1)
    use_seat = (own_place < 0) & (n_est == 1) & (seat_place >= 0)
    place = np.where(own_place >= 0, own_place, np.where(use_seat, seat_place, -1))

    # classify every distinct place once: 0 located, 1 outside, 2 unknown postal code
    blocks = {code[:2] for m in geo.municipalities for code in m.postal_codes}
    place_cat = np.zeros(len(extract.places), dtype=np.int8)
    place_munis: list[tuple[str, ...]] = []
    place_reason: list[str] = []
    for i, (country, zipcode) in enumerate(extract.places):
        found = geo.municipalities_by_postal_code(zipcode) if not country else ()
        place_munis.append(tuple(m.refnis for m in found))
        if country:
            place_cat[i], reason = 1, f"abroad ({country})"
        elif found:
            place_cat[i], reason = 0, ""
        elif re.fullmatch(r"[1-9]\d{3}", zipcode) and zipcode[:2] not in blocks:
            place_cat[i], reason = 1, f"postal code {zipcode}"
        else:
            place_cat[i], reason = 2, zipcode or "(empty)"
        place_reason.append(reason)
    cat = np.where(place >= 0, place_cat[np.maximum(place, 0)] if len(place_cat) else 0, 3)
    # 3 = no address

    sel = matched & ~no_activity
    counts: dict[str, int] = {
        "establishments": len(est),
        "no_activity": int(no_activity.sum()),
        "no_nace_match": int((~no_activity & ~matched).sum()),
        "matched": int(sel.sum()),
        "located": int((sel & (cat == 0)).sum()),
        "outside_region": int((sel & (cat == 1)).sum()),
        "unknown_postal_code": int((sel & (cat == 2)).sum()),
        "no_address": int((sel & (cat == 3)).sum()),
        "located_via_seat": int((sel & (cat == 0) & use_seat).sum()),
    }
    group_counts: dict[str, dict[str, int]] = {}
    for j, slug in enumerate(slugs):
        in_g = sel & ((mask & (np.uint64(1) << np.uint64(j))) != 0)
        group_counts[slug] = {
            "matched": int(in_g.sum()),
            "located": int((in_g & (cat == 0)).sum()),
            "outside_region": int((in_g & (cat == 1)).sum()),
            "unknown_postal_code": int((in_g & (cat == 2)).sum()),
            "no_address": int((in_g & (cat == 3)).sum()),
        }
    outside: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for p, c in zip(
        *np.unique(place[sel & ((cat == 1) | (cat == 2))], return_counts=True), strict=True
    ):
        target = outside if place_cat[p] == 1 else unknown
        target[place_reason[p]] += int(c)

    if extract.establishment_employees is not None:
        emp_all: _Float | None = extract.establishment_employees
    elif extract.enterprise_employees is not None:
        emp_all = (
            _lookup(
                extract.enterprise_numbers, extract.enterprise_employees, parent, np.nan
            ).astype(np.float64)
            / n_est
        )
    else:
        emp_all = None

    loc_idx = np.nonzero(sel & (cat == 0))[0]
    rows_est: list[int] = []
    rows_refnis: list[str] = []
    rows_share: list[float] = []
    rows_pos: list[int] = []
    shared = 0
    for k in loc_idx:
        i = int(k)
        munis = place_munis[int(place[i])]
        if len(munis) > 1:
            shared += 1
        for r in munis:
            rows_est.append(int(est[i]))
            rows_refnis.append(r)
            rows_share.append(1.0 / len(munis))
            rows_pos.append(int(i))
    pos = np.array(rows_pos, dtype=np.int64)
    counts["shared_postal_code"] = shared
    employees = None
    if emp_all is not None:
        employees = np.asarray(emp_all[pos], dtype=np.float64)
        counts["employee_class_missing"] = int(np.isnan(emp_all[loc_idx]).sum())
    counts["enterprises_without_establishment"] = int(
        (~_member(parents_u.astype(np.int64), extract.enterprise_numbers)).sum()
    )
    return KboLocated(
        region=geo.code,
        group_slugs=slugs,
        establishment_numbers=np.array(rows_est, dtype=np.int64),
        refnis=tuple(rows_refnis),
        share=np.array(rows_share, dtype=np.float64),
        groups=np.asarray(mask[pos], dtype=np.uint64),
        employees=employees,
        via_seat=np.asarray(use_seat[pos], dtype=bool),
        counts=counts,
        group_counts=group_counts,
        outside_region=dict(sorted(outside.items())),
        unknown_postal_codes=dict(sorted(unknown.items())),
        nace_version=extract.nace_version,
        employee_class_source=extract.employee_class_source,
        source=f"{extract.describe()}, NACE {extract.nace_version}",
    )


def demand_from_kbo(
    located: KboLocated,
    geo: RegionGeography,
    *,
    group: str,
    weight: Literal["count", "employees"] = "count",
    missing_class_weight: float = 0.0,
) -> DemandPoints:
    """Demand points per municipality from the located establishments of one sector group.

    Parameters
    ----------
    located : KboLocated
        From :func:`locate_establishments` with the same region.
    geo : RegionGeography
        Gives each municipality's coordinate.
    group : str
        A slug of ``located.group_slugs``.
    weight : {"count", "employees"}
        Number of establishments, or their employee-class midpoints (needs an EmployeeClass
        column in the extract). Shared postal codes contribute their share.
    missing_class_weight : float
        Employees assumed for an establishment without class (default 0: not an employer).

    Returns
    -------
    DemandPoints
        One point per municipality holding at least one establishment of the group; its total
        equals the number of located establishments (``weight="count"``).
    """
    problems: list[Problem] = []
    if located.region != geo.code:
        problems.append(
            Problem(
                f"establishments were located in region {located.region}",
                field="geo",
                value=geo.code,
            )
        )
    if weight not in ("count", "employees"):
        problems.append(
            Problem("weight must be 'count' or 'employees'", field="weight", value=weight)
        )
    elif weight == "employees" and located.employees is None:
        problems.append(
            Problem(
                "weighting by employees needs an EmployeeClass column in "
                "establishment.csv or enterprise.csv",
                field="weight",
                value=weight,
            )
        )
    if not (
        isinstance(missing_class_weight, (int, float))
        and np.isfinite(missing_class_weight)
        and missing_class_weight >= 0
    ):
        problems.append(
            Problem(
                "must be a finite number >= 0",
                field="missing_class_weight",
                value=missing_class_weight,
            )
        )
    if problems:
        raise InputError(problems)
    rows = located.in_group(group)
    refnis = [r for r, keep in zip(located.refnis, rows, strict=True) if keep]
    if weight == "count":
        w = located.share[rows]
        unit = "establishments"
    else:
        assert located.employees is not None
        emp = np.where(np.isnan(located.employees), float(missing_class_weight), located.employees)
        w = located.share[rows] * emp[rows]
        unit = "employees"
    n = located.group_counts[group]["located"]
    source = (
        f"{located.source}, sector group {group}: {n} establishments located "
        f"in {located.region}" + (" (employee-class midpoints)" if weight == "employees" else "")
    )
    return aggregate_by_municipality(refnis, w, geo, unit=unit, source=source)
