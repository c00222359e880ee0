"""A feasible first answer for capacitated facility location, found in milliseconds.

Why: HiGHS may reach a user's time limit before it has found any solution of its own; a run
must then still give its best answer (marked "not proven"), never fail. This start is handed to
HiGHS as its first incumbent, so its branch and bound can only improve on it.

The heuristic, in the model's columns ``[y (allowed sites) | arc variables]``:

1. open the fixed sites, then the closed ones in order of fixed cost per tonne of capacity until
   the open capacity covers the total demand (with ``max_open``: the largest capacities fill the
   last places);
2. multiple sourcing: route demand over the arcs of open sites in order of transport cost per
   tonne, each arc taking what its demand point still needs and its site still holds; single
   sourcing: demand points in decreasing demand each go whole to the cheapest open site that
   still holds them;
3. a demand point left unserved opens the cheapest reachable closed site that can take it (as
   long as ``max_open`` allows), and step 2 runs again.

It returns ``None`` when it finds no feasible answer (possible under tight capacities with
single sourcing or ``max_open``); the solver then starts from nothing, as before.
"""

from __future__ import annotations

import numpy as np


def greedy_start(
    *,
    q_rows: np.ndarray,
    cap_cols: np.ndarray,
    f_cols: np.ndarray,
    fixed_cols: np.ndarray,
    ai: np.ndarray,
    aj: np.ndarray,
    tcost: np.ndarray,
    single_sourcing: bool,
    max_open: int | None,
) -> np.ndarray | None:
    """The start vector ``[y | arc values]`` (flows in t/yr, or 0/1 under single sourcing).

    ``q_rows`` are the demands of the model's rows, ``cap_cols``/``f_cols`` the capacities and
    fixed costs of its columns (allowed sites), ``fixed_cols`` a boolean mask of the sites that
    must open, ``(ai, aj, tcost)`` the arcs with their transport cost per tonne."""
    mj = cap_cols.size
    limit = mj if max_open is None else min(max_open, mj)
    is_open = fixed_cols.astype(bool).copy()
    if is_open.sum() > limit:  # refused by the model's validation; no start either
        return None
    total = float(q_rows.sum())
    order = np.argsort(f_cols / np.maximum(cap_cols, 1e-300), kind="stable")
    for j in order:
        if cap_cols[is_open].sum() >= total:
            break
        if not is_open[j] and is_open.sum() < limit:
            is_open[j] = True
    if cap_cols[is_open].sum() < total and max_open is not None:
        # Too few places for the cheap-per-tonne sites: the largest capacities instead.
        is_open = fixed_cols.astype(bool).copy()
        for j in np.argsort(-cap_cols, kind="stable"):
            if is_open.sum() >= limit:
                break
            is_open[j] = True
    for _ in range(mj + 1):
        values, unmet = _assign(q_rows, cap_cols, is_open, ai, aj, tcost, single_sourcing)
        if unmet.size == 0:
            return np.concatenate([is_open.astype(float), values])
        if is_open.sum() >= limit:
            return None
        i = int(unmet[0])
        need = float(q_rows[i])
        mine = np.flatnonzero((ai == i) & ~is_open[aj] & (cap_cols[aj] >= need * (1 - 1e-12)))
        if mine.size == 0:
            mine = np.flatnonzero((ai == i) & ~is_open[aj])
        if mine.size == 0:
            return None
        cost = f_cols[aj[mine]] + tcost[mine] * need
        is_open[aj[mine[int(np.argmin(cost))]]] = True
    return None


def _assign(
    q_rows: np.ndarray,
    cap_cols: np.ndarray,
    is_open: np.ndarray,
    ai: np.ndarray,
    aj: np.ndarray,
    tcost: np.ndarray,
    single_sourcing: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Arc values routing demand to the open sites, and the rows left (partly) unserved."""
    values = np.zeros(ai.size)
    room = np.where(is_open, cap_cols, 0.0).astype(float)
    need = q_rows.astype(float).copy()
    usable = np.flatnonzero(is_open[aj])
    if single_sourcing:
        by_row: dict[int, np.ndarray] = {}
        arcs = usable[np.lexsort((tcost[usable], ai[usable]))]
        if arcs.size:
            starts = np.flatnonzero(np.r_[True, ai[arcs][1:] != ai[arcs][:-1]])
            for s, e in zip(starts, np.r_[starts[1:], arcs.size], strict=True):
                by_row[int(ai[arcs[s]])] = arcs[s:e]
        for i in np.argsort(-q_rows, kind="stable"):
            for a in by_row.get(int(i), ()):
                j = aj[a]
                if room[j] >= q_rows[i] * (1 - 1e-12):
                    values[a] = 1.0
                    room[j] -= q_rows[i]
                    need[i] = 0.0
                    break
    else:
        for a in usable[np.argsort(tcost[usable], kind="stable")]:
            i, j = ai[a], aj[a]
            if need[i] <= 0 or room[j] <= 0:
                continue
            g = min(need[i], room[j])
            values[a] = g
            need[i] -= g
            room[j] -= g
    unmet = np.flatnonzero(need > 1e-9 * np.maximum(q_rows, 1.0))
    return values, unmet


def simple_bound(
    *,
    q_rows: np.ndarray,
    cap_cols: np.ndarray,
    f_cols: np.ndarray,
    fixed_cols: np.ndarray,
    ai: np.ndarray,
    tcost: np.ndarray,
) -> float:
    """A valid lower bound known before any solve: every tonne travels at least to its cheapest
    reachable site, and opening enough capacity costs at least the fractional knapsack of the
    sites in order of fixed cost per tonne (the fixed sites counted whole).

    Each term bounds one part of the objective, so their sum bounds the whole; it gives a run
    stopped before the solver's own bound a finite "at most X % above the optimum"."""
    cheapest = np.full(q_rows.size, np.inf)
    np.minimum.at(cheapest, ai, tcost)
    transport = float((q_rows * cheapest).sum())
    fixed = fixed_cols.astype(bool)
    opening = float(f_cols[fixed].sum())
    need = float(q_rows.sum()) - float(cap_cols[fixed].sum())
    free = np.flatnonzero(~fixed)
    for j in free[np.argsort(f_cols[free] / np.maximum(cap_cols[free], 1e-300), kind="stable")]:
        if need <= 0:
            break
        take = min(need, float(cap_cols[j]))
        opening += float(f_cols[j]) * take / float(cap_cols[j])
        need -= take
    return transport + opening
