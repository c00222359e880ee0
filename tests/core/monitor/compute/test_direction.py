"""Which way is better for a target (``compute/direction.py``)."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.core.monitor.compute import resolve_direction
from circulair.core.monitor.compute.direction import is_beyond
from circulair.core.monitor.model import Indicator, Target

RMC = Indicator(
    "rmc", "Raw Material Consumption", "Raw Material Consumption", "Mt", "lower_is_better"
)


def test_direction_resolution() -> None:
    rmi = Indicator("rmi", "RMI", "RMI", "Mt", "none")
    rel = Target(
        "r",
        "rmi",
        "VLG",
        target_year=2030,
        target_value=-10,
        target_type="relative",
        unit="%",
        baseline_year=2010,
    )
    assert resolve_direction(rel, rmi) == "lower_is_better"
    up = Target(
        "u", "rmi", "VLG", target_year=2030, target_value=700, unit="Mt", baseline_value=600
    )
    assert resolve_direction(up, rmi) == "higher_is_better"
    own = Target(
        "o",
        "rmi",
        "VLG",
        target_year=2030,
        target_value=700,
        unit="Mt",
        direction="lower_is_better",
    )
    assert resolve_direction(own, RMC) == "lower_is_better"
    with pytest.raises(InputError, match="which way is better"):
        resolve_direction(
            Target("n", "rmi", "VLG", target_year=2030, target_value=5, unit="Mt"), rmi
        )


def test_baseline_level_decides_an_absolute_target_without_baseline_value() -> None:
    rmi = Indicator("rmi", "RMI", "RMI", "Mt", "none")
    t = Target("n", "rmi", "VLG", target_year=2030, target_value=500, unit="Mt")
    assert resolve_direction(t, rmi, baseline_level=600) == "lower_is_better"
    assert resolve_direction(t, rmi, baseline_level=400) == "higher_is_better"
    with pytest.raises(InputError, match="which way is better"):
        resolve_direction(t, rmi, baseline_level=500)


def test_is_beyond_in_each_direction() -> None:
    assert is_beyond(90, 100, "lower_is_better", strict=False)
    assert is_beyond(100, 100, "lower_is_better", strict=False)
    assert not is_beyond(100, 100, "lower_is_better", strict=True)
    assert is_beyond(110, 100, "higher_is_better", strict=False)
    assert not is_beyond(100, 100, "higher_is_better", strict=True)
    # the tolerance is relative to the larger of the two (here 100): 1e-9 x 100 = 1e-7
    assert is_beyond(100 + 5e-8, 100, "lower_is_better", strict=False, tol=1e-9)
    assert not is_beyond(100 + 5e-7, 100, "lower_is_better", strict=False, tol=1e-9)
