"""Starting the platform: set-up (migrations + reference data), the web server and the worker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import typer

from circulair.cli import _django
from circulair.cli.output import console, fail
from circulair.core.errors import InputError


def _setup(quiet: bool = False) -> None:
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from django.conf import settings
    from django.core.management import call_command

    from circulair.web.apps.common.jobs import reap_stale
    from circulair.web.apps.common.uploads import uploads_orphans_remove
    from circulair.web.bootstrap import reference_data_load

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with console.status("Migrating the database…"):
        call_command("migrate", interactive=False, verbosity=0)
    try:
        with console.status("Loading the knowledge base and reference geography…"):
            report = reference_data_load()
    except InputError as e:
        fail(f"the shipped data is invalid:\n{e}")
    # only jobs gone silent (their worker died): another server's running jobs keep running
    stale = reap_stale()
    if stale and not quiet:
        console.print(f"{stale} background job(s) whose worker stopped queued again or failed.")
    orphans = uploads_orphans_remove()
    if orphans and not quiet:
        console.print(
            f"{len(orphans)} uploaded file(s) without a record (an interrupted import) removed."
        )
    if not quiet:
        kbr = report["knowledge"]
        console.print(
            f"Knowledge base: {kbr.created + kbr.updated + kbr.unchanged} records "
            f"({kbr.created} new, {kbr.updated} updated, {kbr.deleted} removed)."
        )
        if kbr.kept:
            console.print(
                f"Knowledge base: {len(kbr.kept)} record(s) edited in the back office "
                f"kept as they are: {', '.join(kbr.kept[:10])}"
                f"{' …' if len(kbr.kept) > 10 else ''}"
            )
        for r in report["regions"]:
            console.print(
                f"Region {r.region}: {r.created} created, {r.updated} updated, "
                f"{r.unchanged} unchanged."
            )
            if r.kept_population:
                console.print(
                    f"Region {r.region}: {r.kept_population} imported or edited "
                    "population figure(s) kept (the shipped proxy did not replace "
                    "them)."
                )
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)


def _reaper_start() -> None:
    """Apply the jobs' lease rule every few seconds in this worker (see common/jobs.py)."""
    from django.conf import settings
    from django.db import connection

    from circulair.web.apps.common.jobs import reap_stale

    every = max(2.0, settings.CIRCULAIR_JOB_HEARTBEAT_SECONDS)

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                reap_stale()
            except Exception:  # the database may be away a moment: try again next round
                connection.close()

    threading.Thread(target=loop, name="job-reaper", daemon=True).start()


def _supervise(web: list[str], worker: list[str]) -> None:
    """Run the web server and one worker until Ctrl+C or the web server ends; a worker that
    dies is started again (its job is queued again by the lease rule)."""
    procs = {"web": subprocess.Popen(web), "worker": subprocess.Popen(worker)}
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and procs["web"].poll() is None:
        if procs["worker"].poll() is not None:
            console.print(f"The worker stopped (exit {procs['worker'].returncode}); restarting it.")
            time.sleep(1)
            procs["worker"] = subprocess.Popen(worker)
        time.sleep(0.5)
    stop(signal.SIGTERM, None)
    deadline = time.time() + 30
    for p in procs.values():
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
    sys.exit(procs["web"].returncode or 0)


def register(app: typer.Typer) -> None:
    @app.command()
    def setup() -> None:
        """Create or migrate the database and load the shipped reference data (idempotent).

        Example:  circulair setup
        """
        _setup()

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(int(os.environ.get("PORT", "8000")), help="Port (env PORT)."),
        workers: int = typer.Option(1, help="gunicorn worker processes (use >1 with PostgreSQL)."),
        threads: int = typer.Option(
            4,
            help="Threads per worker. For CPU-bound load use 1 and one worker per core: "
            "threads contend for Python's lock (an API list measured 7 req/s with "
            "2 × 4, 26 req/s with 2 × 1).",
        ),
        skip_setup: bool = typer.Option(False, "--skip-setup", help="Do not migrate/load first."),
        with_worker: bool = typer.Option(
            True,
            "--worker/--no-worker",
            help="Also start one background worker (stopped with the server); --no-worker "
            "when workers run as their own service.",
        ),
        dev: bool = typer.Option(
            False,
            "--dev",
            help="DEBUG on (Django's error pages with settings and tracebacks): for "
            "development on your own machine only. Off by default.",
        ),
    ) -> None:
        """Set up (unless --skip-setup) and start the web server (gunicorn) and one background
        worker, printing the URL; Ctrl+C stops both.

        DEBUG is off unless --dev (or DEBUG=true); outside production the secret key is made
        once and kept in the data folder (CIRCULAIR_DATA_DIR/secret_key).

        Example:  circulair serve --port 8080
        """
        if dev:
            os.environ["DEBUG"] = "true"  # before settings load, here and in gunicorn's workers
        if not skip_setup:
            _setup()
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            fail("gunicorn is not installed in this environment (pip install gunicorn)")
        url = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}/"
        console.print(f"[bold green]Circulair is starting: open {url}[/bold green]  (Ctrl+C stops)")
        if dev:
            console.print("DEBUG is on (--dev): do not expose this server to others.")
        sys.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
        web = [
            gunicorn,
            "circulair.web.config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "info",
        ]
        if not with_worker:
            os.execv(gunicorn, web)
        _supervise(web, [sys.executable, "-m", "circulair.cli.main", "worker"])

    @app.command()
    def worker(
        interval: float = typer.Option(1.0, help="Seconds between looks at an empty queue."),
        batch: bool = typer.Option(
            False, "--batch", help="Run every queued job, then exit (scripts, tests)."
        ),
        max_jobs: int | None = typer.Option(None, help="Exit after this many jobs."),
        worker_id: str = typer.Option("", help="Unique name of this worker (default host-pid)."),
    ) -> None:
        """Run background jobs (siting runs, large imports, reports, e-mails) from the queue.

        Start as many as you like, on any machine that reaches the database: each job runs once
        at a time, on one worker. Ctrl+C (SIGTERM) stops after the current job; a worker killed
        mid-job leaves a job whose heartbeat stops, which another worker queues again (see
        docs/deploy.md). ``circulair serve`` starts one worker beside the web server.

        Example:  circulair worker
        """
        _django.setup()
        # after _django.setup(): see circulair/cli/_django.py
        from django.core.management import call_command

        from circulair.web.apps.common import jobs

        jobs.load_handlers()
        if worker_id:
            jobs.WORKER_ID = worker_id[:64]
        _reaper_start()
        console.print(f"Circulair worker {jobs.WORKER_ID}: waiting for jobs.")
        sys.stdout.flush()
        call_command(
            "db_worker",
            queue_name="*",
            interval=interval,
            batch=batch,
            max_tasks=max_jobs,
            worker_id=jobs.WORKER_ID,
            reload=False,
            startup_delay=not batch,
            verbosity=1,
        )

    @app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def manage(ctx: typer.Context) -> None:
        """Run a Django management command (e.g. createsuperuser, migrate).

        Example:  circulair manage createsuperuser --username admin
        """
        _django.setup()
        # after _django.setup(): see circulair/cli/_django.py
        from django.core.management import execute_from_command_line

        execute_from_command_line(["circulair manage", *ctx.args])
