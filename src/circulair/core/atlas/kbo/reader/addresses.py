"""address.csv: the current establishment (BAET) and seat (REGO) address of each entity.

Why: only the postal code (or the country, abroad) locates an establishment, so addresses are
reduced to one place index per entity; what is left out is counted by reason.
"""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
from numpy.typing import NDArray

from circulair.core.atlas.kbo.reader.fields import (
    kbo_number_problem,
    parse_number,
    to_array,
    valid_date,
)
from circulair.core.atlas.kbo.reader.source import Source, csv_rows
from circulair.core.atlas.kbo.records import (
    _BELGIUM,
    _ENTITY_RE,
    _FIRST_BRANCH,
    _FIRST_ESTABLISHMENT,
    ADDRESS_COLUMNS,
    _Int64,
)
from circulair.core.errors import ProblemCollector

__all__ = ["read_addresses"]


def read_addresses(
    src: Source,
    problems: ProblemCollector,
    skipped: Counter[str],
) -> tuple[_Int64, NDArray[np.int32], tuple[tuple[str, str], ...], int]:
    """Sorted entity numbers, a place index for each (the first current address kept), the
    places as (country, postal code) and the number of rows read."""
    name = "address.csv"
    entities: array[int] = array("q")
    place_of: array[int] = array("i")
    places: dict[tuple[str, str], int] = {}
    n_rows = 0
    last_ok, entity = "", -1
    for line, f, cols in csv_rows(src, name, ADDRESS_COLUMNS, problems):
        n_rows += 1
        text = f[cols["EntityNumber"]]
        if text != last_ok:
            n = parse_number(text, _ENTITY_RE)
            if n is None:
                problems.add(
                    kbo_number_problem(
                        text, _ENTITY_RE, "an enterprise, establishment or branch number"
                    ),
                    name,
                    line,
                    "EntityNumber",
                    text,
                )
                continue
            last_ok, entity = text, n
        kind = f[cols["TypeOfAddress"]].strip()
        if not kind:
            problems.add("type of address must not be empty", name, line, "TypeOfAddress", "")
            continue
        struck = f[cols["DateStrikingOff"]].strip()
        if struck and not valid_date(struck):
            problems.add("date must be dd-mm-yyyy or empty", name, line, "DateStrikingOff", struck)
            continue
        if struck:
            skipped["address.csv: struck off (DateStrikingOff set)"] += 1
            continue
        is_est = _FIRST_ESTABLISHMENT <= entity < _FIRST_BRANCH
        is_ent = entity < _FIRST_ESTABLISHMENT
        if not ((kind == "BAET" and is_est) or (kind == "REGO" and is_ent)):
            what = "an establishment" if is_est else "an enterprise" if is_ent else "a branch"
            skipped[f"address.csv: type {kind} of {what}"] += 1
            continue
        country = f[cols["CountryNL"]].strip()
        key = (
            ("", f[cols["Zipcode"]].strip())
            if country.lower() in _BELGIUM
            else (country or f[cols["CountryFR"]].strip(), "")
        )
        idx = places.setdefault(key, len(places))
        entities.append(entity)
        place_of.append(idx)
    ent = np.asarray(to_array(entities, np.int64), dtype=np.int64)
    plc = np.asarray(to_array(place_of, np.int32), dtype=np.int32)
    order = np.argsort(ent, kind="stable")
    ent, plc = ent[order], plc[order]
    first = np.ones(len(ent), dtype=bool)
    first[1:] = ent[1:] != ent[:-1]
    if (~first).any():
        skipped[
            "address.csv: further current address of the same entity and type (first kept)"
        ] += int((~first).sum())
    return ent[first], plc[first], tuple(places), n_rows
