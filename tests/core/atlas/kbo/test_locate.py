"""Locating establishments and demand from a KBO extract (``kbo/locate.py``).

The sample extract and its 14 establishments are described in ``conftest.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.kbo import demand_from_kbo, format_number, locate_establishments, read_kbo
from circulair.core.errors import InputError

# --- locating -------------------------------------------------------------------------------------


def test_locate_counts_exactly(geo, extract, kbo):
    loc = locate_establishments(extract, geo, sector_groups=kbo.GROUPS)
    assert loc.counts == {
        "establishments": 14,
        "no_activity": 1,
        "no_nace_match": 1,
        "matched": 12,
        "located": 7,
        "outside_region": 3,
        "unknown_postal_code": 1,
        "no_address": 1,
        "located_via_seat": 1,
        "shared_postal_code": 1,
        "enterprises_without_establishment": 1,
    }
    c = loc.counts
    assert (
        c["establishments"]
        == c["no_activity"]
        + c["no_nace_match"]
        + c["located"]
        + c["outside_region"]
        + c["unknown_postal_code"]
        + c["no_address"]
    )
    assert loc.group_counts == {
        "metaal": {
            "matched": 5,
            "located": 3,
            "outside_region": 1,
            "unknown_postal_code": 1,
            "no_address": 0,
        },
        "bouw": {
            "matched": 4,
            "located": 3,
            "outside_region": 1,
            "unknown_postal_code": 0,
            "no_address": 0,
        },
        "afval": {
            "matched": 5,
            "located": 3,
            "outside_region": 1,
            "unknown_postal_code": 0,
            "no_address": 1,
        },
    }
    assert loc.outside_region == {
        "abroad (Frankrijk)": 1,
        "postal code 1000": 1,
        "postal code 4000": 1,
    }
    assert loc.unknown_postal_codes == {"9999": 1}
    assert loc.establishments("metaal") == ["2.000.123.469", "2.101.234.586", "2.102.345.633"]
    assert loc.establishments("afval") == ["2.003.456.707", "2.100.123.442", "2.103.456.777"]
    seat = loc.establishment_numbers[loc.via_seat]
    assert [format_number(int(n)) for n in seat] == ["2.003.456.707"]
    assert loc.source == "KBO open data extract 131 snapshot 03-01-2025, NACE 2008"


def test_locate_rejects_bad_groups(geo, extract, kbo):
    with pytest.raises(InputError) as e:
        locate_establishments(extract, geo, sector_groups={"a": ["25.11"], "b": [], "c": "2511"})
    assert [p.field for p in e.value.problems] == ["a", "b", "c"]
    with pytest.raises(InputError, match="NACE version 2008"):
        locate_establishments(extract, geo, sector_groups=kbo.GROUPS, nace_version="2025")


# --- demand ---------------------------------------------------------------------------------------


def test_demand_by_count(geo, extract, kbo):
    loc = locate_establishments(extract, geo, sector_groups=kbo.GROUPS)
    metaal = demand_from_kbo(loc, geo, group="metaal")
    assert dict(zip(metaal.names, metaal.weight, strict=True)) == {"Antwerpen": 1.0, "Gent": 2.0}
    assert metaal.unit == "establishments"
    assert "sector group metaal: 3 establishments located in VLG" in metaal.source
    bouw = demand_from_kbo(loc, geo, group="bouw")
    assert dict(zip(bouw.names, bouw.weight, strict=True)) == {
        "Antwerpen": 1.0,
        "Vilvoorde": 0.5,
        "Zemst": 0.5,
        "Gent": 1.0,
    }
    afval = demand_from_kbo(loc, geo, group="afval")
    assert dict(zip(afval.ids, afval.weight, strict=True)) == {
        "12025": 1.0,
        "23088": 0.5,
        "23096": 0.5,
        "24062": 1.0,
    }
    for g in kbo.GROUPS:
        assert demand_from_kbo(loc, geo, group=g).total == loc.group_counts[g]["located"]


def test_demand_by_establishment_employee_class(tmp_path, geo, kbo):
    folder = kbo.copy(tmp_path)
    kbo.add_column(
        folder,
        "establishment.csv",
        "EmployeeClass",
        {
            "2.000.123.469": "3",  # 10-19 -> 14.5 (Gent, metaal)
            "2.101.234.586": "",  # no class (Gent, metaal)
            "2.102.345.633": "20-49",  # 34.5 (Antwerpen, metaal)
            "2.003.456.707": "1",  # 2.5 (Leuven, afval)
            "2.100.123.442": "5",  # 74.5, half in Vilvoorde, half in Zemst (afval)
            "2.103.456.777": "1000+",  # 1000 (Mechelen, afval)
        },
    )
    ex = read_kbo(folder)
    assert ex.employee_class_source == "establishment"
    loc = locate_establishments(ex, geo, sector_groups=kbo.GROUPS)
    assert loc.counts["employee_class_missing"] == 2  # Gent metaal/bouw and Antwerpen bouw
    metaal = demand_from_kbo(loc, geo, group="metaal", weight="employees")
    assert dict(zip(metaal.names, metaal.weight, strict=True)) == {"Antwerpen": 34.5, "Gent": 14.5}
    assert metaal.unit == "employees"
    metaal_1 = demand_from_kbo(
        loc, geo, group="metaal", weight="employees", missing_class_weight=1.0
    )
    assert metaal_1.total == pytest.approx(50.0)
    afval = demand_from_kbo(loc, geo, group="afval", weight="employees")
    assert dict(zip(afval.names, afval.weight, strict=True)) == {
        "Mechelen": 1000.0,
        "Vilvoorde": 37.25,
        "Zemst": 37.25,
        "Leuven": 2.5,
    }


def test_enterprise_employee_class_is_split_over_establishments(tmp_path, geo, kbo):
    folder = kbo.copy(tmp_path)
    kbo.add_column(folder, "enterprise.csv", "EmployeeClass", {"0404.456.148": "4"})  # 34.5
    ex = read_kbo(folder)
    assert ex.employee_class_source == "enterprise"
    loc = locate_establishments(ex, geo, sector_groups=kbo.GROUPS)
    bouw = demand_from_kbo(loc, geo, group="bouw", weight="employees")
    # two establishments (Antwerpen and Brussel): the Antwerp one carries half
    assert bouw.weight[bouw.names.index("Antwerpen")] == pytest.approx(17.25)


def test_demand_errors(geo, extract, kbo):
    loc = locate_establishments(extract, geo, sector_groups=kbo.GROUPS)
    with pytest.raises(InputError, match="unknown sector group"):
        demand_from_kbo(loc, geo, group="chemie")
    with pytest.raises(InputError, match="EmployeeClass column"):
        demand_from_kbo(loc, geo, group="bouw", weight="employees")
    with pytest.raises(InputError):
        demand_from_kbo(loc, geo, group="bouw", weight="tonnes")  # type: ignore[arg-type]


# --- generated extracts: properties, and a larger one read in full --------------------------

_POSTAL = ["9000", "2000", "1804", "3000", "1000", "4000", "9999", ""]
_NACE = ["25110", "41201", "38110", "47110", "43999"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ests=st.lists(
        st.tuples(
            st.sampled_from(_NACE),
            st.sampled_from(_POSTAL),
            st.sampled_from(["", "", "Nederland"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_partition_and_totals_hold(geo, kbo, ests):
    with tempfile.TemporaryDirectory() as tmp:
        kbo.write_extract(Path(tmp), ests)
        loc = locate_establishments(read_kbo(Path(tmp)), geo, sector_groups=kbo.GROUPS)
    c = loc.counts
    assert c["establishments"] == len(ests)
    assert (
        c["establishments"]
        == c["no_activity"]
        + c["no_nace_match"]
        + c["located"]
        + c["outside_region"]
        + c["unknown_postal_code"]
        + c["no_address"]
    )
    assert c["no_nace_match"] == sum(1 for n, *_ in ests if n == "47110")
    assert sum(loc.outside_region.values()) == c["outside_region"]
    assert sum(loc.unknown_postal_codes.values()) == c["unknown_postal_code"]
    for g in kbo.GROUPS:
        d = demand_from_kbo(loc, geo, group=g)
        assert d.total == pytest.approx(loc.group_counts[g]["located"])
        assert (d.weight > 0).all()


def test_larger_extract_is_read_in_full_into_compact_arrays(tmp_path, geo, kbo):
    """20,000 establishments: every row is read once and kept as one array entry, and the
    counts follow from the rows alone. (How fast this runs is for benchmarks/, not a test.)"""
    rng = np.random.default_rng(7)
    n = 20_000
    ests = [
        (
            _NACE[int(rng.integers(len(_NACE)))],
            _POSTAL[int(rng.integers(len(_POSTAL)))],
            "",
            bool(rng.random() < 0.9),
        )
        for _ in range(n)
    ]
    kbo.write_extract(tmp_path / "big", ests)
    ex = read_kbo(tmp_path / "big")
    with_baet = [e for e in ests if e[3]]
    assert ex.rows == {
        "enterprise.csv": n,
        "establishment.csv": n,
        "address.csv": len(with_baet),
        "activity.csv": n,
    }
    assert ex.skipped == {}
    # one int64 entry per establishment, per activity and per address; places deduplicated
    assert ex.establishment_numbers.dtype == np.int64 and len(ex.establishment_numbers) == n
    assert np.all(np.diff(ex.establishment_numbers) > 0)  # sorted, distinct
    assert len(ex.activity_entity) == n and len(ex.address_entity) == len(with_baet)
    assert sorted(ex.places) == sorted({("", e[1]) for e in with_baet})
    loc = locate_establishments(ex, geo, sector_groups=kbo.GROUPS)
    matched = [e for e in ests if e[0] != "47110"]
    placed = [e for e in matched if e[3]]
    c = loc.counts
    assert (c["establishments"], c["no_activity"]) == (n, 0)
    assert c["no_nace_match"] == n - len(matched)
    assert c["no_address"] == len(matched) - len(placed)  # no BAET, and no seat address
    assert c["located"] == sum(1 for e in placed if e[1] in {"9000", "2000", "1804", "3000"})
    # 9999 and an empty code are unknown in the region's blocks; 1000 and 4000 lie outside it
    assert loc.unknown_postal_codes == {
        "(empty)": sum(1 for e in placed if e[1] == ""),
        "9999": sum(1 for e in placed if e[1] == "9999"),
    }
    assert c["unknown_postal_code"] == sum(1 for e in placed if e[1] in {"9999", ""})
    assert c["outside_region"] == sum(1 for e in placed if e[1] in {"1000", "4000"})
