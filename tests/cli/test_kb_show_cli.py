"""``circulair kb show`` prints readable lines in the CLI's language; ``data sources`` errors."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_kb_show_reads_as_lines_in_english() -> None:
    result = runner.invoke(app, ["kb", "show", "work_agenda", "maakindustrie"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "Manufacturing / Maakindustrie",
        "Work agenda (work_agenda:maakindustrie)",
        "Circular manufacturing: development and production of physical products (B2B and B2C).",
    ]
    assert lines[4:8] == [
        "Facts",
        "  Number in the spatial study (003): 4",
        "  Number in the 2023 annual report (002): 5",
        "  Spatially elaborated: yes",
    ]
    assert "{" not in result.output
    assert (
        "  [002] Vlaanderen Circulair annual report 2023 — 05 Werkagenda Maakindustrie,"
        " lines 1259–1273" in lines
    )


def test_kb_show_in_dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRCULAIR_CLI_LANGUAGE", "nl")
    result = runner.invoke(app, ["kb", "show", "facility_archetype", "materialenbank-groot"])
    assert result.exit_code == 0, result.output
    assert "  Oppervlakte: 10.000 m²" in result.output.splitlines()


def test_data_sources_names_the_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["data", "sources", str(tmp_path)])
    assert result.exit_code == 1
    expected = f"{tmp_path / '000_026142d557bfd850.txt'}: missing: the text of source 000"
    assert "".join(expected.split()) in "".join(result.output.split())
