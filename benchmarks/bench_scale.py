"""Scale test: 2 web servers + 2 workers on PostgreSQL and Redis, 50 siting runs at once.

Run:  PYTHONPATH=src:. python benchmarks/bench_scale.py [--runs 50] [--loaders 4]
      [--database-url postgres://postgres@127.0.0.1:5432/postgres]

What it does, on real servers (no part of the platform is simulated):

1. A fresh PostgreSQL database on the server of ``--database-url`` (started with Debian's
   ``pg_ctlcluster`` when none answers) and a private ``redis-server`` (Debian's) on a free port
   for the shared cache (``CACHE_URL``). ``circulair setup`` loads Flanders.
2. Two web servers (``circulair serve --no-worker``, one gunicorn worker each) and two
   ``circulair worker`` processes, all on that database and cache.
3. ``--runs`` siting runs are submitted concurrently through the API, alternating between the two
   web servers: p-median runs with p = 5..29 and capacitated runs that work until their 8 s limit.
   Meanwhile ``--loaders`` threads load public pages from both servers without pause.
4. Once both workers are busy, worker 1 is killed with SIGKILL (mid-run); later web server 2 is
   restarted (taken out of the page rotation, stopped with SIGTERM, started again on its port,
   put back once it answers), as a load balancer would do.
5. When every run has ended: each must be done or failed with a reason, none lost, none finished
   twice (the workers' structured job lines are counted per job), and no page request may have
   failed. Prints throughput, page latency percentiles and the outcome per run.

The admission limits (``CIRCULAIR_ATLAS_JOBS_MAX``, ``CIRCULAIR_JOBS_PER_USER``) are raised to
the number of runs: they are a policy, and this measures the queue.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "src"),
]

from tests.support.platform import CLI, Platform, database_url, free_port  # noqa: E402

PASSWORD = "scale-bench-password-314"
PAGES = ["/", "/monitor/", "/geo/", "/map/", "/kb/", "/doers/", "/exchange/", "/atlas/"]
TERMINAL = {"done", "failed", "cancelled"}


def _postgres(url: str) -> str:
    """The URL of a reachable PostgreSQL server, starting Debian's clusters when none answers."""

    def up() -> bool:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return True
        except psycopg.OperationalError:
            return False

    if not up() and shutil.which("pg_ctlcluster"):
        for version in (
            sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        ):
            subprocess.run(["pg_ctlcluster", version, "main", "start"], capture_output=True)
        time.sleep(2)
    if not up():
        raise SystemExit(f"no PostgreSQL server answers at {url}; start one (scripts/test does)")
    return url


def _redis() -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("redis-server")
    if not exe:
        raise SystemExit("redis-server not found: apt-get install redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0"


class Pages:
    """Page loads against the web servers in rotation, with latency and failures recorded."""

    def __init__(self, urls: list[str]) -> None:
        self.live = list(urls)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.count = 0

    def take_out(self, url: str) -> None:
        with self.lock:
            self.live.remove(url)

    def put_back(self, url: str) -> None:
        with self.lock:
            self.live.append(url)

    def loop(self, seed: int) -> None:
        i = seed
        while not self.stop.is_set():
            with self.lock:
                base = self.live[i % len(self.live)]
            path = PAGES[i % len(PAGES)]
            i += 1
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=60) as resp:
                    resp.read()
                    ok = resp.status == 200
            except (urllib.error.URLError, OSError) as e:
                ok = False
                detail = f"{base}{path}: {e}"
            else:
                detail = f"{base}{path}: HTTP {resp.status}"
            with self.lock:
                self.count += 1
                if ok:
                    self.latencies.append(time.perf_counter() - t0)
                else:
                    self.errors.append(detail)


def _params(i: int) -> dict[str, Any]:
    if i % 10 == 4:  # one in ten works until its time limit
        return {
            "mode": "site",
            "model": "capacitated",
            "rate_kg_per_inhabitant": 477,
            "capacity_t": 300000,
            "fixed_cost": 1000000,
            "time_limit": 30,
        }
    return {"mode": "site", "model": "p_median", "p": 5 + i % 25}


def _percentile(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1] if len(xs) > 1 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--loaders", type=int, default=4)
    ap.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
    )
    ap.add_argument("--timeout", type=float, default=900, help="seconds for all runs to end")
    args = ap.parse_args()

    os.environ["DATABASE_URL"] = _postgres(args.database_url)
    db = database_url(f"circulair_scale_{os.getpid()}")
    redis, cache_url = _redis()
    data = Path(tempfile.mkdtemp(prefix="circulair-scale-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=db,
        CACHE_URL=cache_url,
        CIRCULAIR_DATA_DIR=str(data),
        CIRCULAIR_MODE="development",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        CIRCULAIR_JOB_HEARTBEAT_SECONDS="2",
        CIRCULAIR_JOB_STALE_SECONDS="10",
        CIRCULAIR_JOB_RETRY_SECONDS="1",
        CIRCULAIR_ATLAS_JOBS_MAX=str(args.runs),
        CIRCULAIR_JOBS_PER_USER=str(args.runs),
        LOG_FORMAT="json",
    )
    t = time.perf_counter()
    subprocess.run([*CLI, "setup"], env=env, check=True, capture_output=True, timeout=600)
    subprocess.run(
        [*CLI, "manage", "createsuperuser", "--noinput", "--username", "admin",
         "--email", "admin@example.org"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    print(
        f"set-up (PostgreSQL {db.rsplit('/', 1)[-1]}, Redis {cache_url}): "
        f"{time.perf_counter() - t:.0f} s"
    )
    p = Platform(data, env, password=PASSWORD)
    try:
        p.serve("web-1")
        web1 = p.url
        port2 = free_port()
        web2_proc = p.serve("web-2", main=False, port=port2)
        web2 = p.last_url
        w1 = p.worker("worker-1")
        p.worker("worker-2")
        pages = Pages([web1, web2])
        loaders = [
            threading.Thread(target=pages.loop, args=(k,), daemon=True) for k in range(args.loaders)
        ]
        for th in loaders:
            th.start()

        t0 = time.perf_counter()

        def submit(i: int) -> tuple[int, Any]:
            client = Platform(data, env, password=PASSWORD)
            client.url = web1 if i % 2 == 0 else web2
            return client.api("POST", "/api/v1/atlas/runs/", _params(i))

        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(submit, range(args.runs)))
        refused = [(c, b) for c, b in answers if c != 202]
        ids = [int(b["id"]) for c, b in answers if c == 202]
        print(
            f"submitted {len(ids)} runs in {time.perf_counter() - t0:.1f} s; refused {len(refused)}"
        )
        for c, b in refused[:5]:
            print("  refused:", c, b)

        watch = psycopg.connect(db, autocommit=True)

        def states() -> tuple[Counter[str], int]:
            """Statuses of the runs, and how many worker-1 is running (read from the database:
            polling 50 runs through the API would miss short runs)."""
            rows = watch.execute(
                "SELECT status, worker FROM portal_job WHERE id = ANY(%s)", (ids,)
            ).fetchall()
            busy = sum(1 for st, w in rows if st == "running" and w == "worker-1")
            return Counter(st for st, _w in rows), busy

        killed_at = restarted_at = None
        deadline = time.time() + args.timeout
        while time.time() < deadline:
            s, busy = states()
            elapsed = time.perf_counter() - t0
            if killed_at is None and busy and s["running"] >= 2:
                w1.send_signal(signal.SIGKILL)
                w1.wait(timeout=10)
                killed_at = elapsed
                print(
                    f"{elapsed:6.1f} s  worker-1 killed (SIGKILL) with {s['running']} runs running"
                )
            elif killed_at is not None and restarted_at is None and elapsed > killed_at + 5:
                pages.take_out(web2)
                web2_proc.send_signal(signal.SIGTERM)
                web2_proc.wait(timeout=60)
                p.serve("web-2b", main=False, port=port2)
                pages.put_back(web2)
                restarted_at = time.perf_counter() - t0
                print(
                    f"{restarted_at:6.1f} s  web-2 restarted on its port "
                    f"(out of rotation {restarted_at - elapsed:.1f} s)"
                )
            if sum(s[k] for k in TERMINAL) == len(ids):
                break
            time.sleep(0.5)
        total = time.perf_counter() - t0
        pages.stop.set()
        for th in loaders:
            th.join(timeout=70)

        runs = [p.run(pk) for pk in ids]
        outcome = Counter(r["status"] for r in runs)
        unended = [r["id"] for r in runs if r["status"] not in TERMINAL]
        failed_without_reason = [
            r["id"]
            for r in runs
            if r["status"] == "failed" and not (r.get("error") or {}).get("message")
        ]
        finishes: Counter[int] = Counter()
        for log in data.glob("worker-*.log"):
            for line in log.read_text().splitlines():
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("event") == "job" and rec.get("status") in ("done", "failed"):
                    finishes[int(rec["job"])] += 1
        twice = [pk for pk, n in finishes.items() if n > 1]
        attempts = Counter(r["attempts"] for r in runs)
        lat = sorted(pages.latencies)
        print()
        print(
            f"runs: {len(ids)} in {total:.1f} s = {len(ids) / total * 60:.1f} runs/min; "
            f"outcome {dict(outcome)}"
        )
        print(
            f"attempts per run: {dict(sorted(attempts.items()))} "
            "(2 = taken again after worker-1 died)"
        )
        for r in runs:
            if r["status"] != "done":
                print(
                    f"  run {r['id']}: {r['status']}: {(r.get('error') or {}).get('message', '')}"
                )
        print(
            f"pages: {pages.count} requests, {len(pages.errors)} failed; latency p50 "
            f"{_percentile(lat, 50) * 1000:.0f} ms, p95 {_percentile(lat, 95) * 1000:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms; {len(lat) / total:.1f} pages/s"
        )
        for e in pages.errors[:10]:
            print("  page error:", e)
        problems = {
            "refused": len(refused),
            "not ended": unended,
            "failed without a reason": failed_without_reason,
            "finished twice": twice,
            "page errors": len(pages.errors),
            "worker not killed mid-run": killed_at is None,
        }
        bad = {k: v for k, v in problems.items() if v}
        print("RESULT:", "every check passed" if not bad else f"FAILED {bad}")
        if bad:
            sys.exit(1)
    finally:
        p.stop_all()
        redis.terminate()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
