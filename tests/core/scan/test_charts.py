"""The scan report's radar chart."""

from __future__ import annotations

from typing import Any

import pytest

from circulair.core.scan.charts import distribution_chart, score_chart


def test_radar_has_both_series_and_rejects_mismatched_lengths() -> None:
    svg = score_chart(
        ["A", "B", "C", "D"],
        [2.0, 5.0, 7.5, 10.0],
        [5.0, 5.0, 5.0, 5.0],
        {"you": "Gemeente X", "peers": "mediaan"},
    ).decode()
    assert svg.startswith("<?xml") and "Gemeente X" in svg and "mediaan" in svg
    without_peers = score_chart(
        ["A", "B", "C"], [1.0, 2.0, 3.0], [None, 1.0, 2.0], {"you": "X", "peers": "mediaan"}
    ).decode()
    assert "mediaan" not in without_peers  # a partial peer line is not drawn
    assert score_chart(["A"], [4.0], [None], {}).startswith(b"<?xml")
    with pytest.raises(ValueError, match="same length"):
        score_chart(["A", "B", "C"], [1.0, 2.0], [None, None, None], {})


def test_distribution_chart() -> None:
    svg = distribution_chart(["0–2", "2–4"], [1, 3], {"x": "score", "y": "besturen"}).decode()
    assert "besturen" in svg and svg.count("<path") >= 2
    with pytest.raises(ValueError):
        distribution_chart(["0–2"], [1, 2], {})


def test_distribution_chart_counts_are_integer_ticks(tick_labels: Any) -> None:
    svg = distribution_chart(["0–2", "2–4", "4–6"], [1, 3, 0], {})
    assert tick_labels(svg, "y") == ["0", "1", "2", "3"]
    assert tick_labels(svg, "x") == ["0–2", "2–4", "4–6"]
