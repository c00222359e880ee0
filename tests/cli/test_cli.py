"""The circulair command line, run in-process against the test database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_every_command_has_help_with_an_example() -> None:
    import typer.main

    group = typer.main.get_command(app)
    stack = [([], group)]
    seen = 0
    while stack:
        path, cmd = stack.pop()
        for name, sub in getattr(cmd, "commands", {}).items():
            stack.append(([*path, name], sub))
        if not getattr(cmd, "commands", None):
            result = runner.invoke(app, [*path, "--help"])
            assert result.exit_code == 0, path
            assert "Example:" in result.output, f"no example in help of {' '.join(path)}"
            seen += 1
    assert seen >= 12


def test_kb_list_as_json_and_csv() -> None:
    result = runner.invoke(app, ["kb", "list", "work_agenda", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 6 and all(r["citations"] for r in rows)
    result = runner.invoke(
        app,
        ["kb", "list", "work_path", "--related-to", "work_agenda:maakindustrie", "--format", "csv"],
    )
    assert result.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(result.output)))) == 13


def test_kb_show_and_unknown_kind() -> None:
    result = runner.invoke(app, ["kb", "show", "work_agenda", "maakindustrie", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["citations"][0]["source"] in {"000", "002", "003"}
    bad = runner.invoke(app, ["kb", "list", "nokind"])
    assert bad.exit_code == 1 and "unknown kind 'nokind'" in bad.output
    bad = runner.invoke(app, ["kb", "show", "work_agenda", "nope"])
    assert bad.exit_code == 1 and "no 'work_agenda' record with slug 'nope'" in bad.output


def test_geo_municipalities_by_arrondissement_and_partition(tmp_path: Path) -> None:
    out = tmp_path / "leuven.csv"
    result = runner.invoke(
        app,
        [
            "geo",
            "municipalities",
            "--arrondissement",
            "24000",
            "--format",
            "csv",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 30 and {r["arrondissement"] for r in rows} == {"24000"}
    result = runner.invoke(
        app,
        [
            "geo",
            "municipalities",
            "--partition",
            "arrondissement",
            "--unit",
            "11000",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert {r["arrondissement"] for r in json.loads(result.output)} == {"11000"}
    result = runner.invoke(app, ["geo", "arrondissements", "--format", "json"])
    arrs = json.loads(result.output)
    assert len(arrs) == 22 and sum(1 for a in arrs if a["central_cities"]) == 12


def test_geo_import_partition_rejects_bad_file(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("refnis,unit\n11002,A\n", encoding="utf-8")
    result = runner.invoke(app, ["geo", "import-partition", str(f), "--name", "Bad"])
    assert result.exit_code == 1
    assert "missing" in result.output and "24062" in result.output


def test_data_validate_names_the_broken_file(tmp_path: Path) -> None:
    import shutil

    from circulair.core.knowledge import default_knowledge_dir

    d = tmp_path / "kb"
    shutil.copytree(default_knowledge_dir(), d)
    text = (d / "levers.yaml").read_text(encoding="utf-8")
    text = text.replace("{number_002: 1}", "{numbr_002: 1}", 1)
    (d / "levers.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["data", "validate", "--directory", str(d)])
    assert result.exit_code == 1
    assert "levers.yaml" in result.output and "attributes.numbr_002" in result.output
    ok = runner.invoke(app, ["data", "validate"])
    assert ok.exit_code == 0 and "OK" in ok.output
    # issue 15: the validator names every figure of the sources it leaves out of the monitor
    assert "Monitor: 9 of 24 indicator figures load as observations; 15 skipped:" in ok.output
    assert "  - household-waste-vlg-004: the text gives no year\n" in ok.output
    assert (
        "  - ecological-footprint-change-vlg-2010-2016: unit '%' is not the indicator's unit "
        "'t/inh' (not a level of the indicator)\n"
    ) in ok.output


def test_production_mode_refuses_to_start_without_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(
        CIRCULAIR_MODE="production", ALLOWED_HOSTS="example.org", CIRCULAIR_DATA_DIR=str(tmp_path)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "circulair.cli.main", "kb", "kinds"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Production mode needs a secret key" in proc.stderr
    assert "export SECRET_KEY=" in proc.stderr
