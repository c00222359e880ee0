"""A CSV saved by Excel in a Belgian locale (``;``, Windows-1252, ``é``, decimal comma) imports
everywhere a CSV is accepted (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from circulair.web.apps.geography.models import Municipality, Region
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def excel_be(*rows: str) -> bytes:
    return "\r\n".join(rows).encode("cp1252") + b"\r\n"


@pytest.fixture
def org() -> Organisation:
    org = Organisation.objects.create(name="Réemploi Coöperatie", side="bedrijfsleven")
    user = User.objects.create_user("hélène", password="a-long-test-password")
    Membership.objects.create(organisation=org, user=user)
    return org


def test_agenda_actions_and_signatories(org: Organisation) -> None:
    from circulair.web.apps.agenda.models import Action, Signatory
    from circulair.web.apps.agenda.services import actions_import, signatories_import

    actions_import(
        user=None,
        file_name="acties.csv",
        content=excel_be(
            "title;organisation;agenda;start;status",
            "Hergebruik café-inrichting;Réemploi Coöperatie;maakindustrie;2025-02-01;running",
        ),
    )
    assert Action.objects.get(title="Hergebruik café-inrichting").organisation == org
    signatories_import(
        user=None,
        file_name="sig.csv",
        content=excel_be(
            "organisation;agenda;year_signed;min_actions",
            "Réemploi Coöperatie;maakindustrie;2024;3",
        ),
    )
    assert Signatory.objects.get(organisation=org).min_actions == 3


def test_doers_cases(org: Organisation) -> None:
    from circulair.web.apps.doers.models import Case
    from circulair.web.apps.doers.services import cases_import

    cases_import(
        file_name="cases.csv",
        content=excel_be(
            "title;summary;organisation",
            "Tweedehands café;Meubels krijgen een tweede leven;Réemploi Coöperatie",
        ),
    )
    case = Case.objects.get(title="Tweedehands café")
    assert case.organisation == org and case.summary == "Meubels krijgen een tweede leven"


def test_exchange_listings_with_a_decimal_comma(org: Organisation) -> None:
    from circulair.web.apps.exchange.models import Listing
    from circulair.web.apps.exchange.services import listings_import

    listings_import(
        organisation=org,
        file_name="aanbod.csv",
        content=excel_be(
            "kind;title;material;quantity;unit;available_from;available_to;refnis",
            "offer;Hout uit café;wood-b;12,5;t;2026-01-01;2026-12-31;24062",
        ),
    )
    listing = Listing.objects.get(title="Hout uit café")
    assert listing.quantity == 12.5


def test_exchange_refuses_an_ambiguous_thousands_comma(org: Organisation) -> None:
    from circulair.core.errors import InputError
    from circulair.web.apps.exchange.services import listings_import

    with pytest.raises(InputError) as e:
        listings_import(
            organisation=org,
            file_name="aanbod.csv",
            content=excel_be(
                "kind;title;material;quantity;unit;available_from;available_to;refnis",
                "offer;Hout;wood-b;1,500;t;2026-01-01;2026-12-31;24062",
            ),
        )
    p = e.value.problems[0]
    assert p.field == "quantity" and p.row == 2 and "ambiguous" in p.message


def test_monitor_observations(monitor_editor: Any) -> None:
    from circulair.web.apps.monitor.models import Observation
    from circulair.web.apps.monitor.services import observations_import

    observations_import(
        file_name="cijfers.csv",
        user=monitor_editor,
        content=excel_be(
            "indicator;region;year;value;unit;source",
            "rmi;VLG;2031;612,5;Mt;Statbel – schatting café",
        ),
    )
    obs = Observation.objects.get(indicator__slug="rmi", region="VLG", year=2031)
    assert obs.value == 612.5 and obs.source == "Statbel – schatting café"


def test_geography_population_and_partition() -> None:
    from circulair.web.apps.geography.models import Partition
    from circulair.web.apps.geography.services import partition_import, population_import

    region = Region.objects.get(slug="flanders")
    population_import(
        region=region,
        file_name="bevolking.csv",
        source="Statbel (é)",
        content=excel_be("refnis;population", "24062;102275"),
    )
    m = Municipality.objects.get(refnis="24062")
    assert m.population == 102275 and m.population_source == "Statbel (é)"
    refnis = Municipality.objects.filter(region=region).values_list("refnis", flat=True)
    partition_import(
        region=region,
        name="Zones (é)",
        file_name="zones.csv",
        content=excel_be("refnis;unit;unit_name", *[f"{r};A;Zone Één" for r in refnis]),
    )
    part = Partition.objects.get(name="Zones (é)")
    assert part.units.get().name == "Zone Één"


def test_scan_survey_import() -> None:
    from circulair.web.apps.scan.models import Response
    from circulair.web.apps.scan.services.imports import survey_import

    survey_import(
        file_name="scan.csv",
        content=excel_be(
            "organisation;refnis;year;profiel_inwoners",
            "Gemeente Sint-Genesius-Rode (é);23101;2025;18000",
        ),
    )
    r = Response.objects.get(organisation__name="Gemeente Sint-Genesius-Rode (é)")
    assert r.answers["profiel_inwoners"] == 18000


def test_atlas_demand_and_candidates() -> None:
    from circulair.web.apps.atlas.services import candidates_parse, demand_table_parse
    from circulair.web.apps.geography.selectors import region_geography

    geo = region_geography(Region.objects.get(slug="flanders"))
    demand = demand_table_parse(geo, excel_be("refnis;weight", "24062;10", "44021;30"), "v.csv")
    assert sorted(demand.weight.tolist()) == [10.0, 30.0]
    sites = candidates_parse(geo, excel_be("id;name;refnis", "c1;Site café;24062"), "c.csv")
    assert [s.name for s in sites] == ["Site café"]
