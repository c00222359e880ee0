"""Sharing a siting run ("People and permissions", point 4): private by default, shareable with
one organisation its owner belongs to and by a link, and nobody else sees it.

Each test drives the pages and the API as the people involved: the owner (a member of
organisation A), a colleague in A, a member of B, a stranger and an anonymous visitor with or
without the link. A refusal is a 404 for whoever may not see the run (as for a missing run)
and a 403 for whoever sees it but does not own it; nothing is written for either.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from circulair.web.apps.atlas.models import RunShare, share_token_hash
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.models import Job
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db

PW = "a-long-test-password"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SITE = {
    "mode": "site",
    "model": "p_median",
    "p": 1,
    "demand": [
        {"lat": 50.8791, "lon": 4.7005, "weight": 10},
        {"lat": 51.0543, "lon": 3.7174, "weight": 30},
    ],
}
COORD = b"50.8791"  # a demand point the owner sent: in the GeoJSON export of the run
TITLE = "p_median p=1"  # the title the run is given (model and p)


@pytest.fixture
def people(user: User) -> dict[str, Any]:
    """The owner (``user``, in A), a colleague in A, a member of B, a stranger in no
    organisation; and the two organisations."""
    org_a = Organisation.objects.create(name="Kwist Recycling NV")
    org_b = Organisation.objects.create(name="Gemeente Elders")
    colleague = User.objects.create_user("colleague", password=PW)
    outsider = User.objects.create_user("outsider", password=PW)
    stranger = User.objects.create_user("stranger", password=PW)
    for org, who in ((org_a, user), (org_a, colleague), (org_b, outsider)):
        Membership.objects.create(organisation=org, user=who)
    return {
        "owner": user,
        "colleague": colleague,
        "outsider": outsider,
        "stranger": stranger,
        "a": org_a,
        "b": org_b,
    }


@pytest.fixture
def run(people: dict[str, Any]) -> Job:
    """A finished siting run of the owner."""
    c = _as(people["owner"])
    resp = c.post("/api/v1/atlas/runs/?wait=true", SITE, content_type="application/json")
    assert resp.status_code == 201, resp.content
    job = Job.objects.get(pk=resp.json()["id"])
    assert job.status == "done" and job.result and job.result["objective"] > 0
    assert job.result["title"] == TITLE
    return job


def _as(user: User | None, **kwargs: Any) -> Client:
    c = Client(**kwargs)
    if user is not None:
        c.force_login(user)
    return c


def _objective(job: Job) -> str:
    """The objective as the run page shows it (English, two decimals)."""
    return f"{job.result['objective']:.2f}"  # type: ignore[index]


def _run_urls(pk: int) -> list[str]:
    return [
        f"/atlas/runs/{pk}/",
        f"/atlas/runs/{pk}/status/",
        f"/atlas/runs/{pk}/export.geojson",
        f"/atlas/runs/{pk}/export.csv",
        f"/atlas/runs/{pk}/export.png",
        f"/api/v1/atlas/runs/{pk}/",
        f"/api/v1/atlas/runs/{pk}/geojson/",
    ]


def _assert_hidden(c: Client, job: Job) -> None:
    """``c`` gets a 404 on every page, export and API answer of ``job``, and no list holds it."""
    for url in _run_urls(job.pk):
        resp = c.get(url)
        assert resp.status_code == 404, (url, resp.status_code)
        assert COORD not in resp.content and TITLE.encode() not in resp.content
    assert job.pk not in [r["id"] for r in c.get("/api/v1/atlas/runs/").json()["results"]]
    assert f'href="/atlas/runs/{job.pk}/"' not in c.get("/atlas/").content.decode()
    compare = c.get("/atlas/compare/", {"a": job.pk, "b": job.pk}).content.decode()
    assert f'value="{job.pk}"' not in compare and TITLE not in compare


def _share_link(owner: User, job: Job) -> str:
    """Create a share link through the API; the path of the link it answers (once)."""
    resp = _as(owner).post(
        f"/api/v1/atlas/runs/{job.pk}/share/", {"link": True}, content_type="application/json"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["link"] is True and body["link_url"]
    path = "/" + body["link_url"].split("://", 1)[-1].split("/", 1)[1]
    assert path.startswith("/atlas/shared/")
    return path


# --- with an organisation --------------------------------------------------------------------


def test_a_run_is_private_until_shared(people: dict[str, Any], run: Job) -> None:
    for who in ("colleague", "outsider", "stranger"):
        _assert_hidden(_as(people[who]), run)
    _assert_hidden(_as(None), run)
    page = _as(people["owner"]).get(f"/atlas/runs/{run.pk}/", **EN).content.decode()
    assert "Not shared" in page and 'id="share-controls"' in page


def test_shared_with_organisation_a_members_of_a_see_it_members_of_b_do_not(
    people: dict[str, Any], run: Job
) -> None:
    owner = _as(people["owner"])
    resp = owner.post(
        f"/atlas/runs/{run.pk}/share/", {"action": "organisation", "organisation": people["a"].pk}
    )
    assert resp.status_code == 302 and resp["Location"] == "/atlas/mine/"
    share = RunShare.objects.get(job=run)
    assert share.organisation == people["a"] and share.token_hash is None
    assert share.created_by == people["owner"]

    colleague = _as(people["colleague"])
    page = colleague.get(f"/atlas/runs/{run.pk}/", **EN)
    assert page.status_code == 200
    body = page.content.decode()
    assert TITLE in body and _objective(run) in body
    assert "Shared with the members of Kwist Recycling NV by planner." in body
    # the result is shared, not the files the owner sent: no upload links, no upload
    assert 'id="demand-upload"' not in body and 'id="share-controls"' not in body
    assert colleague.get(f"/uploads/{run.params['demand_upload']}/").status_code == 404
    gj = colleague.get(f"/atlas/runs/{run.pk}/export.geojson")
    assert gj.status_code == 200 and COORD in gj.content
    csv = colleague.get(f"/atlas/runs/{run.pk}/export.csv")
    assert csv.status_code == 200 and run.result["facilities"][0]["refnis"] in csv.content.decode()  # type: ignore[index]
    png = colleague.get(f"/atlas/runs/{run.pk}/export.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    api = colleague.get(f"/api/v1/atlas/runs/{run.pk}/")
    assert api.status_code == 200
    assert api.json()["result"]["objective"] == run.result["objective"]  # type: ignore[index]
    assert api.json()["shared_with"] == {
        "organisation": people["a"].pk,
        "organisation_name": "Kwist Recycling NV",
        "link": False,
    }
    assert colleague.get(f"/api/v1/atlas/runs/{run.pk}/geojson/").json()["features"]
    # … and it is in the colleague's lists: the API, recent runs, compare, My runs
    assert run.pk in [r["id"] for r in colleague.get("/api/v1/atlas/runs/").json()["results"]]
    assert f'href="/atlas/runs/{run.pk}/"' in colleague.get("/atlas/").content.decode()
    compare = colleague.get("/atlas/compare/", {"a": run.pk, "b": run.pk}).content.decode()
    assert f'value="{run.pk}"' in compare
    mine = colleague.get("/atlas/mine/", **EN).content.decode()
    shared_part = mine.split('id="shared-with-me"', 1)[1]
    assert TITLE in shared_part and "planner" in shared_part
    assert TITLE not in mine.split('id="shared-with-me"', 1)[0]

    for who in ("outsider", "stranger"):
        _assert_hidden(_as(people[who]), run)
    _assert_hidden(_as(None), run)

    owner_page = owner.get(f"/atlas/runs/{run.pk}/", **EN).content.decode()
    assert "the members of Kwist Recycling NV" in owner_page
    assert [c.changes for c in history_of(run).filter(action="share")] == [
        {"organisation": [None, "Kwist Recycling NV"]}
    ]


def test_the_owner_must_belong_to_the_organisation(people: dict[str, Any], run: Job) -> None:
    owner = _as(people["owner"])
    resp = owner.post(
        f"/api/v1/atlas/runs/{run.pk}/share/",
        {"organisation": people["b"].pk},
        content_type="application/json",
        **EN,
    )
    assert resp.status_code == 400
    problem = resp.json()["error"]["problems"][0]
    assert problem["field"] == "organisation" and "not a member" in problem["message"]
    missing = owner.post(
        f"/api/v1/atlas/runs/{run.pk}/share/",
        {"organisation": 999999},
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["problems"][0]["field"] == "organisation"
    empty = owner.post(f"/api/v1/atlas/runs/{run.pk}/share/", {}, content_type="application/json")
    assert empty.status_code == 400 and "organisation" in empty.json()["error"]["fields"]
    form = owner.post(
        f"/atlas/runs/{run.pk}/share/",
        {"action": "organisation", "organisation": people["b"].pk},
        follow=True,
        **EN,
    )
    assert "not a member of this organisation" in form.content.decode()
    assert not RunShare.objects.filter(job=run).exists()
    assert not history_of(run).filter(action="share").exists()
    _assert_hidden(_as(people["outsider"]), run)


def test_an_administrator_shares_any_run_but_only_with_its_owners_organisation(
    people: dict[str, Any], run: Job
) -> None:
    admin = _as(User.objects.create_superuser("root", password="a-long-admin-password"))
    url = f"/api/v1/atlas/runs/{run.pk}/share/"
    bad = admin.post(url, {"organisation": people["b"].pk}, content_type="application/json")
    assert bad.status_code == 400
    ok = admin.post(url, {"organisation": people["a"].pk}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["organisation_name"] == "Kwist Recycling NV"
    assert ok.json()["link_url"] is None
    assert _as(people["colleague"]).get(f"/atlas/runs/{run.pk}/").status_code == 200


# --- by link ---------------------------------------------------------------------------------


def test_a_link_opens_the_run_for_anyone_until_replaced_or_stopped(
    people: dict[str, Any], run: Job
) -> None:
    path = _share_link(people["owner"], run)
    token = path.removeprefix("/atlas/shared/").rstrip("/")
    share = RunShare.objects.get(job=run)
    assert share.token_hash == share_token_hash(token) and token not in share.token_hash
    assert all(token not in str(c.changes) for c in history_of(run))

    anon = _as(None)
    page = anon.get(path, **EN)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    body = page.content.decode()
    assert TITLE in body and _objective(run) in body
    assert "shared with you by link" in body
    # read-only: exports under the link, no run id URLs, no API, no uploads, no controls
    assert f"/atlas/runs/{run.pk}/" not in body and "/api/v1/" not in body
    assert 'id="demand-upload"' not in body and "/atlas/mine/" not in body
    for fmt in ("geojson", "csv", "png"):
        assert f'href="{path}export.{fmt}"' in body
    gj = anon.get(f"{path}export.geojson")
    assert gj.status_code == 200 and COORD in gj.content
    assert anon.get(f"{path}export.csv").status_code == 200
    assert anon.get(f"{path}export.png").content.startswith(b"\x89PNG")
    assert anon.get(f"{path}status/").status_code == 200
    # the token opens the run, not its id, the API or a list
    _assert_hidden(anon, run)
    _assert_hidden(_as(people["outsider"]), run)
    assert _as(people["outsider"]).get(path).status_code == 200

    # a wrong token is the same 404 as a missing run (no oracle)
    # (the page differs only in the visitor's own address and a fresh CSRF token, both in the
    # language switcher)
    def page(path: str) -> tuple[int, bytes]:
        resp = anon.get(path)
        body = re.sub(rb'name="csrfmiddlewaretoken" value="\w+"', b"", resp.content)
        return resp.status_code, body.replace(path.encode(), b"")

    missing = page("/atlas/runs/999999/")
    assert missing[0] == 404
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "A" * 500):
        assert page(f"/atlas/shared/{wrong}/") == missing
        assert anon.get(f"/atlas/shared/{wrong}/export.geojson").status_code == 404

    # a new link replaces the old one
    new_path = _share_link(people["owner"], run)
    assert new_path != path
    assert page(path) == missing
    assert anon.get(f"{path}export.geojson").status_code == 404
    assert anon.get(new_path).status_code == 200
    assert [c.changes["link"] for c in history_of(run).filter(action="share")] == [
        ["replaced", "created"],
        [None, "created"],
    ]

    # stop sharing: the link is a 404 again, like any missing run
    stop = _as(people["owner"]).delete(f"/api/v1/atlas/runs/{run.pk}/share/")
    assert stop.status_code == 204
    assert not RunShare.objects.filter(job=run).exists()
    assert page(new_path) == missing
    assert anon.get(f"{new_path}export.geojson").status_code == 404
    assert history_of(run).filter(action="share").first().changes == {  # type: ignore[union-attr]
        "link": ["active", None]
    }


def test_my_runs_creates_and_shows_the_link_once_and_stops_sharing(
    people: dict[str, Any], run: Job, settings: Any
) -> None:
    settings.SITE_URL = "https://circulair.example"
    owner = _as(people["owner"])
    mine = owner.get("/atlas/mine/", **EN)
    assert mine.status_code == 200
    row = mine.content.decode().split(f'id="run-{run.pk}"', 1)[1].split("</tr>", 1)[0]
    assert TITLE in row and "nobody" in row and "Create link" in row
    assert '<option value="{}"'.format(people["a"].pk) in row
    assert '<option value="{}"'.format(people["b"].pk) not in row  # not the owner's

    made = owner.post(f"/atlas/runs/{run.pk}/share/", {"action": "link"}, **EN)
    assert made.status_code == 200
    url = made.context["new_link"]
    assert url.startswith("https://circulair.example/atlas/shared/")
    assert f'value="{url}"' in made.content.decode()
    path = url.removeprefix("https://circulair.example")
    assert _as(None).get(path).status_code == 200
    again = owner.get("/atlas/mine/", **EN).content.decode()
    assert url not in again and "anyone with the link" in again and "New link" in again

    owner.post(
        f"/atlas/runs/{run.pk}/share/", {"action": "organisation", "organisation": people["a"].pk}
    )
    page = owner.get(f"/atlas/runs/{run.pk}/", **EN).content.decode()
    assert "the members of Kwist Recycling NV" in page and "anyone with the link" in page

    stopped = owner.post(f"/atlas/runs/{run.pk}/share/", {"action": "stop"}, follow=True, **EN)
    assert "is no longer shared" in stopped.content.decode()
    assert _as(None).get(path).status_code == 404
    _assert_hidden(_as(people["colleague"]), run)
    # My runs is per owner: nobody else's page lists the run
    for who in ("colleague", "outsider"):
        assert TITLE not in _as(people[who]).get("/atlas/mine/").content.decode()
    assert _as(None).get("/atlas/mine/").status_code == 302


# --- who may share ---------------------------------------------------------------------------


def test_only_the_owner_may_share(people: dict[str, Any], run: Job) -> None:
    owner = _as(people["owner"])
    api = f"/api/v1/atlas/runs/{run.pk}/share/"
    owner.post(api, {"organisation": people["a"].pk}, content_type="application/json")
    before = list(RunShare.objects.values_list("pk", "organisation_id", "token_hash"))
    changes = history_of(run).count()

    # the colleague sees the run but may not share it or stop sharing it: 403
    colleague = _as(people["colleague"])
    assert colleague.post(api, {"link": True}, content_type="application/json").status_code == 403
    assert colleague.delete(api).status_code == 403
    assert colleague.post(f"/atlas/runs/{run.pk}/share/", {"action": "link"}).status_code == 403
    assert colleague.post(f"/atlas/runs/{run.pk}/share/", {"action": "stop"}).status_code == 403
    org_a = {"action": "organisation", "organisation": people["a"].pk}
    assert colleague.post(f"/atlas/runs/{run.pk}/share/", org_a).status_code == 403
    # whoever does not see it gets the 404 of a missing run; anonymous callers a 403 / login
    for who in ("outsider", "stranger"):
        c = _as(people[who])
        assert c.post(api, {"link": True}, content_type="application/json").status_code == 404
        assert c.delete(api).status_code == 404
        assert c.post(f"/atlas/runs/{run.pk}/share/", {"action": "link"}).status_code == 404
    anon = _as(None)
    assert anon.post(api, {"link": True}, content_type="application/json").status_code == 403
    assert anon.delete(api).status_code == 403
    assert anon.post(f"/atlas/runs/{run.pk}/share/", {"action": "link"}).status_code == 302
    assert anon.get(f"/atlas/runs/{run.pk}/share/").status_code == 302

    assert list(RunShare.objects.values_list("pk", "organisation_id", "token_hash")) == before
    assert history_of(run).count() == changes


def test_crafted_post_with_a_valid_csrf_token_by_a_stranger_is_refused(
    people: dict[str, Any], run: Job
) -> None:
    """The stranger's own session and CSRF token are valid: the run's owner is what decides."""
    stranger = _as(people["stranger"], enforce_csrf_checks=True)
    stranger.get("/atlas/mine/")
    csrf = stranger.cookies["csrftoken"].value
    for action in ("link", "organisation", "stop"):
        resp = stranger.post(
            f"/atlas/runs/{run.pk}/share/",
            {"action": action, "organisation": people["a"].pk, "csrfmiddlewaretoken": csrf},
        )
        assert resp.status_code == 404, action
    api = stranger.post(
        f"/api/v1/atlas/runs/{run.pk}/share/",
        {"link": True},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert api.status_code == 404
    assert not RunShare.objects.filter(job=run).exists()
    # the same post without a token fails the CSRF check, for the owner as well
    owner = _as(people["owner"], enforce_csrf_checks=True)
    assert owner.post(f"/atlas/runs/{run.pk}/share/", {"action": "link"}).status_code == 403
    assert not RunShare.objects.filter(job=run).exists()
    owner.get("/atlas/mine/")
    ok = owner.post(
        f"/atlas/runs/{run.pk}/share/",
        {"action": "link", "csrfmiddlewaretoken": owner.cookies["csrftoken"].value},
    )
    assert ok.status_code == 200 and RunShare.objects.get(job=run).has_link


def test_the_back_office_lists_shares_and_stopping_there_is_logged(
    people: dict[str, Any], run: Job
) -> None:
    _share_link(people["owner"], run)
    share = RunShare.objects.get(job=run)
    admin = _as(User.objects.create_superuser("root", password="a-long-admin-password"))
    listing = admin.get("/admin/atlas/runshare/", **EN)
    assert listing.status_code == 200 and "shared runs" in listing.content.decode().lower()
    assert admin.get("/admin/atlas/runshare/add/").status_code == 403
    gone = admin.post(f"/admin/atlas/runshare/{share.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 302 and not RunShare.objects.filter(job=run).exists()
    latest = history_of(run).filter(action="share").first()
    assert latest is not None and latest.changes == {"link": ["active", None]}
    assert latest.user is not None and latest.user.username == "root"


def test_study_presets_stay_public_and_unaffected(people: dict[str, Any]) -> None:
    resp = _as(people["owner"]).post(
        "/api/v1/atlas/runs/",
        {"mode": "extrapolate", "preset": "materialenbanken-arrondissement"},
        content_type="application/json",
    )
    pk = resp.json()["id"]
    assert resp.json()["shared_with"] is None
    assert _as(None).get(f"/api/v1/atlas/runs/{pk}/").json()["result"]["totals"]["ha"] == 17
    mine = _as(people["owner"]).get("/atlas/mine/", **EN).content.decode()
    assert "everyone (study scenario)" in mine.split(f'id="run-{pk}"', 1)[1].split("</tr>")[0]


def test_the_schema_documents_sharing_with_every_status() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/atlas/runs/{id}/share/"]
    assert set(op["post"]["responses"]) == {"200", "400", "403", "404", "415"}
    assert set(op["delete"]["responses"]) == {"204", "400", "403", "404"}
    body = op["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    props = schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert set(props) == {"organisation", "link"}
