"""Hard p-median instances: the primal search (new engine) against the plain greedy + interchange
path (``primal_search=False``), same instance, same run.

Run:  PYTHONPATH=src python benchmarks/bench_pmedian_hard.py [--cases u20 u50 clustered]

For each case prints the time to a certified gap <= 0.1 % (``mip_gap=1e-3``) and to a proven
optimum (``mip_gap=0``) for both paths, and the ratio old / new.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_pmedian_national import make_instance  # type: ignore[import-not-found]

from circulair.core.atlas.siting import p_median


def uniform(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in a 100 x 100 square, weights uniform integers 1-99, Euclidean."""
    rng = np.random.default_rng(seed)
    a, b = rng.random((n, 2)) * 100, rng.random((m, 2)) * 100
    return np.sqrt(((a[:, None] - b[None]) ** 2).sum(axis=2)), rng.integers(1, 100, n) * 1.0


def run(
    d: np.ndarray, w: np.ndarray, p: int, gap: float, new: bool, limit: float
) -> tuple[str, float]:
    t = time.perf_counter()
    r = p_median(d, w, p, mip_gap=gap, primal_search=new, time_limit=limit)
    s = time.perf_counter() - t
    return f"{s:7.2f} s  {r.status:11s} obj {r.objective:.4f} gap {100 * r.gap:.4f} %", s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", nargs="+", default=["u20", "u50", "clustered"])
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--time-limit", type=float, default=600.0)
    args = ap.parse_args()
    cases = {
        "u20": (uniform, 20),
        "u50": (uniform, 50),
        "clustered": (lambda n, m, s: make_instance(n, m, s), 20),
    }
    for name in args.cases:
        make, p = cases[name]
        d, w = make(2000, 200, args.seed)
        for gap in (1e-3, 0.0):
            times = {}
            for new in (True, False):
                line, times[new] = run(d, w, p, gap, new, args.time_limit)
                label = "new" if new else "old"
                print(f"{name} 2000x200 p={p} mip_gap={gap:g} {label}: {line}", flush=True)
            print(f"{name} mip_gap={gap:g} ratio old/new {times[False] / times[True]:.1f}x")


if __name__ == "__main__":
    main()
