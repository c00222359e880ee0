"""CPU cost of one page or endpoint, in process, with a profile of where the time goes.

    PYTHONPATH=src python benchmarks/profile_page.py --data-dir /tmp/bench-agenda \\
        /agenda/actions/ /api/v1/agenda/actions/ [--n 30] [--profile 25]

Why: under closed-loop load on a 2-core machine the p95 latency is roughly
``connections / 2 × CPU time per request``; this script measures that CPU time without the
network and load tool, on a data directory (or ``DATABASE_URL``) prepared by a benchmark run
with ``--data-dir``. Requests are anonymous and run with DEBUG off, as a deployment does.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--n", type=int, default=30, help="timed requests per path")
    ap.add_argument("--profile", type=int, default=0, help="print the top N functions")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="clear the cache before every request (the cost of a first visit)",
    )
    args = ap.parse_args()
    os.environ["CIRCULAIR_DATA_DIR"] = args.data_dir
    os.environ.setdefault("CIRCULAIR_MODE", "development")
    os.environ["DEBUG"] = "false"
    from circulair.cli import _django

    _django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for path in args.paths:
        r = client.get(path)  # warm-up: caches, compiled templates
        if r.status_code != 200:
            raise SystemExit(f"{path}: HTTP {r.status_code}")
        times = []
        prof = cProfile.Profile() if args.profile else None
        for _ in range(args.n):
            if args.cold:
                cache.clear()
            t = time.perf_counter()
            if prof:
                prof.enable()
            client.get(path)
            if prof:
                prof.disable()
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"{path}: median {statistics.median(times):.1f} ms, "
            f"max {max(times):.1f} ms over {args.n} requests ({len(r.content):,} bytes)"
        )
        if prof:
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.profile)
            print(out.getvalue())


if __name__ == "__main__":
    main()
