"""Imports at scale: a million-row file per importer, and the time to refuse hostile files.

Run:  PYTHONPATH=src python benchmarks/bench_imports.py [--rows 1000000] [--only monitor,agenda]
      [--timeout 300] [--seed 7] [--postgres postgres://postgres:postgres@127.0.0.1:5432]

Each importer is run through the service function the web view and the CLI call, in a child
process of its own on a fresh copy of an SQLite database holding the shipped reference data (set
up once, not timed). The child reports the import's wall time and its peak resident memory
(``VmHWM`` of ``/proc/self/status``: the whole process, Django and reference data included). A
child still running after ``--timeout`` seconds is stopped and reported as such. The floor is a
plain ``csv.reader`` pass over the same file (no peer is named for imports); the ratio is the
import's time over the floor's.

Files (seeded, ``random.Random(seed)``):

* monitor: ``indicator,region,year,value,unit``: 5,000 indicators made for the run (unit ``t``)
  x region VLG x 200 years (1901-2100), values 1-1000 t.
* population: ``refnis,population``: a valid file has at most one row per municipality of the
  region (285 in Flanders), so a million valid rows cannot exist; the million rows repeat the
  municipalities and the figure is the time to check them all and refuse the file.
* agenda: ``title,agenda,status`` actions of one organisation (the CLI's ``--organisation``).
* exchange: ``kind,title,material,quantity,unit,available_from,available_to,refnis,route``
  listings of one organisation, published.
* scan: ``organisation,refnis,year``: one round per government (no answers: kept in progress).

Hostile files, each refused by the monitor and the agenda import: a CSV with one 50 MB cell, an
XLSX whose sheet unpacks to 2 GiB (a zip bomb of about 9 MB), a 100 MB XLSX of data.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

IMPORTERS = ("monitor", "population", "agenda", "exchange", "scan")
N_INDICATORS = 5000


def _db_name(data_dir: Path) -> str:
    return "bench_" + data_dir.name.replace("-", "_")


def _pg(sql: str) -> None:
    """Run one statement on the PostgreSQL server of ``--postgres`` (autocommit)."""
    import psycopg

    with psycopg.connect(os.environ["BENCH_POSTGRES"] + "/postgres", autocommit=True) as c:
        c.execute(sql)


def _copy(template: Path, data: Path) -> None:
    """A fresh database for one child: the data folder, and on PostgreSQL a database made
    from the template database (``CREATE DATABASE ... TEMPLATE``)."""
    shutil.copytree(template, data)
    if os.environ.get("BENCH_POSTGRES"):
        _pg(f"DROP DATABASE IF EXISTS {_db_name(data)}")
        _pg(f"CREATE DATABASE {_db_name(data)} TEMPLATE {_db_name(template)}")


def _drop(data: Path) -> None:
    shutil.rmtree(data)
    if os.environ.get("BENCH_POSTGRES"):
        _pg(f"DROP DATABASE IF EXISTS {_db_name(data)}")


def _django(data_dir: Path) -> None:
    if os.environ.get("BENCH_POSTGRES"):
        os.environ["DATABASE_URL"] = f"{os.environ['BENCH_POSTGRES']}/{_db_name(data_dir)}"
    os.environ["CIRCULAIR_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- files ---------------------------------------------------------------------------------
def write_file(kind: str, path: Path, rows: int, seed: int, refnis: list[str]) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        if kind == "monitor":
            w.writerow(["indicator", "region", "year", "value", "unit"])
            for i in range(rows):
                ind, year = divmod(i, 200)
                w.writerow(
                    [
                        f"bench-{ind % N_INDICATORS:04d}",
                        "VLG",
                        1901 + year,
                        rng.randint(1, 1000),
                        "t",
                    ]
                )
        elif kind == "population":
            w.writerow(["refnis", "population"])
            for i in range(rows):
                w.writerow([refnis[i % len(refnis)], rng.randint(1000, 500000)])
        elif kind == "agenda":
            w.writerow(["title", "agenda", "status"])
            for i in range(rows):
                w.writerow([f"Actie {i} {rng.randint(0, 10**6)}", "maakindustrie", "planned"])
        elif kind == "exchange":
            w.writerow(
                [
                    "kind",
                    "title",
                    "material",
                    "quantity",
                    "unit",
                    "available_from",
                    "available_to",
                    "refnis",
                    "route",
                ]
            )
            for i in range(rows):
                w.writerow(
                    [
                        rng.choice(("offer", "request")),
                        f"Partij {i}",
                        "wood-pallets",
                        rng.randint(1, 500),
                        "t",
                        "2026-01-01",
                        "2026-06-30",
                        rng.choice(refnis),
                        "reuse",
                    ]
                )
        elif kind == "scan":
            w.writerow(["organisation", "refnis", "year"])
            for i in range(rows):
                w.writerow([f"Gemeente {i}", rng.choice(refnis), 2025])


def write_bad_files(d: Path) -> dict[str, Path]:
    field = d / "field.csv"
    with field.open("wb") as f:
        f.write(b'title,agenda\n"' + b"x" * (50 << 20) + b'",maakindustrie\n')
    bomb = d / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            chunk = b" " * (16 << 20)
            for _ in range(128):  # 2 GiB
                out.write(chunk)
    big = d / "big.xlsx"
    rng = random.Random(1)
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(b"<worksheet><sheetData>")
            line = 0
            while big.stat().st_size < 100 << 20:
                rows = []
                for _ in range(20000):
                    line += 1
                    rows.append(
                        f'<row r="{line}"><c t="inlineStr"><is><t>{rng.getrandbits(64):x}</t>'
                        f"</is></c><c><v>{rng.random()}</v></c></row>"
                    )
                out.write("".join(rows).encode())
            out.write(b"</sheetData></worksheet>")
    return {"50 MB cell (CSV)": field, "2 GiB bomb (XLSX)": bomb, "100 MB XLSX": big}


# --- children ------------------------------------------------------------------------------
def child_setup(template: Path) -> None:
    _django(template)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from circulair.web.bootstrap import reference_data_load

    reference_data_load(regions=["flanders"])
    from circulair.web.apps.geography.models import Municipality

    print(json.dumps(sorted(Municipality.objects.values_list("refnis", flat=True))))


def _organisation() -> Any:
    from circulair.web.apps.organisations.models import Organisation

    return Organisation.objects.get_or_create(
        name="Bench NV", defaults={"side": Organisation.Side.BUSINESS}
    )[0]


def child_run(kind: str, data_dir: Path, path: Path, name: str) -> None:
    _django(data_dir)
    from circulair.core.errors import InputError

    if kind == "monitor":
        from circulair.web.apps.monitor.models import Indicator
        from circulair.web.apps.monitor.services import observations_import

        Indicator.objects.bulk_create(
            Indicator(
                slug=f"bench-{i:04d}", name_nl=f"Bench {i}", unit="t", direction="lower_is_better"
            )
            for i in range(N_INDICATORS)
        )

        def run() -> Any:
            return observations_import(content=path, file_name=name).changes

    elif kind == "population":
        from circulair.web.apps.geography import selectors
        from circulair.web.apps.geography.services import population_import

        region = selectors.region_default()

        def run() -> Any:
            return population_import(region=region, file_name=name, content=path, source="b")

    elif kind == "agenda":
        from circulair.web.apps.agenda import services as agenda

        org = _organisation()

        def run() -> Any:
            return agenda.actions_import(
                user=None, content=path, file_name=name, organisation=org
            ).count()

    elif kind == "exchange":
        from circulair.web.apps.exchange.services import listings_import

        org = _organisation()

        def run() -> Any:
            return listings_import(organisation=org, content=path, file_name=name).count()

    else:
        from circulair.web.apps.scan.services.imports import survey_import

        def run() -> Any:
            return survey_import(content=path, file_name=name)["rows"]

    start = time.perf_counter()
    try:
        out: Any = run()
    except InputError as e:
        out = f"refused: {len(e.problems)} problems; first: {e.problems[0]}"[:200]
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "result": out}))


def _child(args: list[str], timeout: float) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as e:
        raise SystemExit(e.stderr[-3000:]) from e
    return json.loads(done.stdout.strip().splitlines()[-1])


def floor_seconds(path: Path) -> float:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--only", default=",".join(IMPORTERS))
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-bad", action="store_true", help="skip the hostile files")
    p.add_argument(
        "--postgres",
        help="a PostgreSQL server URL without database (postgres://user:pw@host:5432): "
        "measure on PostgreSQL instead of SQLite",
    )
    p.add_argument("--child", nargs="*")
    a = p.parse_args()
    if a.postgres:
        os.environ["BENCH_POSTGRES"] = a.postgres.rstrip("/")
    if a.child:
        if a.child[0] == "setup":
            child_setup(Path(a.child[1]))
        else:
            child_run(a.child[0], Path(a.child[1]), Path(a.child[2]), a.child[3])
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    try:
        template = tmp / "template"
        if a.postgres:
            _pg(f"DROP DATABASE IF EXISTS {_db_name(template)}")
            _pg(f"CREATE DATABASE {_db_name(template)}")
        t = time.perf_counter()
        refnis = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child", "setup", str(template)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()[-1]
        )
        print(f"reference database set up in {time.perf_counter() - t:.0f} s (not timed)")
        print(
            f"{'importer':<11} {'rows':>9} {'s':>8} {'rows/s':>9} {'peak MB':>8} "
            f"{'csv s':>6} {'ratio':>6}  result"
        )
        for kind in a.only.split(","):
            path = tmp / f"{kind}.csv"
            write_file(kind, path, a.rows, a.seed, refnis)
            floor = floor_seconds(path)
            data = tmp / kind
            _copy(template, data)
            r = _child(["--child", kind, str(data), str(path), path.name], a.timeout)
            if r is None:
                print(
                    f"{kind:<11} {a.rows:>9,} {'>' + str(int(a.timeout)):>8} {'':>9} {'':>8} "
                    f"{floor:>6.2f} {'':>6}  not finished in {a.timeout:.0f} s"
                )
            else:
                print(
                    f"{kind:<11} {a.rows:>9,} {r['seconds']:>8.1f} {a.rows / r['seconds']:>9,.0f} "
                    f"{r['peak_mb']:>8.0f} {floor:>6.2f} {r['seconds'] / floor:>6.1f}  "
                    f"{r['result']}"
                )
            _drop(data)
            path.unlink()
        if a.no_bad:
            return
        bad = write_bad_files(tmp)
        print(f"\n{'hostile file':<20} {'size MB':>8} {'importer':<9} {'s':>6}  message")
        for label, path in bad.items():
            for kind in ("monitor", "agenda"):
                data = tmp / f"bad-{kind}"
                _copy(template, data)
                r = _child(["--child", kind, str(data), str(path), path.name], a.timeout)
                _drop(data)
                shown = "not finished" if r is None else f"{r['seconds']:>6.2f}  {r['result']}"
                print(f"{label:<20} {path.stat().st_size / (1 << 20):>8.1f} {kind:<9} {shown}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if a.postgres:
            _pg(f"DROP DATABASE IF EXISTS {_db_name(tmp / 'template')}")


if __name__ == "__main__":
    main()
