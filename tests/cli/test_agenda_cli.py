"""``circulair agenda``: sign, import, evaluate (JSON on stdout), report PDF, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Evaluations are cached per change-log id; a rolled-back test may reuse those ids."""
    from django.core.cache import cache

    cache.clear()


runner = CliRunner()


def test_sign_import_evaluate_report_export(tmp_path: Path) -> None:
    for name, nace in (("Alfa Metaal", "25.110"), ("Bravo", "13.200")):
        r = runner.invoke(app, ["org", "create", name, "--nace", nace, "--employee-class", "4"])
        assert r.exit_code == 0, r.output
        r = runner.invoke(
            app, ["agenda", "sign", name, "--agenda", "maakindustrie", "--year", "2024"]
        )
        assert r.exit_code == 0, r.output
    f = tmp_path / "acties.csv"
    rows = "".join(
        f"Actie {i},Alfa Metaal,maakindustrie,running,2025-0{i + 1}-01,\n" for i in range(5)
    )
    f.write_text(
        "title,organisation,agenda,status,start,work_path\n"
        + rows
        + "Bravo 1,Bravo,maakindustrie,running,2025-01-01,maakindustrie-c\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("title,organisation,agenda\nX,Nobody,maakindustrie\n", encoding="utf-8")
    r = runner.invoke(app, ["agenda", "import", str(bad)])
    assert r.exit_code == 1 and "bad.csv, line 2, column 'organisation'" in r.output
    r = runner.invoke(app, ["agenda", "import", str(f)])
    assert r.exit_code == 0 and "Imported 6 actions" in r.output, r.output
    r = runner.invoke(
        app,
        [
            "agenda",
            "evaluate",
            "--year",
            "2025",
            "--agenda",
            "maakindustrie",
            "--format",
            "json",
            "--record-share",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["shortfalls"] == ["Bravo"]
    assert {s["name"]: s["actions"] for s in data["signatories"]} == {"Alfa Metaal": 5, "Bravo": 1}
    assert data["work_paths"]["maakindustrie-c"] == 1
    assert data["manufacturer_share"]["percent"] == 100.0
    r = runner.invoke(app, ["agenda", "evaluate", "--year", "2025"])
    assert r.exit_code == 0 and "short by 4" in r.output
    pdf = tmp_path / "out.pdf"
    r = runner.invoke(app, ["agenda", "report", "--year", "2025", "--pdf", str(pdf)])
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    out = tmp_path / "export.xlsx"
    r = runner.invoke(app, ["agenda", "export", str(out)])
    assert r.exit_code == 0 and out.stat().st_size > 0
