"""Scan coordinators read every government's scans and reports (never write them), see the
coordination overview and its CSV; analysts see the network's small groups unmasked, labelled
not for publication; everybody else keeps the masked view and sees no other government's scan."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from circulair.web.apps.common.history import history_of
from circulair.web.apps.organisations.models import Membership, Organisation
from circulair.web.apps.scan import presenters, selectors, services
from circulair.web.apps.scan.models import Response

from .test_rounds import PASSWORD, answers_at, gov, overall_at, submitted

pytestmark = pytest.mark.django_db

#: overall_at(2) with bio (1 + .5 + .5)/3 x 10 = 6.67 instead of 5 (see test_rounds)
LEUVEN_OVERALL = overall_at(2) + (20 / 3 - 5) / 8


def _with_role(name: str, role: str, **kw: Any) -> User:
    u = User.objects.create_user(name, password=PASSWORD, **kw)
    u.groups.add(Group.objects.get_or_create(name=role)[0])
    return u


@pytest.fixture
def scans() -> dict[str, Any]:
    """Leuven submitted (4.79), Herent in progress, Bierbeek without a round."""
    leuven, lu = gov("Stad Leuven", "leuven")
    done = submitted(leuven, lu, answers_at(2, bio_korte_keten=4))
    herent, hu = gov("Gemeente Herent", "herent", "24038")
    draft = services.response_start(user=hu, organisation=herent, year=2025)
    services.answers_save(user=hu, response=draft, answers={"bio_korte_keten": 1})
    bierbeek, _ = gov("Gemeente Bierbeek", "bierbeek", "24011")
    return {"done": done, "draft": draft, "bierbeek": bierbeek}


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_coordinator_reads_another_governments_scan_and_report(scans: Any) -> None:
    done, draft = scans["done"], scans["draft"]
    assert done.score["overall"] == pytest.approx(LEUVEN_OVERALL)
    c = _client(_with_role("coordinator", "scan_coordinator"))
    page = c.get(f"/scan/responses/{done.pk}/report/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="overall-score">4,8<' in body and "Stad Leuven" in body
    pdf = c.get(f"/scan/responses/{done.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    doc = pdfium.PdfDocument(pdf.content)
    assert "Stad Leuven" in "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    detail = c.get(f"/api/v1/scan/responses/{done.pk}/").json()
    assert detail["organisation"] == "Stad Leuven"
    assert detail["overall"] == round(LEUVEN_OVERALL, 2) == 4.79
    report = c.get(f"/api/v1/scan/responses/{done.pk}/report/").json()
    assert report["score"]["overall"] == 4.8
    listed = c.get("/api/v1/scan/responses/").json()["results"]
    assert sorted(x["id"] for x in listed) == sorted([done.pk, draft.pk])
    # the draft is readable step by step, without a form to answer it
    fill = c.get(f"/scan/responses/{draft.pk}/?step=bio-economie-voeding")
    assert fill.status_code == 200
    text = fill.content.decode()
    assert 'id="scan-read-only"' in text and 'id="scan-form"' not in text
    assert "<fieldset disabled>" in text and 'id="submit-scan"' not in text
    assert 'name="q_bio_korte_keten" value="1" checked' in text
    # the start page leads to the overview
    assert 'id="coordination-link"' in c.get("/scan/").content.decode()


def test_the_overview_lists_every_government_sorted_and_as_csv(scans: Any) -> None:
    c = _client(_with_role("coordinator", "scan_coordinator"))
    page = c.get("/scan/coordination/")
    assert page.status_code == 200
    body = page.content.decode()
    order = re.findall(r'data-organisation="(\d+)"', body)
    done, draft, bierbeek = scans["done"], scans["draft"], scans["bierbeek"]
    by_name = [bierbeek.pk, draft.organisation_id, done.organisation_id]  # Bierbeek, Herent, Stad
    assert [int(x) for x in order] == by_name
    assert f'data-response="{done.pk}"' in body and f'data-response="{draft.pk}"' in body
    row = body[body.index(f'data-response="{done.pk}"') :]
    assert "ingediend" in row[:400] and "4,8" in row[:400]
    assert f'href="/scan/responses/{done.pk}/report/"' in row[:600]
    by_score = re.findall(
        r'data-organisation="(\d+)"', c.get("/scan/coordination/?sort=-score").content.decode()
    )
    assert int(by_score[0]) == done.organisation_id  # the only score; no score comes last
    got = c.get("/scan/coordination/?format=csv")
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    rows = {r["organisation"]: r for r in csv.DictReader(io.StringIO(got.content.decode()))}
    assert rows["Stad Leuven"]["overall_score"] == "4.79"
    assert (rows["Stad Leuven"]["year"], rows["Stad Leuven"]["status"]) == ("2025", "submitted")
    assert rows["Stad Leuven"]["refnis"] == "24062"
    assert (rows["Gemeente Herent"]["status"], rows["Gemeente Herent"]["overall_score"]) == (
        "draft",
        "",
    )
    assert rows["Gemeente Bierbeek"]["year"] == "" and rows["Gemeente Bierbeek"]["status"] == ""
    admin = _client(User.objects.create_user("root", password=PASSWORD, is_superuser=True))
    assert admin.get("/scan/coordination/").status_code == 200


def test_coordinators_and_administrators_cannot_answer_or_submit(scans: Any) -> None:
    done, draft = scans["done"], scans["draft"]
    events = history_of(draft).count()
    for user in (
        _with_role("coordinator", "scan_coordinator"),
        User.objects.create_user("staff", password=PASSWORD, is_staff=True),
    ):
        c = _client(user)
        for go in ("save", "next", "submit"):
            r = c.post(
                f"/scan/responses/{draft.pk}/",
                {"step": "bio-economie-voeding", "q_bio_korte_keten": "4", "go": go},
            )
            assert r.status_code == 403, (user.username, go)
        assert c.post(f"/scan/responses/{done.pk}/", {"go": "save"}).status_code == 403
        api = c.post(
            f"/api/v1/scan/responses/{draft.pk}/answers/",
            {"answers": {"bio_korte_keten": 4}},
            content_type="application/json",
        )
        assert api.status_code == 403
        assert c.post(f"/api/v1/scan/responses/{draft.pk}/submit/").status_code == 403
        org = draft.organisation
        assert c.post("/scan/start/", {"organisation": org.pk, "year": 2026}).status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {"bio_korte_keten": 1} and draft.status == Response.Status.DRAFT
    assert history_of(draft).count() == events
    assert Response.objects.count() == 2


def test_a_member_of_a_business_sees_no_governments_scan(scans: Any) -> None:
    done, draft = scans["done"], scans["draft"]
    company = Organisation.objects.create(name="Bedrijf NV")
    worker = User.objects.create_user("worker", password=PASSWORD)
    Membership.objects.create(organisation=company, user=worker)
    c = _client(worker)
    for url in (
        f"/scan/responses/{draft.pk}/",
        f"/scan/responses/{done.pk}/report/",
        f"/scan/responses/{done.pk}/report.pdf",
        f"/api/v1/scan/responses/{done.pk}/",
        f"/api/v1/scan/responses/{done.pk}/report/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.get("/api/v1/scan/responses/").json()["results"] == []
    assert c.get("/scan/coordination/").status_code == 403
    csv_get = c.get("/scan/coordination/?format=csv")
    assert csv_get.status_code == 403 and b"Stad Leuven" not in csv_get.content
    assert 'id="coordination-link"' not in c.get("/scan/").content.decode()
    assert c.post(f"/scan/responses/{draft.pk}/", {"go": "save"}).status_code == 404
    assert Client().get("/scan/coordination/").status_code == 302  # to the login page


def _network() -> list[str]:
    """Three municipalities (gemeente, Vlaams-Brabant) and one city in Oost-Vlaanderen: the
    type 'stad' and the province Oost-Vlaanderen are groups of one (10.0)."""
    names = []
    rounds = [(2, "24062", "gemeente"), (3, "24038", "gemeente"), (0, "24011", "gemeente")]
    for i, (level, refnis, kind) in enumerate([*rounds, (4, "44021", "stad")]):
        o, u = gov(f"Bestuur {i}", f"gov{i}", refnis)
        names.append(o.name)
        submitted(o, u, answers_at(level, profiel_type=kind))
    return names


def _by_type_row(page: str, group: str) -> str:
    table = page[page.index('id="by-type"') :]
    table = table[: table.index("</table>")]
    return next(r for r in table.split("<tr") if f"<td>{group}" in r)


def test_an_analyst_sees_small_groups_unmasked_a_signed_in_user_masked() -> None:
    names = _network()
    with translation.override("nl"):
        masked_label, label = gettext("too few to show"), gettext("not for publication")
    plain = _client(User.objects.create_user("reader", password=PASSWORD))
    page = plain.get("/scan/network/?year=2025").content.decode()
    row = _by_type_row(page, "Stad")
    assert masked_label in row and "10,0" not in row and label not in row
    assert 'id="not-for-publication"' not in page
    api = plain.get("/api/v1/scan/network/?year=2025").json()
    assert api["unmasked"] is False and "notice" not in api
    stad = next(g for g in api["by_type"] if g["key"] == "stad")
    assert stad == {"group": "Stad", "key": "stad", "n": 1, "suppressed": True}
    assert (
        "type,Stad,mean_score"
        not in plain.get("/scan/network/?year=2025&format=csv").content.decode()
    )

    analyst = _client(_with_role("analyst", "analyst"))
    page = analyst.get("/scan/network/?year=2025").content.decode()
    row = _by_type_row(page, "Stad")
    assert "10,0" in row and label in row and masked_label not in row
    assert 'class="small-group"' in row and 'id="not-for-publication"' in page
    api = analyst.get("/api/v1/scan/network/?year=2025").json()
    assert api["unmasked"] is True and api["notice"]
    stad = next(g for g in api["by_type"] if g["key"] == "stad")
    assert (stad["n"], stad["mean_score"], stad["small"], stad["suppressed"]) == (
        1,
        10.0,
        True,
        False,
    )
    gemeente = next(g for g in api["by_type"] if g["key"] == "gemeente")
    assert "small" not in gemeente and gemeente["n"] == 3
    got = analyst.get("/scan/network/?year=2025&format=csv")
    assert "not-for-publication" in got["Content-Disposition"]
    text = got.content.decode()
    assert "type,Stad,mean_score,10.0" in text and "type,Stad,not_for_publication,1" in text
    assert text.splitlines()[1].startswith("notice,all,not_for_publication,")
    for shown in (page, text, json.dumps(api)):
        assert not any(n in shown for n in names), "even unmasked, no government is named"
    # scan coordinators (and administrators) see the same unmasked view
    coordinator = _client(_with_role("coordinator", "scan_coordinator"))
    assert coordinator.get("/api/v1/scan/network/?year=2025").json()["unmasked"] is True


def test_the_unmasking_rule_is_one_function() -> None:
    anonymous = type("Anon", (), {"is_authenticated": False})()
    reader = User.objects.create_user("reader", password=PASSWORD)
    analyst = _with_role("analyst", "analyst")
    coordinator = _with_role("coordinator", "scan_coordinator")
    admin = User.objects.create_user("root", password=PASSWORD, is_staff=True)
    assert [selectors.may_see_small_groups(u) for u in (anonymous, reader)] == [False, False]
    assert all(selectors.may_see_small_groups(u) for u in (analyst, coordinator, admin))
    # an analyst reads aggregates, not responses
    assert not selectors.may_follow_network(analyst)
    for i, level in enumerate((1, 3)):
        submitted(*gov(f"Bestuur {i}", f"gov{i}"), answers_at(level), year=2024)
    masked = presenters.network_view(year=2024)
    assert masked["total"] == {"n": 2, "suppressed": True} and masked["distribution"] == []
    assert masked["unmasked"] is False and "notice" not in masked
    shown = presenters.network_view(year=2024, unmasked=True)
    total = shown["total"]
    assert total["small"] and total["mean_score"] == pytest.approx(overall_at(2))
    assert [d["n"] for d in shown["distribution"]] == [0, 1, 0, 1, 0]  # 2.29 and 6.88
    rows = presenters.network_rows(shown)
    assert ("all", "all", "not_for_publication", 1) in rows
    assert presenters.network_view(year=2023, unmasked=True)["total"] == {
        "n": 0,
        "suppressed": True,
    }
