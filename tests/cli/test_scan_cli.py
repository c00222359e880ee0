"""``circulair scan``: survey import with row validation, reports as data and as PDF, network."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app

pytestmark = pytest.mark.django_db
runner = CliRunner()
MATURITY = [
    "bio_korte_keten",
    "bio_voedselverspilling",
    "bio_bioafval",
    "bouw_stadsontwikkeling",
    "bouw_veranderingsgericht",
    "bouw_hergebruik",
    "bouw_gedeeld_gebruik",
    "econ_ondernemerschap",
    "econ_industrie",
    "econ_sociale_economie",
    "goed_herstel",
    "goed_delen",
    "goed_terugname",
    "water_gebruik",
    "water_ontharding",
    "water_klimaatadaptatie",
    "strat_strategie",
    "strat_monitoring",
    "strat_leiderschap",
    "ext_communicatie",
    "ext_burgers",
    "ext_bedrijventerreinen",
    "ext_ondernemers",
    "ext_regelgeving",
    "int_aankoopbeleid",
    "int_politiek",
    "int_diensten",
]


def _row(name: str, refnis: str, level: int, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "organisation": name,
        "refnis": refnis,
        "year": 2025,
        "profiel_type": "gemeente",
        "profiel_inwoners": 15000,
        "profiel_motieven": "kosten;klimaatdoelen",
        "profiel_drempels": "budget",
        "strat_goedgekeurd": "ja",
        "ext_subsidies": "nee",
        "int_aandeel_opdrachten": "10-50",
    }
    row.update({q: level for q in MATURITY})
    row.update(kw)
    return row


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_import_rejects_the_file_naming_line_and_column(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "bad.csv",
        [_row("Gemeente Zemst", "23096", 2), _row("Gemeente Herent", "99999", 2, goed_delen="5")],
    )
    r = runner.invoke(app, ["scan", "import", str(f)])
    assert r.exit_code == 1
    out = " ".join(r.output.split())
    assert "bad.csv, line 3, column 'refnis'" in out and "99999" in out
    assert "bad.csv, line 3, column 'goed_delen'" in out
    listed = runner.invoke(app, ["scan", "list", "--format", "json"])
    assert json.loads(listed.stdout) == []


def test_import_report_json_pdf_and_network(tmp_path: Path, pdf_page_png: Any) -> None:
    rows = [
        _row("Gemeente Zemst", "23096", 2),
        _row("Gemeente Herent", "24038", 3),
        _row("Gemeente Bierbeek", "24011", 1),
    ]
    r = runner.invoke(app, ["scan", "import", str(_write(tmp_path / "s.csv", rows))])
    assert r.exit_code == 0, r.output
    assert "3 submitted" in r.output
    listed = json.loads(runner.invoke(app, ["scan", "list", "--format", "json"]).stdout)
    zemst = next(x for x in listed if x["organisation"] == "Gemeente Zemst")
    rep = runner.invoke(app, ["scan", "report", str(zemst["id"]), "--format", "json"])
    assert rep.exit_code == 0, rep.output
    data = json.loads(rep.stdout)
    # bio 5.0; giving direction (.5 + 1 + .5 + .5)/4 = 6.25; external (5 x .5 + 0)/6 = 4.17;
    # internal (.5 + .67 + .5 + .5)/4 = 5.425; overall (25 + 6.25 + 4.1667 + 5.425)/8 = 5.105
    assert data["score"]["overall"] == 5.1
    assert data["percentiles"]["n_all"] == 2 and data["percentiles"]["all"]["overall"] == 50.0
    pdf = tmp_path / "zemst.pdf"
    out = runner.invoke(app, ["scan", "report", str(zemst["id"]), "--pdf", str(pdf)])
    assert out.exit_code == 0, out.output
    _png, ink = pdf_page_png(pdf.read_bytes())
    assert ink > 0.02
    net = runner.invoke(app, ["scan", "network", "--year", "2025", "--format", "json"])
    rows_out = json.loads(net.stdout)
    assert {"dimension": "all", "group": "all", "metric": "n", "value": 3} in rows_out
    assert not any("Zemst" in str(x["group"]) for x in rows_out)
    assert not any(x["metric"] == "not_for_publication" for x in rows_out)  # masked by default
    gent = _write(tmp_path / "gent.csv", [_row("Stad Gent", "44021", 2)])
    assert runner.invoke(app, ["scan", "import", str(gent)]).exit_code == 0
    args = ["scan", "network", "--year", "2025", "--format", "json"]
    masked = json.loads(runner.invoke(app, args).stdout)
    unmasked = json.loads(runner.invoke(app, [*args, "--unmasked"]).stdout)
    assert unmasked[0]["dimension"] == "notice" and unmasked[0]["metric"] == "not_for_publication"
    flagged = {x["group"] for x in unmasked if x["metric"] == "not_for_publication"} - {"all"}
    assert flagged == {"Oost-Vlaanderen"}  # one government: under the minimum of 3
    east = [x for x in unmasked if x["group"] == "Oost-Vlaanderen" and x["metric"] == "mean_score"]
    assert len(east) == 1 and east[0]["value"] > 0
    assert not any(x["group"] == "Oost-Vlaanderen" and x["metric"] == "mean_score" for x in masked)
    assert not any(x["metric"] == "not_for_publication" for x in masked)
    missing = runner.invoke(app, ["scan", "report", "999999"])
    assert missing.exit_code == 1 and "no scan response 999999" in missing.output
