"""Monitor records: their validation, and reading them from the knowledge base (indicators.yaml,
targets.yaml, figures)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from circulair.core.errors import InputError
from circulair.core.knowledge import default_knowledge_dir, load_knowledge
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
    # Issue 15: every figure with a year (all have a region) is an observation of its
    # indicator, with its citation; exactly these are left out, each with its reason.
    no_year = "the text gives no year"
    assert m.skipped == [
        ("materials-processed-vlg", no_year),
        ("import-share-vlg", no_year),
        ("household-waste-vlg-003", no_year),
        ("household-waste-vlg-004", no_year),
        ("recycling-rate-household-vlg-003", no_year),
        ("recycling-rate-industrial-vlg", no_year),
        # -17 % is a change of a t/inh indicator, not a level
        (
            "ecological-footprint-change-vlg-2010-2016",
            "unit '%' is not the indicator's unit 't/inh' (not a level of the indicator)",
        ),
        ("material-related-co2-vlg", no_year),
        ("material-related-co2-share-vlg", no_year),
        ("water-use-vlg", no_year),
        ("cmu-be-chemie", no_year),
        ("cmu-eu27-chemie", no_year),
        ("local-governments-active-vlg", no_year),
        ("local-governments-self-score-vlg", no_year),
        ("waste-production-vlg", no_year),
    ]
    figures = load_knowledge().by_kind("indicator_figure")
    dated = [r for r in figures if r.attributes["year"] is not None and r.attributes["region"]]
    dated_skipped = [s for s, reason in m.skipped if reason != no_year]
    assert len(figures) == 24 and len(dated) == 10
    assert len(m.observations) == len(dated) - len(dated_skipped) == 9
    # 004 gives recycling (44 %) and material recovery (two thirds: 44 + 21 %) of 2020 apart
    assert keys[("recycling-rate-household", "VLG", 2020)] == 44
    assert keys[("material-recovery-rate-household", "VLG", 2020)] == 65
    rmi = next(o for o in m.observations if o.key == ("rmi", "VLG", 2010))
    assert rmi.source == "003:836-839 (Deel 1, 1.1 Vlaamse context - bevindingen CE Monitor (1))"
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


def test_a_second_figure_of_the_same_year_is_listed_not_loaded(tmp_path: Path) -> None:
    d = tmp_path / "kb"
    shutil.copytree(default_knowledge_dir(), d)
    f = d / "indicator_figures.yaml"
    text = f.read_text(encoding="utf-8")
    twin = text[text.index("- slug: rmi-vlg-2018") : text.index("- slug: materials-processed-vlg")]
    twin = twin.replace("rmi-vlg-2018", "rmi-vlg-2018-bis").replace("value: 642", "value: 641")
    f.write_text(text + twin, encoding="utf-8")
    m = monitor_from_knowledge(load_knowledge(d))
    assert dict(m.skipped)["rmi-vlg-2018-bis"] == (
        "another figure already gives this indicator, region and year"
    )
    assert [o.value for o in m.observations if o.key == ("rmi", "VLG", 2018)] == [642]
