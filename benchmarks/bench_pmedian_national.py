"""National-scale p-median: seeded synthetic 20,000 demand points x 2,000 candidates, p = 50.

Run:  PYTHONPATH=src python benchmarks/bench_pmedian_national.py [--n 20000 --m 2000 --p 50]

Prints wall time, objective, proven lower bound and gap of ``circulair.core.atlas.siting.p_median``.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

import numpy as np

from circulair.core.atlas.siting import p_median


def make_instance(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Clustered demand in a 250 km x 150 km region (Flanders-sized), candidates spread over it.

    60 % of demand points lie in 40 Gaussian 'towns', 40 % are spread uniformly; weights are
    log-normal (population-like). Candidates: half uniform, half drawn from the demand points.
    Distances are Euclidean km.
    """
    rng = np.random.default_rng(seed)
    size = np.array([250.0, 150.0])
    centres = rng.random((40, 2)) * size
    n_town = int(0.6 * n)
    town = centres[rng.integers(0, 40, n_town)] + rng.normal(0.0, 4.0, (n_town, 2))
    rural = rng.random((n - n_town, 2)) * size
    demand = np.clip(np.vstack([town, rural]), 0.0, size)
    weights = np.round(rng.lognormal(5.0, 1.2, n))
    cand = np.vstack(
        [rng.random((m // 2, 2)) * size, demand[rng.choice(n, m - m // 2, replace=False)]]
    )
    diff = demand[:, None, :] - cand[None, :, :]
    dist = np.sqrt((diff**2).sum(axis=2))
    return dist, weights


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--m", type=int, default=2_000)
    ap.add_argument("--p", type=int, default=50)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--mip-gap", type=float, default=0.0)
    args = ap.parse_args()
    logging.basicConfig(
        level=logging.DEBUG if os.environ.get("BENCH_DEBUG") else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    t = time.perf_counter()
    dist, weights = make_instance(args.n, args.m, args.seed)
    print(
        f"instance {args.n} x {args.m}, p = {args.p}, built in {time.perf_counter() - t:.1f} s "
        f"(cores available: {os.cpu_count()})"
    )
    t = time.perf_counter()
    res = p_median(dist, weights, args.p, time_limit=args.time_limit, mip_gap=args.mip_gap)
    wall = time.perf_counter() - t
    print(f"status      {res.status}")
    print(f"wall time   {wall:.1f} s")
    print(f"objective   {res.objective:.6f}")
    print(f"lower bound {res.lower_bound:.6f}")
    print(f"gap         {100 * res.gap:.5f} %")
    for key, value in res.details.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
