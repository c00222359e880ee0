"""Material taxonomy, compatibility rule, List-of-Waste codes and units."""

from __future__ import annotations

import numpy as np
import pytest

from circulair.core.errors import InputError
from circulair.core.exchange.taxonomy import (
    load_taxonomy,
    parse_frequency,
    parse_taxonomy,
    parse_unit,
    units_compatible,
    validate_ewc,
)


@pytest.fixture(scope="module")
def tax():  # type: ignore[no-untyped-def]
    return load_taxonomy()


def test_shipped_taxonomy_covers_the_families(tax) -> None:  # type: ignore[no-untyped-def]
    families = {n.slug for n in tax.nodes if n.parent is None}
    assert {
        "wood",
        "metals",
        "plastics",
        "textiles",
        "construction",
        "weee",
        "biomass",
        "chemicals",
        "paper",
        "glass",
    } <= families
    assert {
        "plastic-pe",
        "plastic-pp",
        "plastic-pet",
        "plastic-ps",
        "plastic-pvc",
        "plastic-mixed",
    } <= set(tax.children("plastics"))
    assert {"metals-ferrous", "metals-non-ferrous"} <= set(tax.children("metals"))
    assert {"aluminium", "copper"} <= set(tax.children("metals-non-ferrous"))
    assert {"wood-a", "wood-b", "wood-c"} <= set(tax.children("wood"))
    assert {"concrete", "brick", "stone", "gypsum", "insulation", "glass-building"} <= set(
        tax.children("construction")
    )
    assert 50 <= len(tax) <= 90
    for n in tax.nodes:
        assert n.name_nl and n.name_en


@pytest.mark.parametrize(
    ("offered", "requested", "ok"),
    [
        ("plastic-pet", "plastic-pet", True),  # same node
        ("plastic-pet", "plastics", True),  # descendant: a request for plastics accepts PET
        ("plastic-pe-film", "plastics", True),  # grandchild
        ("plastics", "plastic-pet", False),  # an offer of "plastics" may be any polymer
        ("plastic-pp", "plastic-pet", False),  # siblings
        ("aggregates-recycled", "aggregates-natural", True),  # declared substitute
        ("aggregates-natural", "aggregates-recycled", False),  # substitutes are not symmetric
        ("concrete-rubble", "aggregates-recycled", True),  # substitute of recycled aggregates
        ("concrete-rubble", "aggregates-natural", False),  # ... but not transitive
        ("wood-a", "wood-b", True),
        ("wood-b", "wood-a", False),
        ("cardboard", "paper-mixed", True),
        ("steel-structural", "metals", True),
        ("aluminium", "metals-ferrous", False),
    ],
)
def test_compatibility_rule(tax, offered: str, requested: str, ok: bool) -> None:  # type: ignore[no-untyped-def]
    assert tax.compatible(offered, requested) is ok
    assert bool(tax.compat[tax.index(offered), tax.index(requested)]) is ok


def test_compat_matrix_is_reflexive_and_readonly(tax) -> None:  # type: ignore[no-untyped-def]
    assert np.diag(tax.compat).all()
    with pytest.raises(ValueError):
        tax.compat[0, 1] = True


def test_unknown_material_is_named(tax) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as e:
        tax.index("unobtainium", row="L1")
    assert e.value.problems[0].value == "unobtainium"
    assert e.value.problems[0].row == "L1"


@pytest.mark.parametrize(
    ("code", "canon", "haz"),
    [
        ("17 02 01", "17 02 01", False),
        ("170201", "17 02 01", False),
        ("17 06 05*", "17 06 05", True),
        ("170605*", "17 06 05", True),
        (" 20 01 01 ", "20 01 01", False),
        ("01 01 01", "01 01 01", False),
        ("17 06 05 *", "17 06 05", True),
    ],
)
def test_ewc_valid(code: str, canon: str, haz: bool) -> None:
    assert validate_ewc(code) == (canon, haz)


@pytest.mark.parametrize(
    "code",
    [
        "21 01 01",
        "00 01 01",
        "17 00 01",
        "17 01 00",
        "17 02",
        "1702011",
        "17-02-01",
        "17.02.01",
        "abcdef",
        "",
        "17 02 01**",
        "*17 02 01",
    ],
)
def test_ewc_invalid(code: str) -> None:
    with pytest.raises(InputError) as e:
        validate_ewc(code, row=3, file="x.csv", field="ewc")
    p = e.value.problems[0]
    assert (p.file, p.row, p.field, p.value) == ("x.csv", 3, "ewc", code)


def test_units_and_frequencies() -> None:
    assert parse_unit("m³") == "m3"
    assert parse_unit("Ton") == "t"
    assert parse_unit("stuks") == "pieces"
    assert units_compatible("t", "tonnes")
    assert not units_compatible("t", "m3")  # no density guessing
    with pytest.raises(InputError):
        parse_unit("kg")
    assert parse_frequency("per year") == "per_year"
    with pytest.raises(InputError):
        parse_frequency("weekly")


def test_broken_taxonomy_reports_every_problem() -> None:
    raw = {
        "records": [
            {"slug": "a", "name": {"nl": "A", "en": "A"}, "parent": None, "unit": "t"},
            {"slug": "a", "name": {"nl": "A", "en": "A"}, "parent": None},  # duplicate
            {"slug": "b", "name": {"nl": "B"}, "parent": "zz"},  # name, parent
            {
                "slug": "c",
                "name": {"nl": "C", "en": "C"},
                "unit": "kg",  # unit
                "ewc": ["99 01 01"],
                "substitutes": ["c", "nope"],
            },  # ewc, subs
        ]
    }
    with pytest.raises(InputError) as e:
        parse_taxonomy(raw, file="t.yaml")
    fields = sorted((p.row, p.field) for p in e.value.problems)
    assert fields == sorted(
        [
            ("a", "slug"),
            ("b", "name"),
            ("b", "parent"),
            ("c", "unit"),
            ("c", "ewc"),
            ("c", "substitutes"),
            ("c", "substitutes"),
        ]
    )


def test_cycle_is_reported() -> None:
    raw = {
        "records": [
            {"slug": "a", "name": {"nl": "A", "en": "A"}, "parent": "b"},
            {"slug": "b", "name": {"nl": "B", "en": "B"}, "parent": "a"},
        ]
    }
    with pytest.raises(InputError) as e:
        parse_taxonomy(raw)
    assert {p.row for p in e.value.problems} == {"a", "b"}


def test_names_with_commas_are_whole(tax) -> None:  # type: ignore[no-untyped-def]
    """The shipped file quotes its names: a comma does not cut a name short."""
    assert tax.node("wood-b").name_nl == "Hout B (behandeld, niet-gevaarlijk)"
    assert tax.node("wood-b").name_en == "Wood B (treated, non-hazardous)"
    assert tax.node("copper").name_nl == "Koper, brons, messing"
    assert tax.node("aggregates-natural").name_en == "Primary aggregates (sand, gravel)"


def test_unquoted_comma_in_a_name_is_refused() -> None:
    import yaml

    raw = yaml.safe_load(
        "records:\n- {slug: x, name: {nl: Hout B (behandeld, niet-gevaarlijk), en: Wood B},"
        " parent: null, unit: t, ewc: [], substitutes: []}\n"
    )
    with pytest.raises(InputError) as e:
        parse_taxonomy(raw, file="t.yaml")
    (p,) = e.value.problems
    assert p.field == "name" and p.row == "x"
    assert p.value == ["niet-gevaarlijk)"]
    assert "quote a name that contains a comma" in p.message


def test_a_node_is_named_in_the_language_the_edge_passes() -> None:
    node = load_taxonomy().node("wood-b")
    assert node.name("nl") == "Hout B (behandeld, niet-gevaarlijk)"
    assert node.name("en") == "Wood B (treated, non-hazardous)"
    assert node.name("en-gb") == "Wood B (treated, non-hazardous)"
