"""Listing codes: the R-ladder routes and their ranks."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.core.exchange.codes import route_rank, routes


def test_routes_come_from_the_r_ladder() -> None:
    assert routes() == {
        "r3-reuse": 3,
        "r4-repair": 4,
        "r5-refurbish": 5,
        "r6-remanufacture": 6,
        "r7-repurpose": 7,
        "r8-recycle": 8,
        "r9-recover": 9,
    }
    assert route_rank("reuse") == 3 == route_rank("r3-reuse")
    assert route_rank("Recover") == 9
    with pytest.raises(InputError):
        route_rank("refuse")  # R0 avoids a material; no route for an existing one
