"""``circulair data``: load and validate the shipped reference data."""

from __future__ import annotations

from pathlib import Path

import typer

from circulair.cli import _django
from circulair.cli.output import console, fail_input
from circulair.cli.platform import _setup
from circulair.core.errors import InputError
from circulair.core.knowledge import load_knowledge
from circulair.core.monitor.model import monitor_from_knowledge

app = typer.Typer(
    help="Load and validate reference data.\n\nExample:  circulair data validate",
    no_args_is_help=True,
)


@app.command()
def validate(
    directory: Path | None = typer.Option(None, help="Knowledge-base folder (default: shipped)."),
    seeds: Path | None = typer.Option(
        None,
        help="Folder of the source text extractions; when "
        "given, cited line ranges are checked against them.",
    ),
) -> None:
    """Validate the knowledge base: schema, citations, references. Lists every problem.

    Example:  circulair data validate --seeds ../shared/seeds
    """

    try:
        kb = load_knowledge(directory, seeds_dir=seeds)
    except InputError as e:
        fail_input(e)
    uncited = [r for r in kb.records if not r.citations]
    console.print(
        f"[green]OK[/green]: {len(kb.records)} records of "
        f"{len({r.kind for r in kb.records})} kinds, {len(kb.sources)} sources, "
        f"{len(uncited)} without citation."
    )
    # Every figure of the sources is a series point unless it has no year or no convertible
    # unit; each one left out is named with the reason (issue 15).
    monitor = monitor_from_knowledge(kb)
    figures = len(kb.by_kind("indicator_figure"))
    console.print(
        f"Monitor: {len(monitor.observations)} of {figures} indicator figures load as "
        f"observations; {len(monitor.skipped)} skipped:"
    )
    for slug, reason in monitor.skipped:
        console.print(f"  - {slug}: {reason}", soft_wrap=True, markup=False)


@app.command()
def load() -> None:
    """Load (or re-synchronise) the knowledge base and reference geography into the database.

    Example:  circulair data load
    """
    _django.setup()
    _setup()


@app.command()
def sources(
    directory: Path = typer.Argument(
        ..., help="Folder of the source text extractions (the files named in sources.yaml)."
    ),
) -> None:
    """Install the source documents' texts, so source pages show the cited passages.

    Idempotent: files that did not change are left as they are. Needs the knowledge base
    loaded (circulair data load).

    Example:  circulair data sources ../shared/seeds
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.core.knowledge.texts import read_source_texts
    from circulair.web.apps.knowledge.services import source_texts_install

    try:
        texts = read_source_texts(directory, load_knowledge().sources)
        report = source_texts_install(texts=texts)
    except InputError as e:
        fail_input(e)
    console.print(
        f"[green]OK[/green]: {len(texts)} source texts ({report.lines} lines): "
        f"{report.created} installed, {report.updated} replaced, {report.unchanged} unchanged."
    )
