"""A distance matrix supplied by the caller (e.g. road distances), checked pair by pair.

Why: great-circle distances times a road factor are the default; a supplied matrix replaces
them only when it gives every pair, so a missing or negative distance is reported by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from circulair.core.errors import MAX_LISTED, ProblemCollector

__all__ = ["supplied_matrix"]


def supplied_matrix(
    distances: Mapping[tuple[str, str], float], rows: Sequence[str], cols: Sequence[str]
) -> np.ndarray:
    """An (n, m) matrix from (row id, column id) -> km; every pair must be present and >= 0."""
    dist = np.full((len(rows), len(cols)), np.nan)
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: j for j, c in enumerate(cols)}
    for (a, b), km in distances.items():
        if a in ri and b in ci:
            dist[ri[a], ci[b]] = km
    missing = np.argwhere(np.isnan(dist))
    problems = ProblemCollector()
    for i, j in missing[: MAX_LISTED + 1]:
        problems.add(
            "no distance for this demand point and candidate",
            field="distances",
            value=f"{rows[i]} -> {cols[j]}",
        )
    problems.extra += max(0, len(missing) - MAX_LISTED - 1)
    bad = np.argwhere(dist < 0)
    for i, j in bad[: MAX_LISTED + 1]:
        problems.add(
            "distance must be >= 0 km",
            field="distances",
            value=f"{rows[i]} -> {cols[j]}: {dist[i, j]}",
        )
    problems.extra += max(0, len(bad) - MAX_LISTED - 1)
    problems.raise_if_any()
    return dist
