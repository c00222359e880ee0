"""Which way is better for a target, and whether a value lies beyond the target level.

Why: every status compares a value with the target level "in the better direction"; that
direction is not always stated (an indicator such as RMI has none), so it is resolved here once.
"""

from __future__ import annotations

from ...errors import InputError
from ..model import Indicator, Target
from .rule import Better

__all__ = ["resolve_direction"]


def resolve_direction(
    target: Target, indicator: Indicator | None = None, baseline_level: float | None = None
) -> Better:
    """Which way is better for this target.

    Why: an indicator such as RMI has no direction of its own, yet a target on it does. In
    order: the target's own direction; the indicator's (unless ``"none"``); the sign of a
    relative target (-30 % means lower is better); the sign of ``target - baseline`` for an
    absolute target with a baseline value, or else with ``baseline_level`` (in the target's
    unit; :func:`~.evaluate.assess` passes the observation of the baseline year).

    Raises
    ------
    InputError
        When none of these decides (e.g. a relative target of 0 % on a direction-less
        indicator).
    """
    for direction in (target.direction, indicator.direction if indicator is not None else "none"):
        if direction == "lower_is_better" or direction == "higher_is_better":
            return direction
    if target.target_type == "relative":
        change = target.relative_change_percent
        if change != 0:
            return "lower_is_better" if change < 0 else "higher_is_better"
    else:
        base = target.baseline_value if target.baseline_value is not None else baseline_level
        if base is not None and target.target_value != base:
            return "lower_is_better" if target.target_value < base else "higher_is_better"
    raise InputError.single(
        "cannot tell which way is better for this target: give the target or its indicator a "
        "direction",
        row=target.slug,
        field="direction",
    )


def is_beyond(value: float, level: float, better: Better, strict: bool, tol: float = 0.0) -> bool:
    """Whether ``value`` is at (or, if ``strict``, past) ``level`` in the better direction."""
    slack = tol * max(abs(level), abs(value), 1.0)
    if better == "lower_is_better":
        return value < level if strict else value <= level + slack
    return value > level if strict else value >= level - slack
