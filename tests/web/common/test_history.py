"""The platform's one change log (issue 13): every app records changes through
common.history, and the three old per-app logs migrate into it without losing a row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from circulair.web.apps.common.history import (
    change_record,
    changes_diff,
    changes_record,
    history_latest_id,
    history_of,
)
from circulair.web.apps.common.models import Change
from circulair.web.apps.monitor.models import Observation
from circulair.web.apps.organisations.models import Organisation


def test_diff_keeps_only_changed_fields() -> None:
    assert changes_diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
    assert changes_diff({}, {"x": "new"}) == {"x": [None, "new"]}


@pytest.mark.django_db
def test_record_read_back_and_empty_update_skipped() -> None:
    alice = User.objects.create_user("alice")
    org = Organisation.objects.create(name="Alfa")
    first = change_record(org, "create", {"name": [None, "Alfa"]}, alice)
    assert change_record(org, "update", {}, alice) is None  # nothing changed: nothing written
    second = change_record(org, "update", {"name": ["Alfa", "Alfa NV"]})  # anonymous: no user
    assert first is not None and second is not None
    got = list(history_of(org))
    assert [(c.action, c.changes, c.user) for c in got] == [
        ("update", {"name": ["Alfa", "Alfa NV"]}, None),
        ("create", {"name": [None, "Alfa"]}, alice),
    ]
    assert history_latest_id("organisations") == second.pk
    assert history_latest_id("no-such-app") == 0
    # a deleted record keeps its history, found by model and id
    pk = org.pk
    org.delete()
    assert history_of(Organisation, pk).count() == 2


@pytest.mark.django_db
def test_bulk_record_skips_empty_updates() -> None:
    orgs = [Organisation.objects.create(name=f"O{i}") for i in range(3)]
    n = changes_record(
        [
            (orgs[0], "import", {"f": [None, 1]}),
            (orgs[1], "update", {}),
            (orgs[2], "update", {"x": [1, 2]}),
        ]
    )
    assert n == 2
    org_type = ContentType.objects.get_for_model(Organisation)
    assert Change.objects.filter(content_type=org_type).count() == 2
    assert history_of(orgs[1]).count() == 0


#: Run in a fresh database of its own (a subprocess): rolling the shared test database back
#: through these migrations would wipe the reference data the other tests read.
MIGRATION_REPLAY = """
import datetime as dt, json, django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
ex = MigrationExecutor(connection)
ex.migrate(ex.loader.graph.leaf_nodes())
old = [("agenda", "0003_evaluation_index"), ("monitor", "0001_initial"), ("scan", "0001_initial")]
ex.loader.build_graph()
ex.migrate(old)
apps = ex.loader.project_state(old).apps
user = apps.get_model("auth", "User").objects.create(username="editor")
when = dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC)
log = apps.get_model("agenda", "ChangeLog")
log.objects.create(
    model="action", object_id=41, action="update", changes={"title": ["a", "b"]}, user=user)
log.objects.update(at=when)
ind = apps.get_model("monitor", "Indicator").objects.create(slug="rmc", name_nl="RMC", unit="Mt")
obs = apps.get_model("monitor", "Observation").objects.create(
    indicator=ind, region="VLG", year=2018, value=3.0, unit="Mt", source="now", origin="import")
hist = apps.get_model("monitor", "ObservationHistory")
hist.objects.create(observation=obs, value=1.0, unit="Mt", source="first", origin="data")
hist.objects.create(observation=obs, value=2.0, unit="Mt", source="second", origin="import")
org = apps.get_model("organisations", "Organisation").objects.create(name="Gemeente Test")
qv = apps.get_model("scan", "QuestionnaireVersion").objects.create(
    code="gemeenten", version=1, title_nl="Scan", content={}, sha256="0")
resp = apps.get_model("scan", "Response").objects.create(
    organisation=org, questionnaire=qv, year=2025)
apps.get_model("scan", "AnswerEvent").objects.create(response=resp, question="q1", new=2, user=user)
ex.loader.build_graph()
ex.migrate(ex.loader.graph.leaf_nodes())
from circulair.web.apps.common.models import Change
rows = Change.objects.order_by("pk").values_list(
    "content_type__app_label", "content_type__model", "object_id", "action", "changes",
    "user__username", "at")
print(json.dumps([[*r[:6], r[6].isoformat()] for r in rows]))
"""


def test_old_logs_migrate_into_the_one_change_log(tmp_path: Path) -> None:
    """Roll the three apps back to their own logs, write old rows, migrate: every row arrives."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "circulair.web.config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'replay.sqlite3'}",
        "CIRCULAIR_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    out = subprocess.run(
        [sys.executable, "-c", MIGRATION_REPLAY], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    at = "2024-05-06T07:08:00+00:00"
    agenda = [r for r in rows if r[0] == "agenda"]
    assert agenda == [["agenda", "action", 41, "update", {"title": ["a", "b"]}, "editor", at]]
    monitor = [r[3:6] for r in rows if r[0] == "monitor"]
    assert monitor == [
        [
            "replace",
            {"value": [1.0, 2.0], "source": ["first", "second"], "origin": ["data", "import"]},
            None,
        ],
        ["replace", {"value": [2.0, 3.0], "source": ["second", "now"]}, None],
    ]
    scan = [r[3:6] for r in rows if r[0] == "scan"]
    assert scan == [["answer", {"q1": [None, 2]}, "editor"]]


@pytest.mark.django_db
def test_back_office_shows_a_records_history_read_only(client: Any) -> None:
    admin = User.objects.create_superuser("root", password="a-long-test-password")
    obs = Observation.objects.first()
    assert obs is not None
    change_record(obs, "replace", {"value": [1.5, 2.5]}, admin)
    client.force_login(admin)
    page = client.get(f"/admin/monitor/observation/{obs.pk}/change/").content.decode()
    assert "replace" in page and "1.5" in page and "2.5" in page
    listing = client.get("/admin/common/change/")
    assert listing.status_code == 200 and "replace" in listing.content.decode()
    assert client.get("/admin/common/change/add/").status_code == 403
