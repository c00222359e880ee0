"""Doers catalogue: seeding, full-text search (same ranked results on SQLite and PostgreSQL),
facets, visibility of drafts, permissions, pages, API, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from circulair.core.doers.search import parse, score
from circulair.core.doers.search import rank as py_rank
from circulair.core.errors import InputError
from circulair.web.apps.doers import selectors, services
from circulair.web.apps.doers.models import Case, CaseTerm
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()  # a visitor: published cases only

# Hand-built fixture. Query "zorbex hergebr": zorbex is a whole word (matched by its stem),
# hergebr* a prefix. Weights title 3, summary 2, organisation 2, body 1; score = Σ f·2.2/(f+1.2)
FIXTURE: list[dict[str, Any]] = [
    # zorbex 3+2=5, hergebr 3+2=5 → 2·(11/6.2) = 3.5484
    {
        "slug": "t-centrum",
        "title": "Zorbex hergebruik centrum",
        "summary": "Hergebruik van zorbex.",
    },
    # zorbex 3+2+1=6 → 1.8333; hergebr 2 (Hérgebruik) + 1 (hergebruikte) = 3 → 1.5714: 3.4048
    {
        "slug": "b-atelier",
        "title": "Atelier Zorbex",
        "summary": "Hérgebruik en zorbex",
        "body": "hergebruikte zorbex",
    },
    # the plural is the same stem (Dutch "zorbexen" → zorbex): 3 and 3 → 2·(6.6/4.2) = 3.1429
    {"slug": "p-meervoud", "title": "Zorbexen hergebruik", "summary": "meervoud"},
    # zorbex summary 2 + organisation 2 = 4 (in the Dutch version; the English one, with only
    # the organisation, scores 2: the better version counts) → 1.6923; hergebr 2 → 1.375: 3.0673
    {
        "slug": "a-nv",
        "title": "Een werkplaats",
        "summary": "zorbex hergebruik",
        "organisation_name": "Zorbex NV",
    },
    # zorbex 1, hergebr 1 → 2.0 each; tie broken by slug (k before m)
    {"slug": "m-anders", "title": "Iets anders", "summary": "Kort.", "body": "zorbex hergebruik"},
    {
        "slug": "k-anders",
        "title": "Nog iets anders",
        "summary": "Kort.",
        "body": "zorbex hergebruik",
    },
    # no match: zorbex without hergebr*, hergebr* without zorbex, zorbexia is another word
    {"slug": "f-alleen", "title": "Zorbex", "summary": "alleen"},
    {"slug": "g-alleen", "title": "Hergebruik", "summary": "alleen"},
    {"slug": "h-ander-woord", "title": "Zorbexia hergebruik", "summary": "ander woord"},
    # matches but is a draft: invisible to the public
    {
        "slug": "d-concept",
        "title": "Zorbex hergebruik concept",
        "summary": "concept",
        "status": "draft",
    },
]
EXPECTED = ["t-centrum", "b-atelier", "p-meervoud", "a-nv", "k-anders", "m-anders"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def _case(**kw: Any) -> Case:
    status = kw.pop("status", "published")
    case = services.case_create(user=None, data=kw)
    if status == "published":
        services.case_publish(user=None, case=case)
    return case


@pytest.fixture
def fixture_cases() -> dict[str, Case]:
    return {row["slug"]: _case(**row) for row in FIXTURE}


def _org(name: str, username: str, staff: bool = False) -> tuple[Organisation, User]:
    org = Organisation.objects.create(name=name)
    user = User.objects.create_user(username, password="a-long-test-password", is_staff=staff)
    Membership.objects.create(organisation=org, user=user)
    return org, user


# --- seeding -----------------------------------------------------------------------------------


def test_seeded_cases_carry_citations_and_links_to_the_knowledge_base() -> None:
    seeded = Case.objects.filter(origin=Case.Origin.DATA)
    assert seeded.count() == 47
    assert not seeded.exclude(status=Case.Status.PUBLISHED).exists()
    leuven = Case.objects.get(slug="materialenbank-leuven")
    assert leuven.organisation_name == "Atelier Circuler vzw"
    assert leuven.municipality.refnis == "24062" and leuven.province.refnis == "20001"
    assert [a.slug for a in leuven.agendas.all()] == ["circulair-bouwen"]
    assert [r.slug for r in leuven.r_strategies.all()] == ["r3-reuse"]
    assert leuven.category == Case.Category.STUDY_CASE
    cites = [(c.source.code, c.line_start, c.line_end) for c in leuven.citations.all()]
    assert cites[0] == ("003", 9423, 9462) and len(cites) == 4
    assert "opgericht: 2019 year" in leuven.body
    assert Case.objects.get(slug="valipac").category == Case.Category.INNOVATIVE_PROJECT
    assert Case.objects.get(slug="autohandel-didier").category == Case.Category.PRACTICE


def test_seeding_is_idempotent_and_never_touches_user_cases() -> None:
    mine = _case(title="Mijn eigen case", summary="door een gebruiker")
    edited = Case.objects.get(slug="valipac")
    services.case_update(user=None, case=edited, data={"summary": "Herschreven door staf"})
    report = services.cases_seed()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 47)
    edited.refresh_from_db()
    assert edited.summary == "Herschreven door staf" and edited.origin == Case.Origin.EDITED
    assert Case.objects.filter(pk=mine.pk).exists()
    # a seeded case removed from the catalogue is re-created; the user's case survives
    Case.objects.filter(slug="weijers").delete()
    report = services.cases_seed()
    assert (report.created, report.updated) == (1, 0)
    assert Case.objects.filter(pk=mine.pk).exists()


# --- search ------------------------------------------------------------------------------------


def test_search_returns_the_documented_ranking_on_this_engine(
    fixture_cases: dict[str, Case],
) -> None:
    res = selectors.case_results(ANON, {"q": "zorbex hergebr"}, page_size=50)
    assert [c.slug for c in res.cases] == EXPECTED
    scores = [round(res.scores[c.pk], 4) for c in res.cases]
    assert scores == [3.5484, 3.4048, 3.1429, 3.0673, 2.0, 2.0]
    # case and accents do not matter; the last term is a prefix
    for q in ("ZORBEX Hergebr", "zorbex hérgebruik", "Zörbex HERGEBRUI"):
        res = selectors.case_results(ANON, {"q": q}, page_size=50)
        assert [c.slug for c in res.cases] == EXPECTED, q


def test_engine_matching_agrees_with_the_python_rule(fixture_cases: dict[str, Case]) -> None:
    docs = [
        services.case_doc(c)
        for c in Case.objects.filter(slug__in=fixture_cases, status="published")
    ]
    for q in (
        "zorbex",
        "zorb",
        "hergebruik",
        "zorbex hergebr",
        "anders zorbex",
        "kort",
        "zorbexen",
        "zorbexia",
        "iets anders zorbex hergebruik",
        "hergebruikte",
    ):
        engine = [
            c.slug
            for c in selectors.case_results(ANON, {"q": q}, page_size=100).cases
            if c.slug in fixture_cases
        ]
        assert engine == [s for s, _ in py_rank(parse(q), docs)], (connection.vendor, q)


def test_sql_scores_are_bit_identical_to_the_python_rule(fixture_cases: dict[str, Case]) -> None:
    docs = {
        c.slug: services.case_doc(c)
        for c in Case.objects.filter(slug__in=fixture_cases, status="published")
    }
    for q in ("zorbex hergebr", "zorbex", "zorbexen", "h", "anders zorbex", "kort"):
        res = selectors.case_results(ANON, {"q": q}, page_size=100)
        got = {c.slug: res.scores[c.pk] for c in res.cases if c.slug in docs}
        assert got == {s: score(parse(q), d) for s, d in docs.items() if score(parse(q), d) > 0}, (
            connection.vendor,
            q,
        )


def test_pages_of_a_ranked_result_and_a_page_past_the_end(fixture_cases: dict[str, Case]) -> None:
    pages = [
        selectors.case_results(ANON, {"q": "zorbex hergebr"}, page=n, page_size=2)
        for n in (1, 2, 3)
    ]
    assert [[c.slug for c in r.cases] for r in pages] == [EXPECTED[:2], EXPECTED[2:4], EXPECTED[4:]]
    assert {r.total for r in pages} == {6}
    past = selectors.case_results(ANON, {"q": "zorbex hergebr"}, page=9, page_size=2)
    assert past.page.number == 3 and [c.slug for c in past.cases] == EXPECTED[4:]
    assert selectors.case_results(ANON, {"q": "zorbex nergens"}, page=2).total == 0


def test_bulk_inserted_cases_get_their_index_from_the_seeding_step() -> None:
    Case.objects.bulk_create(
        [
            Case(slug="bulk-1", title="Kwarkfabriek", summary="x", status="published"),
            Case(
                slug="bulk-2",
                title="Kwarkfabrieken",
                summary="x",
                status="published",
                search_text=services.case_search_text(Case(title="Kwarkfabrieken", summary="x")),
            ),
        ]
    )
    assert selectors.case_results(ANON, {"q": "kwarkfabriek"}).total == 0
    assert services.search_index_ensure() is True
    assert services.search_index_ensure() is False  # all current now
    found = [c.slug for c in selectors.case_results(ANON, {"q": "kwarkfabriek"}).cases]
    assert found == ["bulk-1", "bulk-2"]  # the plural by its stem (kwarkfabriek)
    assert [c.slug for c in selectors.case_results(ANON, {"q": "kwarkfabr"}).cases] == [
        "bulk-1",
        "bulk-2",
    ]
    # nwkwarkfabriek nskwarkfabriek nwx nsx
    assert CaseTerm.objects.filter(case__slug="bulk-1").count() == 4


def test_api_case_fields_equal_the_generic_serializer(fixture_cases: dict[str, Case]) -> None:
    from rest_framework import serializers as drf

    from circulair.web.apps.doers.api import CaseSerializer

    services.case_update(
        user=None,
        case=fixture_cases["t-centrum"],
        data={
            "agendas": ["maakindustrie"],
            "r_strategies": ["r3-reuse", "r4-repair"],
            "refnis": "24062",
            "links": ["https://example.org/a"],
        },
    )
    res = selectors.case_results(ANON, {"q": "zorbex hergebr"}, page_size=50)
    cases = res.cases + list(
        selectors._page_cases(
            list(Case.objects.filter(origin="data").values_list("pk", flat=True)[:20])
        )
    )
    ser = CaseSerializer(context={"scores": res.scores})
    assert any(c.municipality_id and c.published_at for c in cases)
    assert [ser.to_representation(c) for c in cases] == [
        dict(drf.ModelSerializer.to_representation(ser, c)) for c in cases
    ]


def test_search_finds_seeded_cases_with_accent_folding() -> None:
    res = selectors.case_results(ANON, {"q": "materialenbank"})
    assert [c.slug for c in res.cases] == ["materialenbank-leuven"]
    # accented and upper-case queries find exactly what the plain query finds
    for query in ("MATÉRIALENBANK", "matèriälenbänk", "Materialenbank"):
        assert [c.slug for c in selectors.case_results(ANON, {"q": query}).cases] == [
            "materialenbank-leuven"
        ], query
    # an accented word in a case is found without its accent, and the other way round
    case = Case.objects.get(slug="materialenbank-leuven")
    services.case_update(user=None, case=case, data={"summary": "Een café voor herstel"})
    plain = [c.slug for c in selectors.case_results(ANON, {"q": "cafe herstel"}).cases]
    accented = [c.slug for c in selectors.case_results(ANON, {"q": "café hérstel"}).cases]
    # maakbar-leuven too: "repair café" in its English text, and herstel by its tag R4 repair
    assert plain == accented == ["materialenbank-leuven", "maakbar-leuven"]


def test_facets_count_the_current_result(fixture_cases: dict[str, Case]) -> None:
    services.case_update(
        user=None,
        case=fixture_cases["t-centrum"],
        data={
            "agendas": ["maakindustrie", "circulair-bouwen"],
            "r_strategies": ["r3-reuse"],
            "refnis": "24062",
            "category": "practice",
        },
    )
    services.case_update(
        user=None,
        case=fixture_cases["a-nv"],
        data={"agendas": ["maakindustrie"], "refnis": "44021"},
    )
    res = selectors.case_results(ANON, {"q": "zorbex hergebr"})
    assert {f["value"]: f["count"] for f in res.facets["agenda"]} == {
        "circulair-bouwen": 1,
        "maakindustrie": 2,
    }
    assert {f["value"]: f["count"] for f in res.facets["province"]} == {"20001": 1, "40000": 1}
    assert {f["value"]: f["count"] for f in res.facets["r"]} == {"r3-reuse": 1}
    assert {f["value"]: f["count"] for f in res.facets["category"]} == {"other": 5, "practice": 1}
    res = selectors.case_results(
        None, {"q": "zorbex hergebr", "agenda": "maakindustrie", "province": "40000"}
    )
    assert [c.slug for c in res.cases] == ["a-nv"]


# --- validation and permissions -------------------------------------------------------------


def test_validation_names_every_bad_field() -> None:
    with pytest.raises(InputError) as ei:
        services.case_create(
            user=None,
            data={
                "title": "",
                "agendas": ["geen-agenda"],
                "r_strategies": "r99-x",
                "refnis": "00000",
                "links": "ftp://x nope",
                "category": "weird",
            },
        )
    fields = {p.field for p in ei.value.problems}
    assert fields == {"title", "agendas", "r_strategies", "refnis", "links", "category"}


def test_members_edit_only_their_organisations_cases_and_only_staff_publish() -> None:
    org_a, alice = _org("Org A", "alice")
    _org_b, bob = _org("Org B", "bob")
    staff = User.objects.create_user("staff", password="a-long-test-password", is_staff=True)
    case = services.case_create(
        user=alice, data={"title": "Case A", "summary": "s", "organisation": org_a.pk}
    )
    assert case.status == Case.Status.DRAFT and case.organisation_name == "Org A"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.case_update(user=bob, case=case, data={"title": "Overgenomen"})
    with pytest.raises(InputError):  # cannot create for an organisation one is not in
        services.case_create(user=bob, data={"title": "X", "organisation": org_a.pk})
    with pytest.raises(PermissionDenied):
        services.case_publish(user=alice, case=case)
    with pytest.raises(PermissionDenied):  # seeded cases: staff only
        services.case_update(user=alice, case=Case.objects.get(slug="valipac"), data={"title": "x"})
    services.case_publish(user=staff, case=case)
    services.case_unpublish(user=alice, case=case)
    assert case.status == Case.Status.DRAFT


# --- pages and API -----------------------------------------------------------------------------


def test_drafts_are_invisible_to_the_public(fixture_cases: dict[str, Case]) -> None:
    c = Client()
    assert c.get("/doers/d-concept/").status_code == 404
    assert c.get("/api/v1/doers/cases/d-concept/").status_code == 404
    assert c.get("/doers/t-centrum/").status_code == 200
    body = c.get("/api/v1/doers/cases/?q=concept").json()
    assert all(r["slug"] != "d-concept" for r in body["results"])
    staff = User.objects.create_user("ed", password="a-long-test-password", is_staff=True)
    c.force_login(staff)
    assert c.get("/doers/d-concept/").status_code == 200


def test_list_page_search_and_map(fixture_cases: dict[str, Case]) -> None:
    c = Client()
    html = c.get("/doers/", {"q": "zorbex hergebr"}).content.decode()
    positions = [html.index(f'href="/doers/{s}/"') for s in EXPECTED]
    assert positions == sorted(positions)
    assert 'href="/doers/d-concept/"' not in html
    detail = c.get("/doers/materialenbank-leuven/").content.decode()
    assert "/doers/map/?case=materialenbank-leuven" in detail and "9423" in detail
    geo = c.get("/doers/map.geojson", {"case": "materialenbank-leuven"}).json()
    leuven = next(f for f in geo["features"] if f["properties"]["refnis"] == "24062")
    assert leuven["properties"]["focus"] is True
    assert leuven["properties"]["cases"][0]["slug"] == "materialenbank-leuven"
    assert c.get("/doers/map/", {"case": "materialenbank-leuven"}).status_code == 200


def test_list_page_rows_show_organisation_place_category_agendas_and_summary() -> None:
    words = " ".join(f"woord{i}" for i in range(50))
    _case(
        title="Kwantumrij",
        summary=f"Kwantumrij {words}",
        organisation_name="Rij NV",
        agendas=["maakindustrie", "circulair-bouwen"],
        refnis="24062",
        category="practice",
    )
    html = Client().get("/doers/", {"q": "kwantumrij"}).content.decode()
    row = html.split('data-slug="kwantumrij"', 1)[1].split("</li>", 1)[0]
    assert (
        '<span class="muted">Rij NV · Leuven · praktijkvoorbeeld · Circulair bouwen · '
        "Maakindustrie</span>"
    ) in row
    assert "woord38 …" in row and "woord39" not in row


def test_api_lists_ranked_results_with_facets(fixture_cases: dict[str, Case]) -> None:
    body = Client().get("/api/v1/doers/cases/", {"q": "zorbex hergebr"}).json()
    assert [r["slug"] for r in body["results"]] == EXPECTED
    assert body["count"] == 6 and "agenda" in body["facets"]
    assert body["results"][0]["score"] == pytest.approx(3.5484, abs=1e-4)


def test_api_writes_follow_the_same_permissions() -> None:
    org_a, alice = _org("Org A", "alice")
    _org_b, bob = _org("Org B", "bob")
    c = Client()
    assert c.post(
        "/api/v1/doers/cases/", {"title": "x"}, content_type="application/json"
    ).status_code in (401, 403)
    c.force_login(alice)
    r = c.post(
        "/api/v1/doers/cases/",
        {
            "title": "API case",
            "summary": "s",
            "organisation": org_a.pk,
            "agendas": ["maakindustrie"],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    slug = r.json()["slug"]
    assert r.json()["status"] == "draft"
    c.force_login(bob)
    r = c.patch(
        f"/api/v1/doers/cases/{slug}/", {"title": "stolen"}, content_type="application/json"
    )
    assert r.status_code == 404  # a draft of another organisation is not even visible
    services.case_publish(user=None, case=Case.objects.get(slug=slug))
    r = c.patch(
        f"/api/v1/doers/cases/{slug}/", {"title": "stolen"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = c.post(f"/api/v1/doers/cases/{slug}/publish/")
    assert r.status_code == 403
    # a crafted web form post is refused the same way
    r = c.post(f"/doers/{slug}/edit/", {"title": "stolen", "summary": "x"})
    assert r.status_code == 403
    assert Case.objects.get(slug=slug).title == "API case"


def test_web_form_shows_inline_errors_and_creates_a_draft() -> None:
    org_a, alice = _org("Org A", "alice")
    c = Client()
    assert c.get("/doers/new/").status_code == 302  # log in first
    c.force_login(alice)
    r = c.post(
        "/doers/new/",
        {
            "organisation": org_a.pk,
            "title": "",
            "summary": "s",
            "refnis": "00000",
            "links": "nope",
            "category": "other",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="error-title"' in html and 'id="error-refnis"' in html and 'id="error-links"' in html
    r = c.post(
        "/doers/new/",
        {
            "organisation": org_a.pk,
            "title": "Repair café Leuven",
            "summary": "Herstellen",
            "refnis": "24062",
            "category": "other",
            "agendas": ["maakindustrie"],
            "r_strategies": ["r4-repair"],
        },
    )
    assert r.status_code == 302
    case = Case.objects.get(title="Repair café Leuven")
    assert case.status == "draft" and case.organisation == org_a
    assert Client().get(f"/doers/{case.slug}/").status_code == 404


def _many(n: int) -> None:
    for i in range(n):
        c = _case(
            title=f"Kwantum case {i:03d}",
            summary="kwantum hergebruik",
            agendas=["maakindustrie"],
            r_strategies=["r3-reuse", "r4-repair"],
            refnis="24062",
        )
        assert c.pk


@pytest.mark.parametrize(
    "url",
    ["/doers/", "/doers/?q=kwantum", "/api/v1/doers/cases/", "/api/v1/doers/cases/?q=kwantum"],
)
def test_query_count_does_not_grow_with_the_page(url: str) -> None:
    def count(n_cases: int, size: int) -> int:
        Case.objects.filter(title__startswith="Kwantum").delete()
        _many(n_cases)
        c = Client()
        sep = "&" if "?" in url else "?"
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(f"{url}{sep}page_size={size}")
        assert r.status_code == 200
        return len(ctx.captured_queries)

    assert count(5, 5) == count(50, 50)


def test_public_cache_never_serves_a_stale_catalogue(fixture_cases: dict[str, Case]) -> None:
    c = Client()
    first = c.get("/api/v1/doers/cases/", {"q": "zorbex hergebr"}).json()
    assert [r["slug"] for r in first["results"]] == EXPECTED
    # publishing the draft changes the anonymous visitor's result at once
    services.case_publish(user=None, case=fixture_cases["d-concept"])
    again = c.get("/api/v1/doers/cases/", {"q": "zorbex hergebr"}).json()
    assert "d-concept" in [r["slug"] for r in again["results"]] and again["count"] == 7
    services.case_unpublish(user=None, case=fixture_cases["t-centrum"])
    third = c.get("/api/v1/doers/cases/", {"q": "zorbex hergebr"}).json()
    assert "t-centrum" not in [r["slug"] for r in third["results"]]


def test_member_adds_an_image_that_is_kept_in_media(settings: Any, tmp_path: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    org_a, alice = _org("Org A", "alice")
    case = services.case_create(
        user=alice, data={"title": "Met foto", "summary": "s", "organisation": org_a.pk}
    )
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 60)).save(buf, format="PNG")
    c = Client()
    c.force_login(alice)
    form = {
        **{
            k: v
            for k, v in {
                "organisation": org_a.pk,
                "title": "Met foto",
                "summary": "s",
                "category": "other",
            }.items()
        },
        "image": SimpleUploadedFile("foto.png", buf.getvalue(), content_type="image/png"),
        "image_caption": "De werkplaats",
    }
    r = c.post(f"/doers/{case.slug}/edit/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    img = case.images.get()
    assert img.caption == "De werkplaats" and (tmp_path / img.image.name).exists()
    assert img.image.name.startswith("doers/")
    # not an image: refused inline, nothing stored
    bad = {**form, "image": SimpleUploadedFile("x.png", b"not a png", content_type="image/png")}
    r = c.post(f"/doers/{case.slug}/edit/", bad)
    assert r.status_code == 400 and 'id="error-image"' in r.content.decode()
    assert case.images.count() == 1
