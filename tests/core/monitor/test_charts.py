"""The monitor's charts put years on their x-axis as whole years (no 2010.0, 2012.5 or an
offset), read back from the SVG they draw."""

from __future__ import annotations

from typing import Any

from circulair.core.monitor.charts import comparison_chart, sparkline, target_chart

ASSESSED = {
    "target_level": 3.0,
    "target_year": 2030,
    "latest_year": 2012,
    "latest_value": 7.0,
    "projection_year": 2030,
    "projection": 4.0,
    "projection_low": 3.0,
    "projection_high": 5.0,
}


def test_target_chart_years_are_integers(tick_labels: Any) -> None:
    three = target_chart([2010, 2011, 2012], [5.0, 6.0, 7.0], {}, {})
    assert tick_labels(three, "x") == ["2010", "2011", "2012"]
    with_target = target_chart([2010, 2011, 2012], [5.0, 6.0, 7.0], ASSESSED, {})
    assert tick_labels(with_target, "x") == [
        "2010", "2013", "2016", "2019", "2022", "2025", "2028", "2031",
    ]  # fmt: skip


def test_target_chart_one_year_sits_between_its_neighbours(tick_labels: Any) -> None:
    assert tick_labels(target_chart([2020], [5.0], {}, {}), "x") == ["2019", "2020", "2021"]
    only_target = target_chart([], [], {"target_level": 3.0, "target_year": 2030}, {})
    assert tick_labels(only_target, "x") == ["2029", "2030", "2031"]
    assert tick_labels(target_chart([], [], {}, {}), "x") == []  # nothing dated: no year ticks


def test_comparison_chart_years_are_integers(tick_labels: Any) -> None:
    lines = comparison_chart(
        {"BE": ([2019, 2020, 2021], [21.0, 22.2, 23.0]), "EU27": ([2019, 2020], [11.5, 12.8])},
        {"title": "CMU"},
    )
    assert tick_labels(lines, "x") == ["2019", "2020", "2021"]
    bars = comparison_chart({"BE": ([2022], [22.2]), "NL": ([2022], [27.5])}, {})
    assert tick_labels(bars, "x") == ["BE", "NL"]  # one year each: regions side by side
    mixed = comparison_chart({"BE": ([2020, 2021], [20.5, 21.0]), "NL": ([2022], [27.5])}, {})
    assert tick_labels(mixed, "x") == ["2020", "2021", "2022"]  # a lone value sits in its year


def test_sparkline_has_no_ticks(tick_labels: Any) -> None:
    assert tick_labels(sparkline([2019, 2020, 2021], [1.0, 2.0, 3.0], "met"), "x") == []


def test_a_band_with_an_undefined_edge_keeps_whole_year_ticks(tick_labels: Any) -> None:
    """A projection band whose bounds are NaN (too few points for an interval) used to make
    the axis limits NaN and the page a server error; the years still come from the lines."""
    a = {
        "target_level": 100.0,
        "target_year": 2030,
        "latest_year": 2020,
        "latest_value": 150.0,
        "projection_year": 2030,
        "projection": 120.0,
        "projection_low": float("nan"),
        "projection_high": float("nan"),
    }
    svg = target_chart([2020], [150.0], a, {"title": "t", "unit": "Mt"})
    labels = tick_labels(svg, "x")
    assert labels and all(x.isdigit() for x in labels)
    assert labels[0] == "2020" and labels[-1] == "2030"
