"""Scan app: rounds, answers, submission, versions, peers, report (HTML/PDF), network view,
survey import, and who may see what."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from circulair.core.errors import InputError
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.models import Upload
from circulair.web.apps.organisations.models import Membership, Organisation
from circulair.web.apps.scan import presenters, selectors, services
from circulair.web.apps.scan.models import QuestionnaireVersion, Response
from circulair.web.apps.scan.services import imports

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"

SCORED = {
    "bio-economie-voeding": ["bio_korte_keten", "bio_voedselverspilling", "bio_bioafval"],
    "bebouwde-omgeving": [
        "bouw_stadsontwikkeling",
        "bouw_veranderingsgericht",
        "bouw_hergebruik",
        "bouw_gedeeld_gebruik",
    ],
    "maakindustrie-lokale-economie": [
        "econ_ondernemerschap",
        "econ_industrie",
        "econ_sociale_economie",
    ],
    "consumentengoederen": ["goed_herstel", "goed_delen", "goed_terugname"],
    "circulair-waterbeheer": ["water_gebruik", "water_ontharding", "water_klimaatadaptatie"],
    "richting-geven": [
        "strat_strategie",
        "strat_goedgekeurd",
        "strat_monitoring",
        "strat_leiderschap",
    ],
    "externe-betrokkenheid": [
        "ext_communicatie",
        "ext_burgers",
        "ext_bedrijventerreinen",
        "ext_ondernemers",
        "ext_regelgeving",
        "ext_subsidies",
    ],
    "interne-werking": [
        "int_aankoopbeleid",
        "int_aandeel_opdrachten",
        "int_politiek",
        "int_diensten",
    ],
}
YES_NO = {"strat_goedgekeurd", "ext_subsidies"}


def overall_at(level: int) -> float:
    """Hand-computed overall of answers_at(level) for 0 < level < 4: maturity points p = L/4,
    yes/no and the choice give 0. Domains 10p each (5x); giving direction 10 x 3p/4; external
    engagement 10 x 5p/6; internal operations 10 x 3p/4; overall = sum / 8."""
    p = level / 4
    return (5 * 10 * p + 7.5 * p + 25 / 3 * p + 7.5 * p) / 8


def profile(kind: str = "gemeente", inhabitants: int = 20_000) -> dict[str, Any]:
    return {
        "profiel_type": kind,
        "profiel_inwoners": inhabitants,
        "profiel_motieven": ["klimaatdoelen", "kosten"],
        "profiel_drempels": ["budget"],
    }


def answers_at(level: int, **override: Any) -> dict[str, Any]:
    """Every scored question at maturity ``level`` (yes/no: yes iff level 4; choice: lowest or
    highest option), then the overrides."""
    out = profile()
    for qids in SCORED.values():
        for qid in qids:
            if qid in YES_NO:
                out[qid] = level == 4
            elif qid == "int_aandeel_opdrachten":
                out[qid] = "meer-dan-50" if level == 4 else "geen"
            else:
                out[qid] = level
    out.update(override)
    return out


def gov(name: str, username: str, refnis: str = "24062") -> tuple[Organisation, User]:
    from circulair.web.apps.geography.models import Municipality

    org = Organisation.objects.create(
        name=name,
        side=Organisation.Side.GOVERNMENT,
        municipality=Municipality.objects.get(refnis=refnis),
    )
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(organisation=org, user=user)
    return org, user


def submitted(org: Organisation, user: User, answers: dict[str, Any], year: int = 2025) -> Response:
    r = services.response_start(user=user, organisation=org, year=year)
    services.answers_save(user=user, response=r, answers=answers)
    return services.response_submit(user=user, response=r)


@pytest.fixture
def leuven() -> tuple[Organisation, User]:
    return gov("Stad Leuven", "leuven")


# --- questionnaire versions ----------------------------------------------------------------


def test_shipped_questionnaire_is_published_once() -> None:
    qv = QuestionnaireVersion.objects.get(code="lokaal-circulair-scan", version=1)
    assert len(services.questionnaire_of(qv).questions) == 35
    assert services.questionnaire_sync() == {"questionnaire_versions": 0}


def test_a_published_version_cannot_change() -> None:
    qv = QuestionnaireVersion.objects.get(version=1)
    raw = copy.deepcopy(qv.content)
    raw["title"]["nl"] = "Andere titel"
    with pytest.raises(InputError, match="already published with other content"):
        services.questionnaire_publish(raw=raw, name="questionnaire-v1.yaml")


def _publish_v2() -> QuestionnaireVersion:
    """v2: drops bio_bioafval, adds a yes/no question on a bio-waste plan."""
    raw = copy.deepcopy(QuestionnaireVersion.objects.get(version=1).content)
    raw["version"] = 2
    raw["questions"] = [x for x in raw["questions"] if x["id"] != "bio_bioafval"]
    raw["questions"].append(
        {
            "id": "bio_gft_plan",
            "section": "bio-economie-voeding",
            "type": "yes_no",
            "scored": True,
            "text": {"nl": "Is er een GFT-plan?", "en": "Is there a bio-waste plan?"},
            "instrument": "circulaire-stadsstrategie",
            "community": "monitoring",
            "next_step": {"nl": "Maak een GFT-plan.", "en": "Make a bio-waste plan."},
        }
    )
    qv, created = services.questionnaire_publish(raw=raw, name="questionnaire-v2.yaml")
    assert created
    return qv


def test_new_version_keeps_old_responses_scored_with_their_own_version(leuven: Any) -> None:
    org, user = leuven
    r1 = submitted(org, user, answers_at(2), year=2024)
    assert r1.score["overall"] == pytest.approx(overall_at(2)) == pytest.approx(4.5833333)
    v2 = _publish_v2()
    r2 = services.response_start(user=user, organisation=org, year=2025)
    assert r2.questionnaire == v2
    with pytest.raises(InputError, match="no such question"):
        services.answers_save(user=user, response=r2, answers={"bio_bioafval": 2})
    a2 = answers_at(2)
    del a2["bio_bioafval"]
    a2["bio_gft_plan"] = True
    services.answers_save(user=user, response=r2, answers=a2)
    services.response_submit(user=user, response=r2)
    # bio: (0.5 + 0.5 + 1) / 3 * 10 = 6.667; the other sections as in v1
    v2_overall = overall_at(2) + (20 / 3 - 5) / 8
    assert r2.score["sections"]["bio-economie-voeding"] == pytest.approx(20 / 3)
    assert r2.score["overall"] == pytest.approx(v2_overall)
    r1.refresh_from_db()
    old = presenters.report_data(r1)
    assert old["questionnaire"] == "lokaal-circulair-scan v1"
    assert old["score"]["overall"] == round(overall_at(2), 1) == 4.6
    new = presenters.report_data(r2)
    assert new["change"]["previous_year"] == 2024
    assert new["change"]["delta"]["overall"] == pytest.approx(v2_overall - overall_at(2))


# --- rounds, answers, submission -----------------------------------------------------------


def test_hand_computed_scores(leuven: Any) -> None:
    org, user = leuven
    a = answers_at(
        0,
        bio_korte_keten=4,
        bio_voedselverspilling=0,
        bio_bioafval=2,
        strat_goedgekeurd=True,
        int_aandeel_opdrachten="10-50",
    )
    r = submitted(org, user, a)
    s = r.score
    assert s["sections"]["bio-economie-voeding"] == pytest.approx(5.0)  # (1 + 0 + .5)/3
    assert s["sections"]["richting-geven"] == pytest.approx(2.5)  # (0 + 1 + 0 + 0)/4
    assert s["sections"]["interne-werking"] == pytest.approx(10 * 0.67 / 4)
    assert s["overall"] == pytest.approx((5.0 + 2.5 + 1.675) / 8)
    assert submitted(*gov("Gemeente Bierbeek", "bierbeek", "24011"), answers_at(4)).score[
        "overall"
    ] == pytest.approx(10.0)


def test_incomplete_response_is_not_scored_and_names_missing_questions(leuven: Any) -> None:
    org, user = leuven
    r = services.response_start(user=user, organisation=org, year=2025)
    a = answers_at(3)
    del a["water_gebruik"], a["profiel_inwoners"]
    missing = services.answers_save(user=user, response=r, answers=a)
    assert missing == ["profiel_inwoners", "water_gebruik"]
    with pytest.raises(InputError) as ei:
        services.response_submit(user=user, response=r)
    assert sorted(p.field for p in ei.value.problems) == ["profiel_inwoners", "water_gebruik"]
    assert "only complete responses are scored" in str(ei.value)
    r.refresh_from_db()
    assert r.status == Response.Status.DRAFT and r.score is None


def test_bad_values_are_refused_together_and_nothing_is_saved(leuven: Any) -> None:
    org, user = leuven
    r = services.response_start(user=user, organisation=org, year=2025)
    with pytest.raises(InputError) as ei:
        services.answers_save(
            user=user,
            response=r,
            answers={"bio_korte_keten": 7, "profiel_type": "dorp", "bio_bioafval": 2},
        )
    fields = {p.field: p.value for p in ei.value.problems}
    assert fields == {"bio_korte_keten": 7, "profiel_type": "dorp"}
    r.refresh_from_db()
    assert r.answers == {}


def test_rounds_freeze_and_history_keeps_every_answer(leuven: Any) -> None:
    org, user = leuven
    colleague = User.objects.create_user("colleague", password=PASSWORD)
    Membership.objects.create(organisation=org, user=colleague)
    r = services.response_start(user=user, organisation=org, year=2025)
    services.answers_save(user=user, response=r, answers={"bio_korte_keten": 1})
    services.answers_save(user=colleague, response=r, answers={"bio_korte_keten": 3})
    events = list(history_of(r).filter(action="answer").order_by("pk"))
    assert [(*e.changes["bio_korte_keten"], e.user.username) for e in events] == [
        (None, 1, "leuven"),
        (1, 3, "colleague"),
    ]
    with pytest.raises(InputError, match="still in progress"):
        services.response_start(user=user, organisation=org, year=2026)
    services.answers_save(user=user, response=r, answers=answers_at(2))
    services.response_submit(user=colleague, response=r)
    with pytest.raises(InputError, match="frozen"):
        services.answers_save(user=user, response=r, answers={"bio_korte_keten": 4})
    with pytest.raises(InputError, match="already has a scan for this year"):
        services.response_start(user=user, organisation=org, year=2025)
    assert services.response_start(user=user, organisation=org, year=2026).year == 2026


def test_only_members_of_a_government_can_start() -> None:
    company = Organisation.objects.create(name="Bedrijf NV")
    u = User.objects.create_user("worker", password=PASSWORD)
    Membership.objects.create(organisation=company, user=u)
    with pytest.raises(InputError, match="local governments"):
        services.response_start(user=u, organisation=company, year=2025)
    org, _ = gov("Gemeente Herent", "herent", "24038")
    with pytest.raises(InputError, match="only members"):
        services.response_start(user=u, organisation=org, year=2025)


# --- peers, recommendations, report ----------------------------------------------------------


def test_peer_percentiles_on_a_fixture_set(leuven: Any) -> None:
    org, user = leuven  # gemeente, 20,000 -> 10k-25k
    peers = [
        ("A", "gemeente", 15_000, 1),
        ("B", "gemeente", 24_000, 3),
        ("C", "gemeente", 60_000, 1),
        ("D", "stad", 20_000, 0),
    ]
    for i, (name, kind, n, level) in enumerate(peers):
        o, u = gov(f"Gemeente {name}", f"user{i}", "24062")
        submitted(o, u, answers_at(level, profiel_type=kind, profiel_inwoners=n))
    mine = submitted(org, user, answers_at(2))  # overall 4.58
    data = presenters.report_data(mine)
    p = data["percentiles"]
    assert (p["n_peers"], p["n_all"]) == (2, 4)
    assert p["peers"]["overall"] == 50.0  # A (2.29) below, B (6.88) above
    assert p["all"]["overall"] == 75.0  # A, C, D below; B above: 3/4
    assert p["population_class"] == "10k-25k"


def test_report_recommends_linked_next_steps(leuven: Any) -> None:
    org, user = leuven
    r = submitted(
        org,
        user,
        answers_at(
            3,
            bio_korte_keten=0,
            water_gebruik=1,
            strat_goedgekeurd=True,
            ext_subsidies=True,
            int_aandeel_opdrachten="meer-dan-50",
        ),
    )
    data = presenters.report_data(r)
    recs = data["recommendations"]
    assert recs, "weak sections must produce recommendations"
    first = recs[0]
    # weak sections: bio (0 + .75 + .75)/3 = 5.0 and water (.25 + .75 + .75)/3 = 5.83 (< 6.25);
    # the instrument groups score 8.1, 7.9 and 8.1. Every one-step rise of a 3-question section
    # is worth 10 x 1/8 x 1/3 x 0.25 = 0.1042; ties go to the weakest section, then
    # questionnaire order: bio_korte_keten first.
    assert first["question"].startswith("Hoe ver staat u met korte keten")
    assert first["value"] == pytest.approx(10 / 8 / 3 * 0.25)
    assert first["instrument"]["url"].startswith("/kb/lg_policy_instrument/")
    assert first["community"]["url"].startswith("/kb/lg_community_of_practice/")
    assert first["examples"] and all(e["url"].startswith("/doers/") for e in first["examples"])
    from circulair.web.apps.doers.models import Case

    shown = Case.objects.get(slug=first["examples"][0]["slug"])
    assert shown.status == Case.Status.PUBLISHED
    assert set(shown.agendas.values_list("slug", flat=True)) & {"voedselketen", "bio-economie"}
    shown.status = Case.Status.DRAFT  # a draft case is never offered as an example
    shown.save()
    again = presenters.report_data(r)["recommendations"][0]["examples"]
    assert shown.slug not in {e["slug"] for e in again}
    assert {x["section"] for x in recs} <= {"Bio-economie en voeding", "Circulair waterbeheer"}


def test_report_pages_and_pdf(leuven: Any, client: Client, pdf_page_png: Any) -> None:
    org, user = leuven
    r = submitted(org, user, answers_at(2, bio_korte_keten=4))
    client.force_login(user)
    page = client.get(f"/scan/responses/{r.pk}/report/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and 'id="score-chart"' in body
    # overall_at(2) + bio (1 + .5 + .5)/3 x 10 = 6.67 instead of 5 -> 4.79
    assert 'id="overall-score">4,8<' in body
    pdf = client.get(f"/scan/responses/{r.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf.content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "Stad Leuven" in text and "Bio-economie en voeding" in text
    _png, ink = pdf_page_png(pdf.content)
    assert ink > 0.02


# --- web flow and permissions --------------------------------------------------------------


def test_fill_in_steps_with_inline_errors_then_submit(leuven: Any, client: Client) -> None:
    org, user = leuven
    client.force_login(user)
    resp = client.post("/scan/start/", {"organisation": org.pk, "year": 2025})
    r = Response.objects.get(organisation=org)
    assert resp.status_code == 302 and resp["Location"] == f"/scan/responses/{r.pk}/"
    bad = client.post(
        f"/scan/responses/{r.pk}/",
        {
            "step": "profiel",
            "q_profiel_type": "gemeente",
            "q_profiel_inwoners": "veel",
            "go": "next",
        },
    )
    assert bad.status_code == 400
    assert "moet een getal zijn" in bad.content.decode()  # in the page's language (issue 15)
    assert "must be a number" not in bad.content.decode()
    # nothing typed is lost: the refused step shows the user's values again
    assert 'name="q_profiel_inwoners" value="veel"' in bad.content.decode()
    assert 'value="gemeente" checked' in bad.content.decode()
    r.refresh_from_db()
    assert r.answers == {}
    ok = client.post(
        f"/scan/responses/{r.pk}/",
        {
            "step": "profiel",
            "q_profiel_type": "gemeente",
            "q_profiel_inwoners": "20000",
            "q_profiel_motieven": ["kosten", "klimaatdoelen"],
            "q_profiel_drempels": "budget",
            "go": "next",
        },
    )
    assert ok.status_code == 302 and ok["Location"].endswith("?step=bio-economie-voeding")
    r.refresh_from_db()
    assert r.answers["profiel_motieven"] == ["kosten", "klimaatdoelen"]
    assert r.answers["profiel_inwoners"] == 20000
    early = client.post(
        f"/scan/responses/{r.pk}/",
        {"step": "interne-werking", "q_int_politiek": "2", "go": "submit"},
    )
    assert early.status_code == 400
    assert 'id="scan-missing"' in early.content.decode()
    services.answers_save(user=user, response=r, answers=answers_at(1))
    done = client.post(
        f"/scan/responses/{r.pk}/",
        {
            "step": "interne-werking",
            "q_int_aankoopbeleid": "1",
            "q_int_aandeel_opdrachten": "geen",
            "q_int_politiek": "1",
            "q_int_diensten": "1",
            "go": "submit",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"/scan/responses/{r.pk}/report/"
    r.refresh_from_db()
    assert r.status == Response.Status.SUBMITTED
    assert r.score["overall"] == pytest.approx(overall_at(1))


def test_a_government_sees_only_its_own_responses(leuven: Any, client: Client) -> None:
    org, user = leuven
    mine = submitted(org, user, answers_at(2))
    other_org, other = gov("Gemeente Herent", "herent", "24038")
    theirs = services.response_start(user=other, organisation=other_org, year=2025)
    services.answers_save(user=other, response=theirs, answers={"bio_korte_keten": 1})
    client.force_login(user)
    for url in (
        f"/scan/responses/{theirs.pk}/",
        f"/scan/responses/{theirs.pk}/report/",
        f"/scan/responses/{theirs.pk}/report.pdf",
        f"/api/v1/scan/responses/{theirs.pk}/",
        f"/api/v1/scan/responses/{theirs.pk}/report/",
    ):
        assert client.get(url).status_code == 404, url
    crafted = client.post(
        f"/scan/responses/{theirs.pk}/",
        {"step": "bio-economie-voeding", "q_bio_korte_keten": "4", "go": "save"},
    )
    assert crafted.status_code == 404
    api = client.post(
        f"/api/v1/scan/responses/{theirs.pk}/answers/",
        {"answers": {"bio_korte_keten": 4}},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.post(f"/api/v1/scan/responses/{theirs.pk}/submit/").status_code == 404
    assert (
        client.post("/scan/start/", {"organisation": other_org.pk, "year": 2026}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.answers == {"bio_korte_keten": 1}
    listed = client.get("/api/v1/scan/responses/").json()
    assert [x["id"] for x in listed["results"]] == [mine.pk]
    outsider = User.objects.create_user("coach", password=PASSWORD)  # signed in, no government
    client.force_login(outsider)
    assert client.get(f"/scan/responses/{mine.pk}/report/").status_code == 404
    assert client.get("/api/v1/scan/responses/").json()["results"] == []
    # administrators (staff) read every government's scans since the scan coordinator role
    # (see test_coordination.py); they do not write them
    staff = User.objects.create_user("staff", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert client.get(f"/scan/responses/{mine.pk}/report/").status_code == 200
    listed = client.get("/api/v1/scan/responses/").json()["results"]
    assert sorted(x["id"] for x in listed) == sorted([mine.pk, theirs.pk])
    assert client.post(f"/api/v1/scan/responses/{theirs.pk}/submit/").status_code == 403
    anon = Client()
    assert anon.get("/api/v1/scan/responses/").status_code in (401, 403)
    assert anon.get(f"/scan/responses/{mine.pk}/").status_code == 302  # to the login page


def test_network_view_shows_aggregates_only(client: Client) -> None:
    names = []
    for i, (level, refnis, kind) in enumerate(
        [
            (2, "24062", "gemeente"),
            (3, "24038", "gemeente"),
            (0, "24011", "gemeente"),
            (4, "44021", "stad"),
        ]
    ):
        o, u = gov(f"Bestuur {i}", f"gov{i}", refnis)
        names.append(o.name)
        submitted(o, u, answers_at(level, profiel_type=kind))
    view = presenters.network_view(year=2025)
    assert view["n"] == 4
    t = view["total"]
    assert t["share_active"] == 0.75  # levels 2, 3, 4 are active; 0 is not
    assert t["mean_score"] == pytest.approx((overall_at(2) + overall_at(3) + 0 + 10) / 4)
    assert [d["n"] for d in view["distribution"]] == [1, 0, 1, 1, 1]
    by_type = {g["key"]: g for g in view["by_type"]}
    assert by_type["gemeente"]["n"] == 3 and not by_type["gemeente"]["suppressed"]
    assert by_type["stad"] == {"group": "Stad", "key": "stad", "n": 1, "suppressed": True}
    prov = {g["group"]: g for g in view["by_province"]}
    assert prov["Vlaams-Brabant"]["n"] == 3 and prov["Oost-Vlaanderen"]["suppressed"]
    assert ("Kosten besparen", 4) in t["motives"]
    u = User.objects.get(username="gov0")
    client.force_login(u)
    page = client.get("/scan/network/?year=2025").content.decode()
    assert 'id="distribution-chart"><?xml' in page or 'id="distribution-chart"><svg' in page
    csv_text = client.get("/scan/network/?year=2025&format=csv").content.decode()
    api = json.dumps(client.get("/api/v1/scan/network/?year=2025").json())
    for text in (page, csv_text, api):
        assert not any(n in text for n in names), "no government is named"
        assert "bio_korte_keten" not in text
    assert "type,Stad,n,1" in csv_text and "type,Stad,mean_score" not in csv_text
    assert Client().get("/scan/network/").status_code == 302


# --- survey import ---------------------------------------------------------------------------


def _csv(rows: list[dict[str, Any]]) -> bytes:
    import csv
    import io

    cols = list(rows[0])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols)
    w.writeheader()
    for r in rows:
        w.writerow(
            {
                k: (
                    ";".join(v)
                    if isinstance(v, list)
                    else ("ja" if v is True else "nee" if v is False else v)
                )
                for k, v in r.items()
            }
        )
    return buf.getvalue().encode()


def test_import_reports_bad_cells_by_line_and_column_and_saves_nothing() -> None:
    good = {"organisation": "Gemeente Zemst", "refnis": "23096", "year": "2025", **answers_at(2)}
    bad1 = {**good, "organisation": "Gemeente Boortmeerbeek", "bio_korte_keten": "9"}
    bad2 = {
        **good,
        "organisation": "Gemeente Kampenhout",
        "year": "twintig",
        "strat_goedgekeurd": "misschien",
    }
    before = Response.objects.count()
    with pytest.raises(InputError) as ei:
        imports.survey_import(content=_csv([good, bad1, bad2]), file_name="survey.csv")
    got = {(p.row, p.field) for p in ei.value.problems}
    assert got == {(3, "bio_korte_keten"), (4, "year"), (4, "strat_goedgekeurd")}
    assert "survey.csv, line 3, column 'bio_korte_keten'" in str(ei.value)
    assert Response.objects.count() == before
    assert not Organisation.objects.filter(name="Gemeente Zemst").exists()
    assert Upload.objects.filter(purpose="scan-import", status="rejected").count() == 1


def test_import_submits_complete_rows_and_keeps_incomplete_ones() -> None:
    complete = {
        "organisation": "Gemeente Zemst",
        "refnis": "23096",
        "year": "2025",
        **answers_at(2),
    }
    partial = {
        **complete,
        "organisation": "Gemeente Kortenberg",
        "refnis": "24055",
        "water_gebruik": "",
    }
    out = imports.survey_import(content=_csv([complete, partial]), file_name="s.csv")
    assert out["submitted"] == 1
    assert out["in_progress"] == [
        {"line": 3, "organisation": "Gemeente Kortenberg", "missing": ["water_gebruik"]}
    ]
    z = Response.objects.get(organisation__name="Gemeente Zemst")
    assert z.status == "submitted" and z.score["overall"] == pytest.approx(overall_at(2))
    assert z.answers["profiel_motieven"] == ["klimaatdoelen", "kosten"]
    assert z.organisation.side == "overheid" and z.organisation.municipality.refnis == "23096"
    with pytest.raises(InputError, match="already has a scan for this year"):
        imports.survey_import(content=_csv([complete]), file_name="again.csv")


def test_page_rules_are_the_core_rules_word_for_word() -> None:
    from django.utils import translation

    from circulair.core.scan import PERCENTILE_RULE, RECOMMENDATION_RULE, SCORING_RULE

    with translation.override("en"):
        assert str(presenters.RULE_TEXTS["scoring"]) == SCORING_RULE
        assert str(presenters.RULE_TEXTS["percentile"]) == PERCENTILE_RULE
        assert str(presenters.RULE_TEXTS["recommendation"]) == RECOMMENDATION_RULE
        assert f"fewer than {selectors.MIN_GROUP} " in str(presenters.AGGREGATE_RULE)
    with translation.override("nl"):
        assert "Elke vraag met score" in str(presenters.RULE_TEXTS["scoring"])
