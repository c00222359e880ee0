"""A hand-checkable siting instance for the plan tests, as the fixture ``hand``.

Four demand points on a line at 0, 1, 10 and 11 km (``A``-``D``, 1, 1, 2 and 2 t/yr) and three
candidate sites at 0, 10 and 5 km (``X``, ``Y``, ``Z``); the distances are supplied, so every
objective below can be worked out on paper:

====  ===  ===  ===
km     X    Y    Z
====  ===  ===  ===
A      0   10    5
B      1    9    4
C     10    0    5
D     11    1    6
====  ===  ===  ===
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from circulair.core.atlas.candidates import Candidate
from circulair.core.atlas.demand import DemandPoints

DEMAND_KM = {"A": 0.0, "B": 1.0, "C": 10.0, "D": 11.0}
SITE_KM = {"X": 0.0, "Y": 10.0, "Z": 5.0}


@pytest.fixture(scope="session")
def hand() -> SimpleNamespace:
    demand = DemandPoints(
        ids=tuple(DEMAND_KM),
        names=("Point A", "Point B", "Point C", "Point D"),
        lat=[51.0, 51.0, 51.1, 51.1],
        lon=[4.0, 4.01, 4.1, 4.11],
        weight=[1.0, 1.0, 2.0, 2.0],
        unit="t/yr",
        source="hand instance",
    )
    candidates = [
        Candidate(id=s, name=f"Site {s}", lat=51.0 + km / 100, lon=4.0) for s, km in SITE_KM.items()
    ]
    distances = {(a, s): abs(ka - ks) for a, ka in DEMAND_KM.items() for s, ks in SITE_KM.items()}
    return SimpleNamespace(demand=demand, candidates=candidates, distances=distances)
