"""KBO open-data import: locating establishments and demand (``core/atlas/kbo/locate.py``).

The fixture folder ``data/kbo`` holds a hand-made extract in the real format (header line,
quoted strings, unquoted dates and empty fields). Its 14 establishments cover every case:

===============  ==========  =====================================  ===========================
establishment    enterprise  activity (NACE 2008) / address         outcome
===============  ==========  =====================================  ===========================
2.000.123.469    0403...585  own 25110; BAET 9000 Gent              metaal, Gent
2.001.234.516    0404...148  own 41201; BAET 2000 Antwerpen         bouw, Antwerpen
2.002.345.660    0404...148  own 41201; BAET 1000 Brussel           bouw, outside (1000)
2.003.456.707    0410...248  none -> enterprise MAIN 38110; no BAET afval, Leuven via seat
                             -> single establishment: seat 3000
2.004.567.851    0417...338  own 38320; no BAET, 2 establishments   afval, no address
2.005.678.995    0417...338  own 47110 (retail)                     no NACE match
2.006.789.052    0421...455  own 25120; BAET 4000 Luik              metaal, outside (4000)
2.007.890.102    0430...527  own 25110; BAET 9999                   metaal, unknown postal code
2.008.901.276    0440...687  own 38110; BAET in France              afval, outside (abroad)
2.009.012.332    0450...750  NACE 2003 only (and enterprise too)    no activity
2.100.123.442    0460...813  own 43999 + 38110; BAET 1804 (shared   bouw + afval, half in
                             by Vilvoorde and Zemst)                Vilvoorde, half in Zemst
2.101.234.586    0470...973  own 41201 + 25110; BAET 9000 Gent      metaal + bouw, Gent
2.102.345.633    0480...046  own NACE 2003 only -> enterprise MAIN  metaal, Antwerpen
                             25120; BAET 2000
2.103.456.777    0490...148  own 38320; struck-off BAET in Gent,    afval, Mechelen
                             current BAET 2800 Mechelen
===============  ==========  =====================================  ===========================

Enterprise 0495.121.256 has no establishment (counted, not located).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.core.atlas.kbo import (
    ADDRESS_COLUMNS,
    KboExtract,
    demand_from_kbo,
    format_number,
    locate_establishments,
    read_kbo,
)
from circulair.core.errors import InputError
from circulair.core.geo.reference import RegionGeography, load_region

DATA = Path(__file__).parent.parent / "data" / "kbo"
GROUPS = {"metaal": ["2511", "2512"], "bouw": ["41201", "43999"], "afval": ["3811", "3832"]}


@pytest.fixture(scope="module")
def geo() -> RegionGeography:
    return load_region("flanders")


@pytest.fixture(scope="module")
def extract() -> KboExtract:
    return read_kbo(DATA)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "kbo"
    shutil.copytree(DATA, target)
    return target


def _edit(folder: Path, name: str, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on line ``line`` (1-based) of ``name``."""
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _add_column(folder: Path, name: str, column: str, values: dict[str, str]) -> None:
    """Append a column to a CSV, value by the row's first field (default empty)."""
    path = folder / name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow([*rows[0], column])
    for r in rows[1:]:
        w.writerow([*r, values.get(r[0], "")])
    path.write_text(out.getvalue(), encoding="utf-8")


# --- reading ------------------------------------------------------------------------------------


def test_locate_counts_exactly(geo, extract):
    loc = locate_establishments(extract, geo, sector_groups=GROUPS)
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


def test_locate_rejects_bad_groups(geo, extract):
    with pytest.raises(InputError) as e:
        locate_establishments(extract, geo, sector_groups={"a": ["25.11"], "b": [], "c": "2511"})
    assert [p.field for p in e.value.problems] == ["a", "b", "c"]
    with pytest.raises(InputError, match="NACE version 2008"):
        locate_establishments(extract, geo, sector_groups=GROUPS, nace_version="2025")


# --- demand -------------------------------------------------------------------------------------


def test_demand_by_count(geo, extract):
    loc = locate_establishments(extract, geo, sector_groups=GROUPS)
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
    for g in GROUPS:
        assert demand_from_kbo(loc, geo, group=g).total == loc.group_counts[g]["located"]


def test_demand_by_establishment_employee_class(tmp_path, geo):
    folder = _copy(tmp_path)
    _add_column(
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
    loc = locate_establishments(ex, geo, sector_groups=GROUPS)
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


def test_enterprise_employee_class_is_split_over_establishments(tmp_path, geo):
    folder = _copy(tmp_path)
    _add_column(folder, "enterprise.csv", "EmployeeClass", {"0404.456.148": "4"})  # 34.5
    ex = read_kbo(folder)
    assert ex.employee_class_source == "enterprise"
    loc = locate_establishments(ex, geo, sector_groups=GROUPS)
    bouw = demand_from_kbo(loc, geo, group="bouw", weight="employees")
    # two establishments (Antwerpen and Brussel): the Antwerp one carries half
    assert bouw.weight[bouw.names.index("Antwerpen")] == pytest.approx(17.25)


def test_demand_errors(geo, extract):
    loc = locate_establishments(extract, geo, sector_groups=GROUPS)
    with pytest.raises(InputError, match="unknown sector group"):
        demand_from_kbo(loc, geo, group="chemie")
    with pytest.raises(InputError, match="EmployeeClass column"):
        demand_from_kbo(loc, geo, group="bouw", weight="employees")
    with pytest.raises(InputError):
        demand_from_kbo(loc, geo, group="bouw", weight="tonnes")  # type: ignore[arg-type]


# --- scale and properties -----------------------------------------------------------------------


def _check(base8: int) -> int:
    return base8 * 100 + 97 - base8 % 97


_POSTAL = ["9000", "2000", "1804", "3000", "1000", "4000", "9999", ""]
_NACE = ["25110", "41201", "38110", "47110", "43999"]


def _write_extract(folder: Path, ests: list[tuple[int, str, str, bool]]) -> None:
    """One enterprise per establishment: (nace index, postal code, country, has BAET)."""
    folder.mkdir(parents=True, exist_ok=True)
    ent = [
        '"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise",'
        '"JuridicalForm","JuridicalFormCAC","StartDate"'
    ]
    est = ['"EstablishmentNumber","StartDate","EnterpriseNumber"']
    act = ['"EntityNumber","ActivityGroup","NaceVersion","NaceCode","Classification"']
    addr = [",".join(f'"{c}"' for c in ADDRESS_COLUMNS)]
    for i, (nace, postal, country, baet) in enumerate(ests):
        e = format_number(_check(4_000_000 + i))
        s = format_number(_check(20_000_000 + i))
        ent.append(f'"{e}","AC","000","2","610",,01-01-2000')
        est.append(f'"{s}",01-01-2000,"{e}"')
        act.append(f'"{s}","001","2008","{_NACE[nace]}","MAIN"')
        if baet:
            addr.append(f'"{s}","BAET","{country}",,"{postal}","X","X","S","S","1","","",')
    for name, lines in (
        ("enterprise.csv", ent),
        ("establishment.csv", est),
        ("activity.csv", act),
        ("address.csv", addr),
    ):
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_NACE) - 1),
            st.sampled_from(_POSTAL),
            st.sampled_from(["", "", "Nederland"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_partition_and_totals_hold(ests):
    geo = load_region("flanders")
    with tempfile.TemporaryDirectory() as tmp:
        _write_extract(Path(tmp), ests)
        loc = locate_establishments(read_kbo(Path(tmp)), geo, sector_groups=GROUPS)
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
    assert c["no_nace_match"] == sum(1 for n, *_ in ests if _NACE[n] == "47110")
    assert sum(loc.outside_region.values()) == c["outside_region"]
    assert sum(loc.unknown_postal_codes.values()) == c["unknown_postal_code"]
    for g in GROUPS:
        d = demand_from_kbo(loc, geo, group=g)
        assert d.total == pytest.approx(loc.group_counts[g]["located"])
        assert (d.weight > 0).all()


def test_moderate_extract_is_read_quickly(tmp_path, geo):
    """20,000 establishments: a smoke test that reading stays linear and array-based."""
    rng = np.random.default_rng(7)
    n = 20_000
    ests = [
        (
            int(rng.integers(len(_NACE))),
            _POSTAL[int(rng.integers(len(_POSTAL)))],
            "",
            bool(rng.random() < 0.9),
        )
        for _ in range(n)
    ]
    _write_extract(tmp_path / "big", ests)
    t0 = time.perf_counter()
    ex = read_kbo(tmp_path / "big")
    loc = locate_establishments(ex, geo, sector_groups=GROUPS)
    assert time.perf_counter() - t0 < 20
    assert loc.counts["establishments"] == n
    assert ex.establishment_numbers.dtype == np.int64
