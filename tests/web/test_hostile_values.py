"""Hostile values (issue 12, finding 5): every API write and import answers 4xx with a message
(or accepts a harmless text), never 5xx, and a refused request changes nothing.

The exchange and atlas operations have their own hostile-value tests (exchange/test_privacy.py,
atlas/test_privacy.py); this file covers the agenda, doers, scan, monitor and geography writes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulair.web.apps.agenda import services as agenda_services
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
PW = "a-long-test-password"

HOSTILE = st.sampled_from(
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        "-1e400",
        1e308,
        -1e308,
        1e300,
        "99999999999999999999",
        99999999999999999999,
        -99999999999999999999,
        2**63,
        "",
        " ",
        "(",
        "[",
        "\\",
        "'; DROP TABLE auth_user;--",
        "%",
        "%%s",
        "_",
        "\x00",
        "a\x00b",
        "é" * 300,
        "x" * 10_000,
        None,
        True,
        [],
        {},
        [1, 2],
        {"a": 1},
        "2025-13-45",
        "0000-00-00",
        "-1",
        "0",
    ]
)


def _counts() -> dict[str, int]:
    names = [
        "agenda.Action",
        "agenda.Signatory",
        "agenda.Programme",
        "agenda.Bottleneck",
        "doers.Case",
        "scan.Response",
        "monitor.Observation",
        "geography.Partition",
        "common.Upload",
    ]
    return {n: apps.get_model(n).objects.count() for n in names}


@pytest.fixture
def actors(grant_role: Any) -> dict[str, Any]:
    org = Organisation.objects.create(name="Hostile BV")
    gov = Organisation.objects.create(name="Gemeente Hostiel", side="overheid")
    user = User.objects.create_user("mallory", password=PW)
    Membership.objects.create(organisation=org, user=user)
    Membership.objects.create(organisation=gov, user=user)
    admin = User.objects.create_user("root", password=PW, is_staff=True, is_superuser=True)
    agenda = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    agenda_services.agenda_lead_add(user=None, agenda=agenda, lead=user)
    action = agenda_services.action_create(
        user=user,
        organisation=org,
        data={"title": "Target", "agenda": "maakindustrie", "status": "planned"},
    )
    c = Client()
    c.force_login(user)
    a = Client()
    a.force_login(admin)
    return {"org": org, "gov": gov, "user": user, "client": c, "admin": a, "action": action}


def _operations(x: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, valid body) of every JSON write of these apps."""
    org, gov, action = x["org"], x["gov"], x["action"]
    return [
        (
            "post",
            "/api/v1/agenda/actions/",
            {
                "organisation": org.pk,
                "title": "A",
                "agenda": "maakindustrie",
                "status": "planned",
                "figures": [{"label": "t", "value": 1, "unit": "t"}],
            },
        ),
        ("patch", f"/api/v1/agenda/actions/{action.pk}/", {"title": "B"}),
        ("post", f"/api/v1/agenda/actions/{action.pk}/transition/", {"status": "running"}),
        (
            "post",
            "/api/v1/agenda/signatories/",
            {
                "organisation": org.name,
                "agenda": "maakindustrie",
                "year_signed": 2025,
                "min_actions": 3,
            },
        ),
        (
            "post",
            "/api/v1/agenda/programmes/",
            {
                "name": "P",
                "kind": "gerichte-call",
                "agenda": "maakindustrie",
                "year": 2025,
                "budget_eur": "1000.00",
            },
        ),
        (
            "post",
            "/api/v1/agenda/bottlenecks/",
            {
                "title": "B",
                "agenda": "maakindustrie",
                "policy_level": "regional",
                "reported_by": org.pk,
            },
        ),
        (
            "post",
            "/api/v1/doers/cases/",
            {"title": "Case", "summary": "s", "organisation": org.pk, "agendas": ["maakindustrie"]},
        ),
        ("post", "/api/v1/scan/responses/", {"organisation": gov.pk, "year": 2025}),
    ]


@pytest.mark.parametrize("op", range(8))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=HOSTILE, field_index=st.integers(0, 20))
def test_api_writes_refuse_hostile_values(
    actors: dict[str, Any], op: int, value: Any, field_index: int
) -> None:
    method, url, body = _operations(actors)[op]
    fields = list(body)
    field = fields[field_index % len(fields)]
    payload = {**body, field: value}
    before = _counts()
    r = getattr(actors["client"], method)(
        url, data=json.dumps(payload), content_type="application/json"
    )
    assert r.status_code < 500, (url, field, value, r.content[:300])
    if 400 <= r.status_code < 500:
        err = r.json()["error"]
        assert err["message"], (url, field, value)
        assert _counts() == before, (url, field, value)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=HOSTILE)
def test_scan_answers_refuse_hostile_values(actors: dict[str, Any], value: Any) -> None:
    from circulair.web.apps.scan.models import Response
    from circulair.web.apps.scan.services import response_start

    r0 = Response.objects.filter(organisation=actors["gov"], year=2024).first() or response_start(
        user=actors["user"], organisation=actors["gov"], year=2024
    )
    before = dict(r0.answers)
    r = actors["client"].post(
        f"/api/v1/scan/responses/{r0.pk}/answers/",
        data=json.dumps({"answers": {"profiel_inwoners": value}}),
        content_type="application/json",
    )
    assert r.status_code < 500, (value, r.content[:300])
    r0.refresh_from_db()
    if r.status_code >= 400:
        assert r.json()["error"]["message"]
        assert r0.answers == before


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/v1/agenda/evaluation/", "year"),
        ("/api/v1/agenda/actions/", "page"),
        ("/api/v1/agenda/actions/", "page_size"),
        ("/api/v1/doers/cases/", "page"),
        ("/api/v1/doers/cases/", "q"),
        ("/api/v1/monitor/observations/", "year"),
        ("/api/v1/municipalities/", "page_size"),
        ("/api/v1/records/", "page"),
    ],
)
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=HOSTILE)
def test_query_parameters_never_fail(client: Client, url: str, field: str, value: Any) -> None:
    if value is None or isinstance(value, list | dict):
        return
    r = client.get(url, {field: str(value).replace("\x00", "")})
    assert r.status_code < 500, (url, field, value)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=HOSTILE, column=st.sampled_from(["value", "year", "region", "unit", "indicator"]))
def test_monitor_import_refuses_hostile_cells(
    monitor_editor: User, value: Any, column: str
) -> None:
    row = {"indicator": "rmi", "region": "VLG", "year": "2031", "value": "640", "unit": "Mt"}
    row[column] = str(value).replace("\n", " ")
    text = (
        ",".join(row)
        + "\n"
        + ",".join('"' + v.replace('"', '""') + '"' for v in row.values())
        + "\n"
    )
    c = Client()
    c.force_login(monitor_editor)
    before = _counts()
    r = c.post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("h.csv", text.encode())}
    )
    assert r.status_code in (201, 400), (column, value, r.content[:300])
    if r.status_code == 400:
        assert r.json()["error"]["problems"]
        after = _counts()
        assert after["monitor.Observation"] == before["monitor.Observation"]


@pytest.mark.parametrize("op", range(8))
def test_the_valid_bodies_are_accepted(actors: dict[str, Any], op: int) -> None:
    """The hostile test changes one field of a body that is otherwise accepted."""
    method, url, body = _operations(actors)[op]
    r = getattr(actors["client"], method)(
        url, data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code in (200, 201), (url, r.content[:400])


def test_every_float_input_uses_the_one_number_rule() -> None:
    """Django's and DRF's FloatField accept 1e300 or NaN: only the finite fields are used."""
    from pathlib import Path

    import circulair

    root = Path(circulair.__file__).parent / "web"
    plain = ("serializers.FloatField(", "forms.FloatField(")
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "fields.py" and any(x in p.read_text() for x in plain)
    ]
    assert offenders == []
