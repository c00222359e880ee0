"""Small-group suppression of public register aggregates: hand-checked tables and the rules'
invariants on random tables (no shown cell and no derivable hidden one reveals a company)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circulair.core.flows.disclosure import (
    COMPLEMENTARY,
    DOMINANT,
    FEW,
    disclose,
)


def _shown(d: object) -> dict[object, tuple[float | None, str | None]]:
    return {c.key: (c.tonnes, c.reason) for c in d.cells}  # type: ignore[attr-defined]


def test_a_table_where_every_cell_passes_is_shown_whole() -> None:
    d = disclose(
        {
            "glass": {"a": 10.0, "b": 20.0, "c": 30.0},
            "wood": {"a": 5.0, "b": 5.0, "d": 5.0},
        }
    )
    assert [c.key for c in d.cells] == ["glass", "wood"]  # largest first
    assert _shown(d) == {"glass": (60.0, None), "wood": (15.0, None)}
    assert d.total == 75.0 and d.hidden == 0


def test_a_cell_of_two_companies_is_hidden_with_the_smallest_other_cell() -> None:
    # metal (2 companies) is hidden; alone, total - rest would give it: the smallest shown cell
    # (wood, 15 t) is hidden too. Together they have 4 contributors, none above 85 %.
    d = disclose(
        {
            "glass": {"a": 10.0, "b": 20.0, "c": 30.0},
            "wood": {"a": 5.0, "b": 5.0, "d": 5.0},
            "metal": {"e": 7.0, "f": 1.0},
        }
    )
    assert _shown(d) == {
        "glass": (60.0, None),
        "wood": (None, COMPLEMENTARY),
        "metal": (None, FEW),
    }
    assert d.total == 83.0 and d.hidden == 2
    assert {c.key: c.contributors for c in d.cells} == {"glass": 3, "wood": 3, "metal": 2}


def test_a_dominated_cell_is_hidden() -> None:
    # one company holds 90 of 100 t of paper: above 85 %
    d = disclose(
        {
            "paper": {"a": 90.0, "b": 5.0, "c": 5.0},
            "glass": {"a": 10.0, "b": 20.0, "c": 30.0},
            "wood": {"d": 40.0, "e": 30.0, "f": 30.0},
        }
    )
    assert _shown(d)["paper"] == (None, DOMINANT)
    # paper + glass (the smallest shown) = a 100 of 160 t: 62.5 %, 3 companies: passes
    assert _shown(d)["glass"] == (None, COMPLEMENTARY)
    assert _shown(d)["wood"] == (100.0, None)
    assert d.total == 260.0


def test_complementary_cells_are_added_until_the_hidden_ones_pass_together() -> None:
    # x and y each have one company (the same one, a): together still one company, so the
    # smallest shown cells are hidden until the hidden set has 3 companies.
    d = disclose(
        {
            "x": {"a": 1.0},
            "y": {"a": 2.0},
            "p": {"b": 10.0, "c": 10.0, "d": 10.0},
            "q": {"b": 20.0, "c": 20.0, "d": 20.0},
        }
    )
    assert _shown(d) == {
        "q": (60.0, None),
        "p": (None, COMPLEMENTARY),
        "y": (None, FEW),
        "x": (None, FEW),
    }
    assert d.total == 93.0


def test_a_table_of_too_few_companies_shows_nothing() -> None:
    d = disclose({"glass": {"a": 5.0, "b": 5.0}, "wood": {"a": 1.0}})
    assert all(c.tonnes is None for c in d.cells) and d.total is None
    assert _shown(d) == {"glass": (None, FEW), "wood": (None, FEW)}
    assert disclose({}).cells == [] and disclose({}).total is None


def test_zero_tonnes_do_not_make_a_contributor() -> None:
    d = disclose({"glass": {"a": 5.0, "b": 5.0, "c": 0.0}, "wood": {"d": 1.0}})
    assert d.cells[0].contributors == 2 and d.cells[0].reason == FEW


def test_the_rules_refuse_meaningless_parameters() -> None:
    with pytest.raises(ValueError, match="min_contributors"):
        disclose({}, min_contributors=0)
    with pytest.raises(ValueError, match="dominance"):
        disclose({}, dominance=1.5)


_tables = st.dictionaries(
    st.sampled_from(["glass", "wood", "metal", "paper", "plastic", "textile"]),
    st.dictionaries(
        st.sampled_from(list("abcdefgh")),
        st.floats(min_value=0.0, max_value=1e6, allow_nan=False),
        min_size=1,
        max_size=6,
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(_tables)
def test_no_shown_cell_and_no_derivable_hidden_set_reveals_a_company(
    table: dict[str, dict[str, float]],
) -> None:
    d = disclose(table)
    assert sorted(c.key for c in d.cells) == sorted(table)
    union: dict[str, float] = {}
    for c in d.cells:
        parts = {k: v for k, v in table[c.key].items() if v > 0}
        if c.tonnes is not None:
            # every shown cell passes both rules, and its figure is the sum of its parts
            assert len(parts) >= 3
            assert max(parts.values()) <= 0.85 * math.fsum(parts.values()) * (1 + 1e-9)
            assert c.tonnes == pytest.approx(math.fsum(parts.values()))
        else:
            for k, v in parts.items():
                union[k] = union.get(k, 0.0) + v
    if d.total is not None:
        everything = math.fsum(v for p in table.values() for v in p.values() if v > 0)
        assert d.total == pytest.approx(everything)
        if d.hidden:
            # total - shown = the hidden cells together: that sum passes the rules too, so no
            # single hidden cell can be derived from the table
            assert d.hidden >= 2
            assert len(union) >= 3
            assert max(union.values()) <= 0.85 * math.fsum(union.values()) * (1 + 1e-9)
    else:
        assert all(c.tonnes is None for c in d.cells)
