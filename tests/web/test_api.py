"""The read API: schema, pagination, filters, JSON errors, constant query counts."""

from __future__ import annotations

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_openapi_schema_validates(client: Client) -> None:
    resp = client.get("/api/schema/")
    assert resp.status_code == 200
    spec = yaml.safe_load(resp.content)
    validate(spec)
    assert "/api/v1/records/" in spec["paths"] and "/api/v1/municipalities/" in spec["paths"]


def test_docs_page_is_served_offline(client: Client) -> None:
    body = client.get("/api/docs/").content.decode()
    assert "swagger" in body.lower() and "cdn" not in body.lower()


def test_records_are_paginated_and_filtered(client: Client) -> None:
    data = client.get("/api/v1/records/", {"kind": "work_path", "page_size": 5}).json()
    assert data["count"] == 23 and len(data["results"]) == 5 and data["next"]
    wp = client.get("/api/v1/records/", {"related_to": "work_agenda:maakindustrie",
                                         "kind": "work_path"}).json()
    assert wp["count"] == 13
    rec = client.get("/api/v1/records/work_agenda/maakindustrie/").json()
    assert rec["citations"] and rec["attributes"]["number_003"] in range(1, 7)


def test_bad_parameters_give_400_json_with_field_details(client: Client) -> None:
    resp = client.get("/api/v1/records/", {"kind": "nonsense"})
    assert resp.status_code == 400
    body = resp.json()["error"]
    assert body["status"] == 400 and "kind" in body["fields"] and "nonsense" in body["message"]
    resp = client.get("/api/v1/records/", {"related_to": "no-colon"})
    assert resp.status_code == 400 and "related_to" in resp.json()["error"]["fields"]
    resp = client.get("/api/v1/municipalities/", {"central_city": "maybe"})
    assert resp.status_code == 400 and "central_city" in resp.json()["error"]["fields"]
    resp = client.get("/api/v1/municipalities/", {"page": "999"})
    assert resp.status_code == 404 and resp.json()["error"]["status"] == 404


def test_not_found_gives_404_json(client: Client) -> None:
    for url in ("/api/v1/records/work_agenda/nope/", "/api/v1/municipalities/00000/",
                "/api/v1/no-such-endpoint/", "/api/v1/records/nokind/x/"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert resp.json()["error"]["status"] == 404


def test_municipality_filters(client: Client) -> None:
    arr = client.get("/api/v1/municipalities/", {"arrondissement": "24000"}).json()
    assert arr["count"] == 30 and all(m["arrondissement"] == "24000" for m in arr["results"])
    cc = client.get("/api/v1/municipalities/", {"central_city": "true"}).json()
    assert cc["count"] == 13
    part = client.get("/api/v1/municipalities/", {"partition": "province", "unit": "70000"}).json()
    assert part["count"] == 38 and all(m["province"] == "70000" for m in part["results"])
    geo = client.get("/api/v1/municipalities/geojson/").json()
    assert len(geo["features"]) == 285
    units = client.get("/api/v1/partitions/arrondissement/units/").json()
    assert len(units) == 22 and sum(len(u["municipalities"]) for u in units) == 285


@pytest.mark.parametrize("url", ["/api/v1/records/", "/api/v1/municipalities/",
                                 "/api/v1/arrondissements/", "/api/v1/partitions/"])
def test_query_count_does_not_grow_with_page_size(client: Client, url: str) -> None:
    counts = []
    for size in (2, 40):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
