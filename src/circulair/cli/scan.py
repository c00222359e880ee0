"""``circulair scan``: questionnaire versions, survey import, tailored reports, network view."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, err_console, fail, fail_input
from circulair.core.errors import InputError

app = typer.Typer(
    help="Circular scan for local governments.\n\n"
    "Example:  circulair scan report 12 --pdf scan-12.pdf",
    no_args_is_help=True,
)


@app.command()
def questionnaires(fmt: Format = typer.Option(Format.table, "--format")) -> None:
    """List the published questionnaire versions.

    Example:  circulair scan questionnaires
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.scan.models import QuestionnaireVersion
    from circulair.web.apps.scan.services import questionnaire_of

    rows = []
    for qv in QuestionnaireVersion.objects.order_by("code", "version"):
        q = questionnaire_of(qv)
        rows.append(
            {
                "code": qv.code,
                "version": qv.version,
                "title": qv.title_en or qv.title_nl,
                "sections": len(q.sections),
                "questions": len(q.questions),
                "responses": qv.responses.count(),
            }
        )
    emit(rows, fmt, title="Questionnaire versions")


@app.command()
def publish(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="questionnaire-v<N>.yaml"),
) -> None:
    """Publish a new questionnaire version; stored answers keep their own version.

    Example:  circulair scan publish questionnaire-v2.yaml
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.scan.services import questionnaire_publish

    try:
        qv, created = questionnaire_publish(
            raw=yaml.safe_load(file.read_text(encoding="utf-8")), name=file.name
        )
    except (InputError, yaml.YAMLError) as e:
        fail(str(e))
    console.print(f"{'Published' if created else 'Already published'}: {qv.code} v{qv.version}")


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV or XLSX: organisation,year[,enterprise_number,"
        "refnis] + one column per question id",
    ),
    fmt: Format = typer.Option(Format.table, "--format"),
) -> None:
    """Import a survey export; the whole file is rejected if any cell is wrong.

    Complete rows are submitted and scored; incomplete rows become rounds in progress.
    Multiple choices are separated by ';'; yes/no as ja/nee, yes/no or 1/0.

    Example:  circulair scan import survey-2025.csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.scan.services.imports import survey_import

    try:
        out = survey_import(content=file, file_name=file.name)
    except InputError as e:
        fail_input(e)
    if fmt == Format.json:
        console.print_json(json.dumps(out, ensure_ascii=False))
        return
    console.print(
        f"[green]Imported[/green] {out['rows']} rows ({out['questionnaire']}): "
        f"{out['submitted']} submitted, {out['in_progress_count']} in progress; "
        f"{out['organisations_created_count']} organisations created."
    )
    for d in out["in_progress"]:
        err_console.print(
            f"line {d['line']} ({d['organisation']}): missing {', '.join(d['missing'])}"
        )


@app.command()
def report(
    response_id: int = typer.Argument(..., help="Response id (see: circulair scan list)"),
    pdf: Path | None = typer.Option(None, help="Write the report as PDF to this file."),
    fmt: Format = typer.Option(Format.table, "--format"),
    language: str = typer.Option("nl", help="nl or en"),
) -> None:
    """The tailored report of a submitted scan (scores, peers, next steps), or its PDF.

    Example:  circulair scan report 12 --pdf scan-12.pdf
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from django.http import Http404
    from django.template.loader import render_to_string
    from django.utils import translation

    from circulair.web.apps.common.pdf import html_to_pdf
    from circulair.web.apps.scan import presenters, selectors

    r = selectors.response_get(response_id)
    if r is None:
        fail(f"no scan response {response_id} (see: circulair scan list)")
    if not r.is_submitted:
        fail(
            f"response {response_id} is not submitted yet; only complete, submitted scans "
            "have a report"
        )
    with translation.override(language):
        try:
            if pdf is not None:
                with err_console.status("Rendering the PDF…"):
                    html = render_to_string("scan/report_print.html", presenters.report(r))
                    pdf.write_bytes(html_to_pdf(html))
                console.print(f"Wrote {pdf} ({pdf.stat().st_size:,} bytes)")
                return
            data = presenters.report_data(r)
        except Http404 as e:
            fail(str(e))
    if fmt == Format.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    emit(
        [
            {
                "section": row["title"],
                "score": round(row["score"], 1),
                "level": row["level_name"],
                "percentile_similar": row["peers"],
                "percentile_all": row["all"],
                "change": row["delta"],
            }
            for row in data["sections"]
        ],
        fmt,
        title=f"{data['organisation']} {data['year']}: overall {data['score']['overall']}/10",
    )
    for i, rec in enumerate(data["recommendations"], 1):
        console.print(
            f"{i}. {rec['text']} [dim]({rec['instrument']['name']}; "
            f"{rec['community']['name']})[/dim]"
        )


@app.command("list")
def list_(
    year: int | None = typer.Option(None), fmt: Format = typer.Option(Format.table, "--format")
) -> None:
    """List scan rounds (organisation, year, status, overall score).

    Example:  circulair scan list --year 2025
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.scan.selectors import response_list

    qs = response_list(year=year)
    emit(
        [
            {
                "id": r.pk,
                "organisation": r.organisation.name,
                "year": r.year,
                "status": r.status,
                "questionnaire": f"{r.questionnaire.code} v{r.questionnaire.version}",
                "overall": round(r.score["overall"], 1) if r.score else None,
            }
            for r in qs
        ],
        fmt,
        title="Scan responses",
    )


@app.command()
def network(
    year: int | None = typer.Option(
        None, help="Round; default all years (latest round per government)."
    ),
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
    unmasked: bool = typer.Option(
        False,
        "--unmasked",
        help="Also groups smaller than the publication minimum (flagged small: not for "
        "publication); the operator holds every role.",
    ),
) -> None:
    """The network's aggregate view (no single government's answers), as rows.

    Example:  circulair scan network --year 2025 --format csv --output network.csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from django.utils import translation

    from circulair.web.apps.scan.presenters import network_rows, network_view

    with translation.override("en"):
        rows = network_rows(network_view(year=year, unmasked=unmasked))
    emit(
        [{"dimension": d, "group": g, "metric": m, "value": v} for d, g, m, v in rows],
        fmt,
        output,
        title="Scan network view",
    )
