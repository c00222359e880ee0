"""Partitions must cover every municipality exactly once; imports name every problem."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.core.geo import (
    load_region,
    parse_partition_csv,
    partition_by_arrondissement,
    partition_by_province,
)


@pytest.fixture(scope="module")
def geo():
    return load_region("flanders")


def _csv(rows: list[tuple[str, str]], header: str = "refnis,unit") -> str:
    return header + "\n" + "".join(f"{a},{b}\n" for a, b in rows)


def _by_arrondissement_rows(geo) -> list[tuple[str, str]]:
    return [(m.refnis, m.arrondissement_refnis) for m in geo.municipalities]


def test_builtin_partitions(geo):
    arr = partition_by_arrondissement(geo)
    assert len(arr.units()) == 22 and len(arr.unit_of) == 285
    assert "11002" in arr.members("11000")
    assert arr.unit_names["23000"] == "Halle-Vilvoorde"
    prov = partition_by_province(geo)
    assert prov.units() == ("10000", "20001", "30000", "40000", "70000")
    assert sum(len(v) for v in prov.groups().values()) == 285


def test_valid_csv_round_trips_the_arrondissements(geo):
    part = parse_partition_csv(_csv(_by_arrondissement_rows(geo)), geo, name="arr")
    assert part.unit_of == partition_by_arrondissement(geo).unit_of
    assert part.name == "arr"


def test_names_and_unit_names_are_accepted(geo):
    rows = "municipality,unit,unit_name\n" + "".join(
        f"{m.name_nl if i % 2 else m.name_fr.upper()},{m.province_refnis},P{m.province_refnis}\n"
        for i, m in enumerate(geo.municipalities)
    )
    part = parse_partition_csv("\ufeff" + rows, geo, name="by name")
    assert part.unit_of == partition_by_province(geo).unit_of
    assert part.unit_names["10000"] == "P10000"


def test_missing_municipalities_are_each_named(geo):
    rows = [r for r in _by_arrondissement_rows(geo) if r[0] not in ("11002", "44021")]
    with pytest.raises(InputError) as e:
        parse_partition_csv(_csv(rows), geo, name="x", file="areas.csv")
    text = str(e.value)
    assert "11002 Antwerpen is missing" in text and "44021 Gent is missing" in text
    assert len(e.value.problems) == 2
    assert all(p.file == "areas.csv" for p in e.value.problems)


def test_duplicate_names_the_municipality_and_both_rows(geo):
    rows = _by_arrondissement_rows(geo)
    rows.append(("24062", "X"))  # Leuven again, last data row
    with pytest.raises(InputError) as e:
        parse_partition_csv(_csv(rows), geo, name="x")
    [p] = e.value.problems
    first = 2 + [r for r, _ in rows].index("24062")
    assert "24062 Leuven" in p.message
    assert f"rows {first}, {len(rows) + 1}" in p.message


def test_unknown_refnis_names_row_and_value_and_everything_is_reported(geo):
    rows = _by_arrondissement_rows(geo)
    rows[0] = ("99999", "11000")  # replaces 11001 Aartselaar, which is then missing
    rows[1] = (rows[1][0], "")  # empty unit
    with pytest.raises(InputError) as e:
        parse_partition_csv(_csv(rows), geo, name="x")
    probs = e.value.problems
    assert any(p.row == 2 and p.value == "99999" and "unknown" in p.message for p in probs)
    assert any(p.row == 3 and p.field == "unit" for p in probs)
    assert any("11001 Aartselaar is missing" in p.message for p in probs)


def test_bad_header_lists_the_expected_columns(geo):
    with pytest.raises(InputError, match="expected columns refnis,unit"):
        parse_partition_csv("code,area\n11001,A\n", geo, name="x")
