"""Secondary-materials exchange at Flanders scale: candidate search and allocation.

Run:  PYTHONPATH=src python benchmarks/bench_exchange.py [--n 100000] [--scan-sample 0]

Instance: ``--n`` offers and ``--n`` requests, seeded (``--seed``), placed in the 285 Flemish
municipalities with probability proportional to population (``load_region("flanders")``) and
jittered around the municipality's point (Gaussian, sigma 2 km). Materials, units, frequencies,
windows, routes, grades and quantities are drawn from the distributions in :func:`make_listings`.

1. Top-10 candidate offers per request within 50 km road distance (great-circle × 1.3):
   ``circulair.core.exchange.matching.candidates`` (KD-tree + vectorised filters) against
   ``candidates_scan`` (brute-force NumPy scan over every offer, chunks of 256 requests) on the
   same data; the two tables are compared on a sample of requests (identical top-10 rows
   required) and the time ratio is printed. ``--scan-sample N`` times the scan on N random
   requests only and extrapolates (printed as such); 0 = the full scan.
2. Allocation (maximum matched quantity, then minimum t·km) over about 1,000,000 candidate pairs
   (top-k per request with k chosen to reach ``--pairs``), with the independent feasibility check.
   ``--no-lots`` drops the minimum lots (20 % of requests, 10 % of offers) to time the pure LP.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import numpy as np

from circulair.core.exchange.allocation import allocate
from circulair.core.exchange.matching import candidates, candidates_scan
from circulair.core.exchange.model import ListingArrays
from circulair.core.exchange.taxonomy import UNITS, Taxonomy, load_taxonomy
from circulair.core.geo.reference import load_region

FAMILY_SHARE = {
    "construction": 0.33,
    "metals": 0.12,
    "wood": 0.10,
    "plastics": 0.10,
    "biomass": 0.10,
    "paper": 0.06,
    "textiles": 0.05,
    "weee": 0.05,
    "glass": 0.03,
    "chemicals": 0.03,
    "ashes-slags": 0.02,
    "rubber-tyres": 0.01,
}
ROUTE_P = {3: 0.15, 4: 0.05, 5: 0.03, 6: 0.05, 7: 0.02, 8: 0.55, 9: 0.15}
MEDIAN_Q = {"t": 20.0, "m3": 30.0, "pieces": 50.0}


def _family(tax: Taxonomy, i: int) -> str:
    node = tax.nodes[i]
    return ([node.slug, *tax.ancestors(node.slug)])[-1]


def make_listings(
    tax: Taxonomy, kind: str, n: int, rng: np.random.Generator, n_orgs: int = 20_000
) -> ListingArrays:
    """Seeded synthetic listings spread over Flanders, weighted by municipality population."""
    region = load_region("flanders")
    lat0 = np.array([m.lat for m in region.municipalities])
    lon0 = np.array([m.lon for m in region.municipalities])
    pop = np.array([m.population for m in region.municipalities], dtype=float)
    where = rng.choice(len(pop), size=n, p=pop / pop.sum())
    lat = lat0[where] + rng.normal(0.0, 2.0 / 111.2, n)
    lon = lon0[where] + rng.normal(0.0, 2.0 / (111.2 * np.cos(np.radians(51.0))), n)
    # Materials: a family by share, then a node of it; internal nodes for 15 % of the requests
    # (e.g. "plastics") and 5 % of the offers, leaves otherwise.
    fam = np.array([_family(tax, i) for i in range(len(tax))])
    leaf = np.array([not tax.children(x.slug) for x in tax.nodes])
    fam_names = list(FAMILY_SHARE)
    fam_of = rng.choice(
        len(fam_names), size=n, p=np.array(list(FAMILY_SHARE.values())) / sum(FAMILY_SHARE.values())
    )
    internal = rng.random(n) < (0.15 if kind == "request" else 0.05)
    material = np.empty(n, dtype=np.int32)
    for f, name in enumerate(fam_names):
        for inner in (False, True):
            sel = np.flatnonzero((fam_of == f) & (internal == inner))
            pool = np.flatnonzero((fam == name) & (leaf != inner))
            if len(pool) == 0:
                pool = np.flatnonzero(fam == name)
            material[sel] = rng.choice(pool, size=len(sel))
    default_unit = np.array([UNITS.index(x.unit) for x in tax.nodes], dtype=np.int8)
    unit = default_unit[material].copy()
    other = rng.random(n) < 0.10
    unit[other] = np.where(unit[other] == 0, 1, 0)
    frequency = (rng.random(n) < 0.4).astype(np.int8)
    q_med = np.array([MEDIAN_Q[u] for u in UNITS])[unit]
    quantity = np.maximum(1.0, np.round(q_med * rng.lognormal(0.0, 1.0, n)))
    min_quantity = np.where(
        rng.random(n) < (0.2 if kind == "request" else 0.1), np.floor(0.2 * quantity), 0.0
    )
    start = 20_000 + rng.integers(0, 365, n)
    once = frequency == 0
    duration = np.where(once, rng.integers(30, 181, n), rng.integers(365, 1096, n))
    end = np.where(~once & (rng.random(n) < 0.5), 10**9, start + duration)
    routes = np.array(list(ROUTE_P))
    rank = rng.choice(routes, size=n, p=np.array(list(ROUTE_P.values())))
    if kind == "request":
        rank = np.where(rng.random(n) < 0.4, -1, rank)
    if kind == "offer":
        grade = np.where(rng.random(n) < 0.5, rng.integers(0, 3, n), -1)
        certified = rng.random(n) < 0.3
    else:
        grade = np.where(rng.random(n) < 0.3, rng.choice(3, size=n, p=[0.2, 0.5, 0.3]), -1)
        certified = rng.random(n) < 0.1
    haz_node = np.array([bool(x.ewc) and x.ewc[0].endswith("*") for x in tax.nodes])
    hazardous = haz_node[material] if kind == "offer" else np.zeros(n, dtype=bool)
    accepts = (
        np.where(haz_node[material], rng.random(n) < 0.9, rng.random(n) < 0.02)
        if kind == "request"
        else np.zeros(n, dtype=bool)
    )
    prefix = "O" if kind == "offer" else "R"
    return ListingArrays(
        kind=kind,  # type: ignore[arg-type]
        taxonomy=tax,
        id=np.char.add(prefix, np.arange(n).astype(str)),
        organisation=np.char.add("org", rng.integers(0, n_orgs, n).astype(str)),
        material=material,
        unit=unit,
        frequency=frequency,
        route_rank=rank.astype(np.int8),
        quantity=quantity,
        min_quantity=min_quantity,
        available_from=start,
        available_to=end,
        grade=grade.astype(np.int8),
        certified=certified,
        hazardous=hazardous,
        accepts_hazardous=accepts,
        lat=lat,
        lon=lon,
        radius_km=np.full(n, 50.0) if kind == "request" else np.full(n, np.nan),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20251124)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument(
        "--scan-sample",
        type=int,
        default=0,
        help="time the brute-force scan on this many requests and extrapolate (0 = full scan)",
    )
    ap.add_argument("--check-sample", type=int, default=2000)
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--skip-scan", action="store_true")
    ap.add_argument(
        "--no-lots",
        action="store_true",
        help="drop the minimum lots (pure LP allocation, no lot repair)",
    )
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    tax = load_taxonomy()
    t = time.perf_counter()
    offers = make_listings(tax, "offer", args.n, rng)
    requests = make_listings(tax, "request", args.n, rng)
    if args.no_lots:
        offers = dataclasses.replace(offers, min_quantity=np.zeros(args.n))
        requests = dataclasses.replace(requests, min_quantity=np.zeros(args.n))
    print(
        f"instance: {args.n:,} offers x {args.n:,} requests, seed {args.seed}, built in "
        f"{time.perf_counter() - t:.1f} s (cores: {os.cpu_count()})"
    )

    t = time.perf_counter()
    table = candidates(offers, requests, k=args.k, road_factor=1.3)
    t_fast = time.perf_counter() - t
    per_req = np.bincount(table.request, minlength=args.n)
    print(
        f"candidates (KD-tree, vectorised): {t_fast:.2f} s; {len(table):,} rows; requests "
        f"with >= 1 candidate {np.count_nonzero(per_req):,}, with {args.k}: "
        f"{np.count_nonzero(per_req == args.k):,}"
    )

    if not args.skip_scan:
        sample = rng.choice(args.n, size=min(args.check_sample, args.n), replace=False)
        if args.scan_sample:
            sub = np.sort(rng.choice(args.n, size=args.scan_sample, replace=False))
            t = time.perf_counter()
            scan = candidates_scan(offers, requests, k=args.k, road_factor=1.3, request_subset=sub)
            t_sub = time.perf_counter() - t
            t_scan = t_sub * args.n / len(sub)
            print(
                f"brute-force scan: {t_sub:.2f} s for {len(sub):,} requests -> EXTRAPOLATED "
                f"to {args.n:,} requests: {t_scan:.1f} s"
            )
            sample = sub[: args.check_sample]
        else:
            t = time.perf_counter()
            scan = candidates_scan(offers, requests, k=args.k, road_factor=1.3)
            t_scan = time.perf_counter() - t
            print(f"brute-force scan (full, measured): {t_scan:.1f} s; {len(scan):,} rows")
        same = _same_rows(table, scan, sample)
        print(
            f"identical top-{args.k} (offers, order, scores) on {len(sample):,} sampled "
            f"requests: {same}"
        )
        print(f"ratio scan / candidates: {t_scan / t_fast:.1f}x")

    k2 = args.k
    while True:
        t = time.perf_counter()
        pairs = candidates(offers, requests, k=k2, road_factor=1.3)
        if len(pairs) >= args.pairs or k2 > 200:
            break
        k2 = int(np.ceil(k2 * args.pairs / max(len(pairs), 1))) + 1
    print(
        f"allocation input: top-{k2} per request -> {len(pairs):,} candidate pairs "
        f"({time.perf_counter() - t:.1f} s)"
    )
    t = time.perf_counter()
    alloc = allocate(offers, requests, pairs, road_factor=1.3)
    t_alloc = time.perf_counter() - t
    print(
        f"allocation: {t_alloc:.1f} s, status {alloc.status}, "
        f"{alloc.details['components']:,} components (largest "
        f"{alloc.details['largest_component']:,} pairs), checked feasible"
    )
    for unit in UNITS:
        if unit in alloc.matched:
            print(
                f"  {unit:6s} matched {alloc.matched[unit]:,.0f} {unit}, transport "
                f"{alloc.transport[unit]:,.0f} {unit}·km"
            )
    for key, value in alloc.details.items():
        if key not in ("components", "largest_component"):
            print(f"  {key}: {value}")


def _same_rows(a: object, b: object, sample: np.ndarray) -> bool:
    from circulair.core.exchange.matching import MatchTable

    assert isinstance(a, MatchTable) and isinstance(b, MatchTable)
    for r in sample:
        ra, rb = a.rows_for_request(int(r)), b.rows_for_request(int(r))
        if not (
            np.array_equal(a.offer[ra], b.offer[rb])
            and np.allclose(a.score[ra], b.score[rb], rtol=0, atol=1e-12)
        ):
            return False
    return True


if __name__ == "__main__":
    main()
