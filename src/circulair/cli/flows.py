"""``circulair flows``: import waste registers and municipal household waste; aggregate."""

from __future__ import annotations

from pathlib import Path

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, fail, fail_input
from circulair.core.errors import InputError

app = typer.Typer(
    help="Material and waste flows.\n\nExample:  circulair flows summary --by rung --year 2024",
    no_args_is_help=True,
)


@app.command("import-register")
def import_register(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX register."),
    organisation: int = typer.Option(..., "--organisation", help="id of the organisation"),
    name: str = typer.Option("", help="name of the dataset"),
) -> None:
    """Import a company's waste register; the whole file is refused when any row is wrong.

    Example:  circulair flows import-register register-2024.xlsx --organisation 12
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.flows.services import register_import
    from circulair.web.apps.organisations.models import Organisation

    org = Organisation.objects.filter(pk=organisation).first()
    if org is None:
        fail(f"--organisation: no organisation with id {organisation}")
    try:
        ds = register_import(organisation=org, content=file, file_name=file.name, name=name)
    except InputError as e:
        fail_input(e)
    console.print(
        f"[green]Imported[/green] {file.name}: {ds.rows} flows, {ds.tonnes:g} t (dataset {ds.pk})."
    )


@app.command("import-municipal")
def import_municipal(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX."),
    source: str = typer.Option("", help="where the figures come from"),
    licence: str = typer.Option("", help="their licence"),
) -> None:
    """Import household waste per municipality and fraction (refnis, year, fraction, tonnes).

    Example:  circulair flows import-municipal huishoudelijk-afval-2024.csv --source OVAM
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.flows.services import municipal_import

    try:
        ds = municipal_import(content=file, file_name=file.name, source=source, licence=licence)
    except InputError as e:
        fail_input(e)
    console.print(
        f"[green]Imported[/green] {file.name}: {ds.rows} rows, {ds.tonnes:g} t (dataset {ds.pk})."
    )


@app.command()
def summary(
    by: str = typer.Option("material", help="groupings, comma-separated (material, rung, ...)"),
    year: int | None = typer.Option(None, help="one year"),
    dataset: int | None = typer.Option(None, help="one dataset"),
    fmt: Format = typer.Option(Format.table, "--format"),
) -> None:
    """Tonnes of all flows per group, largest first.

    Example:  circulair flows summary --by year,rung
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.flows import presenters, selectors
    from circulair.web.apps.flows.models import Dataset

    groups = [b for b in by.split(",") if b]
    bad = [b for b in groups if b not in selectors.GROUPINGS]
    if bad or not groups:
        fail(f"--by: unknown grouping {by!r}; expected one of {', '.join(selectors.GROUPINGS)}")
    ds = Dataset.objects.filter(pk=dataset).first() if dataset else None
    if dataset and ds is None:
        fail(f"--dataset: no dataset with id {dataset}")
    qs = selectors.totals_visible(None, dataset=ds, year=year)
    rows = presenters.aggregate_rows(selectors.aggregate(qs, groups), groups)
    emit(
        [
            {
                **{g: label for g, label in zip(groups, r["labels"], strict=True)},
                "t": round(r["tonnes"], 3),
                "%": None if r["percent"] is None else round(r["percent"], 1),
            }
            for r in rows
        ],
        fmt,
        title="Flows",
    )
