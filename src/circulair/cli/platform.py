"""Starting the platform: set-up (migrations + reference data) and the web server."""

from __future__ import annotations

import os
import shutil
import sys

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
        console.print(f"{stale} background job(s) whose worker stopped marked as failed.")
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
        dev: bool = typer.Option(
            False,
            "--dev",
            help="DEBUG on (Django's error pages with settings and tracebacks): for "
            "development on your own machine only. Off by default.",
        ),
    ) -> None:
        """Set up (unless --skip-setup) and start the web server (gunicorn), printing the URL.

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
        os.execv(
            gunicorn,
            [
                gunicorn,
                "circulair.web.config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--access-logfile",
                "-",
                "--log-level",
                "info",
            ],
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
