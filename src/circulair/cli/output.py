"""Printing rows as a Rich table, CSV or JSON (to stdout or a file)."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.table import Table

from circulair.core.errors import InputError
from circulair.core.tables import csv_cell

console = Console()
err_console = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _cell(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else str(v)


def emit(
    rows: list[dict[str, Any]], fmt: Format, output: Path | None = None, title: str = ""
) -> None:
    if fmt == Format.json:
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    elif fmt == Format.csv:
        buf = io.StringIO()
        cols = list(rows[0]) if rows else []
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: csv_cell(_cell(v)) for k, v in r.items()})
        text = buf.getvalue()
    else:
        if output is not None:
            raise SystemExit("--output needs --format csv or json")
        table = Table(title=title or None)
        for c in list(rows[0]) if rows else []:
            table.add_column(c)
        for r in rows:
            table.add_row(*(_cell(v) for v in r.values()))
        console.print(table)
        console.print(f"[dim]{len(rows)} rows[/dim]")
        return
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"Wrote {len(rows)} rows to {output}")


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]Error:[/bold red] {message}")
    raise SystemExit(code)


def fail_input(e: InputError, code: int = 1) -> NoReturn:
    """Stop on a refused input, its problems in the CLI's language (``CIRCULAIR_CLI_LANGUAGE``,
    English by default) once Django is set up; in English before (commands without it)."""
    fail(input_text(e), code)


def input_text(e: InputError) -> str:
    """The input error as the CLI prints it (see :func:`fail_input`)."""
    if "django.apps" in sys.modules:
        from django.apps import apps  # only where a command has set Django up

        if apps.ready:
            from circulair.web.apps.common.texts import input_error_text

            return input_error_text(e)
    return str(e)
