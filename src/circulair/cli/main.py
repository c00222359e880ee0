"""Entry point of the ``circulair`` command (Typer). One module per command group."""

from __future__ import annotations

import typer

from circulair import __version__
from circulair.cli import (
    agenda,
    atlas,
    data,
    doers,
    exchange,
    flows,
    geo,
    kb,
    monitor,
    org,
    platform,
    scan,
)

app = typer.Typer(
    name="circulair",
    help="Circulair: run a regional circular-economy transition.\n\n"
    "Example:  circulair serve --port 8000",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
platform.register(app)
app.add_typer(data.app, name="data")
app.add_typer(kb.app, name="kb")
app.add_typer(geo.app, name="geo")
app.add_typer(atlas.app, name="atlas")
app.add_typer(monitor.app, name="monitor")
app.add_typer(exchange.app, name="exchange")
app.add_typer(org.app, name="org")
app.add_typer(agenda.app, name="agenda")
app.add_typer(scan.app, name="scan")
app.add_typer(doers.app, name="doers")
app.add_typer(flows.app, name="flows")


@app.command()
def version() -> None:
    """Print the version.

    Example:  circulair version
    """
    typer.echo(__version__)


if __name__ == "__main__":
    app()
