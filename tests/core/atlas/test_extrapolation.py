"""The study's scaling figures (DOMAIN.md §6) reproduced exactly, and the rule's edge cases."""

from __future__ import annotations

import pytest

from circulair.core.atlas.extrapolation import (
    SizeClass,
    contains_any,
    extrapolate_fixed,
    extrapolate_partition,
)
from circulair.core.errors import InputError


def _partition(n_units: int, prefix: str = "U") -> dict[str, list[str]]:
    return {f"{prefix}{i:02d}": [f"{prefix}{i:02d}-m{k}" for k in range(3)] for i in range(n_units)}


def _first(n: int, prefix: str = "U") -> set[str]:
    return {f"{prefix}{i:02d}" for i in range(n)}


ARR = _partition(22, "A")  # 22 arrondissements
ARR_CENTRAL = _first(12, "A")  # 12 hold a central city
OVAM = _partition(30, "C")  # 30 catchment areas of the reuse centres
OVAM_CENTRAL = _first(13, "C")


def test_materials_bank_17_ha() -> None:
    r = extrapolate_partition(
        ARR, large=SizeClass("large", 10_000), small=SizeClass("small", 5_000), central=ARR_CENTRAL
    )
    assert r.count_by_size == {"large": 12, "small": 10}
    assert r.ha_by_size == {"large": 12.0, "small": 5.0}
    assert r.total_ha == 17.0
    assert r.total_m2 == 170_000
    assert r.total_count == 22
    assert len(r.units) == 22
    assert {u.unit_id for u in r.units if u.size_label == "large"} == ARR_CENTRAL
    assert r.notes == ()


def test_materials_bank_annex_variant() -> None:
    r = extrapolate_partition(
        ARR, large=SizeClass("large", 5_000), small=SizeClass("small", 2_500), central=ARR_CENTRAL
    )
    assert r.ha_by_size == {"large": 6.0, "small": 2.5}
    assert r.total_ha == 8.5


def test_more_streams_multiply_counts() -> None:
    r = extrapolate_partition(
        ARR,
        large=SizeClass("large", 10_000),
        small=SizeClass("small", 5_000),
        central=ARR_CENTRAL,
        streams=4,
    )
    assert r.count_by_size == {"large": 48, "small": 40}
    assert r.total_ha == 68.0
    assert all(u.count == 4 for u in r.units)


def test_reuse_clusters_21_5_ha() -> None:
    r = extrapolate_partition(
        OVAM,
        large=SizeClass("large", 10_000),
        small=SizeClass("small", 5_000),
        central=OVAM_CENTRAL,
    )
    assert r.count_by_size == {"large": 13, "small": 17}
    assert r.ha_by_size == {"large": 13.0, "small": 8.5}
    assert r.total_ha == 21.5


def test_reuse_annex_variant_counts_13_small() -> None:
    r = extrapolate_partition(
        OVAM,
        large=SizeClass("large", 15_000),
        small=SizeClass("small", 5_000),
        central=OVAM_CENTRAL,
        count_override={"small": 13},
    )
    assert r.count_by_size == {"large": 13, "small": 13}
    assert r.derived_count_by_size == {"large": 13, "small": 17}
    assert r.ha_by_size == {"large": 19.5, "small": 6.5}
    assert r.total_ha == 26.0
    assert len(r.notes) == 1 and "13" in r.notes[0] and "17" in r.notes[0]


def test_sorting_centres_56_ha() -> None:
    r = extrapolate_fixed(14, SizeClass("sorting centre", 40_000))
    assert r.total_count == 14
    assert r.total_ha == 56.0
    assert r.units == ()


def test_predicate_central_city_membership() -> None:
    # Genk and Hasselt share one arrondissement: it counts once.
    part = {
        "Hasselt": ["Genk", "Hasselt", "Zonhoven"],
        "Maaseik": ["Maaseik", "Bree"],
        "Leuven": ["Leuven", "Herent"],
    }
    r = extrapolate_partition(
        part,
        large=SizeClass("large", 10_000),
        small=SizeClass("small", 5_000),
        central=contains_any({"Genk", "Hasselt", "Leuven"}),
    )
    assert r.count_by_size == {"large": 2, "small": 1}
    assert [u.central for u in r.units] == [True, False, True]


def test_uniform_rule_and_per_unit() -> None:
    r = extrapolate_partition(
        _partition(5), large=SizeClass("hub", 1_500), rule="uniform", per_unit=2
    )
    assert r.count_by_size == {"hub": 10}
    assert r.total_m2 == 15_000


def test_callable_rule() -> None:
    def rule(unit: str, members: list[str], central: bool) -> str:
        return "large" if len(members) > 1 else "small"

    r = extrapolate_partition(
        {"a": ["x", "y"], "b": ["z"]},
        large=SizeClass("large", 2),
        small=SizeClass("small", 1),
        rule=rule,
    )
    assert r.count_by_size == {"large": 1, "small": 1}


def test_errors_are_all_reported() -> None:
    with pytest.raises(InputError) as exc:
        extrapolate_partition(
            {"a": ["x", "y"], "b": ["y"]},
            large=SizeClass("large", -5),
            small=SizeClass("small", 5_000),
            central={"a", "zz"},
            streams=0,
        )
    text = str(exc.value)
    assert "municipality belongs to two units ('a' and 'b')" in text
    assert "positive number of m²" in text and "-5" in text
    assert "central unit id is not in the partition" in text and "'zz'" in text
    assert "field 'streams'" in text
    assert len(exc.value.problems) == 4


def test_central_rule_needs_small_and_central() -> None:
    with pytest.raises(InputError) as exc:
        extrapolate_partition({"a": ["x"]}, large=SizeClass("large", 1))
    text = str(exc.value)
    assert "needs a small size class" in text and "needs the central units" in text


def test_override_unknown_label_and_negative() -> None:
    with pytest.raises(InputError) as exc:
        extrapolate_partition(
            ARR,
            large=SizeClass("large", 1),
            small=SizeClass("small", 1),
            central=ARR_CENTRAL,
            count_override={"medium": 3, "small": -1},
        )
    text = str(exc.value)
    assert "unknown size label" in text and "'medium'" in text
    assert "count_override[small]" in text


def test_empty_partition_and_bad_fixed_count() -> None:
    with pytest.raises(InputError, match="non-empty mapping"):
        extrapolate_partition({}, large=SizeClass("large", 1), rule="uniform")
    with pytest.raises(InputError, match="field 'count'"):
        extrapolate_fixed(0, SizeClass("x", 1))
