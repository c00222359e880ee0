"""Imports recorded with who and when, and the four-eyes rule (issue "People and permissions",
point 3): with ``CIRCULAIR_MONITOR_FOUR_EYES`` an editor's import waits, unpublished, until a
second editor approves it. Mail goes through a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.common.history import history_of
from circulair.web.apps.monitor.models import ImportBatch, Observation
from circulair.web.apps.monitor.services import observations_import

pytestmark = pytest.mark.django_db
PW = "a-long-test-password"
BASE = "indicator,region,year,value,unit,source,note\nrmc,VLG,2018,500,Mt,first,\n"
FIX = b"indicator,region,year,value,unit,source,note\nrmc,VLG,2018,460000,kt,revised,\n"
LINK = re.compile(r"https://circulair\.test/monitor/imports/(\d+)/")


def _editor(name: str) -> User:
    u = User.objects.create_user(name, email=f"{name}@monitor.test", password=PW)
    u.groups.add(Group.objects.get_or_create(name="monitor_editor")[0])
    Profile.objects.create(user=u, language="en")  # mail in English whatever the catalogue
    return u


@pytest.fixture
def people(settings: Any) -> dict[str, User]:
    """Editors Ann and Bob, a plain member, and the figure 500 Mt that Ann will correct."""
    settings.CIRCULAIR_MONITOR_FOUR_EYES = True
    observations_import(content=BASE.encode(), file_name="base.csv")  # the operator: at once
    return {
        "a": _editor("ann"),
        "b": _editor("bob"),
        "member": User.objects.create_user("mia", email="mia@monitor.test", password=PW),
    }


def _client(user: User | None = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _public_value(c: Client) -> float:
    obs = c.get(
        "/api/v1/monitor/observations/", {"indicator": "rmc", "region": "VLG", "year": 2018}
    ).json()["results"]
    [o] = obs
    return float(o["value"])


def _page(c: Client, path: str) -> str:
    """The page without what is new on every answer (CSRF token, the charts' random ids)."""
    body = re.sub(r"<svg.*?</svg>", "", c.get(path).content.decode(), flags=re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", body)


def _submit(user: User) -> dict[str, Any]:
    r = _client(user).post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("fix.csv", FIX)}
    )
    assert r.status_code == 202, r.content
    return dict(r.json())


def test_a_corrected_figure_waits_until_a_second_editor_approves(
    people: dict[str, User], mailbox: Any
) -> None:
    a, b = people["a"], people["b"]
    anon = Client()
    before = {p: _page(anon, p) for p in ("/monitor/", "/monitor/indicators/rmc/")}
    before_status = anon.get("/api/v1/monitor/targets/rmc-2030/").json()["assessment"]
    batch = _submit(a)
    assert batch["status"] == "pending" and batch["created_by"] == "ann"
    assert (batch["created"], batch["replaced"], batch["unchanged"]) == (0, 1, 0)
    assert batch["figures"][0]["value"] == pytest.approx(460)  # converted to the indicator's Mt
    # nothing public changed: API, indicator page, target status
    assert _public_value(anon) == 500
    assert {p: _page(anon, p) for p in before} == before  # dashboard and indicator page
    assert '<td class="num">500 Mt</td>' in before["/monitor/indicators/rmc/"]
    assert anon.get("/api/v1/monitor/targets/rmc-2030/").json()["assessment"] == before_status
    assert ImportBatch.objects.get(pk=batch["id"]).status == "pending"
    # Bob (the other editor) is asked, with an absolute link to the batch; Ann is not
    [msg] = mailbox.to("bob@monitor.test")
    assert msg["Subject"] == "[Circulair] Figures to approve: fix.csv by ann"
    assert LINK.search(mailbox.text(msg)).group(1) == str(batch["id"])
    assert f"https://circulair.test/monitor/imports/{batch['id']}/" in mailbox.html(msg)
    assert mailbox.to("ann@monitor.test") == []
    # the imports page shows it: file, who, status
    page = _client(b).get("/monitor/imports/").content.decode()
    assert f'data-import="{batch["id"]}" data-status="pending"' in page and "ann" in page

    # Ann may not approve her own import (API and page): refused, nothing changed
    r = _client(a).post(f"/api/v1/monitor/imports/{batch['id']}/approve/")
    assert (
        r.status_code == 403 and "imported these figures yourself" in r.json()["error"]["message"]
    )
    r = _client(a).post(f"/monitor/imports/{batch['id']}/decide/", {"decision": "approve"})
    assert r.status_code == 403
    assert _public_value(anon) == 500 and ImportBatch.objects.get().status == "pending"
    assert 'id="own-batch"' in _client(a).get(f"/monitor/imports/{batch['id']}/").content.decode()

    # Bob approves on the page: the figure is public, stored as an import would store it
    detail = _client(b).get(f"/monitor/imports/{batch['id']}/").content.decode()
    assert 'id="decide-form"' in detail and "460" in detail
    r = _client(b).post(f"/monitor/imports/{batch['id']}/decide/", {"decision": "approve"})
    assert r.status_code == 302
    assert _public_value(anon) == pytest.approx(460)
    assert '<td class="num">460 Mt</td>' in _page(anon, "/monitor/indicators/rmc/")
    obs = Observation.objects.get(indicator__slug="rmc", region="VLG", year=2018)
    assert obs.source == "revised" and obs.origin == "import" and obs.updated_by == b
    replaced = history_of(obs).get(action="replace")
    assert replaced.user == b and replaced.upload is not None
    assert replaced.upload.pk == batch["id"] and replaced.upload.created_by == a
    assert replaced.changes["value"] == [500, pytest.approx(460)]
    done = ImportBatch.objects.get()
    steps = [(c.action, c.user.username) for c in reversed(history_of(done))]
    assert steps == [("create", "ann"), ("approve", "bob")]
    assert (done.status, done.decided_by, done.replaced) == ("approved", b, 1)
    # Ann hears of it; the page says who imported and who approved
    [note] = mailbox.to("ann@monitor.test")
    assert note["Subject"] == "[Circulair] Your figures are approved: fix.csv"
    detail = _client(a).get(f"/monitor/imports/{batch['id']}/").content.decode()
    assert 'data-status="approved"' in detail and 'id="import-changes"' in detail
    assert '<dd id="importer">ann</dd>' in detail and 'id="decider">bob' in detail
    # a decided batch is not decided again
    r = _client(b).post(f"/api/v1/monitor/imports/{batch['id']}/reject/", {"reason": "late"})
    assert r.status_code == 400


def test_a_rejected_import_stays_out_and_the_importer_reads_why(
    people: dict[str, User], mailbox: Any
) -> None:
    a, b = people["a"], people["b"]
    batch = _submit(a)
    url = f"/api/v1/monitor/imports/{batch['id']}/reject/"
    r = _client(b).post(url, {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = _client(b).post(url, {"reason": "Wrong unit"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["decided_by"] == "bob" and r.json()["reason"] == "Wrong unit"
    assert _public_value(Client()) == 500
    [msg] = mailbox.to("ann@monitor.test")
    assert msg["Subject"] == "[Circulair] Your figures were rejected: fix.csv"
    assert "Wrong unit" in mailbox.text(msg) and LINK.search(mailbox.text(msg))
    steps = [(c.action, c.user.username) for c in reversed(history_of(ImportBatch.objects.get()))]
    assert steps == [("create", "ann"), ("reject", "bob")]
    # approving afterwards is refused and changes nothing
    r = _client(b).post(f"/api/v1/monitor/imports/{batch['id']}/approve/")
    assert r.status_code == 400 and _public_value(Client()) == 500
    page = _client(a).get("/monitor/imports/").content.decode()
    assert f'data-import="{batch["id"]}" data-status="rejected"' in page


def test_an_administrator_counts_as_the_second_editor(
    people: dict[str, User], mailbox: Any
) -> None:
    admin = User.objects.create_user("root", password=PW, is_staff=True, is_superuser=True)
    batch = _submit(people["a"])
    r = _client(admin).post(f"/api/v1/monitor/imports/{batch['id']}/approve/")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert _public_value(Client()) == pytest.approx(460)


def test_members_and_visitors_neither_see_nor_decide(people: dict[str, User]) -> None:
    batch = _submit(people["a"])
    pid = batch["id"]
    member, anon = _client(people["member"]), Client()
    for path in ("/monitor/imports/", f"/monitor/imports/{pid}/"):
        assert member.get(path).status_code == 403
        r = anon.get(path)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    r = anon.post(f"/monitor/imports/{pid}/decide/", {"decision": "approve"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert (
        member.post(f"/monitor/imports/{pid}/decide/", {"decision": "approve"}).status_code == 403
    )
    for c in (member, anon):
        assert c.get("/api/v1/monitor/imports/").status_code in (401, 403)
        assert c.get(f"/api/v1/monitor/imports/{pid}/").status_code in (401, 403)
        assert c.post(f"/api/v1/monitor/imports/{pid}/approve/").status_code in (401, 403)
        assert c.post(f"/api/v1/monitor/imports/{pid}/reject/", {"reason": "x"}).status_code in (
            401,
            403,
        )
    assert ImportBatch.objects.get().status == "pending" and _public_value(anon) == 500


def test_without_the_rule_an_import_is_public_at_once_and_logged(
    people: dict[str, User], settings: Any, mailbox: Any
) -> None:
    settings.CIRCULAIR_MONITOR_FOUR_EYES = False
    a = people["a"]
    r = _client(a).post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("fix.csv", FIX)}
    )
    assert r.status_code == 201 and r.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert _public_value(Client()) == pytest.approx(460)
    assert not ImportBatch.objects.exists() and mailbox.messages == []
    bad = SimpleUploadedFile("bad.csv", b"indicator,region,year,value,unit\nnope,VLG,2020,1,Mt\n")
    assert _client(a).post("/monitor/import/", {"file": bad}).status_code == 400
    # every import is on the imports page: file, who, counts, status (the operator's too)
    page = _client(people["b"]).get("/monitor/imports/").content.decode()
    rows = re.findall(r'<tr data-import="\d+" data-status="(\w+)">(.*?)</tr>', page, re.S)
    assert [s for s, _ in rows] == ["refused", "imported", "imported"]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", body, re.S) for _, body in rows]
    assert "ann" in cells[1][1] and cells[1][3:5] == ["0", "1"]  # fix.csv: 0 new, 1 replaced
    assert "base.csv" in cells[2][0] and cells[2][3:5] == ["1", "0"]


def test_the_202_answer_is_the_documented_batch(people: dict[str, User]) -> None:
    """The contract test meets the import with the rule off (201): check the 202 body here."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/monitor/observations/import/"]["post"]
    ref = op["responses"]["202"]["content"]["application/json"]["schema"]["$ref"]
    comp = schema["components"]["schemas"]
    documented = comp[ref.rsplit("/", 1)[1]]
    batch = _submit(people["a"])
    assert set(batch) == set(documented["properties"]) == set(documented["required"])
    status_ref = documented["properties"]["status"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert batch["status"] in comp[status_ref]["enum"]
    assert set(batch["figures"][0]) == set(comp["Figure"]["properties"])
