"""``circulair doers``: list/search the catalogue, import and export cases."""

from __future__ import annotations

from pathlib import Path

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, err_console, fail_input
from circulair.core.errors import InputError

app = typer.Typer(
    help="Doers catalogue (cases).\n\nExample:  circulair doers list --q hergebruik",
    no_args_is_help=True,
)


@app.command("list")
def list_(
    q: str = typer.Option("", "--q", help="Full-text search (ranked by relevance)."),
    agenda: str = typer.Option("", help="Work agenda slug."),
    province: str = typer.Option("", help="Province REFNIS code."),
    r: str = typer.Option("", "--r", help="R-strategy slug."),
    category: str = typer.Option("", help="Category."),
    status: str = typer.Option("published", help="draft, published, archived or all."),
    limit: int = typer.Option(1000, help="At most this many rows."),
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
) -> None:
    """List cases (published by default), ranked by relevance when searching.

    Example:  circulair doers list --q "materialenbank" --format json
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.doers.selectors import case_results

    params = {
        k: v
        for k, v in (
            ("q", q),
            ("agenda", agenda),
            ("province", province),
            ("r", r),
            ("category", category),
        )
        if v
    }
    if status != "all":
        params["status"] = status
    res = case_results(None, params, page=1, page_size=max(1, limit))
    rows = [
        {
            "slug": c.slug,
            "title": c.title,
            "organisation": c.organisation_label,
            "municipality": c.municipality.name_nl if c.municipality else "",
            "agendas": ",".join(a.slug for a in c.agendas.all()),
            "category": c.category,
            "status": c.status,
            **({"score": round(res.scores[c.pk], 4)} if c.pk in res.scores else {}),
        }
        for c in res.cases
    ]
    emit(rows, fmt, output, title="Cases")
    err_console.print(f"{res.total} cases match")


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV or XLSX with columns title, summary and "
        "optionally slug, body, organisation (id or name), "
        "organisation_name, agendas, r_strategies, "
        "value_chain, sector_group, refnis, province, "
        "category, links, status",
    ),
) -> None:
    """Import cases; the whole file is rejected if any row is wrong (the file is kept).

    Example:  circulair doers import cases.csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.doers.services import cases_import

    try:
        out = cases_import(content=file, file_name=file.name, user=None)
    except InputError as e:
        fail_input(e)
    console.print(f"[green]Imported[/green] {len(out)} cases.")


@app.command()
def export(
    fmt: Format = typer.Option(Format.csv, "--format"), output: Path | None = typer.Option(None)
) -> None:
    """Export every case in the import columns (so an export can be edited and imported).

    Example:  circulair doers export --format csv --output cases.csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.doers.presenters import case_export_rows

    emit(case_export_rows(), fmt, output, title="Cases")
