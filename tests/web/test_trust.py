"""Trust (issue 12): each finding of the security probe replayed with its exact request.

Findings 1 (exchange locations) and 2 (atlas runs) have their own files; here: official data
writable only by its role (3), hostile values (5), formulas in exports (6), bounded cost of the
annual report (7), login throttling, security headers and same-site redirects (9).
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from circulair.web.apps.agenda import services as agenda_services
from circulair.web.apps.agenda.models import Action
from circulair.web.apps.geography.models import Municipality, Partition
from circulair.web.apps.monitor.models import Observation
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
PW = "a-long-test-password"
HUGE_CELL = b"9" * (50 * 1024 * 1024)


def _member(name: str = "Recycling NV", username: str = "rita") -> tuple[Organisation, User]:
    org = Organisation.objects.create(name=name)
    user = User.objects.create_user(username, password=PW)
    Membership.objects.create(organisation=org, user=user)
    return org, user


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- 3. official data is writable only by the role that owns it -----------------------------


def test_account_without_role_cannot_replace_official_figures() -> None:
    """Probe: a user with no organisation replaced the 2018 raw material input (642 → 1 Mt)."""
    user = User.objects.create_user("nobody", password=PW)
    rmi = (
        Observation.objects.filter(indicator__slug="rmi", region="VLG", year=2018)
        .values_list("value", flat=True)
        .first()
    )
    before = list(Observation.objects.order_by("pk").values_list("pk", "value"))
    csv_text = b"indicator,region,year,value,unit\nrmi,VLG,2018,1,Mt\n"
    r = _client(user).post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("rmi.csv", csv_text)}
    )
    assert r.status_code == 403
    assert "monitor_editor" in r.json()["error"]["message"]
    assert (
        r_web_status(user, "/monitor/import/", {"file": SimpleUploadedFile("rmi.csv", csv_text)})
        == 403
    )
    assert list(Observation.objects.order_by("pk").values_list("pk", "value")) == before
    assert rmi == 642.0


def r_web_status(user: User, url: str, data: dict[str, Any]) -> int:
    return _client(user).post(url, data).status_code


def test_account_without_role_cannot_create_a_partition() -> None:
    """Probe: a logged-in user created a region partition through the API."""
    _org, user = _member()
    refnis = Municipality.objects.values_list("refnis", flat=True)
    body = "refnis,unit\n" + "".join(f"{r},A\n" for r in refnis)
    n = Partition.objects.count()
    r = _client(user).post(
        "/api/v1/partitions/import/",
        {"name": "Mine", "file": SimpleUploadedFile("p.csv", body.encode())},
    )
    assert r.status_code == 403
    assert Partition.objects.count() == n


def test_monitor_editor_may_import(monitor_editor: User) -> None:
    r = _client(monitor_editor).post(
        "/api/v1/monitor/observations/import/",
        {
            "file": SimpleUploadedFile(
                "rmi.csv", b"indicator,region,year,value,unit\nrmi,VLG,2031,640,Mt\n"
            )
        },
    )
    assert r.status_code == 201 and r.json()["created"] == 1


# --- 5. hostile values: a 4xx naming the field, nothing changed ------------------------------


@pytest.mark.parametrize("year", ["0", "-1", "99999", "2e400", "nan", "abc"])
def test_evaluation_year_out_of_range_is_a_400(client: Client, year: str) -> None:
    r = client.get("/api/v1/agenda/evaluation/", {"year": year})
    assert r.status_code == 400
    assert "year" in r.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "1e400"])
def test_agenda_figures_must_be_finite(value: str) -> None:
    org, user = _member()
    n = Action.objects.count()
    r = _client(user).post(
        "/api/v1/agenda/actions/",
        data=json.dumps(
            {
                "organisation": org.pk,
                "title": "Hostile",
                "agenda": "maakindustrie",
                "figures": [{"label": "collected", "value": value, "unit": "t"}],
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 400, r.content
    assert "figures" in r.content.decode() and "finite" in r.content.decode()
    assert Action.objects.count() == n


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999"])
def test_agenda_actions_bad_page_is_not_a_500(client: Client, page: str) -> None:
    r = client.get("/api/v1/agenda/actions/", {"page": page})
    assert r.status_code == 404


@pytest.mark.parametrize("size", ["99999999999999999999", "1001", "0", "-5", "abc"])
def test_agenda_actions_bad_page_size_is_a_400_naming_it(client: Client, size: str) -> None:
    """Probe: a huge page size was a 500. Sizes are 1 to 1000 (as the schema says)."""
    r = client.get("/api/v1/agenda/actions/", {"page_size": size})
    assert r.status_code == 400
    assert "page_size" in r.json()["error"]["fields"]
    assert client.get("/api/v1/agenda/actions/", {"page_size": "1000"}).status_code == 200


def test_huge_cell_is_refused_by_the_web_imports() -> None:
    """Probe: a 50 MB cell ended the agenda and partition imports in ``_csv.Error`` (500)."""
    _org, user = _member()
    c = _client(user)
    n = Action.objects.count()
    big = b"title,organisation,agenda,start\nX,Recycling NV,maakindustrie," + HUGE_CELL + b"\n"
    r = c.post("/agenda/import/", {"kind": "actions", "file": SimpleUploadedFile("a.csv", big)})
    assert r.status_code == 302  # 50 MB: imported by a worker, refused on the job's page
    page = c.get(r["Location"]).content.decode()
    assert "a.csv, regel 2" in page and "langer dan" in page  # the page is in Dutch
    assert Action.objects.count() == n
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="geography_editor"))
    n = Partition.objects.count()
    r = c.post(
        "/geo/partitions/import/",
        {"name": "Big", "file": SimpleUploadedFile("p.csv", b"refnis,unit\n11001," + HUGE_CELL)},
    )
    assert r.status_code == 400 and "p.csv, regel 2" in r.content.decode()
    assert Partition.objects.count() == n


def test_huge_cell_is_an_input_error_in_every_table_importer(monitor_editor: User) -> None:
    from circulair.core.errors import InputError
    from circulair.web.apps.atlas.services import demand_table_parse
    from circulair.web.apps.doers.services import cases_import
    from circulair.web.apps.exchange.services import listings_import
    from circulair.web.apps.geography.models import Region
    from circulair.web.apps.geography.selectors import region_geography
    from circulair.web.apps.geography.services import population_import
    from circulair.web.apps.monitor.services import observations_import
    from circulair.web.apps.scan.services.imports import survey_import

    region = Region.objects.get(slug="flanders")
    org, _user = _member()
    calls = {
        "exchange": lambda b: listings_import(organisation=org, content=b, file_name="m.csv"),
        "atlas demand": lambda b: demand_table_parse(region_geography(region), b, "m.csv"),
        "monitor": lambda b: observations_import(content=b, file_name="m.csv"),
        "population": lambda b: population_import(
            region=region, file_name="m.csv", content=b, source="x"
        ),
        "doers": lambda b: cases_import(content=b, file_name="m.csv"),
        "scan": lambda b: survey_import(content=b, file_name="m.csv"),
    }
    for name, call in calls.items():
        with pytest.raises(InputError) as e:
            call(b"refnis,population,indicator,title\n11001,1," + HUGE_CELL + b",x\n")
        assert any(
            "longer than" in p.message or "not a readable" in p.message for p in e.value.problems
        ), name


# --- 6. exports neutralise formulas -----------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3",
    "=1+1",
]


def test_agenda_exports_write_formulas_as_text(client: Client) -> None:
    from openpyxl import load_workbook

    org, user = _member()
    for i, f in enumerate(FORMULAS):
        agenda_services.action_create(
            user=user,
            organisation=org,
            data={
                "title": f,
                "agenda": "maakindustrie",
                "status": "planned",
                "public": True,
                "description": f"row {i}",
            },
        )
    text = client.get("/agenda/actions/", {"format": "csv"}).content.decode()
    for f in FORMULAS:
        assert f not in text.replace("'" + f, "")  # only ever behind an apostrophe
    assert "'=HYPERLINK(" in text and "'@SUM(A1:A9)" in text and "'+cmd|" in text
    xlsx = client.get("/agenda/actions/", {"format": "xlsx"}).content
    ws = load_workbook(io.BytesIO(xlsx)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value in FORMULAS]
    assert len(cells) == len(FORMULAS)
    assert all(c.data_type == "s" for c in cells)


def test_monitor_export_writes_formulas_as_text(client: Client, monitor_editor: User) -> None:
    from openpyxl import load_workbook

    body = (
        "indicator,region,year,value,unit,source\n"
        'rmi,VLG,2031,640,Mt,"=HYPERLINK(""http://evil.example"")"\n'
    )
    r = _client(monitor_editor).post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("x.csv", body.encode())}
    )
    assert r.status_code == 201
    text = client.get("/monitor/indicators/rmi/export.csv").content.decode()
    assert "'=HYPERLINK(" in text and ",=HYPERLINK(" not in text
    ws = load_workbook(io.BytesIO(client.get("/monitor/indicators/rmi/export.xlsx").content)).active
    cell = next(
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    )
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK(")


def test_cli_doers_export_neutralises_formulas() -> None:
    from typer.testing import CliRunner

    from circulair.cli.main import app
    from circulair.web.apps.doers.models import Case

    case = Case.objects.filter(status="published").first()
    assert case is not None
    Case.objects.filter(pk=case.pk).update(title="@SUM(A1:A9)")
    out = CliRunner().invoke(app, ["doers", "export", "--format", "csv"]).output
    assert "'@SUM(A1:A9)" in out and ",@SUM(A1:A9)" not in out


# --- 7. the annual report is built once per data version --------------------------------------


def test_annual_report_pdf_is_built_once_per_version(client: Client) -> None:
    from django.conf import settings

    from circulair.web.apps.common.models import Job

    reports = Path(settings.MEDIA_ROOT) / "reports"
    first = client.get("/agenda/report.pdf", {"year": 2025})
    assert first.status_code == 200 and first.content[:4] == b"%PDF"
    assert first["Content-Disposition"] == 'inline; filename="annual-report-2025.pdf"'
    [job] = Job.objects.filter(kind="report.pdf")
    assert job.status == "done" and job.params["language"] == "nl"
    [stored] = reports.iterdir()
    assert stored.name.startswith("agenda-annual-2025-nl--")
    assert stored.read_bytes() == first.content
    again = client.get("/agenda/report.pdf", {"year": 2025})
    assert again.content == first.content and Job.objects.filter(kind="report.pdf").count() == 1
    english = client.get("/agenda/report.pdf", {"year": 2025}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and Job.objects.filter(kind="report.pdf").count() == 2
    org, user = _member()
    agenda_services.action_create(
        user=user,
        organisation=org,
        data={"title": "Nieuw", "agenda": "maakindustrie", "status": "planned"},
    )
    newer = client.get("/agenda/report.pdf", {"year": 2025})  # a change is a new version
    assert newer.status_code == 200 and Job.objects.filter(kind="report.pdf").count() == 3
    names = sorted(p.name for p in reports.iterdir())
    assert len(names) == 2 and stored.name not in names  # the older Dutch file is replaced


def test_a_report_still_being_built_answers_a_page_that_reloads(
    client: Client, settings: Any
) -> None:
    from circulair.web.apps.common.models import Job

    settings.CIRCULAIR_JOBS_INLINE = False  # queued for a worker, none runs in this test
    r = client.get("/agenda/report.pdf", {"year": 2025}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 202 and r["Refresh"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in r.content.decode()
    assert "The report is being made" in r.content.decode()
    client.get("/agenda/report.pdf", {"year": 2025}, HTTP_ACCEPT_LANGUAGE="en")
    [job] = Job.objects.filter(kind="report.pdf")  # a reload queues no second build
    assert job.status == "queued" and job.params["args"] == {"year": 2025}


def test_pdf_slots_refuse_with_503_when_busy(client: Client, settings: Any) -> None:
    from circulair.web.apps.common import pdf

    settings.CIRCULAIR_PDF_WAIT_SECONDS = 0.1
    assert pdf._SLOTS.acquire(timeout=1)
    try:
        r = client.get("/agenda/report.pdf", {"year": 2024}, HTTP_ACCEPT_LANGUAGE="en")
        again = client.get("/agenda/report.pdf", {"year": 2024}, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        pdf._SLOTS.release()
    assert r.status_code == 503 and r["Retry-After"] == "60"
    assert "Too many reports are being produced" in r.content.decode()
    assert again.status_code == 503  # answered with the failure, not built again at once
    from circulair.web.apps.common.models import Job

    assert Job.objects.filter(kind="report.pdf", status="failed").count() == 1


# --- 9. login throttling, headers, redirects --------------------------------------------------


def test_fifty_wrong_passwords_lock_the_web_login(client: Client) -> None:
    User.objects.create_user("victim", password=PW)
    codes = [
        client.post("/accounts/login/", {"login": "victim", "password": f"guess-{i}"}).status_code
        for i in range(50)
    ]
    assert codes[:4] == [200] * 4  # the form again, with an error
    assert set(codes[5:]) == {429}
    r = client.post("/accounts/login/", {"login": "victim", "password": PW})
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session


def test_fifty_wrong_passwords_lock_basic_auth(client: Client) -> None:
    User.objects.create_user("victim", password=PW)

    def basic(password: str) -> int:
        token = base64.b64encode(f"victim:{password}".encode()).decode()
        return client.get(
            "/api/v1/agenda/actions/?mine=1", HTTP_AUTHORIZATION=f"Basic {token}"
        ).status_code

    codes = [basic(f"guess-{i}") for i in range(50)]
    assert set(codes) <= {401, 403, 429} and codes[-1] != 200
    assert basic(PW) in (401, 403, 429)  # the right password no longer gets in


def test_security_headers(client: Client) -> None:
    r = client.get("/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert (
        "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert r["X-Content-Type-Options"] == "nosniff" and r["X-Frame-Options"] == "DENY"


def test_production_mode_is_clean_for_check_deploy(tmp_path: Any) -> None:
    import secrets

    env = {
        **os.environ,
        "CIRCULAIR_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "circulair.example.org",
        "CIRCULAIR_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3"),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "circulair.cli.main",
            "manage",
            "check",
            "--deploy",
            "--tag",
            "security",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import django,os;"
                "os.environ['DJANGO_SETTINGS_MODULE']='circulair.web.config.settings';"
                "django.setup();from django.conf import settings as s;"
                "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.split() == ["31536000", "True", "True"], probe.stderr


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_next_only_to_this_site(target: str) -> None:
    from circulair.web.apps.common.redirects import safe_next

    req = RequestFactory().post("/exchange/propose/", {"next": target})
    assert safe_next(req, "/exchange/") == "/exchange/"
    req = RequestFactory().post("/exchange/propose/", {"next": "/exchange/listings/3/"})
    assert safe_next(req, "/exchange/") == "/exchange/listings/3/"
