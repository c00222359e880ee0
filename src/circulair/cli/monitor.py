"""``circulair monitor``: the status of every target, and importing observations."""

from __future__ import annotations

from pathlib import Path

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, fail_input
from circulair.core.errors import InputError
from circulair.core.monitor.compute import STATUS_RULE
from circulair.core.monitor.importer import template_csv

app = typer.Typer(
    help="Targets and indicators.\n\nExample:  circulair monitor status", no_args_is_help=True
)


@app.command()
def status(
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
    window: int = typer.Option(10, min=2, help="Trend window in years."),
) -> None:
    """Print every target's status, latest value, distance, required and observed pace.

    Example:  circulair monitor status --format csv --output status.csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.monitor.selectors import target_assessments

    rows = []
    for t, a, _series in target_assessments(window=window):
        rows.append(
            {
                "target": t.slug,
                "region": t.region,
                "deadline": t.target_year,
                "status": a.status,
                "latest": a.latest_value,
                "year": a.latest_year,
                "target_level": a.target_level,
                "distance": a.distance_abs,
                "required_rate": a.required_rate,
                "observed_rate": a.observed_rate,
                "projection": a.projection,
                "years_early_late": a.years_early_late,
                "reason": a.reason,
            }
        )
    emit(rows, fmt, output, title="Targets")
    if fmt == Format.table:
        console.print(f"[dim]{STATUS_RULE}[/dim]")


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV or XLSX (long template or one column per year)."
    ),
    confirm: bool = typer.Option(
        False,
        "--confirm",
        help="Store values refused as implausible (a thousandfold away from the stored "
        "neighbouring values, or rounding to 0 in an empty series).",
    ),
) -> None:
    """Import observations; the whole file is rejected when any row is wrong.

    A value that looks like a unit slip (460 kg for an indicator in Mt) is refused with the
    reason; check it, then import again with --confirm to store it as it is.

    Example:  circulair monitor import figures.xlsx
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.monitor.services import observations_import

    try:
        rep = observations_import(content=file, file_name=file.name, confirm=confirm)
    except InputError as e:
        fail_input(e)
    console.print(
        f"[green]Imported[/green] {file.name}: {rep.created} new, {rep.updated} "
        f"updated, {rep.unchanged} unchanged."
    )


@app.command()
def template(wide: bool = typer.Option(False, help="One column per year.")) -> None:
    """Print the import template (CSV) with an example row.

    Example:  circulair monitor template > figures.csv
    """

    typer.echo(template_csv(wide=wide), nl=False)
