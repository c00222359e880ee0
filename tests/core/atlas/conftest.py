"""Setup shared by the atlas tests: the reference geography, read once."""

from __future__ import annotations

import pytest

from circulair.core.geo.reference import RegionGeography, load_region


@pytest.fixture(scope="session")
def geo() -> RegionGeography:
    """The Flanders geography (285 municipalities); read once, no test changes it."""
    return load_region("flanders")
