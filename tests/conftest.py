"""Shared fixtures: paths to the shipped data and (when present) the source texts."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source text extractions; tests that need them skip when ../shared is absent."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present next to the repository")
    return SEEDS
