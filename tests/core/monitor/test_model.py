"""Monitor records: their validation, and reading them from the knowledge base (indicators.yaml,
targets.yaml, figures)."""

from __future__ import annotations

import math

import pytest

from circulair.core.errors import InputError
from circulair.core.knowledge import load_knowledge
from circulair.core.monitor.compute import assess
from circulair.core.monitor.model import Indicator, Observation, Target, monitor_from_knowledge


def test_monitor_from_knowledge() -> None:
    m = monitor_from_knowledge(load_knowledge())
    assert m.indicators["rmc"].unit == "Mt"
    assert m.indicators["rmc"].direction == "lower_is_better"
    assert m.indicators["material-related-co2"].unit == "Mt CO2e"  # "/yr" dropped
    assert m.indicators["water-use"].unit == "million m3"
    rmc = next(t for t in m.targets if t.slug == "rmc-2030")
    assert (rmc.target_type, rmc.target_value, rmc.baseline_year, rmc.baseline_value) == (
        "relative",
        -30.0,
        2010,
        None,
    )
    keys = {o.key: o.value for o in m.observations}
    assert keys[("rmi", "VLG", 2010)] == 567 and keys[("rmi", "VLG", 2018)] == 642
    assert keys[("circular-material-use-rate", "BE", 2022)] == 22.2
    skipped = dict(m.skipped)
    assert "no year" in skipped["materials-processed-vlg"]
    # -17 % is a change of a t/inh indicator, not a level
    assert "not the indicator's unit" in skipped["ecological-footprint-change-vlg-2010-2016"]
    # two 2020 figures for household recycling: the first is kept, the second reported
    assert "already gives" in skipped["recycled-household-vlg-2020"]
    assert {"VLG", "BE", "EU27"} <= m.regions


def test_knowledge_targets_assess_without_data() -> None:
    m = monitor_from_knowledge(load_knowledge())
    for t in m.targets:
        a = assess(t, m.observations, today_year=2025, indicator=m.indicators[t.indicator])
        assert a.status == "no_data"
    # the RMC target with the RMI figures read as RMC (the example of the issue): 396.9 Mt
    rmc = next(t for t in m.targets if t.slug == "rmc-2030")
    as_rmc = [
        Observation("rmc", o.region, o.year, o.value, o.unit)
        for o in m.observations
        if o.indicator == "rmi"
    ]
    a = assess(rmc, as_rmc, today_year=2025, indicator=m.indicators["rmc"])
    assert round(a.target_level or 0, 6) == 396.9 and a.status == "off_track"


def test_target_validation() -> None:
    with pytest.raises(InputError) as e:
        Target(
            "bad",
            "rmc",
            "VLG",
            target_year=2030,
            target_value=math.nan,
            target_type="relative",
            unit="Mt",
        )
    fields = {p.field for p in e.value.problems}
    assert fields == {"target_value", "baseline_year", "unit"}
    with pytest.raises(InputError):
        Indicator("x", "x", "x", "Mt", "sideways")  # type: ignore[arg-type]
