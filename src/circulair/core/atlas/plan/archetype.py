"""A facility archetype as the planner uses it.

Why: the web app, the API and the CLI each load archetypes their own way (database rows, the
knowledge base, a file); the planner only needs these few figures.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Archetype"]


@dataclass(frozen=True)
class Archetype:
    """A facility archetype as the planner uses it: area and (optional) throughput."""

    slug: str
    name: str
    area_m2: float
    throughput_t_per_year: float | None = None
