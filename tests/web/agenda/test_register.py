"""Agenda register: the yearly evaluation on hand-counted data, roles and permissions (web, API,
crafted requests), history, import/export, query counts, annual report."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from circulair.core.errors import InputError
from circulair.web.apps.agenda import selectors, services
from circulair.web.apps.agenda.models import Action, Signatory
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.models import Change, Upload
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Evaluations are cached per change-log id; a rolled-back test may reuse those ids."""
    from django.core.cache import cache

    cache.clear()


PW = "a-long-test-password"
D = dt.date


def _org(name: str, username: str, **kw: Any) -> tuple[Organisation, User]:
    org = Organisation.objects.create(name=name, **kw)
    user = User.objects.create_user(username, password=PW)
    Membership.objects.create(organisation=org, user=user)
    return org, user


def _act(user: Any, org: Organisation, title: str, **kw: Any) -> Action:
    data = {"title": title, "agenda": "maakindustrie", "status": "running", "start": D(2025, 2, 1)}
    data.update(kw)
    return services.action_create(user=user, organisation=org, data=data)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def world() -> dict[str, Any]:
    agenda = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    alfa, alice = _org("Alfa Metaal", "alice", nace_code="25.110", employee_class="4")
    bravo, bob = _org("Bravo Textiel", "bob", nace_code="13.200", employee_class="3")
    charlie, carol = _org("Charlie Advies", "carol", nace_code="70.220", employee_class="5")
    small, sam = _org("Klein Atelier", "sam", nace_code="31.010", employee_class="2")
    lead = User.objects.create_user("leo", password=PW)
    services.agenda_lead_add(user=None, agenda=agenda, lead=lead)
    for org, year in ((alfa, 2023), (bravo, 2024), (charlie, 2026)):
        services.signatory_create(user=lead, organisation=org, agenda=agenda, year_signed=year)
    # Alfa: 4 counted actions -> short by 1.
    _act(
        alice,
        alfa,
        "A1",
        work_path="maakindustrie-a",
        lever="innoveren-ondernemen",
        r_strategies=["r3-reuse"],
    )
    _act(alice, alfa, "A2", work_path="maakindustrie-a", r_strategies=["r4-repair"])
    _act(
        alice,
        alfa,
        "A3",
        work_path="maakindustrie-b",
        value_chain="textiel",
        status="completed",
        start=D(2024, 3, 1),
        end=D(2025, 1, 15),
    )
    _act(
        alice, alfa, "A4 stopped in 2025", status="stopped", start=D(2025, 1, 1), end=D(2025, 3, 1)
    )
    _act(
        alice, alfa, "A5 stopped in 2024", status="stopped", start=D(2024, 1, 1), end=D(2024, 3, 1)
    )  # does not count for 2025
    _act(alice, alfa, "A6 planned", status="planned", start=D(2025, 10, 1))  # never counts
    # Bravo: 4 own + 1 as partner of Charlie's action -> 5, meets the commitment.
    for i in range(4):
        _act(bob, bravo, f"B{i}", work_path="maakindustrie-m")
    _act(carol, charlie, "C1 with Bravo", partners=["Bravo Textiel"], public=True)
    return {
        "agenda": agenda,
        "alfa": alfa,
        "bravo": bravo,
        "charlie": charlie,
        "small": small,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "sam": sam,
        "lead": lead,
    }


# --- evaluation --------------------------------------------------------------------------
def test_four_actions_fall_short_five_do_not(world: dict[str, Any]) -> None:
    e = selectors.evaluation(world["agenda"], 2025)
    by = {s.name: s for s in e.signatories}
    assert set(by) == {"Alfa Metaal", "Bravo Textiel"}  # Charlie signed in 2026
    assert (by["Alfa Metaal"].actions, by["Alfa Metaal"].commitment) == (4, 5)
    assert by["Alfa Metaal"].falls_short and by["Alfa Metaal"].short_by == 1
    assert by["Bravo Textiel"].actions == 5 and not by["Bravo Textiel"].falls_short
    assert e.counted_actions == 4 + 4 + 1
    assert e.status_counts == {"completed": 1, "running": 7, "stopped": 1}


def test_work_path_and_value_chain_coverage_is_exact(world: dict[str, Any]) -> None:
    e = selectors.evaluation(world["agenda"], 2025)
    assert len(e.work_paths) == 13
    covered = {k: v for k, v in e.work_paths.items() if v}
    assert covered == {"maakindustrie-a": 2, "maakindustrie-b": 1, "maakindustrie-m": 4}
    assert len(e.uncovered_work_paths) == 10
    assert "maakindustrie-c" in e.uncovered_work_paths
    assert e.value_chains["textiel"] == 1 and e.value_chains["consumententextiel"] == 0
    assert e.levers["innoveren-ondernemen"] == 1
    assert e.loops == {"short": 1, "medium": 1, "long": 0}


def test_agenda_commitment_changes_the_verdict(world: dict[str, Any]) -> None:
    services.agenda_commitment_set(user=world["lead"], agenda=world["agenda"], min_actions=4)
    e = selectors.evaluation(world["agenda"], 2025)
    assert not e.shortfalls
    with pytest.raises(Exception) as ei:
        services.agenda_commitment_set(user=world["alice"], agenda=world["agenda"], min_actions=1)
    assert ei.type.__name__ == "PermissionDenied"


def test_evaluation_page_api_and_share(world: dict[str, Any]) -> None:
    c = Client()
    body = c.get("/agenda/evaluation/?agenda=maakindustrie&year=2025").content.decode()
    assert 'id="shortfall-count">1<' in body
    # 10 of 13 work paths and 7 of 8 value chains have no action
    assert body.count('<strong class="flag">') == 10 + 7
    assert "Een actie telt voor jaar J" in body  # the rule, in the page's language
    en = c.get("/agenda/evaluation/?agenda=maakindustrie&year=2025", HTTP_ACCEPT_LANGUAGE="en")
    assert "An action counts for year Y" in en.content.decode()
    data = c.get("/api/v1/agenda/evaluation/?agenda=manufacturing&year=2025").json()
    assert data["shortfalls"] == ["Alfa Metaal"]
    assert data["manufacturer_share"] == {
        "manufacturers": 2,
        "active": 2,
        "percent": 100.0,
        "indicator": "circular-manufacturers-share",
    }
    # Klein Atelier (5-9 employees) is no manufacturer in the target's sense; Charlie is NACE 70
    from circulair.web.apps.monitor.models import Observation

    share = services.manufacturer_share_record(year=2025)
    assert share.percent == 100.0
    obs = Observation.objects.get(
        indicator__slug="circular-manufacturers-share", year=2025, region="VLG"
    )
    assert (obs.value, obs.origin) == (100.0, "agenda")


# --- status transitions and history --------------------------------------------------------
def test_transitions_are_enforced_and_logged(world: dict[str, Any]) -> None:
    a = Action.objects.get(title="A6 planned")
    with pytest.raises(InputError):
        services.action_transition(user=world["alice"], action=a, status="completed")
    services.action_transition(user=world["alice"], action=a, status="running", on=D(2025, 10, 2))
    a.refresh_from_db()
    assert a.status == "running" and a.start == D(2025, 10, 1)
    services.action_transition(user=world["alice"], action=a, status="completed", on=D(2025, 11, 1))
    a.refresh_from_db()
    assert (a.status, a.end) == ("completed", D(2025, 11, 1))
    with pytest.raises(InputError):  # terminal
        services.action_transition(user=world["alice"], action=a, status="running")
    with pytest.raises(InputError):
        services.action_update(user=world["alice"], action=a, data={"status": "planned"})
    log = list(history_of(a).order_by("pk"))
    assert [h.action for h in log] == ["create", "status", "status"]
    assert log[2].changes["status"] == ["running", "completed"]
    assert log[2].user == world["alice"]


def test_history_shows_who_and_old_to_new(world: dict[str, Any]) -> None:
    a = Action.objects.get(title="A1")
    services.action_update(
        user=world["alice"],
        action=a,
        data={"title": "A1 renamed", "r_strategies": ["r3-reuse", "r8-recycle"]},
    )
    h = history_of(a).get(action="update")
    assert h.changes["title"] == ["A1", "A1 renamed"]
    assert h.changes["r_strategies"] == [["r3-reuse"], ["r3-reuse", "r8-recycle"]]
    page = _client(world["alice"]).get(f"/agenda/actions/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "<li>title changed from A1 to A1 renamed</li>" in body and "alice" in body


# --- permissions: web, API, crafted POST ---------------------------------------------------
def _snapshot(a: Action) -> tuple[Any, ...]:
    a.refresh_from_db()
    return (a.title, a.organisation_id, a.status, a.agenda_id, a.public)


def test_member_cannot_change_another_organisations_action(world: dict[str, Any]) -> None:
    private = Action.objects.get(title="A1")  # Alfa's, not public
    public = Action.objects.get(title="C1 with Bravo")  # Charlie's, public
    bob = _client(world["bob"])
    before = {a.pk: _snapshot(a) for a in (private, public)}
    logs = Change.objects.count()
    form = {
        "organisation": world["bravo"].pk,
        "title": "hijacked",
        "agenda": "maakindustrie",
        "status": "running",
        "start": "2025-01-01",
    }
    # web form POST on the edit page
    assert bob.post(f"/agenda/actions/{private.pk}/edit/", form).status_code == 404
    assert bob.post(f"/agenda/actions/{public.pk}/edit/", form).status_code == 403
    assert (
        bob.post(f"/agenda/actions/{public.pk}/status/", {"status": "completed"}).status_code == 403
    )
    # API
    for a, code in ((private, 404), (public, 403)):
        r = bob.patch(
            f"/api/v1/agenda/actions/{a.pk}/",
            data=json.dumps({"title": "x"}),
            content_type="application/json",
        )
        assert r.status_code == code
        assert r.json()["error"]["status"] == code
        r = bob.put(
            f"/api/v1/agenda/actions/{a.pk}/",
            data=json.dumps({"title": "x"}),
            content_type="application/json",
        )
        assert r.status_code == code
    r = bob.post(f"/api/v1/agenda/actions/{public.pk}/transition/", {"status": "completed"})
    assert r.status_code == 403
    # crafted: create an action in another organisation's name (web and API)
    n = Action.objects.count()
    crafted = dict(form, organisation=world["alfa"].pk)
    assert bob.post("/agenda/actions/new/", crafted).status_code == 403
    r = bob.post(
        "/api/v1/agenda/actions/",
        data=json.dumps(
            {"organisation": world["alfa"].pk, "title": "x", "agenda": "maakindustrie"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 403
    # crafted: move one's own action to another organisation
    own = Action.objects.get(title="B0")
    own_before = _snapshot(own)
    assert bob.post(f"/agenda/actions/{own.pk}/edit/", crafted).status_code == 403
    r = bob.patch(
        f"/api/v1/agenda/actions/{own.pk}/",
        data=json.dumps({"organisation": world["alfa"].pk}),
        content_type="application/json",
    )
    assert r.status_code == 403
    # nothing changed
    assert Action.objects.count() == n
    assert {a.pk: _snapshot(a) for a in (private, public)} == before
    assert _snapshot(own) == own_before
    assert Change.objects.count() == logs
    # anonymous API writes are refused too
    assert Client().patch(
        f"/api/v1/agenda/actions/{public.pk}/", data="{}", content_type="application/json"
    ).status_code in (401, 403)


def test_api_action_fields_equal_the_declared_serializer(world: dict[str, Any]) -> None:
    from rest_framework import serializers as drf

    from circulair.web.apps.agenda.api import ActionSerializer

    org = Organisation.objects.get(name="Alfa Metaal")
    _act(
        None,
        org,
        "Volledig",
        work_path="maakindustrie-a",
        lever="innoveren-ondernemen",
        value_chain="textiel",
        r_strategies=["r3-reuse", "r4-repair"],
        end=D(2025, 12, 31),
        municipality="24062",
        results="3 t hergebruikt",
    )
    actions = list(
        Action.objects.select_related(*selectors.LIST_RELATED)
        .prefetch_related("r_strategies")
        .order_by("pk")
    )
    assert len(actions) >= 12 and any(a.municipality_id and a.end for a in actions)
    ser = ActionSerializer()
    declared = [drf.ModelSerializer.to_representation(ser, a) for a in actions]
    assert [ser.to_representation(a) for a in actions] == [dict(d) for d in declared]


def test_member_edits_own_action_through_web_and_api(world: dict[str, Any]) -> None:
    own = Action.objects.get(title="B0")
    bob = _client(world["bob"])
    r = bob.post(
        f"/agenda/actions/{own.pk}/edit/",
        {
            "organisation": world["bravo"].pk,
            "title": "B0 edited",
            "agenda": "maakindustrie",
            "status": "running",
            "start": "2025-02-01",
            "figures": "collected=12.5 t",
        },
    )
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.title == "B0 edited" and [str(f) for f in own.figures.all()] == ["collected: 12.5 t"]
    r = bob.patch(
        f"/api/v1/agenda/actions/{own.pk}/",
        data=json.dumps({"public": True}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["public"] is True


def test_public_sees_only_public_actions(world: dict[str, Any]) -> None:
    anon = Client()
    titles = [a["title"] for a in anon.get("/api/v1/agenda/actions/").json()["results"]]
    assert titles == ["C1 with Bravo"]
    private = Action.objects.get(title="A1")
    assert anon.get(f"/agenda/actions/{private.pk}/").status_code == 404
    # the lead of the agenda sees all of its actions
    lead = _client(world["lead"])
    assert lead.get("/api/v1/agenda/actions/?page_size=100").json()["count"] == 11


def test_signatories_are_managed_by_the_lead_only(world: dict[str, Any]) -> None:
    r = _client(world["alice"]).post(
        "/api/v1/agenda/signatories/",
        {"organisation": "Klein Atelier", "agenda": "maakindustrie", "year_signed": 2025},
    )
    assert r.status_code == 403
    r = _client(world["lead"]).post(
        "/api/v1/agenda/signatories/",
        {"organisation": "Klein Atelier", "agenda": "maakindustrie", "year_signed": 2025},
    )
    assert r.status_code == 201
    assert Signatory.objects.filter(organisation=world["small"]).count() == 1


def test_inline_validation_names_fields(world: dict[str, Any]) -> None:
    bob = _client(world["bob"])
    r = bob.post(
        "/agenda/actions/validate/",
        {
            "organisation": world["bravo"].pk,
            "title": "x",
            "agenda": "maakindustrie",
            "status": "completed",
            "start": "2025-05-01",
            "end": "2025-01-01",
            "work_path": "circulair-bouwen-1",
        },
    )
    body = r.content.decode()
    assert "eindigt voor ze begint" in body and "werkpad hoort bij een andere agenda" in body  # nl


# --- import / export -----------------------------------------------------------------------
def test_import_rejects_the_whole_file_and_names_line_and_column(world: dict[str, Any]) -> None:
    n = Action.objects.count()
    csv = (
        "title,organisation,agenda,status,start,end,work_path,figures\n"
        "Goed,Alfa Metaal,maakindustrie,running,2025-01-01,,maakindustrie-c,\n"
        "Slecht,Alfa Metaal,nope,running,2025-13-01,,,\n"
        "Vreemd,Bravo Textiel,maakindustrie,done,2025-01-01,,,events=x #\n"
    )
    with pytest.raises(InputError) as ei:
        services.actions_import(user=world["alice"], content=csv.encode(), file_name="a.csv")
    got = {(p.row, p.field) for p in ei.value.problems}
    assert {(3, "agenda"), (3, "start"), (4, "organisation"), (4, "status"), (4, "figures")} <= got
    assert "a.csv, line 3, column 'agenda'" in str(ei.value)
    assert Action.objects.count() == n
    assert Upload.objects.filter(purpose="agenda-actions", status="rejected").count() == 1


def test_export_reimports_csv_and_xlsx(world: dict[str, Any]) -> None:
    qs = Action.objects.filter(organisation=world["alfa"])
    for fmt in ("csv", "xlsx"):
        content = services.actions_export(qs, fmt)
        Action.objects.filter(organisation=world["alfa"], title__startswith="A").count()
        out = services.actions_import(
            user=world["alice"], content=content, file_name=f"export.{fmt}"
        )
        assert sorted(a.title for a in out) == sorted(
            qs.filter(pk__lt=out[0].pk).values_list("title", flat=True)
        )
    assert Upload.objects.filter(purpose="agenda-actions", status="accepted").count() == 2


def test_signatories_import(world: dict[str, Any]) -> None:
    csv = "organisation,agenda,year_signed\nKlein Atelier,maakindustrie,2025\n"
    with pytest.raises(Exception) as ei:
        services.signatories_import(user=world["alice"], content=csv.encode(), file_name="s.csv")
    assert "lead" in str(ei.value)
    out = services.signatories_import(user=world["lead"], content=csv.encode(), file_name="s.csv")
    assert [s.organisation.name for s in out] == ["Klein Atelier"]


# --- query counts --------------------------------------------------------------------------
def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_and_api_use_a_constant_number_of_queries(world: dict[str, Any]) -> None:
    lead = _client(world["lead"])
    urls = [
        "/agenda/actions/?page_size={n}",
        "/api/v1/agenda/actions/?page_size={n}",
        "/agenda/signatories/?page_size={n}",
        "/api/v1/agenda/signatories/?page_size={n}",
        "/agenda/programmes/?page_size={n}",
        "/api/v1/agenda/programmes/?page_size={n}",
        "/agenda/bottlenecks/?page_size={n}",
        "/api/v1/agenda/bottlenecks/?page_size={n}",
    ]

    def more(i: int) -> None:
        _act(
            world["bob"],
            world["bravo"],
            f"extra {i}",
            r_strategies=["r3-reuse", "r4-repair"],
            partners=["Alfa Metaal"],
            lever="financiering",
            work_path="maakindustrie-d",
        )
        org = Organisation.objects.create(name=f"Org {i}")
        services.signatory_create(
            user=None, organisation=org, agenda=world["agenda"], year_signed=2024
        )
        services.programme_create(
            user=None,
            data={
                "name": f"Call {i}",
                "kind": "gerichte-call",
                "agenda": "maakindustrie",
                "year": 2025,
            },
        )
        services.bottleneck_create(
            user=None,
            data={"title": f"Obstacle {i}", "agenda": "maakindustrie", "policy_level": "regional"},
        )

    for i in range(3):
        more(i)
    small = {u: _count(lead, u.format(n=3)) for u in urls}
    for i in range(3, 33):
        more(i)
    big = {u: _count(lead, u.format(n=30)) for u in urls}
    assert big == small


# --- programmes and bottlenecks ------------------------------------------------------------
def test_programme_lifecycle(world: dict[str, Any]) -> None:
    p = services.programme_create(
        user=world["lead"],
        data={
            "name": "Gerichte call circulaire maakindustrie",
            "kind": "gerichte-call",
            "agenda": "maakindustrie",
            "year": 2025,
        },
    )
    a = Action.objects.get(title="B1")
    services.action_update(user=world["bob"], action=a, data={"programme": p.pk})
    for expected in ("selection", "funding", "interim_report", "completion", "publication"):
        p = services.programme_advance(user=world["lead"], programme=p)
        assert p.stage == expected
    with pytest.raises(InputError):
        services.programme_advance(user=world["lead"], programme=p)
    with pytest.raises(Exception) as ei:
        services.programme_create(
            user=world["alice"],
            data={"name": "x", "kind": "green-deal", "agenda": "maakindustrie", "year": 2025},
        )
    assert ei.type.__name__ == "PermissionDenied"
    e = selectors.evaluation(world["agenda"], 2025)
    assert e.programmes_by_stage["publication"] == 1 and e.funded_actions == 1
    body = Client().get(f"/agenda/programmes/{p.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "stage changed from interim report to completion" in body


def test_bottlenecks(world: dict[str, Any]) -> None:
    b = services.bottleneck_create(
        user=world["alice"],
        reported_by=world["alfa"],
        data={
            "title": "Afvalstatuut remt hergebruik",
            "agenda": "maakindustrie",
            "policy_level": "regional",
        },
    )
    with pytest.raises(PermissionDenied):
        services.bottleneck_create(
            user=world["alice"],
            reported_by=world["bravo"],
            data={"title": "x", "agenda": "maakindustrie", "policy_level": "regional"},
        )
    with pytest.raises(PermissionDenied):
        services.bottleneck_set_status(user=world["alice"], bottleneck=b, status="resolved")
    services.bottleneck_set_status(user=world["lead"], bottleneck=b, status="escalated")
    e = selectors.evaluation(world["agenda"], 2025)
    assert [x.title for x in e.open_bottlenecks] == ["Afvalstatuut remt hergebruik"]
    # the evaluation names its level and status in words, in the reader's language
    url = "/agenda/evaluation/?agenda=maakindustrie&year=2025"
    nl = Client(HTTP_ACCEPT_LANGUAGE="nl").get(url).content.decode()
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "<li>Afvalstatuut remt hergebruik (Vlaams, geëscaleerd)</li>" in nl
    assert "<li>Afvalstatuut remt hergebruik (Flemish, escalated)</li>" in en
    services.bottleneck_set_status(user=world["lead"], bottleneck=b, status="resolved")
    assert not selectors.evaluation(world["agenda"], 2025).open_bottlenecks


# --- pages and report ----------------------------------------------------------------------
def test_pages_render(world: dict[str, Any]) -> None:
    """Each page renders with its own content (a marker of what it shows), not just 200."""
    c = _client(world["alice"])
    expected = {
        "/agenda/": "Maakindustrie",
        "/agenda/actions/?agenda=maakindustrie&year=2025": "A1",
        "/agenda/actions/new/": 'name="title"',
        "/agenda/signatories/": "Alfa Metaal",
        "/agenda/programmes/": "<h1",
        "/agenda/bottlenecks/": "<h1",
        "/agenda/evaluation/": "Alfa Metaal",
        "/agenda/report/?year=2025": "2025",
        "/agenda/import/": 'type="file"',
    }
    for url, marker in expected.items():
        r = c.get(url)
        assert r.status_code == 200, url
        assert marker in r.content.decode(), (url, marker)
    csv_text = c.get("/agenda/actions/?format=csv").content.decode()
    assert csv_text.splitlines()[0].startswith("title,") and "A1" in csv_text
    xlsx = c.get("/agenda/signatories/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_report_pdf_has_every_agenda_section(world: dict[str, Any], pdf_page_png: Any) -> None:
    import pypdfium2 as pdfium

    for lang, heading in (("nl", "Werkagenda {name_nl}"), ("en", "Work agenda {name_en}")):
        r = Client().get("/agenda/report.pdf?year=2025", HTTP_ACCEPT_LANGUAGE=lang)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        pdf = r.content
        _png, ink = pdf_page_png(pdf, 0)
        assert ink > 0.01
        doc = pdfium.PdfDocument(pdf)
        text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        for rec in Record.objects.filter(kind="work_agenda"):
            name = rec.name_nl if lang == "nl" else rec.name_en
            if rec.slug == "maakindustrie":  # the one agenda with actions has its section
                assert heading.format(name_nl=rec.name_nl, name_en=rec.name_en) in text
            else:  # the others one line each (issue 15), in the reader's language
                line = "geen acties gerapporteerd in" if lang == "nl" else "no actions reported in"
                assert f"{name}: {line} 2025" in text, rec.slug
        # a public impact project of the manufacturing agenda; Alfa's actions are private
        assert "C1 with Bravo" in text and "Alfa Metaal" not in text
        assert "Actions per lever, 2025" in text or "Acties per hefboom, 2025" in text  # chart
    html = Client().get("/agenda/report/?year=2025").content.decode()
    assert html.count('class="agenda-section"') == 1 and "<svg" in html
    assert html.count('class="quiet-agenda"') == 5


def test_lead_adds_a_work_path_members_cannot(world: dict[str, Any]) -> None:
    url = "/agenda/evaluation/manage/"
    form = {
        "agenda": "maakindustrie",
        "year": "2025",
        "what": "work_path",
        "name_nl": "Digitaal productpaspoort voor machines",
    }
    assert _client(world["alice"]).post(url, form).status_code == 403
    assert not Record.objects.filter(kind="work_path", name_nl=form["name_nl"]).exists()
    assert _client(world["lead"]).post(url, form).status_code == 302
    rec = Record.objects.get(kind="work_path", name_nl=form["name_nl"])
    assert (rec.slug, rec.origin) == (
        "maakindustrie-digitaal-productpaspoort-voor-machines",
        "admin",
    )
    e = selectors.evaluation(world["agenda"], 2025)
    assert len(e.work_paths) == 14 and e.work_paths[rec.slug] == 0
    assert rec.slug in e.uncovered_work_paths
    _act(world["alice"], world["alfa"], "Paspoort", work_path=rec.slug)
    assert selectors.evaluation(world["agenda"], 2025).work_paths[rec.slug] == 1


def test_organisation_nace_and_size_are_validated() -> None:
    from django.core.exceptions import ValidationError

    org = Organisation(name="X", nace_code="25.110", employee_class="3")
    org.full_clean()
    assert org.nace_division == 25
    for bad in ("C25", "2", "25.1100"):
        with pytest.raises(ValidationError):
            Organisation(name="X", nace_code=bad).full_clean()
    with pytest.raises(ValidationError):
        Organisation(name="X", employee_class="12").full_clean()


def test_api_programmes_and_bottlenecks_writes(world: dict[str, Any]) -> None:
    alice, lead = _client(world["alice"]), _client(world["lead"])
    body = {
        "name": "Living lab maakindustrie",
        "kind": "living-lab",
        "agenda": "maakindustrie",
        "year": 2025,
    }
    assert alice.post("/api/v1/agenda/programmes/", body).status_code == 403
    r = lead.post("/api/v1/agenda/programmes/", body)
    assert r.status_code == 201 and r.json()["stage"] == "launch"
    pid = r.json()["id"]
    assert alice.post(f"/api/v1/agenda/programmes/{pid}/advance/").status_code == 403
    r = lead.post(f"/api/v1/agenda/programmes/{pid}/advance/", {"outcome": "12 projecten"})
    assert r.json()["stage"] == "selection"
    r = alice.post(
        "/api/v1/agenda/bottlenecks/",
        {
            "title": "Afvalstatuut",
            "agenda": "maakindustrie",
            "policy_level": "regional",
            "reported_by": world["bravo"].pk,
        },
    )
    assert r.status_code == 403  # not Alice's organisation
    r = alice.post(
        "/api/v1/agenda/bottlenecks/",
        {
            "title": "Afvalstatuut",
            "agenda": "maakindustrie",
            "policy_level": "regional",
            "reported_by": world["alfa"].pk,
        },
    )
    assert r.status_code == 201 and r.json()["status"] == "open"


def test_web_import_names_line_and_column_and_keeps_the_file(world: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    alice = _client(world["alice"])
    n = Action.objects.count()
    bad = SimpleUploadedFile(
        "acties.csv", b"title,organisation,agenda,start\nX,Alfa Metaal,maakindustrie,2025-02-30\n"
    )
    r = alice.post("/agenda/import/", {"kind": "actions", "file": bad})
    assert r.status_code == 400
    assert "acties.csv, regel 2, kolom &#x27;start&#x27;" in r.content.decode()  # nl
    good = SimpleUploadedFile(
        "acties.csv", b"title,organisation,agenda,start\nX,Alfa Metaal,maakindustrie,2025-02-28\n"
    )
    assert alice.post("/agenda/import/", {"kind": "actions", "file": good}).status_code == 302
    assert Action.objects.count() == n + 1
    assert Upload.objects.filter(purpose="agenda-actions").count() == 2


def test_lead_edits_a_signatory_with_history(world: dict[str, Any]) -> None:
    s = Signatory.objects.get(organisation=world["alfa"])
    url = f"/agenda/signatories/{s.pk}/"
    assert _client(world["alice"]).post(url, {"min_actions": "2"}).status_code == 403
    assert (
        _client(world["lead"]).post(url, {"year_signed": "2023", "min_actions": "4"}).status_code
        == 302
    )
    s.refresh_from_db()
    assert s.min_actions == 4
    e = selectors.evaluation(world["agenda"], 2025)
    assert not {x.name: x for x in e.signatories}["Alfa Metaal"].falls_short  # 4 of 4
    body = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "own commitment (actions per year) set to 4" in body


def test_back_office_saves_and_deletions_are_in_the_history(world: dict[str, Any]) -> None:
    """The Django admin writes the same history as the services (real admin POSTs)."""
    from django.contrib import admin
    from django.test import RequestFactory

    from circulair.web.apps.agenda.models import Bottleneck

    b = services.bottleneck_create(
        user=world["alice"],
        reported_by=world["alfa"],
        data={
            "title": "Vergunning duurt te lang",
            "agenda": "maakindustrie",
            "policy_level": "regional",
        },
    )
    staff = User.objects.create_user("admin2", password=PW, is_staff=True, is_superuser=True)
    c = _client(staff)
    ma = admin.site._registry[Bottleneck]
    req = RequestFactory().get("/")
    req.user = staff
    form = ma.get_form(req, b)(instance=b)
    data = {}
    for name in form.fields:
        v = form[name].value()
        if v is None:
            continue
        data[name] = [str(x) for x in v] if isinstance(v, list) else str(v)
    data["title"] = "Vergunning duurt veel te lang"
    r = c.post(f"/admin/agenda/bottleneck/{b.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    h = history_of(b).get(action="update")
    assert h.changes == {"title": ["Vergunning duurt te lang", "Vergunning duurt veel te lang"]}
    assert h.user == staff
    r = c.post(f"/admin/agenda/bottleneck/{b.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    d = history_of(Bottleneck, b.pk).get(action="delete")
    assert d.changes["title"] == ["Vergunning duurt veel te lang", None]
    assert not Bottleneck.objects.filter(pk=b.pk).exists()
