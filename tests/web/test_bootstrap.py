"""The reference data in the database: counts, citations, idempotent loading."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count, Q

from circulair.web.apps.geography.models import Arrondissement, Municipality, Province, Region
from circulair.web.apps.knowledge.models import Citation, Record, Relation, Variant
from circulair.web.bootstrap import reference_data_load

pytestmark = pytest.mark.django_db


def test_flanders_counts() -> None:
    region = Region.objects.get(slug="flanders")
    assert Municipality.objects.filter(region=region).count() == 285
    assert Arrondissement.objects.filter(region=region).count() == 22
    assert Province.objects.filter(region=region).count() == 5
    central = Municipality.objects.filter(region=region, central_city=True)
    assert sorted(central.values_list("name_nl", flat=True)) == [
        "Aalst",
        "Antwerpen",
        "Brugge",
        "Genk",
        "Gent",
        "Hasselt",
        "Kortrijk",
        "Leuven",
        "Mechelen",
        "Oostende",
        "Roeselare",
        "Sint-Niklaas",
        "Turnhout",
    ]
    with_central = (
        Arrondissement.objects.filter(region=region)
        .annotate(c=Count("municipalities", filter=Q(municipalities__central_city=True)))
        .filter(c__gt=0)
    )
    assert with_central.count() == 12


def test_every_record_in_the_database_has_a_citation() -> None:
    assert Record.objects.count() > 100
    assert not Record.objects.filter(citations__isnull=True).exists()


def _snapshot() -> dict[str, Any]:
    return {
        "records": sorted(
            Record.objects.values_list("kind", "slug", "name_nl", "attributes", "id")
        ),
        "citations": Citation.objects.count(),
        "relations": sorted(Relation.objects.values_list("from_record_id", "role", "to_record_id")),
        "variants": Variant.objects.count(),
        "municipalities": sorted(
            Municipality.objects.values_list("refnis", "population", "lat", "id")
        ),
    }


def test_loading_twice_changes_nothing() -> None:
    before = _snapshot()
    report = reference_data_load()
    assert report["changes"] == 0
    assert report["knowledge"].created == report["knowledge"].updated == 0
    assert _snapshot() == before


def test_loader_repairs_a_changed_record_and_keeps_back_office_records() -> None:
    r = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    r.name_nl = "edited"
    r.save()
    Record.objects.create(
        kind="case", slug="my-own-case", name_nl="Eigen case", origin=Record.Origin.ADMIN
    )
    report = reference_data_load()
    assert report["knowledge"].updated == 1 and report["knowledge"].deleted == 0
    assert Record.objects.get(kind="work_agenda", slug="maakindustrie").name_nl == "Maakindustrie"
    assert Record.objects.filter(slug="my-own-case").exists()
