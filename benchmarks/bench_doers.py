"""Doers catalogue under concurrent load: 20,000 cases, p95 latency of search, list and API.

Run:  PYTHONPATH=src python benchmarks/bench_doers.py [--n 20000] [--duration 15] [--connections 8]
      [--workers 2] [--database-url postgres://postgres@127.0.0.1:5432/circulair_doers_bench]

1. A fresh database: SQLite in a new temporary data directory (default), or the PostgreSQL
   database named in ``--database-url`` (dropped and re-created). ``circulair setup`` migrates
   and loads the reference data (47 seeded cases).
2. ``--n`` generated cases (seeded ``numpy.random.Generator``): Dutch circular-economy words drawn
   from a Zipf-like distribution for titles (4–8 words), summaries (20–40) and bodies (60–140);
   1–2 agendas, 0–3 R-strategies, a municipality weighted by population, a category, 95 %
   published. Inserted with ``bulk_create`` (triggers fill the FTS5 table / the tsvector
   column), the term rows written, then ``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``, as
   autovacuum would after a bulk load).
3. ``circulair serve --skip-setup`` (gunicorn, ``--workers``, ``--threads`` each) on 127.0.0.1.
4. ``wrk`` (Debian package) with a Lua ``done`` hook printing p50/p95/p99 and non-2xx counts,
   for each URL in turn; a Python thread-pool load generator is used when wrk is missing.
   Target: p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

_PROSE = (
    "hergebruik herstel recyclage materialen circulair bouwen hout kunststof textiel voeding "
    "water energie afval reststromen grondstoffen ontwerp demontage modulair renovatie sloop "
    "isolatie beton staal glas papier karton verpakking biomassa compost mest eiwitten "
    "landbouw korte keten coöperatie buurt repair café kringwinkel deelplatform leasing "
    "productdienst elektronica machines meubelen matrassen kleding vezels sortering "
    "chemische mechanische depolymerisatie pyrolyse vergisting warmtenet regenwater grijswater "
    "zuivering bodem ruimte bedrijventerrein haven logistiek opslag materialenbank atelier "
    "werkplaats opleiding sociale economie gemeente provincie stad dorp school ziekenhuis "
    "kantoor woning appartement publieke aankoop aanbesteding innovatie pilootproject "
    "living lab netwerk samenwerking partners onderzoek universiteit kennis data paspoort "
    "digitaal platform marktplaats tweedehands onderdelen refurbish remanufacturing upcycling "
    "downcycling lokaal regionaal vlaanderen europa subsidie investering financiering lening "
    "klimaat co2 uitstoot besparing efficiëntie levensduur kwaliteit certificaat label norm "
    "wetgeving vergunning ketenregie doorbraak opschaling schaalsprong impact meting indicator"
)
WORDS = _PROSE.split(" ")
AGENDAS = [
    "bio-economie",
    "circulair-bouwen",
    "chemie-kunststoffen",
    "maakindustrie",
    "voedselketen",
    "waterkringlopen",
]
# (label, path or "{}" template, variants): with variants, every request picks one at random
# (wrk Lua ``request``), so the anonymous-visitor cache is mostly cold; without, one URL repeats.
URLS: list[tuple[str, str, list[str] | None]] = [
    ("search page, 1 word, repeated", "/doers/?q=hergebruik", None),
    ("search page, 2 words, repeated", "/doers/?q=materialen%20hout", None),
    ("search page, varied", "/doers/?q={}", "QUERIES"),
    ("list page, repeated", "/doers/", None),
    ("list page, varied", "/doers/?{}", "LISTS"),
    ("API list, repeated", "/api/v1/doers/cases/", None),
    ("API list, varied", "/api/v1/doers/cases/?{}", "LISTS"),
    ("API search, varied", "/api/v1/doers/cases/?q={}", "QUERIES"),
]
LUA = """
done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %.1f\\n", summary.requests, non2xx,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _text(rng: np.random.Generator, p: np.ndarray, lo: int, hi: int) -> str:
    n = int(rng.integers(lo, hi + 1))
    return " ".join(WORDS[i] for i in rng.choice(len(WORDS), size=n, p=p))


def load_cases(n: int, seed: int) -> float:
    """Generate and insert ``n`` cases into the configured database; returns seconds."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
    django.setup()
    from django.db import transaction

    from circulair.web.apps.doers.models import Case
    from circulair.web.apps.doers.services import search_index_ensure
    from circulair.web.apps.geography.models import Municipality
    from circulair.web.apps.knowledge.models import Record

    rng = np.random.default_rng(seed)
    ranks = np.arange(1, len(WORDS) + 1, dtype=float)
    p = 1.0 / ranks**0.9
    p = p / p.sum()
    p = p[rng.permutation(len(WORDS))]
    munis = list(Municipality.objects.select_related("province").order_by("refnis"))
    pop = np.array([max(m.population, 1) for m in munis], dtype=float)
    agendas = {r.slug: r.pk for r in Record.objects.filter(kind="work_agenda")}
    rs = list(Record.objects.filter(kind="r_strategy").values_list("pk", flat=True))
    cats = [c for c in Case.Category.values]
    t0 = time.perf_counter()
    cases = []
    for i in range(n):
        m = munis[int(rng.choice(len(munis), p=pop / pop.sum()))]
        c = Case(
            title=_text(rng, p, 4, 8).capitalize(),
            slug=f"bench-{i:06d}",
            summary=_text(rng, p, 20, 40),
            body=_text(rng, p, 60, 140),
            organisation_name=f"Organisatie {int(rng.integers(0, 5000)):04d}",
            municipality=m,
            province=m.province,
            category=cats[int(rng.integers(0, len(cats)))],
            status="published" if rng.random() < 0.95 else "draft",
        )
        cases.append(c)
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=1000)
        ids = dict(Case.objects.filter(slug__startswith="bench-").values_list("slug", "pk"))
        through_a, through_r = Case.agendas.through, Case.r_strategies.through
        links_a, links_r = [], []
        for c in cases:
            pk = ids[c.slug]
            for a in rng.choice(len(AGENDAS), size=int(rng.integers(1, 3)), replace=False):
                links_a.append(through_a(case_id=pk, record_id=agendas[AGENDAS[int(a)]]))
            for r in rng.choice(len(rs), size=int(rng.integers(0, 4)), replace=False):
                links_r.append(through_r(case_id=pk, record_id=rs[int(r)]))
        through_a.objects.bulk_create(links_a, batch_size=5000)
        through_r.objects.bulk_create(links_r, batch_size=5000)
        # bulk_create bypasses the services: the indexed texts (with the R-strategies' words
        # linked above) and the ranking's term rows are written by the index upkeep
        search_index_ensure()
    from django.db import connection

    with connection.cursor() as cur:  # as autovacuum would after a bulk load: planner
        # statistics, and PostgreSQL's visibility map (index-only scans of the term table)
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - t0


def _python_load(
    base: str, paths: list[str], seconds: float, connections: int
) -> tuple[int, int, list[float]]:
    rng = np.random.default_rng(7)
    deadline = time.perf_counter() + seconds
    lat: list[float] = []
    bad = 0

    def worker() -> tuple[int, list[float]]:
        mine, errs = [], 0
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            url = base + paths[int(rng.integers(0, len(paths)))]
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    r.read()
                    errs += r.status >= 300
            except OSError:
                errs += 1
            mine.append((time.perf_counter() - t) * 1000)
        return errs, mine

    with concurrent.futures.ThreadPoolExecutor(connections) as ex:
        for errs, mine in ex.map(lambda _: worker(), range(connections)):
            bad += errs
            lat.extend(mine)
    return len(lat), bad, lat


def variants(seed: int) -> dict[str, list[str]]:
    """200 one- or two-word queries and 200 list pages/filters, drawn with a seeded RNG."""
    rng = np.random.default_rng(seed + 1)
    queries = []
    for _ in range(200):
        words = [
            WORDS[int(i)]
            for i in rng.choice(len(WORDS), size=int(rng.integers(1, 3)), replace=False)
        ]
        queries.append(urllib.parse.quote(" ".join(words)))
    lists = []
    for _ in range(200):
        parts = [f"page={int(rng.integers(1, 40))}"]
        if rng.random() < 0.5:
            parts.append(f"agenda={AGENDAS[int(rng.integers(0, len(AGENDAS)))]}")
        if rng.random() < 0.3:
            parts.append(
                f"r=r{int(rng.integers(0, 10))}-"
                + [
                    "refuse",
                    "rethink",
                    "reduce",
                    "reuse",
                    "repair",
                    "refurbish",
                    "remanufacture",
                    "repurpose",
                    "recycle",
                    "recover",
                ][int(rng.integers(0, 10))]
            )
        lists.append("&".join(parts))
    return {"QUERIES": queries, "LISTS": lists}


def _lua(paths: list[str] | None) -> str:
    if not paths:
        return LUA
    items = ",".join(f'"{p}"' for p in paths)
    return (
        f"local paths = {{{items}}}\nmath.randomseed(7)\n"
        "request = function()\n  return wrk.format('GET', paths[math.random(#paths)])\n"
        "end\n" + LUA
    )


def measure(base: str, duration: int, connections: int, seed: int) -> list[tuple[str, str, str]]:
    wrk = shutil.which("wrk")
    rows = []
    var = variants(seed)
    for label, template, kind in URLS:
        paths = [template.format(v) for v in var[kind]] if kind else None
        path = paths[0] if paths else template
        url = base + path
        urllib.request.urlopen(url, timeout=60).read()  # fail early
        # warm-up, not counted: 2 s of the first URL on every connection, so that each
        # gunicorn worker has imported, compiled and built its per-process indexes (a running
        # server has); the varied URLs' own first visits stay in the measurement
        if wrk:
            subprocess.run(
                [wrk, "-t2", f"-c{connections}", "-d2s", url], capture_output=True, check=True
            )
        else:
            _python_load(base, [path], 2, connections)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(_lua(paths))
            lua = f.name
        if wrk:
            out = subprocess.run(
                [
                    wrk,
                    "-t2",
                    f"-c{connections}",
                    f"-d{duration}s",
                    "--timeout",
                    "10s",
                    "-s",
                    lua,
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            line = next(x for x in out.splitlines() if x.startswith("RESULT"))
            n, bad, p50, p95, p99, rps = line.split()[1:]
            tool = "wrk"
        else:
            count, badn, lat = _python_load(base, paths or [path], duration, connections)
            n, bad = str(count), str(badn)
            p50, p95, p99 = (f"{np.percentile(lat, q):.1f}" for q in (50, 95, 99))
            rps = f"{count / duration:.1f}"
            tool = "python"
        ok = "ok" if float(p95) < 300 and bad == "0" else "SLOW" if bad == "0" else "ERRORS"
        os.unlink(lua)
        shown = template.format("…") if kind else template
        print(
            f"{label:31s} {shown:30s} n={n:>6s} non2xx={bad:>3s} p50={p50:>7s} ms "
            f"p95={p95:>7s} ms p99={p99:>7s} ms {rps:>7s} req/s [{tool}] {ok}",
            flush=True,
        )
        rows.append((label, p95, ok))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="gunicorn threads per worker (4 measured up to 3x slower: GIL contention)",
    )
    ap.add_argument("--database-url", default="")
    ap.add_argument(
        "--data-dir",
        default="",
        help="Keep the data here (default: a temp dir, removed at the end).",
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="--data-dir (or --database-url) was set up and loaded by an earlier "
        "run: only measure.",
    )
    args = ap.parse_args()

    data = Path(args.data_dir or tempfile.mkdtemp(prefix="bench-doers-"))
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # development mode (no secret needed) with DEBUG off, as a deployment runs
    env.update(CIRCULAIR_DATA_DIR=str(data), CIRCULAIR_MODE="development", DEBUG="false")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.database_url and not args.reuse:
        name = args.database_url.rsplit("/", 1)[1]
        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.clear()
    os.environ.update(env)
    cli = [sys.executable, "-m", "circulair.cli.main"]
    engine = "PostgreSQL" if args.database_url else "SQLite"
    if not args.reuse:
        t0 = time.perf_counter()
        subprocess.run([*cli, "setup"], env=env, check=True, capture_output=True, timeout=600)
        print(f"setup (migrate + reference data): {time.perf_counter() - t0:.1f} s", flush=True)
        secs = load_cases(args.n, args.seed)
        print(f"loaded {args.n} cases into {engine} in {secs:.1f} s", flush=True)

    port = _free_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [
            *cli,
            "serve",
            "--skip-setup",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/doers/", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError((data / "server.log").read_text()) from None
                time.sleep(0.3)
        print(
            f"gunicorn: {args.workers} workers × {args.threads} threads; load: "
            f"{args.connections} "
            f"connections, {args.duration} s per URL; anonymous visitors' cache "
            f"{env.get('PUBLIC_CACHE_SECONDS', '60')} s",
            flush=True,
        )
        rows = measure(base, args.duration, args.connections, args.seed)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    worst = max(float(p) for _l, p, _o in rows)
    print(
        f"worst p95: {worst:.1f} ms (target < 300 ms): "
        f"{'met' if all(o == 'ok' for *_x, o in rows) else 'NOT met'}"
    )
    if not args.data_dir:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
