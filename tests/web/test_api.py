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


def test_every_operation_documents_its_error_answers(client: Client) -> None:
    spec = yaml.safe_load(client.get("/api/schema/").content)
    error = {"$ref": "#/components/schemas/Error"}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for code in ("400", "403", "404", *(("415",) if "requestBody" in op else ())):
                body = op["responses"][code]["content"]["application/json"]["schema"]
                assert body == error, (method, path, code)
    assert spec["components"]["schemas"]["Error"]["properties"]["error"]["required"] == [
        "status",
        "message",
        "fields",
    ]


@pytest.mark.parametrize(
    "query", [{"page_size": "0"}, {"page_size": "1001"}, {"page_size": "x"}, {"page": "-1"}]
)
def test_bad_paging_is_refused_not_ignored(client: Client, query: dict[str, str]) -> None:
    for url in ("/api/v1/agenda/actions/", "/api/v1/records/", "/api/v1/doers/cases/"):
        r = client.get(url, query)
        assert r.status_code in (400, 404), (url, query, r.status_code)
        assert set(r.json()["error"]) >= {"status", "message", "fields"}


def test_filters_take_the_documented_types(client: Client) -> None:
    assert client.get("/api/v1/agenda/programmes/", {"year": "0.5"}).status_code == 400
    assert client.get("/api/v1/agenda/actions/", {"impact_project": "null"}).status_code == 400
    assert client.get("/api/v1/agenda/actions/", {"year": "0"}).status_code == 400
    assert client.get("/api/v1/agenda/actions/", {"impact_project": "true"}).status_code == 200
    assert client.get("/api/v1/agenda/programmes/", {"year": ""}).status_code == 200


def test_an_unknown_api_path_is_a_json_404_for_every_method(client: Client) -> None:
    c = Client(enforce_csrf_checks=True)
    c.cookies["sessionid"] = "stale"
    r = c.post("/api/v1/scan/responses/0.5/submit/")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


def test_docs_page_is_served_offline(client: Client) -> None:
    body = client.get("/api/docs/").content.decode()
    assert "swagger" in body.lower() and "cdn" not in body.lower()


def test_records_are_paginated_and_filtered(client: Client) -> None:
    data = client.get("/api/v1/records/", {"kind": "work_path", "page_size": 5}).json()
    assert data["count"] == 23 and len(data["results"]) == 5 and data["next"]
    wp = client.get(
        "/api/v1/records/", {"related_to": "work_agenda:maakindustrie", "kind": "work_path"}
    ).json()
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
    for url in (
        "/api/v1/records/work_agenda/nope/",
        "/api/v1/municipalities/00000/",
        "/api/v1/no-such-endpoint/",
        "/api/v1/records/nokind/x/",
    ):
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


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/records/",
        "/api/v1/municipalities/",
        "/api/v1/arrondissements/",
        "/api/v1/partitions/",
    ],
)
def test_query_count_does_not_grow_with_page_size(client: Client, url: str) -> None:
    counts = []
    for size in (2, 40):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
