"""The score of a candidate pair taken apart: each component's value, weight and contribution.

Why: a bare number tells a requester nothing; "distance 12 km: 0.30 of 0.40" tells them what to
change. The contributions are the very products the engine adds
(:func:`~circulair.core.exchange.rules.score_components`), added in the same order, so their sum
is the score exactly; :func:`rounded_contributions` keeps that true for the figures shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from circulair.core.exchange.pairs import ScoreWeights

__all__ = ["CODES", "ScorePart", "parts_total", "rounded_contributions", "score_parts"]

CODES: tuple[str, ...] = ("distance", "quantity", "route", "quality")
"""The score components, in the order the engine adds them."""


@dataclass(frozen=True)
class ScorePart:
    """One component: ``value`` in [0, 1], ``weight`` its share, ``contribution = weight·value``."""

    code: str
    value: float
    weight: float
    contribution: float


def score_parts(
    s_distance: float,
    s_quantity: float,
    s_route: float,
    s_quality: float,
    weights: ScoreWeights | None = None,
) -> tuple[ScorePart, ...]:
    """The four parts of a score from its component values (a :class:`MatchTable` row's
    ``s_*`` columns, or :func:`~circulair.core.exchange.pairs.pair_scores`)."""
    w = weights or ScoreWeights()
    values = (float(s_distance), float(s_quantity), float(s_route), float(s_quality))
    ws = (w.distance, w.quantity, w.route, w.quality)
    return tuple(
        ScorePart(code, v, wt, wt * v) for code, v, wt in zip(CODES, values, ws, strict=True)
    )


def parts_total(parts: tuple[ScorePart, ...]) -> float:
    """The score: the contributions added left to right, as the engine adds them."""
    total = parts[0].contribution
    for p in parts[1:]:
        total = total + p.contribution
    return total


def rounded_contributions(parts: tuple[ScorePart, ...], digits: int = 2) -> list[float]:
    """Contributions rounded to ``digits`` so that they add up to the score rounded the same way
    (largest remainders get the last units), so a shown breakdown never contradicts its total."""
    scale = 10**digits
    target = round(parts_total(parts) * scale)
    raw = [p.contribution * scale for p in parts]
    floors = [math.floor(x) for x in raw]
    short = target - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: max(short, 0)]:
        floors[i] += 1
    return [f / scale for f in floors]
