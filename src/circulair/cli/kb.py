"""``circulair kb``: list, show and export knowledge-base records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, fail
from circulair.core.knowledge.schema import KINDS

app = typer.Typer(
    help="Browse the knowledge base.\n\nExample:  circulair kb list work_agenda",
    no_args_is_help=True,
)


def _row(r: Any, full: bool = False) -> dict[str, Any]:
    cites = [
        f"{c.source.code}:{c.line_start}-{c.line_end}" for c in r.citations.all() if not c.variant
    ]
    row: dict[str, Any] = {
        "kind": r.kind,
        "slug": r.slug,
        "name_nl": r.name_nl,
        "name_en": r.name_en,
        "citations": " ".join(cites),
    }
    if full:
        row.update(
            {
                "description_nl": r.description_nl,
                "description_en": r.description_en,
                "attributes": r.attributes,
                "refs": [
                    f"{x.role}={x.to_record.kind}:{x.to_record.slug}" for x in r.relations.all()
                ],
                "variants": [
                    {"name": v.name, "attributes": v.attributes} for v in r.variants.all()
                ],
            }
        )
    return row


@app.command()
def kinds() -> None:
    """List the record kinds and how many records each has.

    Example:  circulair kb kinds
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.knowledge.selectors import kind_counts

    emit(
        [{"kind": k["kind"], "label": k["label_en"], "records": k["count"]} for k in kind_counts()],
        Format.table,
        title="Knowledge-base kinds",
    )


@app.command("list")
def list_(
    kind: str = typer.Argument(..., help="Record kind, e.g. work_agenda, work_path, case."),
    q: str = typer.Option("", help="Text to search in names and descriptions."),
    related_to: str = typer.Option("", help="Only records referring to KIND:SLUG."),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json."),
    output: Path | None = typer.Option(None, help="Write to this file instead of stdout."),
) -> None:
    """List the records of one kind.

    Example:  circulair kb list work_path --related-to work_agenda:maakindustrie --format csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.knowledge.filtersets import RecordFilter
    from circulair.web.apps.knowledge.selectors import record_list

    if kind not in KINDS:
        fail(f"unknown kind '{kind}'; expected one of: {', '.join(KINDS)}")
    data = {"kind": kind, "q": q, "related_to": related_to}
    f = RecordFilter(
        {k: v for k, v in data.items() if v},
        queryset=record_list().prefetch_related("relations__to_record", "variants"),
    )
    if not f.is_valid():
        fail("; ".join(f"{k}: {' '.join(v)}" for k, v in f.errors.items()))
    rows = [_row(r, full=fmt != Format.table) for r in f.qs]
    emit(rows, fmt, output, title=KINDS[kind].label_en)


@app.command()
def show(
    kind: str,
    slug: str,
    fmt: Format = typer.Option(Format.table, "--format", help="table or json."),
) -> None:
    """Show one record with its facts, references, variants and citations.

    Example:  circulair kb show work_agenda maakindustrie
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.knowledge.models import Record
    from circulair.web.apps.knowledge.selectors import record_detail

    try:
        r = record_detail(kind=kind, slug=slug)
    except Record.DoesNotExist:
        fail(f"no '{kind}' record with slug '{slug}' (see: circulair kb list {kind})")
    row = _row(r, full=True)
    row["citations"] = [
        {
            "source": c.source.code,
            "title": c.source.title,
            "locator": c.locator,
            "lines": [c.line_start, c.line_end],
            "variant": c.variant,
        }
        for c in r.citations.all()
    ]
    from circulair.web.apps.knowledge import presenters

    resolve = presenters.resolver()
    facts = presenters.record_facts(r, resolve)
    if fmt == Format.json:
        row["facts"] = [{"key": f.key, "label": f.label, "text": f.text} for f in facts]
        emit([row], Format.json)
        return
    for line in show_lines(r, facts, resolve):
        console.print(escape(line), soft_wrap=True, highlight=False)


def show_lines(r: Any, facts: list[Any], resolve: Any) -> list[str]:
    """``kb show`` as readable lines in the CLI's language: the name, the facts with their
    labels and units, the references by name, the variants and the citations."""
    from django.utils.translation import gettext as _

    from circulair.web.apps.knowledge import presenters

    lang = presenters.language()
    spec = KINDS[r.kind]
    other = r.name_nl if lang == "en" else r.name_en
    lines = [f"{r.name}" + (f" / {other}" if other and other != r.name else "")]
    lines.append(f"{spec.label_en if lang == 'en' else spec.label_nl} ({r.kind}:{r.slug})")
    if r.description:
        lines.append(r.description)

    def fact_lines(fs: list[Any], indent: str) -> list[str]:
        out = []
        for f in fs:
            if f.many:
                out.append(f"{indent}{f.label}:")
                out.extend(f"{indent}  - {p.text}" for p in f.pieces)
            else:
                out.append(f"{indent}{f.label}: {f.text}")
        return out

    if facts:
        lines += ["", _("Facts"), *fact_lines(facts, "  ")]
    for heading, recs in presenters.outgoing_labelled(r):
        lines += ["", heading, *(f"  {x.name} ({x.kind}:{x.slug})" for x in recs)]
    cites = [c for c in r.citations.all() if not c.variant]
    for v in r.variants.all():
        lines += ["", f"{_('Variant')}: {v.label}"]
        lines += fact_lines(presenters.variant_facts(r, v.attributes, resolve), "  ")
        lines += [f"  {_cite(c, lang)}" for c in r.citations.all() if c.variant == v.name]
    if cites:
        lines += ["", _("Sources"), *(f"  {_cite(c, lang)}" for c in cites)]
    return lines


def _cite(c: Any, lang: str) -> str:
    from django.utils.translation import gettext as _

    title = c.source.title_en if lang == "en" and c.source.title_en else c.source.title
    return f"[{c.source.code}] {title} — {c.locator}, {_('lines')} {c.line_start}–{c.line_end}"


@app.command()
def export(
    fmt: Format = typer.Option(Format.json, "--format", help="csv or json."),
    output: Path | None = typer.Option(None, help="File to write (default stdout)."),
    kind: str = typer.Option("", help="Only this kind."),
) -> None:
    """Export the whole knowledge base (or one kind) with every field and citation.

    Example:  circulair kb export --format json --output kb.json
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.knowledge.selectors import record_list

    qs = record_list(kind=kind or None).prefetch_related("relations__to_record", "variants")
    emit([_row(r, full=True) for r in qs], Format.json if fmt == Format.table else fmt, output)
