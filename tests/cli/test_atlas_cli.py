"""``circulair atlas``: presets reproduce the study; bad input gets a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.core.geo import load_region

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_extrapolate_preset_prints_the_study_figure() -> None:
    r = runner.invoke(app, ["atlas", "extrapolate", "--preset", "materialenbanken-arrondissement"])
    assert r.exit_code == 0, r.output
    assert "22 facilities, 17 ha (study: 17 ha)" in r.output
    r = runner.invoke(
        app, ["atlas", "extrapolate", "--preset", "sorteercentra-kunststof", "--format", "json"]
    )
    assert json.loads(r.stdout)[0]["totals"]["ha"] == 56


def test_extrapolate_with_a_partition_file(tmp_path: Path) -> None:
    geo = load_region()
    central = [m for m in geo.municipalities if m.central_city]
    rest = [m for m in geo.municipalities if not m.central_city]
    rows = [f"{m.refnis},C{m.refnis}" for m in central]
    rows += [f"{m.refnis},R{i % 17}" for i, m in enumerate(rest)]
    f = tmp_path / "catchments.csv"
    f.write_text("refnis,unit\n" + "\n".join(rows) + "\n", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "atlas",
            "extrapolate",
            "--preset",
            "kringwinkel-clusters-verzorgingsgebied",
            "--partition-file",
            str(f),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "30 facilities, 21.5 ha" in r.output
    f.write_text("refnis,unit\n" + "\n".join(rows[:-1]) + "\n", encoding="utf-8")
    bad = runner.invoke(
        app,
        [
            "atlas",
            "extrapolate",
            "--preset",
            "kringwinkel-clusters-verzorgingsgebied",
            "--partition-file",
            str(f),
        ],
    )
    assert bad.exit_code == 1 and rest[-1].refnis in bad.output and "missing" in bad.output


def test_site_and_its_errors() -> None:
    r = runner.invoke(
        app,
        [
            "atlas",
            "site",
            "--model",
            "p_median",
            "--p",
            "14",
            "--archetype",
            "sorteercentrum-kunststof",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)[0]
    assert res["totals"]["count"] == 14 and res["totals"]["ha"] == 56 and res["gap"] <= 1e-9
    for args, text in (
        (["--model", "p_median", "--p", "400"], "p larger than the 285 candidate sites"),
        (["--model", "set_cover", "--radius", "5", "--candidates", "central_cities"], "km"),
        (["--model", "p_median", "--p", "5", "--archetype", "nope"], "unknown archetype"),
        (["--model", "nope"], "unknown model"),
    ):
        bad = runner.invoke(app, ["atlas", "site", *args])
        assert bad.exit_code == 1, args
        assert text in bad.output, (args, bad.output)
    bad = runner.invoke(app, ["atlas", "extrapolate", "--preset", "nope"])
    assert bad.exit_code == 1 and "unknown preset" in bad.output


KBO = Path(__file__).resolve().parents[1] / "core" / "atlas" / "data" / "kbo"


def test_site_with_company_register_demand() -> None:
    r = runner.invoke(
        app,
        [
            "atlas",
            "site",
            "--model",
            "p_median",
            "--p",
            "2",
            "--kbo",
            str(KBO),
            "--sector-group",
            "maakindustrie-nace",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)[0]
    assert res["demand_unit"] != "inhabitants" and res["totals"]["count"] == 2
    assert res["totals"]["demand"] > 0
    assert res["kbo"]["located"] == res["totals"]["demand"] == 3  # the locating counts
    assert "KBO: {" in r.stderr
    bad = runner.invoke(
        app,
        [
            "atlas",
            "site",
            "--model",
            "p_median",
            "--p",
            "2",
            "--kbo",
            str(KBO),
            "--sector-group",
            "nope",
        ],
    )
    assert bad.exit_code == 1 and "unknown sector group" in bad.output


def test_site_with_a_demand_table_and_its_errors(tmp_path: Path) -> None:
    f = tmp_path / "demand.csv"
    f.write_text("refnis,weight\n24062,100\n44021,250\n11002,50\n", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "atlas",
            "site",
            "--model",
            "p_median",
            "--p",
            "1",
            "--demand-file",
            str(f),
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)[0]
    assert res["totals"]["demand"] == 400 and len(res["assignments"]) == 3
    f.write_text("refnis,weight\n24062,100\n44021,-5\n99999,3\n", encoding="utf-8")
    bad = runner.invoke(
        app, ["atlas", "site", "--model", "p_median", "--p", "1", "--demand-file", str(f)]
    )
    assert bad.exit_code == 1
    assert "demand.csv, line 3, column 'weight'" in bad.output
    assert "line 4" in bad.output and "99999" in bad.output


def test_site_on_imported_candidate_sites(tmp_path: Path) -> None:
    f = tmp_path / "sites.csv"
    f.write_text(
        "id,refnis,type_environment,existing\nA,11002,zeehavens,no\n"
        "B,44021,economische-zones-stedelijk,no\nC,24062,economische-zones-stedelijk,no\n",
        encoding="utf-8",
    )
    r = runner.invoke(
        app,
        [
            "atlas",
            "site",
            "--model",
            "p_median",
            "--p",
            "1",
            "--archetype",
            "sorteercentrum-kunststof",
            "--candidates-file",
            str(f),
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)[0]
    assert res["candidates"]["count"] == 2 and res["facilities"][0]["id"] in {"B", "C"}
    f.write_text("id,refnis,type_environment\nA,11002,moon\n", encoding="utf-8")
    bad = runner.invoke(
        app, ["atlas", "site", "--model", "p_median", "--p", "1", "--candidates-file", str(f)]
    )
    assert bad.exit_code == 1 and "line 2, column 'type_environment'" in bad.output


def test_site_with_a_supplied_distance_matrix(tmp_path: Path) -> None:
    d = tmp_path / "demand.csv"
    d.write_text("refnis,weight\n24062,10\n44021,30\n", encoding="utf-8")
    c = tmp_path / "sites.csv"
    c.write_text("id,refnis\nL,24062\nG,44021\n", encoding="utf-8")
    m = tmp_path / "km.csv"
    # road distances that make Leuven the better single site, unlike the crow-fly geometry
    m.write_text("from,to,km\n24062,L,0\n24062,G,100\n44021,L,1\n44021,G,5\n", encoding="utf-8")
    args = [
        "atlas",
        "site",
        "--model",
        "p_median",
        "--p",
        "1",
        "--demand-file",
        str(d),
        "--candidates-file",
        str(c),
        "--distance-file",
        str(m),
        "--format",
        "json",
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)[0]
    assert res["facilities"][0]["id"] == "L" and res["objective"] == 30
    m.write_text("from,to,km\n24062,L,0\n24062,G,x\n", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 1 and "km.csv, line 3, column 'km'" in bad.output
    m.write_text("from,to,km\n24062,L,0\n", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 1 and "no distance for this demand point" in bad.output


def test_a_stopped_capacitated_run_says_it_is_not_proven() -> None:
    args = ["atlas", "site", "--model", "capacitated", "--rate-kg", "477", "--capacity-t"]
    args += ["300000", "--fixed-cost", "1000000", "--time-limit", "1"]
    r = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())  # the console wraps at its own width, set at import
    assert "Best found, not proven: at most " in said
    assert "The run stopped at its time limit of 1" in said
    j = runner.invoke(app, [*args, "--format", "json"])
    assert j.exit_code == 0, j.output
    [res] = json.loads(j.stdout)
    assert res["status"] == "time_limit" and res["certificate"]["code"] == "not_proven"
    assert 0 < res["certificate"]["gap_percent"] < 100
