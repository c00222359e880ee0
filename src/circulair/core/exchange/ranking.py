"""Top-k per segment: the ranking of candidate lists (score desc, distance asc, position asc)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["top_k"]

_PAD_LIMIT = 4_000_000  # cells of the padded score matrix per block in the top-k selection


def top_k(
    seg: NDArray[np.int64],
    score: NDArray[np.float64],
    dist: NDArray[np.float64],
    other: NDArray[np.int64],
    k: int,
) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """Rows of the top ``k`` per segment and their ranks (1-based).

    ``seg`` must be non-decreasing. Order: score desc, distance asc, ``other`` asc. First a
    threshold per segment (the k-th best score, from a padded ``np.partition``) keeps the rows
    that can be in the top k (ties included); the exact order of those few rows is a lexsort.
    """
    n = seg.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    counts = np.diff(np.r_[starts, n])
    keep = np.ones(n, dtype=bool)
    if counts.max() > k:
        local = np.repeat(np.arange(len(starts)), counts)
        pos = np.arange(n) - np.repeat(starts, counts)
        maxc = int(counts.max())
        block = max(1, _PAD_LIMIT // maxc)
        kth = np.full(len(starts), -np.inf)
        big = np.flatnonzero(counts > k)
        for b0 in range(0, len(big), block):
            rows = big[b0 : b0 + block]
            lo, hi = starts[rows[0]], starts[rows[-1]] + counts[rows[-1]]
            sel = np.arange(lo, hi)
            sel = sel[counts[local[sel]] > k]
            padded = np.full((len(rows), maxc), -np.inf)
            row_of = np.searchsorted(rows, local[sel])
            padded[row_of, pos[sel]] = score[sel]
            kth[rows] = -np.partition(-padded, k - 1, axis=1)[:, k - 1]
        keep = score >= kth[np.repeat(np.arange(len(starts)), counts)]
    idx = np.flatnonzero(keep)
    order = idx[np.lexsort((other[idx], dist[idx], -score[idx], seg[idx]))]
    s = seg[order]
    first = np.r_[True, s[1:] != s[:-1]]
    grp_start = np.maximum.accumulate(np.where(first, np.arange(len(s)), 0))
    rank = np.arange(len(s)) - grp_start
    top = rank < k
    return order[top], (rank[top] + 1).astype(np.int32)
