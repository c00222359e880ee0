"""The import template (``importer/columns.py``): both forms import as they stand."""

from __future__ import annotations

from types import SimpleNamespace

from circulair.core.monitor.importer import parse_observations, template_csv
from circulair.core.monitor.model import Indicator


def test_template_imports(imp: SimpleNamespace) -> None:
    inds = {**imp.INDICATORS, "rmi": Indicator("rmi", "RMI", "RMI", "Mt", "none")}
    long = parse_observations(
        template_csv().encode(), "template.csv", indicators=inds, regions=imp.REGIONS
    )
    assert [(o.indicator, o.year, o.value, o.unit) for o in long] == [
        ("rmi", 2018, 642.0, "Mt"),
        ("household-waste-per-inhabitant", 2020, 476.0, "kg/inh"),
    ]
    assert long[0].source.startswith("CE Monitor")
    wide = parse_observations(
        template_csv(wide=True).encode(), "template.csv", indicators=inds, regions=imp.REGIONS
    )
    assert [(o.indicator, o.year, o.value) for o in wide] == [
        ("rmi", 2010, 567.0),
        ("rmi", 2018, 642.0),
    ]
