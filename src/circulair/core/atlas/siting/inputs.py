"""Validation of the inputs shared by the siting models.

Every function adds what is wrong to a :class:`~circulair.core.errors.ProblemCollector` (the
whole input is checked before the model raises :class:`~circulair.core.errors.InputError` once).

Conventions
-----------
``dist``
    ``n`` demand points by ``m`` candidate sites, non-negative km (``inf`` = unreachable, where
    the model allows it).
``allowed``
    ``None`` (all candidates), a boolean mask of length ``m`` or a sequence of site indices.
``fixed_open``
    Site indices that must be open (they must be allowed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from circulair.core.errors import MAX_LISTED, Problem, ProblemCollector
from circulair.core.errors import listing as _listing_of

__all__ = [
    "as_allowed",
    "as_dist",
    "as_fixed",
    "as_vector",
    "check_p",
    "coverage_inputs",
    "fmt",
    "listing",
]


def fmt(x: float) -> str:
    """Format a number with thousands separators and at most three decimals."""
    if math.isinf(x):
        return "infinity"
    s = f"{x:,.3f}".rstrip("0").rstrip(".")
    return s


def listing(idx: np.ndarray) -> str:
    """Row/site indices for a message: the first :data:`MAX_LISTED` and the count."""
    return _listing_of([int(i) for i in idx])


def as_dist(dist: ArrayLike, problems: ProblemCollector, *, allow_inf: bool) -> np.ndarray | None:
    """``dist`` as a float matrix; NaN, negative (and, unless allowed, infinite) entries are
    problems. None when it is not a non-empty 2-D numeric matrix."""
    try:
        d = np.asarray(dist, dtype=float)
    except (TypeError, ValueError) as exc:
        problems.add(Problem(f"dist must be a numeric matrix ({exc})", field="dist"))
        return None
    if d.ndim != 2 or d.shape[0] == 0 or d.shape[1] == 0:
        problems.add(
            Problem(
                "dist must be a non-empty 2-D matrix (demand points x candidate sites)",
                field="dist",
                value=d.shape,
            )
        )
        return None
    if np.isnan(d).any():
        rows = np.flatnonzero(np.isnan(d).any(axis=1))
        problems.add(Problem(f"dist contains NaN in rows {listing(rows)}", field="dist"))
    if (d < 0).any():
        rows = np.flatnonzero((d < 0).any(axis=1))
        problems.add(
            Problem(
                f"dist must be non-negative; negative entries in rows {listing(rows)}",
                field="dist",
                value=float(d.min()),
            )
        )
    if not allow_inf and np.isinf(d).any():
        rows = np.flatnonzero(np.isinf(d).any(axis=1))
        problems.add(
            Problem(
                f"dist must be finite for this model; infinite entries in rows {listing(rows)}",
                field="dist",
            )
        )
    return d


def as_vector(
    values: ArrayLike,
    length: int,
    name: str,
    what: str,
    problems: ProblemCollector,
    *,
    positive: bool = False,
) -> np.ndarray | None:
    """``values`` as a vector of ``length`` (a scalar is broadcast); non-finite and negative
    (or, with ``positive``, non-positive) entries are problems. None on a shape mismatch."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        problems.add(Problem(f"{name} must be numeric ({exc})", field=name))
        return None
    if v.ndim == 0:
        v = np.full(length, float(v))
    if v.ndim != 1 or v.shape[0] != length:
        problems.add(
            Problem(
                f"{name} has {v.size} entries but dist has {length} {what}",
                field=name,
                value=v.shape,
            )
        )
        return None
    bad = np.flatnonzero(~np.isfinite(v))
    for i in bad[:MAX_LISTED]:
        problems.add(Problem(f"{name} must be finite", field=name, row=int(i), value=float(v[i])))
    neg = np.flatnonzero(v <= 0) if positive else np.flatnonzero(v < 0)
    for i in neg[:MAX_LISTED]:
        problems.add(
            Problem(
                f"{name} must be {'positive' if positive else 'non-negative'}",
                field=name,
                row=int(i),
                value=float(v[i]),
            )
        )
    if len(neg) > MAX_LISTED:
        problems.add(Problem(f"{len(neg)} entries of {name} are negative in all", field=name))
    return v


def as_allowed(allowed: ArrayLike | None, m: int, problems: ProblemCollector) -> np.ndarray:
    """Return a boolean mask of allowed candidates."""
    if allowed is None:
        return np.ones(m, dtype=bool)
    arr = np.asarray(allowed)
    if arr.dtype == bool:
        if arr.shape != (m,):
            problems.add(
                Problem(
                    f"allowed mask has {arr.size} entries but dist has {m} candidate sites",
                    field="allowed",
                )
            )
            return np.ones(m, dtype=bool)
        return arr.copy()
    mask = np.zeros(m, dtype=bool)
    idx = arr.ravel()
    if idx.size and not np.issubdtype(idx.dtype, np.integer):
        problems.add(
            Problem(
                "allowed must be a boolean mask or integer site indices",
                field="allowed",
                value=arr.dtype,
            )
        )
        return np.ones(m, dtype=bool)
    out = idx[(idx < 0) | (idx >= m)]
    for j in out[:MAX_LISTED]:
        problems.add(
            Problem(f"allowed site index out of range 0..{m - 1}", field="allowed", value=int(j))
        )
    mask[idx[(idx >= 0) & (idx < m)]] = True
    return mask


def as_fixed(
    fixed_open: Sequence[int] | ArrayLike, m: int, allowed: np.ndarray, problems: ProblemCollector
) -> np.ndarray:
    """Sorted unique fixed site indices; out of range or not allowed ones are problems."""
    idx = np.unique(
        np.asarray(
            list(fixed_open) if not isinstance(fixed_open, np.ndarray) else fixed_open,  # type: ignore[arg-type]
            dtype=np.int64,
        ).ravel()
    )
    out = idx[(idx < 0) | (idx >= m)]
    for j in out:
        problems.add(
            Problem(f"fixed site index out of range 0..{m - 1}", field="fixed_open", value=int(j))
        )
    idx = idx[(idx >= 0) & (idx < m)]
    notallowed = idx[~allowed[idx]]
    for j in notallowed:
        problems.add(
            Problem(
                "fixed site is not among the allowed candidates", field="fixed_open", value=int(j)
            )
        )
    return idx


def check_p(p: Any, n_allowed: int, n_fixed: int, problems: ProblemCollector) -> int:
    """``p`` as an int with ``max(1, n_fixed) <= p <= n_allowed`` (else a problem)."""
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        problems.add(Problem("p must be an integer", field="p", value=p))
        return 0
    p = int(p)
    if p < 1:
        problems.add(Problem("p must be at least 1", field="p", value=p))
    elif p > n_allowed:
        problems.add(
            Problem(
                f"p = {p} is larger than the number of allowed candidate sites ({n_allowed})",
                field="p",
                value=p,
            )
        )
    if n_fixed > p >= 1:
        problems.add(
            Problem(
                f"p = {p} is smaller than the number of fixed open sites ({n_fixed})",
                field="p",
                value=p,
            )
        )
    return int(p)


def coverage_inputs(
    dist: ArrayLike,
    radius_km: Any,
    weights: ArrayLike | None,
    fixed_open: Sequence[int],
    allowed: ArrayLike | None,
    problems: ProblemCollector,
    *,
    weights_required: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Validated inputs of the coverage models: (dist, weights, allowed mask, fixed, radius)."""
    d = as_dist(dist, problems, allow_inf=True)
    problems.raise_if_any()
    assert d is not None
    n, m = d.shape
    w: np.ndarray | None
    if weights is None:
        w = np.ones(n) if not weights_required else None
        if weights_required:
            problems.add(Problem("weights are required", field="weights"))
    else:
        w = as_vector(weights, n, "weights", "rows (demand points)", problems)
    try:
        r = float(radius_km)
        if not (math.isfinite(r) and r >= 0):
            raise ValueError
    except (TypeError, ValueError):
        problems.add(
            Problem(
                "radius_km must be a finite non-negative number", field="radius_km", value=radius_km
            )
        )
        r = 0.0
    allowed_mask = as_allowed(allowed, m, problems)
    fixed = as_fixed(fixed_open, m, allowed_mask, problems)
    if not allowed_mask.any():
        problems.add(Problem("no candidate site is allowed", field="allowed"))
    problems.raise_if_any()
    assert w is not None
    return d, w, allowed_mask, fixed, r
