"""Flows app: a company's waste register and municipal household waste imported, classified,
aggregated and shown; all-or-nothing imports naming every bad cell; a register seen only by its
organisation's members and analysts (pages, API, export, crafted requests)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from circulair.core.errors import InputError
from circulair.web.apps.common.models import Upload
from circulair.web.apps.flows import selectors, services
from circulair.web.apps.flows.models import Dataset, Flow
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.monitor.models import Observation

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"

# 100 t in all: 15 prepared for re-use, 30 recycled (R3 paper, R4 metal), 30 to energy (R1),
# 5 landfilled (D1), 20 still in storage (R13: not yet finally treated).
HEAD = "datum;euralcode;omschrijving;hoeveelheid;eenheid;verwerkingswijze;verwerker;"
REGISTER = (
    HEAD
    + """ondernemingsnummer_verwerker
15/01/2024;15 01 01;Karton;10;t;R3;Papier NV;0403.170.701
2024-02-01;170405;IJzer;20000;kg;R4;Metaal NV;
2024-03-01;20 03 01;Gemengd bedrijfsafval;30;t;R1;AVI;
2024-04-01;17 06 05*;Asbesthoudend;5;t;D1;Stort NV;
2024-05-01;15 01 03;Paletten;15;t;voorbereiding op hergebruik;Palet NV;
2024-06-01;15 01 02;Folie;20;t;R13;Opslag NV;
"""
)


def _client(u: User) -> Client:
    c = Client()
    c.force_login(u)
    return c


def _import(w: dict[str, Any], text: str = REGISTER) -> Dataset:
    return services.register_import(
        organisation=w["a"], content=text.encode(), file_name="register.csv", user=w["ma"]
    )


def test_a_register_is_classified_and_its_shares_are_the_hand_computed_ones(world: Any) -> None:
    ds = _import(world)
    assert (ds.rows, ds.kind, ds.organisation, ds.year_from, ds.year_to) == (
        6,
        "register",
        world["a"],
        2024,
        2024,
    )
    assert ds.tonnes == pytest.approx(100.0)
    iron = Flow.objects.get(dataset=ds, line=3)
    assert (iron.tonnes, iron.waste_code, iron.rung, iron.origin_nace) == (
        20.0,
        "17 04 05",
        "r8-recycle",
        "25110",
    )
    assert Flow.objects.get(dataset=ds, line=5).hazardous is True
    assert Flow.objects.get(dataset=ds, line=2).destination_number == "0403.170.701"
    qs = selectors.totals_visible(world["ma"], dataset=ds)
    s = selectors.treatment_shares(qs)
    assert s.total_t == pytest.approx(100.0) and s.final_t == pytest.approx(80.0)
    assert dict(s.by_rung) == pytest.approx(
        {
            "r3-reuse": 15.0,
            "r8-recycle": 30.0,
            "r9-recover": 30.0,
            "disposal": 5.0,
            "preliminary": 20.0,
        }
    )
    assert s.recycling_rate == pytest.approx(45 / 80)
    assert s.energy_share == pytest.approx(30 / 80)
    assert s.disposal_share == pytest.approx(5 / 80)
    by_section = selectors.aggregate(qs, ["nace_section"])
    assert [(r["key"], round(r["tonnes"], 6)) for r in by_section] == [(("C",), 100.0)]
    by_rung = selectors.aggregate(qs, ["rung"])
    assert math.fsum(r["tonnes"] for r in by_rung) == pytest.approx(100.0)
    assert by_rung[0]["key"] in {("r8-recycle",), ("r9-recover",)}


def test_the_sankey_totals_equal_the_table(world: Any) -> None:
    ds = _import(world)
    qs = selectors.totals_visible(world["ma"], dataset=ds)
    sk = selectors.flow_sankey(qs)
    table = {r["key"][0]: r["tonnes"] for r in selectors.aggregate(qs, ["material"])}
    middle = {n["key"]: n["tonnes"] for n in sk.nodes if n["column"] == 1}
    assert middle == pytest.approx(table)
    for n in (n for n in sk.nodes if n["column"] == 1):  # in == out at a middle node
        t_in = math.fsum(x["tonnes"] for x in sk.links if x["target"] == n["id"])
        t_out = math.fsum(x["tonnes"] for x in sk.links if x["source"] == n["id"])
        assert t_in == pytest.approx(t_out) == pytest.approx(n["tonnes"])
    first = {n["id"] for n in sk.nodes if n["column"] == 0}
    out_of_first = math.fsum(link["tonnes"] for link in sk.links if link["source"] in first)
    assert out_of_first == pytest.approx(100.0)


def test_a_bad_register_is_refused_whole_naming_each_cell(world: Any) -> None:
    bad = REGISTER + "2024-07-01;01 01 01;Mijnafval;3;t;R5;X;\n"
    bad += "2024-07-02;15 01 01;Karton;-3;t;R14;X;0403.170.702\n"
    bad += "31/02/2024;15 01 01;Karton;1;ton;R3;X;\n"
    with pytest.raises(InputError) as e:
        _import(world, bad)
    text = [str(p) for p in e.value.problems]
    assert any("line 8" in t and "euralcode" in t and "01 01 01" in t for t in text), text
    assert any("line 9" in t and "hoeveelheid" in t and "-3" in t for t in text), text
    assert any("line 9" in t and "verwerkingswijze" in t and "R14" in t for t in text), text
    assert any("line 9" in t and "0403.170.702" in t for t in text), text
    assert any("line 10" in t and "datum" in t and "31/02/2024" in t for t in text), text
    assert Dataset.objects.count() == 0 and Flow.objects.count() == 0
    up = Upload.objects.get(purpose="flows.register")
    assert up.status == "rejected" and up.problem_count == len(text)


def test_a_register_without_the_needed_columns_names_them(world: Any) -> None:
    with pytest.raises(InputError) as e:
        _import(world, "datum;omschrijving\n2024-01-01;x\n")
    text = " ".join(str(p) for p in e.value.problems)
    assert "'waste_code'" in text and "'quantity'" in text and "'treatment'" in text


def test_only_members_import_an_organisations_register(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.register_import(
            organisation=world["a"], content=REGISTER.encode(), file_name="r.csv", user=world["mb"]
        )
    r = _client(world["mb"]).post(
        "/flows/import/register/",
        {"organisation": world["a"].pk, "file": _file(REGISTER)},
    )
    assert r.status_code == 200 and b"errorlist" in r.content  # not a choice for this member
    assert Dataset.objects.count() == 0


def _file(text: str) -> Any:
    return SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")


def test_a_member_imports_through_the_page_and_sees_the_sankey(world: Any) -> None:
    c = _client(world["ma"])
    r = c.post("/flows/import/register/", {"organisation": world["a"].pk, "file": _file(REGISTER)})
    ds = Dataset.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/flows/datasets/{ds.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "<svg" in page and page.count("<path") >= 3
    assert 'id="recycling-rate">56 %' in page
    r = c.post(
        "/flows/import/register/",
        {"organisation": world["a"].pk, "file": _file("datum;euralcode\n")},
    )
    assert r.status_code == 400 and "import-problems" in r.content.decode()


def test_another_organisation_cannot_read_a_register_anywhere(world: Any) -> None:
    ds = _import(world)
    mb, analyst = _client(world["mb"]), _client(world["analyst"])
    anon = Client()
    for c in (mb, anon):
        assert c.get(f"/flows/datasets/{ds.pk}/").status_code == 404
        assert c.get(f"/flows/export.csv?dataset={ds.pk}").status_code == 404
        assert c.get(f"/flows/sankey.svg?dataset={ds.pk}").status_code == 404
        assert c.get(f"/api/v1/flows/datasets/{ds.pk}/").status_code == 404
        assert c.get(f"/api/v1/flows/datasets/{ds.pk}/flows/").status_code == 404
        assert c.get(f"/api/v1/flows/aggregate/?dataset={ds.pk}").status_code == 404
        assert c.get("/api/v1/flows/aggregate/").json()["total_t"] == 0
        assert c.get("/flows/export.csv").content.decode().count("\n") == 1  # the header only
        assert "Metaal A" not in c.get("/flows/").content.decode()
        assert c.post(f"/flows/datasets/{ds.pk}/delete/").status_code in (302, 404)
    assert Dataset.objects.filter(pk=ds.pk).exists()
    assert analyst.get(f"/flows/datasets/{ds.pk}/").status_code == 200
    agg = analyst.get("/api/v1/flows/aggregate/?by=year,rung").json()
    assert agg["total_t"] == pytest.approx(100.0) and agg["by"] == ["year", "rung"]
    assert analyst.get("/flows/export.csv").content.decode().count("\n") == 7
    assert _client(world["ma"]).post(f"/flows/datasets/{ds.pk}/delete/").status_code == 302
    assert not Dataset.objects.filter(pk=ds.pk).exists() and Flow.objects.count() == 0


def test_the_api_names_an_unknown_grouping(world: Any) -> None:
    r = _client(world["analyst"]).get("/api/v1/flows/aggregate/?by=colour")
    assert r.status_code == 400
    assert "colour" in r.content.decode() and "material" in r.content.decode()


MUNICIPAL = "refnis,year,fraction,tonnes\n24062,2024,residual,9500\n24062,2024,bulky,1800\n"
MUNICIPAL += "24062,2024,paper,5000\n24062,2023,residual,9900\n"


def test_municipal_waste_gives_residual_waste_per_inhabitant(world: Any) -> None:
    Municipality.objects.filter(refnis="24062").update(population=113_000)
    with pytest.raises(PermissionDenied):
        services.municipal_import(content=MUNICIPAL.encode(), file_name="m.csv", user=world["ma"])
    ds = services.municipal_import(
        content=MUNICIPAL.encode(), file_name="m.csv", user=world["analyst"], source="OVAM"
    )
    assert (ds.rows, ds.organisation, ds.year_from, ds.year_to) == (4, None, 2023, 2024)
    rows = selectors.residual_by_municipality(selectors.totals_visible(None), 2024)
    assert [(r["refnis"], round(r["kg_per_inhabitant"], 9)) for r in rows] == [("24062", 100.0)]
    page = Client().get("/flows/").content.decode()  # statistics are public
    assert 'data-refnis="24062"' in page and "100,0" in page
    assert '<figure class="choropleth"' in page and 'data-layer="residual"' in page
    assert "<title>Leuven: 100 kg per inwoner</title>" in page
    assert page.count('class="municipality"') == 285  # the others drawn as "no data"
    change = selectors.year_change(selectors.totals_visible(None), "material")
    assert [(r["key"], r["tonnes"], r["previous"]) for r in change] == [
        ("residual-household", 9500.0, 9900.0),
        ("paper-mixed", 5000.0, None),
        ("bulky-waste", 1800.0, None),
    ]
    assert change[0]["change_pct"] == pytest.approx(-400 / 99) and change[1]["change_pct"] is None
    assert 'id="year-change"' in page and "-4,0" in page


def test_a_bad_municipal_table_is_refused_whole(world: Any) -> None:
    bad = MUNICIPAL + "99999,2024,residual,1\n24062,2024,plutonium,1\n24062,2024,bulky,3\n"
    with pytest.raises(InputError) as e:
        services.municipal_import(content=bad.encode(), file_name="m.csv", user=world["analyst"])
    text = [str(p) for p in e.value.problems]
    assert any("line 6" in t and "refnis" in t and "99999" in t for t in text), text
    assert any("line 7" in t and "fraction" in t and "plutonium" in t for t in text), text
    assert any("line 8" in t and "line 3" in t for t in text), text
    assert Dataset.objects.count() == 0


def test_statistics_covering_the_region_feed_the_monitor(world: Any) -> None:
    munis = list(Municipality.objects.filter(region__slug="flanders", population__gt=0))
    lines = ["refnis,year,fraction,tonnes"]
    for m in munis:  # 80 kg residual + 20 kg bulky + 100 kg paper per inhabitant
        lines += [
            f"{m.refnis},2024,residual,{m.population * 0.08}",
            f"{m.refnis},2024,bulky,{m.population * 0.02}",
            f"{m.refnis},2024,paper,{m.population * 0.1}",
        ]
    lines.append(f"{munis[0].refnis},2023,residual,1000")  # one municipality: not the region
    ds = services.municipal_import(
        content="\n".join(lines).encode(), file_name="all.csv", user=world["analyst"]
    )
    assert ds.published.created == 3
    assert [s["year"] for s in ds.published.skipped] == [2023]
    got = {
        o.indicator.slug: round(o.value, 6)
        for o in Observation.objects.filter(year=2024, region="VLG", source__startswith="Circulair")
    }
    assert got == {
        "residual-household-waste-per-inhabitant": 100.0,
        "household-waste-per-inhabitant": 200.0,
        "recycling-rate-household": 50.0,
    }
    card = Client().get("/monitor/").content.decode()
    assert 'data-target="residual-household-waste-2030"' in card


def test_low_rung_flows_are_opportunities_and_become_a_draft_offer(world: Any) -> None:
    from circulair.web.apps.exchange.models import Listing
    from circulair.web.apps.exchange.services import listing_create

    ds = _import(world)
    listing_create(
        user=world["mb"],
        organisation=world["b"],
        data={"kind": "request", "title": "Gemengd afval gezocht", "material": "mixed-waste",
              "quantity": 50.0, "unit": "t", "route": "recycle",
              "available_from": dt.date(2026, 1, 1), "available_to": dt.date(2027, 12, 31),
              "refnis": "24062"},
        publish=True,
    )  # fmt: skip
    opps = selectors.opportunities(ds)
    assert [(o["material"], o["rung"], o["tonnes"], o["gain"], o["score"]) for o in opps] == [
        ("residual-household", "r9-recover", 30.0, 1, 30.0),  # R9 -> a recycling request: 1 rung
        ("asbestos", "disposal", 5.0, 0, 0.0),  # no request: still listed, to be offered
    ]
    assert opps[0]["requests"][0]["km"] == 0.0
    page = _client(world["ma"]).get(f"/flows/datasets/{ds.pk}/").content.decode()
    assert 'data-material="residual-household"' in page and "Gemengd afval gezocht" in page
    assert (
        'id="opportunities"'
        not in _client(world["analyst"]).get(f"/flows/datasets/{ds.pk}/").content.decode()
    )  # an analyst reads the register but does not act for the company
    url = f"/flows/datasets/{ds.pk}/offer/"
    assert _client(world["mb"]).post(url, {"material": "residual-household"}).status_code == 404
    assert (
        _client(world["analyst"]).post(url, {"material": "residual-household"}).status_code == 403
    )
    r = _client(world["ma"]).post(url, {"material": "residual-household"})
    offer = Listing.objects.get(kind="offer")
    assert r.status_code == 302 and r["Location"] == f"/exchange/listings/{offer.pk}/"
    assert (offer.status, offer.organisation, offer.material, offer.quantity, offer.unit) == (
        "draft",
        world["a"],
        "residual-household",
        30.0,
        "t",
    )
    assert offer.ewc == "20 03 01" and offer.frequency == "per_year"
    r = _client(world["ma"]).post(url, {"material": "cardboard"})  # recycled already
    assert r.status_code == 302 and Listing.objects.filter(kind="offer").count() == 1


def test_the_refusals_of_a_register_and_of_statistics_read_in_dutch(world: Any) -> None:
    """Coded problems (issue 15): the same cells named in the reader's language."""
    from django.utils import translation

    from circulair.web.apps.common.texts import problem_text

    bad = REGISTER + "31/02/2024;15 01 01;Karton;1;t;R3;X;\n"
    bad += "2024-07-01;15 01 01;Karton;1;liter;R3;X;\n"
    with pytest.raises(InputError) as e:
        _import(world, bad)
    assert all(p.code for p in e.value.problems), [p.message for p in e.value.problems]
    with translation.override("nl"):
        nl = " | ".join(problem_text(p) for p in e.value.problems)
    assert "een datum schrijft u als 2024-03-31 of 31/03/2024" in nl
    assert "de eenheid is t of kg" in nl
    stats = MUNICIPAL + "99999,2024,residual,1\n24062,2024,bulky,3\n"
    with pytest.raises(InputError) as e:
        services.municipal_import(content=stats.encode(), file_name="m.csv", user=world["analyst"])
    with translation.override("nl"):
        nl = " | ".join(problem_text(p) for p in e.value.problems)
    assert "m.csv, regel 6, kolom 'refnis': niet de REFNIS-code van een gemeente van de regio" in nl
    assert "dezelfde gemeente, hetzelfde jaar en dezelfde fractie als regel 3" in nl
