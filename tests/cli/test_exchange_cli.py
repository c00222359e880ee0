"""``circulair exchange`` and ``circulair org``: import, allocation, expiry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app

pytestmark = pytest.mark.django_db
runner = CliRunner()
HEAD = "kind,title,material,quantity,unit,available_from,available_to,refnis,route,radius_km\n"


def test_import_and_allocate(tmp_path: Path) -> None:
    for name in ("Leverancier", "Afnemer"):
        r = runner.invoke(app, ["org", "create", name])
        assert r.exit_code == 0, r.output
    offers = tmp_path / "offers.csv"
    offers.write_text(
        HEAD + "offer,Pallets A,wood-pallets,10,t,2026-01-01,2026-12-31,24062,"
        "reuse,\noffer,Pallets B,wood-pallets,4,t,2026-01-01,2026-12-31,"
        "44021,reuse,\n",
        encoding="utf-8",
    )
    requests = tmp_path / "requests.csv"
    requests.write_text(
        HEAD + "request,Pallets gezocht,wood-pallets,12,t,2026-01-01,2026-12-31,24062,reuse,150\n",
        encoding="utf-8",
    )
    assert (
        runner.invoke(
            app, ["exchange", "import", str(offers), "--organisation", "Leverancier"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["exchange", "import", str(requests), "--organisation", "Afnemer"]
        ).exit_code
        == 0
    )
    r = runner.invoke(app, ["exchange", "match", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    # 12 t requested, 14 t offered: all 12 t matched, the nearer offer (Leuven) used fully
    assert sum(x["quantity"] for x in rows) == pytest.approx(12)
    by = {x["offer_title"]: x["quantity"] for x in rows}
    assert by["Pallets A"] == pytest.approx(10) and by["Pallets B"] == pytest.approx(2)


def test_import_names_bad_rows(tmp_path: Path) -> None:
    runner.invoke(app, ["org", "create", "Leverancier"])
    f = tmp_path / "bad.csv"
    f.write_text(
        HEAD + "offer,X,wood-a,abc,t,2026-01-01,2026-12-31,24062,reuse,\n", encoding="utf-8"
    )
    r = runner.invoke(app, ["exchange", "import", str(f), "--organisation", "Leverancier"])
    assert r.exit_code == 1 and "bad.csv, line 2, column 'quantity'" in r.output
    r = runner.invoke(app, ["exchange", "import", str(f), "--organisation", "Nobody"])
    assert r.exit_code == 1 and "no organisation 'Nobody'" in r.output
    bad = runner.invoke(app, ["org", "create", "Z", "--enterprise-number", "0123.456.789"])
    assert bad.exit_code == 1 and "check digits" in bad.output


def test_the_allocation_names_materials_in_the_cli_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    from django.utils import translation

    from circulair.cli import output

    request.addfinalizer(lambda: translation.activate("en"))  # as the other commands leave it
    monkeypatch.setattr(output.console, "width", 400)  # one table row per line
    for name in ("Leverancier", "Afnemer"):
        runner.invoke(app, ["org", "create", name])
    offers, requests = tmp_path / "offers.csv", tmp_path / "requests.csv"
    offers.write_text(
        HEAD + "offer,Pallets A,wood-pallets,10,pieces,2026-01-01,2026-12-31,24062,reuse,\n",
        encoding="utf-8",
    )
    requests.write_text(
        HEAD + "request,Gezocht,wood-pallets,4,pieces,2026-01-01,2026-12-31,24062,reuse,50\n",
        encoding="utf-8",
    )
    for f, org in ((offers, "Leverancier"), (requests, "Afnemer")):
        r = runner.invoke(app, ["exchange", "import", str(f), "--organisation", org])
        assert r.exit_code == 0, r.output
    nl = runner.invoke(app, ["exchange", "match", "--lang", "nl"])
    assert nl.exit_code == 0, nl.output
    [row] = [line for line in nl.stdout.splitlines() if "Pallets A" in line]
    assert "Houten paletten" in row and "wood-pallets" not in nl.stdout
    en = runner.invoke(app, ["exchange", "match", "--language", "en"])
    assert "Wooden pallets" in en.stdout and "wood-pallets" not in en.stdout
    # the default: the CLI's language (CIRCULAIR_CLI_LANGUAGE, else English)
    r = runner.invoke(app, ["exchange", "match", "--format", "json"])
    [got] = json.loads(r.stdout)
    assert (got["material"], got["material_code"]) == ("Wooden pallets", "wood-pallets")
    monkeypatch.setenv("CIRCULAIR_CLI_LANGUAGE", "nl")
    r = runner.invoke(app, ["exchange", "match", "--format", "json"])
    [got] = json.loads(r.stdout)
    assert (got["material"], got["material_code"]) == ("Houten paletten", "wood-pallets")
    bad = runner.invoke(app, ["exchange", "match", "--lang", "fr"])
    assert bad.exit_code == 1 and "--language must be nl or en, not 'fr'" in bad.output
