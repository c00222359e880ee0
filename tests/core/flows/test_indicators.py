"""Aggregation, indicators and the Sankey on a hand-checkable register, and mass conserved
through every aggregation (hypothesis)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circulair.core.errors import InputError
from circulair.core.flows.aggregate import GROUPS, aggregate, nace_section, year_over_year
from circulair.core.flows.codes import default_catalogue
from circulair.core.flows.indicators import (
    household_recycling_rate,
    residual_per_inhabitant,
    shares,
)
from circulair.core.flows.records import Flow, classify
from circulair.core.flows.sankey import layout_svg, sankey

CAT = default_catalogue()


def _f(year: int, t: float, code: str, op: str, nace: str = "25110", refnis: str = "24062") -> Flow:
    return classify(CAT, year=year, tonnes=t, waste_code=code, treatment=op, origin_nace=nace,
                    origin_refnis=refnis)  # fmt: skip


REGISTER = [
    _f(2024, 10, "15 01 01", "R3"),  # recycled
    _f(2024, 20, "17 04 05", "R4"),  # recycled
    _f(2024, 30, "20 03 01", "R1"),  # energy
    _f(2024, 5, "17 06 05*", "D1"),  # landfill
    _f(2024, 15, "15 01 03", "PRU", nace="41200", refnis="44021"),  # re-use, from Ghent
    _f(2023, 20, "15 01 02", "R13"),  # storage: not final
]


def test_hand_computed_shares() -> None:
    s = shares(REGISTER, CAT)
    assert s.total_t == 100 and s.final_t == 80
    assert dict(s.by_rung) == {"r8-recycle": 30, "r9-recover": 30, "disposal": 5,
                               "r3-reuse": 15, "preliminary": 20}  # fmt: skip
    assert s.recycling_rate == 45 / 80 and s.energy_share == 30 / 80
    assert s.disposal_share == 5 / 80
    assert shares([], CAT).recycling_rate is None


def test_hand_computed_aggregations() -> None:
    assert aggregate(REGISTER, ["nace_section"], CAT) == [(("C",), 85.0), (("F",), 15.0)]
    assert aggregate(REGISTER, ["arrondissement"], CAT) == [(("24",), 85.0), (("44",), 15.0)]
    assert aggregate(REGISTER, ["province"], CAT) == [(("2",), 85.0), (("4",), 15.0)]
    assert aggregate(REGISTER, ["family"], CAT) == [(("recovery",), 80.0), (("reuse",), 15.0),
                                                    (("disposal",), 5.0)]  # fmt: skip
    by_year_chapter = aggregate(REGISTER, ["year", "chapter"], CAT)
    assert by_year_chapter[:2] == [(("2024", "20"), 30.0), (("2024", "15"), 25.0)]
    assert [nace_section(c) for c in ("01.1", "35110", "99", "", "04")] == [
        "A", "D", "U", "unknown", "unknown"]  # fmt: skip
    yoy = {(r["key"], r["year"]): r for r in year_over_year(REGISTER, "chapter", CAT)}
    assert yoy[("15", 2024)]["previous"] == 20 and yoy[("15", 2024)]["change_pct"] == 25.0
    assert yoy[("15", 2023)]["change_pct"] is None


def test_residual_waste_per_inhabitant() -> None:
    t = {"residual": 1000.0, "bulky": 200.0, "paper": 800.0}
    assert residual_per_inhabitant(t, 12_000, CAT) == 100.0
    assert household_recycling_rate(t, CAT) == 0.4
    with pytest.raises(InputError, match="inhabitants"):
        residual_per_inhabitant(t, 0, CAT)
    with pytest.raises(InputError, match="not a fraction"):
        residual_per_inhabitant({"plutonium": 1.0}, 10, CAT)


def test_the_sankey_conserves_mass_and_draws_one_path_per_link() -> None:
    s = sankey(REGISTER, CAT, label=lambda c, k: f"<{k}>")
    for col in range(3):
        assert math.fsum(n["tonnes"] for n in s.nodes if n["column"] == col) == 100
    svg = layout_svg(s, title="Flows & more")
    root = ET.fromstring(svg)  # well-formed, labels escaped
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    assert len(paths) == len(s.links) > 0
    assert "&lt;C&gt;" in svg and "Flows &amp; more" in svg
    merged = sankey(REGISTER, CAT, top=2, other_label="other")
    assert sorted(n["key"] for n in merged.nodes if n["column"] == 1) == [
        "other",
        "residual-household",
    ]


CODES = sorted(CAT.waste_codes)
OPS = sorted(CAT.treatments)
flows = st.lists(
    st.builds(
        lambda y, t, c, o, n, r: _f(y, t, c, o, n, r),
        st.integers(2018, 2024),
        st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
        st.sampled_from(CODES),
        st.sampled_from(OPS),
        st.sampled_from(["", "01110", "25110", "41200", "38210", "99"]),
        st.sampled_from(["", "24062", "44021", "11002"]),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(flows, st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True))
def test_mass_is_conserved_by_every_aggregation(fs: list[Flow], by: list[str]) -> None:
    total = math.fsum(f.tonnes for f in fs)
    got = math.fsum(t for _, t in aggregate(fs, by, CAT))
    assert got == pytest.approx(total, rel=1e-12, abs=1e-9)
    s = sankey(fs, CAT, top=4)
    for col in range(3):
        assert math.fsum(n["tonnes"] for n in s.nodes if n["column"] == col) == pytest.approx(
            total, rel=1e-12, abs=1e-9
        )
    for n in (n for n in s.nodes if n["column"] == 1):
        t_in = math.fsum(x["tonnes"] for x in s.links if x["target"] == n["id"])
        t_out = math.fsum(x["tonnes"] for x in s.links if x["source"] == n["id"])
        assert t_in == pytest.approx(t_out, rel=1e-12, abs=1e-9)
