"""The agenda's bar chart counts actions: its value axis is ticked at whole numbers."""

from __future__ import annotations

from typing import Any

from circulair.core.agenda.charts import bar_chart


def test_bar_chart_counts_are_integer_ticks(tick_labels: Any) -> None:
    assert tick_labels(bar_chart(["a", "b"], [0, 1]), "x") == ["0", "1"]  # was 0.0 0.2 … 1.0
    assert tick_labels(bar_chart(["a", "b"], [0, 0]), "x") == ["0", "1"]
    assert tick_labels(bar_chart(["a", "b", "c"], [3, 9, 0]), "x") == [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    ]  # fmt: skip
    assert tick_labels(bar_chart(["a", "b"], [0, 1]), "y") == ["a", "b"]  # labels stay text
