"""The map page draws the land: 285 municipalities, 22 arrondissements, 5 provinces, a legend."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from circulair.core.geo.boundaries import dump_boundaries, load_boundaries
from circulair.web.apps.geography.models import Region
from circulair.web.apps.geography.services import boundaries_import

pytestmark = pytest.mark.django_db


def _count(body: str, cls: str) -> int:
    return len(re.findall(rf'<path class="{cls}" ', body))


def test_map_page_draws_outlines_choropleth_legend_and_scale(client: Client) -> None:
    body = client.get("/map/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _count(body, "municipality") == 285
    assert _count(body, "arrondissement") == 22
    assert _count(body, "province") == 5
    assert body.count('<rect class="legend-class"') == 5
    assert "Population (inhabitants)" in body
    assert "<title>Antwerpen: 539,581 inhabitants</title>" in body
    assert re.search(r'<text x="10" y="-7">50 km</text>', body)
    assert "Approximate municipality boundaries" in body
    assert 'data-layer="population"' in body


def test_density_layer_and_dutch(client: Client) -> None:
    body = client.get("/map/?layer=density", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'data-layer="density"' in body
    assert "Bevolkingsdichtheid (inwoners per km²)" in body
    assert "Benaderende gemeentegrenzen" in body
    assert _count(body, "municipality") == 285
    # an unknown layer falls back to population
    assert 'data-layer="population"' in client.get("/map/?layer=nope").content.decode()


def test_official_boundaries_replace_the_approximate_ones(client: Client) -> None:
    doc = json.loads(dump_boundaries(load_boundaries("flanders"), {}))
    for f in doc["features"]:
        f["properties"] = {"CD_MUNTY_REFNIS": f["properties"]["refnis"]}
    boundaries_import(
        region=Region.objects.get(slug="flanders"),
        file_name="statbel.geojson",
        content=json.dumps(doc).encode(),
        source="Statbel 2025",
    )
    body = client.get("/map/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Official municipality boundaries (Statbel 2025)." in body
    assert "Approximate municipality boundaries" not in body
    assert _count(body, "municipality") == 285 and _count(body, "province") == 5
