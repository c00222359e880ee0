"""Agenda register under load: 100,000 actions, p95 latency of list and evaluation pages and API
endpoints against gunicorn on 127.0.0.1, and the time of a full yearly evaluation.

    PYTHONPATH=src python benchmarks/bench_agenda.py                     # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/circulair_bench_agenda \
        PYTHONPATH=src python benchmarks/bench_agenda.py --workers 2

The load tool is ``wrk`` (Debian package) with a Lua script printing the 95th percentile; without
wrk a threaded Python load generator is used. The data are seeded (numpy Generator, ``--seed``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_MS %.2f\\nP50_MS %.2f\\nREQS %d\\nERRS %d\\n",
    latency:percentile(95) / 1000, latency:percentile(50) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""

ENDPOINTS = [
    ("page", "/agenda/actions/"),
    ("page", "/agenda/actions/?agenda=maakindustrie&year=2025&status=running"),
    ("page", "/agenda/signatories/"),
    ("page", "/agenda/evaluation/?agenda=maakindustrie&year=2025"),
    ("api", "/api/v1/agenda/actions/"),
    ("api", "/api/v1/agenda/actions/?agenda=circulair-bouwen&year=2024"),
    ("api", "/api/v1/agenda/signatories/"),
    ("api", "/api/v1/agenda/evaluation/?agenda=maakindustrie&year=2025"),
    # varied: every request picks one of many URLs (wrk Lua ``request``), so most are first
    # visits for the anonymous visitors' cache (see common/public_cache.py)
    ("page", "/agenda/actions/?{ACTIONS}"),
    ("api", "/api/v1/agenda/actions/?{ACTIONS}"),
    ("page", "/agenda/evaluation/?{EVALUATIONS}"),
    ("api", "/api/v1/agenda/evaluation/?{EVALUATIONS}"),
]
AGENDAS = [
    "bio-economie",
    "circulair-bouwen",
    "chemie-kunststoffen",
    "maakindustrie",
    "voedselketen",
    "waterkringlopen",
]


def variants(seed: int) -> dict[str, list[str]]:
    """300 action-list queries (page 1-20, optional agenda, status, year) and every agenda ×
    year 2023-2025 evaluation, drawn with a seeded RNG."""
    rng = np.random.default_rng(seed + 1)
    actions = []
    for _ in range(300):
        parts = [f"page={int(rng.integers(1, 21))}"]
        if rng.random() < 0.5:
            parts.append(f"agenda={AGENDAS[int(rng.integers(0, len(AGENDAS)))]}")
        if rng.random() < 0.3:
            parts.append("status=" + ["planned", "running", "completed"][int(rng.integers(0, 3))])
        if rng.random() < 0.3:
            parts.append(f"year={int(rng.integers(2023, 2026))}")
        actions.append("&".join(parts))
    evaluations = [f"agenda={a}&year={y}" for a in AGENDAS for y in (2023, 2024, 2025)]
    return {"ACTIONS": actions, "EVALUATIONS": evaluations}


def _paths(template: str, var: dict[str, list[str]]) -> list[str]:
    for name, values in var.items():
        if "{" + name + "}" in template:
            return [template.replace("{" + name + "}", v) for v in values]
    return [template]


def _lua(paths: list[str]) -> str:
    if len(paths) == 1:
        return WRK_LUA
    items = ",".join(f'"{p}"' for p in paths)
    return (
        f"local paths = {{{items}}}\nmath.randomseed(7)\n"
        "request = function()\n  return wrk.format('GET', paths[math.random(#paths)])\n"
        "end\n" + WRK_LUA
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(n_actions: int, rng: np.random.Generator) -> dict[str, float]:
    """Organisations, signatories, programmes, bottlenecks and ``n_actions`` actions."""
    from django.db import transaction

    from circulair.web.apps.agenda.models import Action, Bottleneck, Programme, Signatory
    from circulair.web.apps.agenda.selectors import records, records_of_agenda
    from circulair.web.apps.geography.models import Municipality
    from circulair.web.apps.organisations.models import Organisation

    t0 = time.perf_counter()
    agendas = list(records("work_agenda"))
    levers = list(records("lever"))
    rstrat = list(records("r_strategy"))
    kinds = list(records("programme_type"))
    wps = {a.pk: list(records_of_agenda("work_path", a)) for a in agendas}
    vcs = {a.pk: list(records_of_agenda("value_chain", a)) for a in agendas}
    munis = list(Municipality.objects.values_list("pk", flat=True))
    n_org = 5000
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench org {i:05d}",
                nace_code=f"{int(rng.integers(1, 99)):02d}.{int(rng.integers(0, 999)):03d}",
                employee_class=str(int(rng.integers(0, 10))),
                municipality_id=munis[int(rng.integers(len(munis)))],
            )
            for i in range(n_org)
        )
        org_ids = [o.pk for o in orgs]
        sigs = []
        for a in agendas:
            for oi in rng.choice(n_org, size=400, replace=False):
                sigs.append(
                    Signatory(
                        organisation_id=org_ids[int(oi)],
                        agenda=a,
                        year_signed=int(rng.integers(2018, 2026)),
                    )
                )
        Signatory.objects.bulk_create(sigs)
        progs = Programme.objects.bulk_create(
            Programme(
                name=f"Call {i}",
                kind=kinds[int(rng.integers(len(kinds)))],
                agenda=agendas[int(rng.integers(len(agendas)))],
                year=int(rng.integers(2019, 2026)),
                stage=Programme.Stage.values[int(rng.integers(6))],
            )
            for i in range(300)
        )
        Bottleneck.objects.bulk_create(
            Bottleneck(
                title=f"Obstacle {i}",
                agenda=agendas[int(rng.integers(len(agendas)))],
                policy_level=Bottleneck.Level.values[int(rng.integers(5))],
                status=Bottleneck.Status.values[int(rng.integers(4))],
            )
            for i in range(500)
        )
        statuses = np.array(["planned", "running", "completed", "stopped"])
        st = statuses[rng.choice(4, size=n_actions, p=[0.15, 0.45, 0.3, 0.1])]
        starts = rng.integers(0, 8 * 365, size=n_actions)
        lengths = rng.integers(30, 3 * 365, size=n_actions)
        base = dt.date(2019, 1, 1)
        batch = []
        for i in range(n_actions):
            a = agendas[int(rng.integers(len(agendas)))]
            start = base + dt.timedelta(days=int(starts[i]))
            status = str(st[i])
            end = (
                start + dt.timedelta(days=int(lengths[i]))
                if status in ("completed", "stopped") or rng.random() < 0.5
                else None
            )
            wp, vc = wps[a.pk], vcs[a.pk]
            batch.append(
                Action(
                    title=f"Actie {i}",
                    organisation_id=org_ids[int(rng.integers(n_org))],
                    agenda=a,
                    work_path=wp[int(rng.integers(len(wp)))] if wp and rng.random() < 0.8 else None,
                    value_chain=vc[int(rng.integers(len(vc)))]
                    if vc and rng.random() < 0.6
                    else None,
                    lever=levers[int(rng.integers(len(levers)))] if rng.random() < 0.7 else None,
                    municipality_id=munis[int(rng.integers(len(munis)))],
                    programme=progs[int(rng.integers(len(progs)))] if rng.random() < 0.1 else None,
                    start=start,
                    end=end,
                    status=status,
                    public=bool(rng.random() < 0.6),
                    impact_project=bool(rng.random() < 0.05),
                    results="Resultaat" if status == "completed" else "",
                )
            )
            if len(batch) == 5000:
                Action.objects.bulk_create(batch)
                batch = []
        Action.objects.bulk_create(batch)
        ids = list(Action.objects.values_list("pk", flat=True))
        through = Action.r_strategies.through
        rows = []
        for aid in ids:
            for k in rng.choice(len(rstrat), size=int(rng.integers(0, 3)), replace=False):
                rows.append(through(action_id=aid, record_id=rstrat[int(k)].pk))
        through.objects.bulk_create(rows, batch_size=10000)
        pthrough = Action.partners.through
        prow = [
            pthrough(action_id=aid, organisation_id=org_ids[int(rng.integers(n_org))])
            for aid in ids
            if rng.random() < 0.2
        ]
        pthrough.objects.bulk_create(prow, batch_size=10000, ignore_conflicts=True)
    return {
        "seed_s": time.perf_counter() - t0,
        "actions": len(ids),
        "r_rows": len(rows),
        "partner_rows": len(prow),
    }


def time_evaluation(repeats: int = 3) -> list[float]:
    """The full evaluation without the cache (the pages cache it per register version)."""
    from circulair.web.apps.agenda import selectors

    agenda = selectors.agenda_record("maakindustrie")
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        e = selectors.facts._evaluation(agenda, 2025)
        selectors.manufacturer_share_uncached(2025)
        out.append(time.perf_counter() - t0)
    print(
        f"  evaluation maakindustrie 2025: {e.counted_actions} actions counted, "
        f"{len(e.signatories)} signatories, {len(e.shortfalls)} short",
        file=sys.stderr,
    )
    return out


def load_wrk(url: str, seconds: int, connections: int, lua: Path) -> dict[str, float]:
    cmd = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(lua),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    vals = dict(
        line.split()
        for line in out.splitlines()
        if line.split()[:1] and line.split()[0] in ("P95_MS", "P50_MS", "REQS", "ERRS")
    )
    return {
        "p95_ms": float(vals["P95_MS"]),
        "p50_ms": float(vals["P50_MS"]),
        "requests": float(vals["REQS"]),
        "errors": float(vals["ERRS"]),
    }


def load_python(urls: list[str], seconds: int, connections: int) -> dict[str, float]:
    lat: list[float] = []
    errors = [0]
    stop = time.time() + seconds

    def worker() -> None:
        while time.time() < stop:
            t0 = time.perf_counter()
            try:
                urllib.request.urlopen(
                    urls[int(time.perf_counter_ns()) % len(urls)], timeout=10
                ).read()
                lat.append((time.perf_counter() - t0) * 1000)
            except OSError:
                errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat.sort()
    return {
        "p95_ms": lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
        "p50_ms": statistics.median(lat) if lat else float("nan"),
        "requests": float(len(lat)),
        "errors": float(errors[0]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actions", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20251129)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="gunicorn threads per worker (4 measured up to 3x slower: GIL contention)",
    )
    ap.add_argument("--data-dir", default="")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="Data dir already set up and seeded by an earlier run: only measure.",
    )
    args = ap.parse_args()

    data = Path(args.data_dir or tempfile.mkdtemp(prefix="bench-agenda-"))
    os.environ["CIRCULAIR_DATA_DIR"] = str(data)
    os.environ.setdefault("CIRCULAIR_MODE", "development")
    os.environ.setdefault("DEBUG", "false")  # as a deployment runs (no query log, no debug pages)
    cli = [sys.executable, "-m", "circulair.cli.main"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parents[1] / "src"), env.get("PYTHONPATH")) if p
    )
    print(f"data dir {data}; database {os.environ.get('DATABASE_URL', 'SQLite')}", file=sys.stderr)
    if not args.reuse:
        t0 = time.perf_counter()
        subprocess.run([*cli, "setup"], env=env, check=True, capture_output=True)
        print(f"setup {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    from circulair.cli import _django

    _django.setup()
    from django.db import connection

    if not args.reuse:
        rng = np.random.default_rng(args.seed)
        info = seed(args.actions, rng)
        with connection.cursor() as c:
            c.execute("ANALYZE")
        print(
            f"seeded {info['actions']:,} actions ({info['r_rows']:,} R-strategy rows, "
            f"{info['partner_rows']:,} partner rows) in {info['seed_s']:.1f} s",
            file=sys.stderr,
        )
    ev_times = time_evaluation()
    print(
        "full yearly evaluation (in process, 3 runs): " + ", ".join(f"{t:.2f} s" for t in ev_times),
        file=sys.stderr,
    )
    connection.close()

    port = _free_port()
    log = (data / "gunicorn.log").open("w")
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
                urllib.request.urlopen(base + "/agenda/", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit(f"server did not start; see {data / 'gunicorn.log'}") from None
                time.sleep(0.5)
        use_wrk = shutil.which("wrk") is not None
        lua = data / "p95.lua"
        lua.write_text(WRK_LUA)
        print(
            f"load: {'wrk' if use_wrk else 'python threads'}, {args.connections} connections,"
            f" {args.seconds} s per endpoint, gunicorn {args.workers} workers × "
            f"{args.threads} threads, "
            f"anonymous visitors' cache {os.environ.get('PUBLIC_CACHE_SECONDS', '60')} s",
            file=sys.stderr,
        )
        print("| endpoint | kind | p50 ms | p95 ms | requests | errors |")
        print("|---|---|---|---|---|---|")
        var = variants(args.seed)
        for kind, template in ENDPOINTS:
            paths = _paths(template, var)
            urllib.request.urlopen(base + paths[0], timeout=30).read()  # fail early
            # warm-up, not counted: 2 s of the first URL on every connection, so that each
            # gunicorn worker has imported and compiled what it serves (a running server has);
            # the varied URLs' own first visits stay in the measurement
            lua.write_text(WRK_LUA)
            if use_wrk:
                load_wrk(base + paths[0], 2, args.connections, lua)
            else:
                load_python([base + paths[0]], 2, args.connections)
            lua.write_text(_lua(paths))
            r = (
                load_wrk(base + paths[0], args.seconds, args.connections, lua)
                if use_wrk
                else load_python([base + p for p in paths], args.seconds, args.connections)
            )
            path = template.replace("{ACTIONS}", "… (300 variants)").replace(
                "{EVALUATIONS}", "… (18 variants)"
            )
            print(
                f"| `{path}` | {kind} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                f"{int(r['requests'])} | {int(r['errors'])} |",
                flush=True,
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    print(
        f"\nfull yearly evaluation (uncached, in process): median "
        f"{statistics.median(ev_times):.2f} s (target < 5 s)"
    )


if __name__ == "__main__":
    main()
