"""``circulair monitor``: status table and imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_status_and_import(tmp_path: Path) -> None:
    r = runner.invoke(app, ["monitor", "status", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = {x["target"]: x for x in json.loads(r.stdout)}
    assert rows["rmc-2030"]["status"] == "no_data"
    f = tmp_path / "rmc.csv"
    f.write_text("indicator,region,2010,2014,2018\n", encoding="utf-8")
    bad = runner.invoke(app, ["monitor", "import", str(f)])
    assert bad.exit_code == 1 and "rmc.csv" in bad.output
    f.write_text(
        "indicator,region,unit,2010,2018,source\nrmc,VLG,Mt,500,400,test\n", encoding="utf-8"
    )
    ok = runner.invoke(app, ["monitor", "import", str(f)])
    assert ok.exit_code == 0 and "2 new" in ok.output, ok.output
    r = runner.invoke(app, ["monitor", "status", "--format", "json"])
    rmc = {x["target"]: x for x in json.loads(r.stdout)}["rmc-2030"]
    assert rmc["latest"] == 400 and rmc["target_level"] == pytest.approx(350)
