"""Flows at scale: import a seeded waste register, aggregate it, draw the region's Sankey.

Run:  PYTHONPATH=src python benchmarks/bench_flows.py [--rows 1000000] [--seed 7] [--repeat 20]

On a fresh SQLite database (reference data loaded, not timed) under a temporary data dir:

* import: a register of ``--rows`` rows (seeded ``random.Random``: List-of-Waste codes from the
  catalogue, a treatment plausible for the code's family, lognormal quantities in kg or t,
  dates 2019-2024) through ``services.register_import``, the function the web view and the CLI
  call. Floor: ``polars.read_csv`` of the same file.
* aggregation: ``selectors.aggregate`` by material, by rung, by year x chapter (the page's and
  the API's read), p50/p95 over ``--repeat`` runs; peer: the same group-by in Polars on a frame
  already in memory (the ratio is ours over Polars').
* 8 concurrent readers: the aggregation API (``/api/v1/flows/aggregate/``) through Django's
  test client in 8 threads, p95 per request.
* Sankey: ``presenters.sankey_of`` + ``layout_svg`` of every flow of the region.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _setup(data_dir: Path) -> None:
    os.environ["CIRCULAIR_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from circulair.web.bootstrap import reference_data_load

    reference_data_load(regions=["flanders"])


def write_register(path: Path, rows: int, seed: int) -> None:
    from circulair.core.flows.codes import default_catalogue

    cat = default_catalogue()
    rng = random.Random(seed)
    codes = sorted(cat.waste_codes)
    ops = {
        "recycle": ["R3", "R4", "R5", "R11"],
        "energy": ["R1"],
        "dispose": ["D1", "D10", "D9"],
        "store": ["R13", "D15"],
        "reuse": ["PRU"],
    }
    kinds, weights = list(ops), [55, 20, 10, 10, 5]
    with path.open("w", encoding="utf-8") as f:
        f.write("datum;euralcode;omschrijving;hoeveelheid;eenheid;verwerkingswijze;verwerker\n")
        for i in range(rows):
            code = codes[min(int(rng.paretovariate(1.2)) - 1, len(codes) - 1) if i % 3 else
                         rng.randrange(len(codes))]  # fmt: skip
            op = rng.choice(ops[rng.choices(kinds, weights)[0]])
            kg = rng.random() < 0.3
            q = rng.lognormvariate(0.5, 1.2) * (1000 if kg else 1)
            day = f"{2019 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            f.write(f"{day};{code}{'*' if cat.waste_codes[code].hazardous else ''};lot {i};"
                    f"{q:.3f};{'kg' if kg else 't'};{op};Verwerker {i % 50}\n")  # fmt: skip


def timed(fn: Any, repeat: int) -> tuple[float, float, Any]:
    out = None
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return statistics.median(ts), ts[max(0, round(0.95 * len(ts)) - 1)], out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    import polars as pl

    tmp = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    _setup(tmp / "data")
    from django.contrib.auth.models import User
    from django.test import Client

    from circulair.core.flows.sankey import layout_svg
    from circulair.web.apps.flows import presenters, selectors, services
    from circulair.web.apps.geography.models import Municipality
    from circulair.web.apps.organisations.models import Organisation

    reg = tmp / "register.csv"
    t0 = time.perf_counter()
    write_register(reg, a.rows, a.seed)
    print(f"rows {a.rows:,}  file {reg.stat().st_size / 1e6:.1f} MB  written in "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    org = Organisation.objects.create(
        name="Bench NV", nace_code="25110", municipality=Municipality.objects.get(refnis="24062")
    )
    t0 = time.perf_counter()
    ds = services.register_import(organisation=org, content=reg, file_name=reg.name)
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    pl.read_csv(reg, separator=";")
    t_floor = time.perf_counter() - t0
    print(f"import      {t_import:8.2f} s  ({a.rows / t_import:,.0f} rows/s)  polars.read_csv "
          f"{t_floor:.2f} s  ratio {t_import / t_floor:.0f}x")  # fmt: skip
    assert ds.rows == a.rows

    qs = selectors.totals_visible(None)
    raw = selectors.flows_visible(None).values("material", "rung", "year", "chapter", "tonnes")
    frame = pl.DataFrame(list(raw.iterator()), orient="row")
    print(f"totals      {qs.count():,} rows for {a.rows:,} flows")
    for by in (["material"], ["rung"], ["year", "chapter"]):
        p50, p95, rows = timed(lambda by=by: selectors.aggregate(qs, by), a.repeat)
        q50, _q95, peer = timed(
            lambda by=by: frame.group_by(by).agg(pl.col("tonnes").sum()), a.repeat
        )
        assert len(rows) == peer.height, (len(rows), peer.height)
        total = sum(r["tonnes"] for r in rows)
        assert abs(total - float(frame["tonnes"].sum())) < 1e-6 * max(total, 1)
        name = ",".join(by)
        print(f"aggregate {name:14s} p50 {p50 * 1e3:7.1f} ms  p95 {p95 * 1e3:7.1f} ms  "
              f"polars p50 {q50 * 1e3:6.1f} ms  ratio {p50 / q50:5.1f}x  "
              f"({len(rows)} groups)")  # fmt: skip

    analyst = User.objects.create_superuser("bench", password="a-long-bench-password")
    times: list[float] = []
    lock = threading.Lock()

    def reader() -> None:
        c = Client(SERVER_NAME="localhost")
        c.force_login(analyst)
        for i in range(a.repeat):
            by = ("material", "rung", "year,chapter")[i % 3]
            t0 = time.perf_counter()
            r = c.get(f"/api/v1/flows/aggregate/?by={by}")
            dt = time.perf_counter() - t0
            assert r.status_code == 200, r.content[:200]
            with lock:
                times.append(dt)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    print(f"API aggregate, 8 concurrent readers: p50 {statistics.median(times) * 1e3:.0f} ms  "
          f"p95 {p95 * 1e3:.0f} ms  ({len(times)} requests)")  # fmt: skip

    p50, p95, svg = timed(lambda: layout_svg(presenters.sankey_of(qs)), max(3, a.repeat // 4))
    print(
        f"Sankey of the region: p50 {p50 * 1e3:.0f} ms  p95 {p95 * 1e3:.0f} ms  "
        f"({len(svg) / 1e3:.0f} kB SVG)"
    )


if __name__ == "__main__":
    sys.exit(main())
