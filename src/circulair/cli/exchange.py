"""``circulair exchange``: bulk import of listings, the optimal allocation, expiry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, err_console, fail, fail_input
from circulair.core.errors import CirculairError, InputError

app = typer.Typer(
    help="Secondary-materials exchange.\n\nExample:  circulair exchange match", no_args_is_help=True
)


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV or XLSX: kind,title,material,quantity,unit,"
        "available_from,available_to + refnis|postal_code|"
        "lat,lon; optional ewc,route,frequency,quality,"
        "certified,radius_km,price_eur,address",
    ),
    organisation: str = typer.Option(..., help="Organisation id or exact name."),
    draft: bool = typer.Option(False, help="Import as drafts instead of published."),
) -> None:
    """Import listings for an organisation; the whole file is rejected if any row is wrong.

    Example:  circulair exchange import offers.csv --organisation "Recycling NV"
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.exchange.services import listings_import
    from circulair.web.apps.organisations.services import organisation_find

    org = organisation_find(organisation)
    if org is None:
        fail(f"no organisation '{organisation}' (see: circulair org list)")
    try:
        out = listings_import(
            organisation=org, content=file, file_name=file.name, publish=not draft
        )
    except InputError as e:
        fail_input(e)
    console.print(f"[green]Imported[/green] {out.count()} listings for {org.name}.")


def _named(rows: list[dict[str, Any]], language: str, codes: bool) -> list[dict[str, Any]]:
    """Allocation rows with the material's name in ``language`` instead of its code (the code
    kept beside it as ``material_code`` for CSV and JSON, which machines read)."""
    from circulair.web.apps.exchange.models import material_name

    out = []
    for r in rows:
        row = {**r, "material": material_name(r["material"], language)}
        if codes:
            row["material_code"] = r["material"]
        out.append(row)
    return out


@app.command()
def match(
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
    language: str | None = typer.Option(
        None,
        "--language",
        "--lang",
        help="nl or en: the language of material names (default: the CLI's language, "
        "CIRCULAIR_CLI_LANGUAGE, else en).",
    ),
) -> None:
    """Propose the allocation of all open offers to requests that matches the most material
    over the shortest distance (checked for feasibility).

    Example:  circulair exchange match --format csv --output allocation.csv --lang nl
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from django.utils.translation import get_language

    from circulair.web.apps.exchange.selectors import allocation

    lang = language or get_language() or "en"
    if lang not in ("nl", "en"):
        fail(f"--language must be nl or en, not '{lang}'")
    with err_console.status("Finding candidates and solving the allocation…"):
        try:
            res = allocation()
        except CirculairError as e:
            fail(str(e))
    emit(_named(res["rows"], lang, codes=fmt != Format.table), fmt, output, title="Allocation")
    for u in res["per_unit"]:
        err_console.print(
            f"{u['unit']}: matched {u['matched']:g} of {u['offered']:g} offered "
            f"(requests {u['requested']:g}); {u['transport']:.1f} {u['unit']}·km"
        )
    err_console.print(f"{res['pairs']} candidate pairs; {res['seconds']:.2f} s")


@app.command()
def expire() -> None:
    """Mark listings whose availability window has ended as expired.

    Example:  circulair exchange expire
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.exchange.services import listings_expire

    console.print(f"{listings_expire()} listings expired.")
