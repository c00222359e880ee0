"""``circulair flows``: register and municipal imports, and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.web.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_import_and_summary(tmp_path: Path) -> None:
    org = Organisation.objects.create(name="Metaal A", nace_code="25110")
    f = tmp_path / "register.csv"
    f.write_text(
        "date,waste_code,quantity,unit,treatment\n2024-01-02,17 04 05,2500,kg,R4\n"
        "2024-02-03,20 03 01,1.5,t,R1\n",
        encoding="utf-8",
    )
    ok = runner.invoke(app, ["flows", "import-register", str(f), "--organisation", str(org.pk)])
    assert ok.exit_code == 0 and "2 flows, 4 t" in ok.output, ok.output
    r = runner.invoke(app, ["flows", "summary", "--by", "rung", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == [
        {"rung": "R8 Recycle", "t": 2.5, "%": 62.5},
        {"rung": "R9 Recover (energy)", "t": 1.5, "%": 37.5},
    ]
    f.write_text("date,waste_code,quantity,treatment\n2024-01-02,17 04 05,-1,R99\n")
    bad = runner.invoke(app, ["flows", "import-register", str(f), "--organisation", str(org.pk)])
    assert bad.exit_code == 1 and "line 2" in bad.output and "R99" in bad.output
    wrong = runner.invoke(app, ["flows", "summary", "--by", "colour"])
    assert wrong.exit_code == 1 and "colour" in wrong.output
    m = tmp_path / "m.csv"
    m.write_text("refnis,year,fraction,tonnes\n24062,2024,restafval,9500\n", encoding="utf-8")
    ok = runner.invoke(app, ["flows", "import-municipal", str(m), "--source", "OVAM"])
    assert ok.exit_code == 0 and "1 rows, 9500 t" in ok.output, ok.output
