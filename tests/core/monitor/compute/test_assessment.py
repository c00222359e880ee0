"""The assessment record and its JSON form (``compute/assessment.py``)."""

from __future__ import annotations

import json
import math

from circulair.core.monitor.compute import Assessment, status_rule


def test_as_dict_drops_non_finite_numbers_and_adds_label_and_rule() -> None:
    a = Assessment(
        target="t",
        indicator="waste",
        region="VLG",
        unit="kg/inh",
        direction="lower_is_better",
        target_type="absolute",
        target_year=2030,
        today_year=2025,
        window=5,
        band_z=1.959964,
        status="at_risk",
        reason="because",
        latest_value=math.inf,
        distance_pct=math.nan,
        target_level=100.0,
        notes=["a note"],
    )
    assert a.status_label == "at risk"
    d = a.as_dict()
    assert d["latest_value"] is None and d["distance_pct"] is None
    assert d["target_level"] == 100.0 and d["trend_years"] == [] and d["notes"] == ["a note"]
    assert d["status_label"] == "at risk"
    assert d["status_rule"] == status_rule(5, 1.959964)
    assert "last 5 years" in d["status_rule"] and "95 % band" in d["status_rule"]
    assert list(d)[-2:] == ["status_label", "status_rule"]
    json.dumps(d, allow_nan=False)
