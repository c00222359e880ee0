"""Small-group suppression for public aggregates of companies' registers.

A company's waste register is confidential; a public table of the region's registers must not
let anyone read one company's figure out of it. Every cell of such a table is the sum of its
contributors' tonnes (a contributor is an organisation), and three rules decide what is shown:

- **Threshold**: a cell with fewer than :data:`MIN_CONTRIBUTORS` contributors is hidden.
- **Dominance**: a cell where one contributor holds more than :data:`DOMINANCE` of the tonnes is
  hidden (the total is then nearly that company's figure).
- **Complementary suppression**: the table's total is published, so the hidden cells together
  (total minus the shown cells) must pass the same two rules; while they do not, the smallest
  shown cell is hidden as well. When even every cell together does not pass, nothing is shown,
  the total neither.

The same rules as statistical offices apply to business data (a threshold rule and an (n, k)
dominance rule); the scan's network view applies the threshold rule to governments' answers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

MIN_CONTRIBUTORS = 3
DOMINANCE = 0.85

K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Hashable)

FEW = "few"
DOMINANT = "dominant"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Cell:
    """One published (``tonnes`` set) or hidden (``tonnes`` None, ``reason`` set) cell."""

    key: Hashable
    tonnes: float | None
    contributors: int
    reason: str | None = None


@dataclass(frozen=True)
class Disclosure:
    """The cells in their order (largest first), and the total when it may be published."""

    cells: list[Cell]
    total: float | None

    @property
    def hidden(self) -> int:
        return sum(1 for c in self.cells if c.tonnes is None)


def _fails(parts: Mapping[C, float], min_contributors: int, dominance: float) -> str | None:
    """The rule a group of contributors' tonnes breaks, or None."""
    positive = [t for t in parts.values() if t > 0]
    if len(positive) < min_contributors:
        return FEW
    total = math.fsum(positive)
    if total > 0 and max(positive) > dominance * total:
        return DOMINANT
    return None


def _union(groups: Mapping[K, Mapping[C, float]], keys: list[K]) -> dict[C, float]:
    out: dict[C, list[float]] = {}
    for k in keys:
        for who, t in groups[k].items():
            out.setdefault(who, []).append(t)
    return {who: math.fsum(ts) for who, ts in out.items()}


def disclose(
    groups: Mapping[K, Mapping[C, float]],
    *,
    min_contributors: int = MIN_CONTRIBUTORS,
    dominance: float = DOMINANCE,
) -> Disclosure:
    """Apply the three rules to cells given as ``{key: {contributor: tonnes}}``.

    Cells come back largest first (ties by key); a contributor with no positive tonnes in a
    cell does not count for it."""
    if min_contributors < 1 or not 0 < dominance <= 1:
        raise ValueError("min_contributors must be at least 1 and dominance in (0, 1]")
    totals = {k: math.fsum(max(t, 0.0) for t in parts.values()) for k, parts in groups.items()}
    order = sorted(groups, key=lambda k: (-totals[k], str(k)))
    reasons: dict[K, str] = {}
    for k in order:
        why = _fails(groups[k], min_contributors, dominance)
        if why is not None:
            reasons[k] = why
    publish_total = _fails(_union(groups, order), min_contributors, dominance) is None
    if not publish_total:
        for k in order:
            reasons.setdefault(k, COMPLEMENTARY)
    elif reasons:
        hidden = [k for k in order if k in reasons]
        shown = [k for k in reversed(order) if k not in reasons]  # smallest first
        while _fails(_union(groups, hidden), min_contributors, dominance) is not None and shown:
            k = shown.pop(0)
            reasons[k] = COMPLEMENTARY
            hidden.append(k)
    cells = [
        Cell(
            key=k,
            tonnes=None if k in reasons else totals[k],
            contributors=sum(1 for t in groups[k].values() if t > 0),
            reason=reasons.get(k),
        )
        for k in order
    ]
    total = math.fsum(totals.values()) if publish_total else None
    return Disclosure(cells=cells, total=total)
