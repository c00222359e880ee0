"""``circulair agenda``: yearly evaluation, annual report, import/export, signatories, leads."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, err_console, fail, fail_input
from circulair.core.errors import InputError

app = typer.Typer(
    help="Work agendas: signatories, actions, yearly evaluation, annual report."
    "\n\nExample:  circulair agenda evaluate --year 2025 --agenda maakindustrie",
    no_args_is_help=True,
)


def _agenda(slug: str) -> Any:
    # after _django.setup(): see circulair/cli/_django.py
    from django.http import Http404

    from circulair.web.apps.agenda.selectors import agenda_record

    try:
        return agenda_record(slug)
    except Http404 as e:
        fail(str(e))


def _organisation(ref: str) -> Any:
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.organisations.services import organisation_find

    org = organisation_find(ref)
    if org is None:
        fail(f"no organisation '{ref}' (see: circulair org list)")
    return org


@app.command()
def evaluate(
    year: int = typer.Option(..., help="Year to evaluate."),
    agenda: str = typer.Option(
        "maakindustrie",
        help="Agenda slug (maakindustrie, circulair-bouwen, …; "
        "English aliases such as 'manufacturing' work).",
    ),
    fmt: Format = typer.Option(Format.table, "--format"),
    record_share: bool = typer.Option(
        False, help="Also write the share of manufacturers with an action to the monitor."
    ),
) -> None:
    """Evaluate an agenda for a year: actions per signatory against its commitment, shortfalls,
    work-path and value-chain coverage, levers, R-loops, programmes, open bottlenecks.

    Example:  circulair agenda evaluate --year 2025 --agenda maakindustrie --format json
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.agenda.presenters import evaluation_json
    from circulair.web.apps.agenda.services import manufacturer_share_record

    rec = _agenda(agenda)
    with err_console.status("Evaluating…"):
        data = evaluation_json(rec, year)
    if record_share:
        share = manufacturer_share_record(year=year)
        err_console.print(
            "share recorded in the monitor: "
            + (
                f"{share.percent:.1f} %"
                if share.percent is not None
                else "no manufacturers registered, nothing recorded"
            )
        )
    if fmt == Format.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    rows = [
        {
            "signatory": s["name"],
            "actions": s["actions"],
            "commitment": s["commitment"],
            "result": f"short by {s['short_by']}" if s["falls_short"] else "ok",
        }
        for s in data["signatories"]
    ]
    if fmt == Format.csv:
        emit(rows, fmt)
        return
    emit(rows, fmt, title=f"{rec.slug} {year}: signatories")
    console.print(
        f"{data['counted_actions']} actions counted; "
        f"{len(data['shortfalls'])} of {len(rows)} signatories fall short."
    )
    if data["uncovered_work_paths"]:
        console.print("Work paths without any action: " + ", ".join(data["uncovered_work_paths"]))
    if data["uncovered_value_chains"]:
        console.print(
            "Value chains without any action: " + ", ".join(data["uncovered_value_chains"])
        )
    console.print(f"Open bottlenecks: {len(data['open_bottlenecks'])}")
    if "manufacturer_share" in data:
        s = data["manufacturer_share"]
        pct = "n/a" if s["percent"] is None else f"{s['percent']:.1f} %"
        console.print(
            f"Manufacturers with an action: {s['active']} of {s['manufacturers']} ({pct})"
        )
    console.print(f"[dim]{data['rule']}[/dim]")


@app.command()
def report(
    year: int = typer.Option(..., help="Year of the report."),
    pdf: Path | None = typer.Option(None, help="Write the PDF here."),
    html: Path | None = typer.Option(None, help="Write the HTML here."),
    language: str = typer.Option("nl", help="nl or en."),
) -> None:
    """Write the annual report (per agenda and lever: impact projects, key figures, highlights).

    Example:  circulair agenda report --year 2025 --pdf out.pdf
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from django.template.loader import render_to_string
    from django.utils import translation

    from circulair.web.apps.agenda.presenters import report_context
    from circulair.web.apps.common.pdf import html_to_pdf

    if pdf is None and html is None:
        fail("give --pdf and/or --html")
    with translation.override(language), err_console.status("Writing the report…"):
        page = render_to_string("agenda/report_print.html", report_context(year))
        if html is not None:
            html.write_text(page, encoding="utf-8")
            err_console.print(f"Wrote {html}")
        if pdf is not None:
            pdf.write_bytes(html_to_pdf(page))
            err_console.print(f"Wrote {pdf}")


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV or XLSX with a header row."
    ),
    kind: str = typer.Option("actions", help="actions or signatories."),
    organisation: str = typer.Option(
        "", help="Organisation (id or exact name) for action rows without an 'organisation' column."
    ),
) -> None:
    """Import actions or signatories; the whole file is rejected if any row is wrong.

    Example:  circulair agenda import actions.csv --organisation "Recycling NV"
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.agenda import services

    try:
        if kind == "signatories":
            n = len(services.signatories_import(user=None, content=file, file_name=file.name))
        elif kind == "actions":
            org = _organisation(organisation) if organisation else None
            n = services.actions_import(
                user=None, content=file, file_name=file.name, organisation=org
            ).count()
        else:
            fail("--kind must be actions or signatories")
    except InputError as e:
        fail_input(e)
    console.print(f"[green]Imported[/green] {n} {kind}.")


@app.command()
def export(
    output: Path = typer.Argument(..., help="File to write (.csv or .xlsx)."),
    kind: str = typer.Option("actions", help="actions or signatories."),
    agenda: str = typer.Option("", help="Only this agenda."),
) -> None:
    """Export actions or signatories (the import's columns).

    Example:  circulair agenda export actions.xlsx --agenda maakindustrie
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.agenda import selectors, services

    fmt = "xlsx" if output.suffix.lower() == ".xlsx" else "csv"
    if kind == "signatories":
        qs: Any = selectors.signatory_list()
        if agenda:
            qs = qs.filter(agenda=_agenda(agenda))
        content = services.signatories_export(qs, fmt)
    else:
        qs = selectors.actions_for_export(_agenda(agenda) if agenda else None)
        content = services.actions_export(qs, fmt)
    output.write_bytes(content)
    err_console.print(f"Wrote {output}")


@app.command()
def sign(
    organisation: str = typer.Argument(..., help="Organisation id or exact name."),
    agenda: str = typer.Option(..., help="Agenda slug."),
    year: int = typer.Option(..., help="Year signed."),
    min_actions: int | None = typer.Option(None, help="Own commitment (actions/year)."),
) -> None:
    """Register an organisation as a signatory of an agenda.

    Example:  circulair agenda sign "Recycling NV" --agenda maakindustrie --year 2024
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.agenda.services import signatory_create

    try:
        s = signatory_create(
            user=None,
            organisation=_organisation(organisation),
            agenda=_agenda(agenda),
            year_signed=year,
            min_actions=min_actions,
        )
    except InputError as e:
        fail_input(e)
    console.print(f"{s.organisation.name} signed {s.agenda.slug} in {s.year_signed}")


@app.command()
def lead(
    username: str = typer.Argument(...), agenda: str = typer.Option(..., help="Agenda slug.")
) -> None:
    """Make a user the lead of an agenda (manages signatories, programmes, evaluation).

    Example:  circulair agenda lead alice --agenda maakindustrie
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.accounts.selectors import user_named
    from circulair.web.apps.agenda.services import agenda_lead_add

    user = user_named(username)
    if user is None:
        fail(f"no user '{username}'")
    agenda_lead_add(user=None, agenda=_agenda(agenda), lead=user)
    console.print(f"{username} leads {agenda}")


@app.command()
def commitment(
    agenda: str = typer.Option(..., help="Agenda slug."),
    min_actions: int = typer.Option(..., help="Actions per signatory per year."),
) -> None:
    """Set the yearly number of actions an agenda's signatories commit to (default 5).

    Example:  circulair agenda commitment --agenda maakindustrie --min-actions 5
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.agenda.services import agenda_commitment_set

    s = agenda_commitment_set(user=None, agenda=_agenda(agenda), min_actions=min_actions)
    console.print(f"{agenda}: {s.min_actions_per_year} actions per signatory per year")
