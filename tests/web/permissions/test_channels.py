"""Private data per channel: exact locations and organisation-private items never reach a user
without the right, in HTML, the API, GeoJSON, CSV/XLSX exports or PDFs.

Each private item carries a unique marker; every channel a persona without the right can reach
is read in full (XLSX cells, PDF text) and must not hold it, and one persona with the right
must see it in the same channel (so a test that reads the wrong thing fails)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import User
from django.test import Client

from circulair.web.apps.agenda import services as agenda_services
from circulair.web.apps.doers import services as doers_services
from circulair.web.apps.exchange.services import listing_create, match_propose
from circulair.web.apps.organisations import services as org_services
from circulair.web.apps.organisations.models import Membership
from circulair.web.apps.scan import services as scan_services
from circulair.web.apps.scan.models import Response

YEAR = 2025
ACTION = "Geheim-actie-7391"
ACTION_RESULT = "Geheim-resultaat-8154"
PUBLIC_ACTION = "Open-actie-2288"
CASE = "Geheim-casus-5120"
STREET = "Geheimstraat 17"
LAT, LON = 50.87654, 4.70123
COORDS = ("50.87654", "4.70123", "50,87654", "4,70123")
SITE = "Geheim-site-4420"
SCAN_NOTE = "Geheim-scan-6613"
GOVS = ("Gemeente Leuven", "Gemeente Zwartdorp", "Gemeente Witdorp")


def _answers(response: Response, note: str) -> dict[str, Any]:
    """A complete, valid set of answers to the response's questionnaire (maturity 3 and the
    first option everywhere), with ``note`` as the free-text remark."""
    out: dict[str, Any] = {}
    for q in scan_services.questionnaire_of(response.questionnaire).questions:
        if q.type == "maturity":
            out[q.id] = 3
        elif q.type == "yes_no":
            out[q.id] = True
        elif q.type == "choice":
            out[q.id] = [q.options[0].value] if q.multiple else q.options[0].value
        elif q.type == "number":
            out[q.id] = 20_000
        elif q.type == "text":
            out[q.id] = note
    return out


def _submit(user: User, response: Response, note: str = "") -> Response:
    scan_services.answers_save(user=user, response=response, answers=_answers(response, note))
    return scan_services.response_submit(user=user, response=response)


@pytest.fixture
def ch(world: dict[str, Any]) -> dict[str, Any]:
    """The world plus one marked private item per channel family (and a public control)."""
    u, a = world["users"], world["a"]
    common = {"agenda": "maakindustrie", "start": f"{YEAR}-02-01", "end": f"{YEAR}-06-30"}
    # completed with results: counted in the year, so a report would list it twice over
    # (impact projects and highlights) if it named private actions
    action = agenda_services.action_create(
        user=u["member_a"],
        organisation=a,
        data={
            **common,
            "title": ACTION,
            "status": "completed",
            "results": ACTION_RESULT,
            "impact_project": True,
        },
    )
    agenda_services.action_create(
        user=u["member_a"],
        organisation=a,
        data={**common, "title": PUBLIC_ACTION, "status": "running", "public": True},
    )
    case = doers_services.case_create(
        user=u["member_a"],
        data={"title": CASE, "summary": "s", "organisation": a.pk, "refnis": "24062"},
    )
    today = world["offer"].available_from
    offer = listing_create(
        user=u["member_a"],
        organisation=a,
        data={
            "kind": "offer",
            "title": "Eiken planken",
            "material": "wood-a",
            "quantity": 4.0,
            "unit": "t",
            "available_from": today,
            "available_to": world["offer"].available_to,
            "route": "reuse",
            "address": STREET,
            "lat": LAT,
            "lon": LON,
        },
        publish=True,
    )
    request = world["match"].request
    # a proposal gives member_b no right to the location (only an accepted match does)
    match = match_propose(user=u["member_b"], offer=offer, request=request)
    run = world["run"]
    run.result = {
        "facilities": [
            {
                "id": "f1",
                "unit_name": SITE,
                "refnis": "24062",
                "municipality": "Leuven",
                "count": 1,
                "m2": 100.0,
                "lat": 50.88,
                "lon": 4.7,
            }
        ],
        "assignments": [],
    }
    run.save(update_fields=["result"])
    response = _submit(u["member_a"], world["response"], SCAN_NOTE)
    for i, name in enumerate(GOVS[1:]):
        gov = org_services.organisation_create(name=name, side="overheid", refnis="24062")
        m = User.objects.create_user(f"gov{i}", password="a-long-test-password")
        Membership.objects.create(organisation=gov, user=m, role="member")
        _submit(m, scan_services.response_start(user=m, organisation=gov, year=YEAR))
    return {
        **world,
        "my_action": action,
        "my_case": case,
        "my_offer": offer,
        "request": request,
        "my_match": match,
        "scan": response,
    }


def _read(client: Client, world: dict[str, Any], persona: str, url: str) -> tuple[int, str]:
    """(status, every text the answer holds) for ``persona``: XLSX cells and PDF text too."""
    client.logout()
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    resp = client.get(url)
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    ctype = resp.get("Content-Type", "")
    if resp.status_code == 200 and ctype.startswith("application/pdf"):
        doc = pdfium.PdfDocument(body)
        return 200, "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    if resp.status_code == 200 and "spreadsheetml" in ctype:
        wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        cells = (c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)
        return 200, "\n".join(str(c) for c in cells if c is not None)
    return resp.status_code, body.decode("utf-8", "replace")


def _never(
    client: Client, world: dict[str, Any], personas: tuple[str, ...], urls: list[str], *marks: str
) -> None:
    for persona in personas:
        for url in urls:
            status, text = _read(client, world, persona, url)
            assert status < 500, (persona, url, status)
            for mark in marks:
                assert mark not in text, f"{mark!r} leaks to {persona} via {url}"


def _seen(client: Client, world: dict[str, Any], persona: str, urls: list[str], mark: str) -> None:
    for url in urls:
        status, text = _read(client, world, persona, url)
        assert status == 200 and mark in text, f"{persona} should see {mark!r} via {url} ({status})"


# --- agenda ---------------------------------------------------------------------------------
def test_private_action_in_list_api_exports_and_report(client: Client, ch: dict[str, Any]) -> None:
    private = [
        "/agenda/actions/?page_size=500",
        "/api/v1/agenda/actions/?page_size=500",
        "/agenda/actions/?format=csv",
        "/agenda/actions/?format=xlsx",
        f"/agenda/actions/{ch['my_action'].pk}/",
    ]
    report = [f"/agenda/report/?year={YEAR}", f"/agenda/report.pdf?year={YEAR}"]
    _never(client, ch, ("anonymous", "member_b"), private + report, ACTION, ACTION_RESULT)
    _seen(client, ch, "member_a", private, ACTION)
    _seen(client, ch, "member_a", private[2:], ACTION_RESULT)
    # the annual report is public (one answer for everyone): only public actions are named
    _never(client, ch, ("member_a", "administrator"), report, ACTION, ACTION_RESULT)
    _seen(client, ch, "anonymous", report, PUBLIC_ACTION)


# --- doers ----------------------------------------------------------------------------------
def test_draft_case_in_list_api_and_maps(client: Client, ch: dict[str, Any]) -> None:
    urls = ["/doers/?page_size=100", "/api/v1/doers/cases/?page_size=100", "/doers/map.geojson"]
    detail = f"/doers/{ch['my_case'].slug}/"
    _never(client, ch, ("anonymous", "member_b"), [*urls, detail, "/map/cases.geojson"], CASE)
    _seen(client, ch, "member_a", [*urls, detail], CASE)


# --- exchange -------------------------------------------------------------------------------
def test_exact_location_of_an_offer(client: Client, ch: dict[str, Any]) -> None:
    pk = ch["my_offer"].pk
    urls = [
        "/exchange/",
        f"/exchange/listings/{pk}/",
        "/api/v1/exchange/listings/?page_size=500",
        f"/api/v1/exchange/listings/{pk}/",
        "/exchange/insight/",
        "/exchange/insight/?format=csv",
    ]
    party = [
        f"/exchange/matches/{ch['my_match'].pk}/",
        "/api/v1/exchange/matches/",
        f"/api/v1/exchange/matches/{ch['my_match'].pk}/",
        f"/api/v1/exchange/listings/{ch['request'].pk}/matches/",
    ]
    marks = ("Geheimstraat", *COORDS)
    _never(client, ch, ("anonymous", "administrator"), urls, *marks)
    _never(client, ch, ("member_b",), urls + party, *marks)
    # member_b does see the offer itself, at its municipality's centre
    _seen(client, ch, "member_b", [f"/api/v1/exchange/listings/{pk}/"], "Eiken planken")
    _seen(client, ch, "member_a", [f"/exchange/listings/{pk}/"], STREET)
    _seen(client, ch, "member_a", [f"/api/v1/exchange/listings/{pk}/"], "50.87654")


# --- atlas ----------------------------------------------------------------------------------
def test_siting_run_exports_and_api(client: Client, ch: dict[str, Any]) -> None:
    pk = ch["run"].pk
    one = [
        f"/api/v1/atlas/runs/{pk}/",
        f"/api/v1/atlas/runs/{pk}/geojson/",
        f"/atlas/runs/{pk}/",
        f"/atlas/runs/{pk}/export.geojson",
        f"/atlas/runs/{pk}/export.csv",
    ]
    for persona in ("anonymous", "member_b"):
        for url in one:
            assert _read(client, ch, persona, url)[0] == 404, (persona, url)
    _never(client, ch, ("anonymous", "member_b"), ["/api/v1/atlas/runs/?page_size=500"], SITE)
    _seen(client, ch, "member_a", ["/api/v1/atlas/runs/?page_size=500", *one], SITE)


# --- scan -----------------------------------------------------------------------------------
def test_submitted_scan_response(client: Client, ch: dict[str, Any]) -> None:
    pk = ch["scan"].pk
    urls = [
        f"/scan/responses/{pk}/report/",
        f"/scan/responses/{pk}/report.pdf",
        f"/api/v1/scan/responses/{pk}/",
        f"/api/v1/scan/responses/{pk}/report/",
    ]
    for url in urls:
        assert _read(client, ch, "member_b", url)[0] == 404, url
    _never(client, ch, ("anonymous", "member_b"), ["/api/v1/scan/responses/"], SCAN_NOTE, GOVS[0])
    _seen(client, ch, "member_a", urls[:2], GOVS[0])
    _seen(client, ch, "member_a", [urls[2], "/api/v1/scan/responses/"], SCAN_NOTE)


def test_scan_network_shows_only_aggregates(client: Client, ch: dict[str, Any]) -> None:
    urls = [
        f"/scan/network/?year={YEAR}",
        f"/scan/network/?year={YEAR}&format=csv",
        f"/api/v1/scan/network/?year={YEAR}",
    ]
    _never(client, ch, ("anonymous", "member_b"), urls, SCAN_NOTE, *GOVS)
    # the aggregate over the three governments is there
    status, text = _read(client, ch, "member_b", urls[1])
    assert status == 200 and "all,all,n,3" in text.replace("\r", "")
