"""The flows page shows every company's register summed for anyone, with small-group suppression:
a group of fewer than 3 organisations, or one dominated by one organisation, is hidden, and so
is the smallest other group, so that total minus the shown groups reveals no company."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from circulair.web.apps.flows import selectors, services
from circulair.web.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db
HEAD = "datum;euralcode;omschrijving;hoeveelheid;eenheid;verwerkingswijze;verwerker\n"


def _register(org: Organisation, lines: list[str]) -> None:
    services.register_import(
        organisation=org, content=(HEAD + "".join(lines)).encode(), file_name=f"{org.name}.csv"
    )


@pytest.fixture
def registers() -> dict[str, Organisation]:
    """Chapter 15 (packaging): A, B, C 10 t each. Chapter 17 (metal): A-D 20 t each.
    Chapter 20 (mixed waste): D alone, 5 t."""
    orgs = {n: Organisation.objects.create(name=f"Bedrijf {n}") for n in "ABCD"}
    for n in "ABC":
        _register(
            orgs[n],
            [
                "2024-01-15;15 01 01;Karton;10;t;R3;Papier NV\n",
                "2024-02-01;17 04 05;IJzer;20;t;R4;M\n",
            ],
        )
    _register(
        orgs["D"],
        ["2024-02-01;17 04 05;IJzer;20;t;R4;M\n", "2024-03-01;20 03 01;Gemengd;5;t;R1;AVI\n"],
    )
    return orgs


def test_small_groups_are_hidden_with_the_smallest_other_and_the_total_is_kept(
    registers: dict[str, Organisation],
) -> None:
    d = selectors.registers_disclosed(by="chapter")
    assert {c.key: (c.tonnes, c.reason, c.contributors) for c in d.cells} == {
        "17": (80.0, None, 4),
        "15": (None, "complementary", 3),  # else 115 - 80 - 30 would give D's 5 t
        "20": (None, "few", 1),
    }
    assert d.total == 115.0
    assert selectors.registers_disclosed(by="chapter", year=2023).cells == []


def test_anyone_sees_the_table_without_a_companys_figure(
    registers: dict[str, Organisation],
) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/flows/", {"by": "chapter"})
    assert page.status_code == 200
    html = page.content.decode()
    table = html[
        html.index('id="register-groups"') : html.index(
            "</table>", html.index('id="register-groups"')
        )
    ]
    assert '<tr data-key="17"><td>' in table and ">80<" in table
    assert '<tr data-key="20" data-hidden="1">' in table and "fewer than 3 organisations" in table
    assert '<tr data-key="15" data-hidden="1">' in table
    assert "hidden so that the hidden figures cannot be derived" in table
    assert 'id="registers-total">115<' in table
    assert "at least 3 organisations contribute to it and none holds more than 85 % of it" in html
    assert ">5<" not in table and ">30<" not in table  # D's figure, and what would give it
    nl = Client(HTTP_ACCEPT_LANGUAGE="nl").get("/flows/", {"by": "chapter"}).content.decode()
    assert "Alle afvalregisters van bedrijven in de regio" in nl
    assert "minder dan 3 organisaties" in nl


def test_one_company_dominating_a_group_hides_it(registers: dict[str, Organisation]) -> None:
    e = Organisation.objects.create(name="Bedrijf E")
    _register(e, ["2024-05-01;17 04 05;IJzer;600;t;R4;M\n"])  # 600 of 680 t of metal: 88 %
    d = selectors.registers_disclosed(by="chapter")
    assert {c.key: c.reason for c in d.cells} == {
        "17": "dominant",
        "15": "complementary",
        "20": "few",
    }
    assert d.total == 715.0 and all(c.tonnes is None for c in d.cells)


def test_a_region_of_two_companies_shows_nothing(registers: Any) -> None:
    for org in list(registers.values())[2:]:
        org.delete()  # their registers go with them
    d = selectors.registers_disclosed(by="material")
    assert d.total is None and all(c.tonnes is None for c in d.cells)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/flows/").content.decode()
    assert 'id="registers-total">hidden<' in html


def test_the_api_gives_the_same_table_to_anyone(registers: dict[str, Organisation]) -> None:
    r = Client().get("/api/v1/flows/registers/", {"by": "chapter"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert r.status_code == 200
    body = r.json()
    rows = {x["key"]: x for x in body["rows"]}
    assert (rows["17"]["tonnes"], rows["17"]["hidden"]) == (80.0, False)
    assert rows["17"]["share"] == pytest.approx(80 / 115)
    assert (rows["20"]["tonnes"], rows["20"]["reason_code"]) == (None, "few")
    assert rows["20"]["reason"] == "minder dan 3 organisaties"
    assert (rows["15"]["tonnes"], rows["15"]["reason_code"]) == (None, "complementary")
    assert body["total_t"] == 115.0 and body["min_contributors"] == 3
    assert 5.0 not in {x["tonnes"] for x in body["rows"]}  # D's own figure
    bad = Client().get("/api/v1/flows/registers/", {"by": "chapter,year"})
    assert bad.status_code == 400 and "one grouping" in bad.content.decode()
