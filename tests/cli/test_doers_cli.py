"""``circulair doers``: list/search, all-or-nothing import (CSV and XLSX), export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.web.apps.doers.models import Case

pytestmark = pytest.mark.django_db
runner = CliRunner()
HEAD = "title,summary,agendas,r_strategies,refnis,category,links,status\n"


def test_import_rejects_the_whole_file_and_names_every_bad_row(tmp_path: Path) -> None:
    f = tmp_path / "cases.csv"
    f.write_text(
        HEAD + "Kwibus herstelcafé,Herstellen in Leuven,maakindustrie,r4-repair,24062,other,"
        "https://example.org,published\n"
        + ",Geen titel,maakindustrie,,24062,other,,draft\n"
        + "Kwibus twee,Tekst,geen-agenda,r4-repair,99999,weird,ftp://x,draft\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["doers", "import", str(f)])
    assert r.exit_code == 1
    out = " ".join(r.output.split())
    for frag in (
        "line 3, column 'title'",
        "line 4, column 'agendas'",
        "line 4, column 'refnis'",
        "line 4, column 'category'",
        "line 4, column 'links'",
    ):
        assert frag in out, frag
    assert not Case.objects.filter(title__startswith="Kwibus").exists()


def test_import_list_search_and_export_round_trip(tmp_path: Path) -> None:
    f = tmp_path / "cases.csv"
    f.write_text(
        HEAD + "Kwibus herstelcafé,Herstellen in Leuven,maakindustrie,r4-repair,24062,other,"
        "https://example.org,published\n"
        + "Kwibus concept,Nog niet klaar,maakindustrie,,,other,,draft\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["doers", "import", str(f)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["doers", "list", "--q", "kwibus", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["slug"] for x in rows] == ["kwibus-herstelcafe"]  # the draft is not published
    assert rows[0]["municipality"] == "Leuven" and rows[0]["score"] > 0
    r = runner.invoke(
        app, ["doers", "list", "--q", "kwibus", "--status", "all", "--format", "json"]
    )
    assert len(json.loads(r.stdout)) == 2
    out = tmp_path / "export.csv"
    r = runner.invoke(app, ["doers", "export", "--output", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("slug,title,summary")
    assert "kwibus-herstelcafe,Kwibus herstelcafé" in text
    assert "materialenbank-leuven" in text


def test_import_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["title", "summary", "agendas", "refnis"])
    ws.append(["Kwibus xlsx", "Uit een werkboek", "voedselketen", "44021"])
    f = tmp_path / "cases.xlsx"
    wb.save(f)
    r = runner.invoke(app, ["doers", "import", str(f)])
    assert r.exit_code == 0, r.output
    c = Case.objects.get(title="Kwibus xlsx")
    assert c.municipality.name_nl == "Gent" and c.status == "draft"
