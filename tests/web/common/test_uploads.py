"""Kept uploads: no file without a record, orphans removed, problem lists capped, downloads
for their owner only."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from circulair.core.errors import InputError, Problem
from circulair.web.apps.common.models import PROBLEMS_KEPT, Upload
from circulair.web.apps.common.uploads import upload_keep, uploads_orphans_remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return (
        [p for p in (root / "uploads").rglob("*") if p.is_file()]
        if (root / "uploads").exists()
        else []
    )


def test_a_failing_save_leaves_no_file(media: Path, monkeypatch: Any) -> None:
    def boom(self: Upload, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Upload, "save", boom)
    with pytest.raises(RuntimeError, match="went away"):
        upload_keep(purpose="demand", name="demand.csv", content=b"refnis,weight\n24062,1\n")
    assert _files(media) == []


def test_an_invalid_record_leaves_no_file(media: Path) -> None:
    count = Upload.objects.count()
    with pytest.raises(ValidationError):
        upload_keep(purpose="x" * 65, name="demand.csv", content=b"refnis,weight\n")
    assert _files(media) == [] and Upload.objects.count() == count


def test_a_kept_upload_has_its_file(media: Path, user: User) -> None:
    up = upload_keep(purpose="demand", name="demand.csv", content=b"a,b\n1,2\n", user=user)
    assert (media / up.file.name).read_bytes() == b"a,b\n1,2\n"
    assert up.created_by == user and (up.status, up.problem_count) == ("accepted", 0)


def test_orphan_files_are_removed_and_kept_ones_stay(media: Path) -> None:
    kept = upload_keep(purpose="demand", name="kept.csv", content=b"a\n")
    orphan = media / "uploads" / "2026" / "01" / "killed-mid-import.csv"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"a\n")
    young = media / "uploads" / "2026" / "01" / "row-not-committed-yet.csv"
    young.write_bytes(b"a\n")
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    os.utime(media / kept.file.name, (old, old))
    assert uploads_orphans_remove() == ["uploads/2026/01/killed-mid-import.csv"]
    assert not orphan.exists() and young.exists() and (media / kept.file.name).exists()
    assert uploads_orphans_remove(older_than_seconds=0) == [
        "uploads/2026/01/row-not-committed-yet.csv"
    ]
    assert (media / kept.file.name).exists()


def test_orphan_removal_without_an_uploads_folder(media: Path) -> None:
    assert uploads_orphans_remove() == []


def test_a_rejected_file_of_100000_problems_stores_a_small_list(media: Path) -> None:
    err = InputError(
        [
            Problem("must be a number", file="big.csv", row=i + 2, field="weight", value="x")
            for i in range(100_000)
        ]
    )
    up = upload_keep(purpose="demand", name="big.csv", content=b"weight\n", error=err)
    up.refresh_from_db()
    assert up.status == "rejected" and up.problem_count == 100_000
    assert len(up.problems) == PROBLEMS_KEPT and up.problems[0]["row"] == 2
    assert up.problems[-1]["row"] == PROBLEMS_KEPT + 1
    assert len(json.dumps(up.problems)) < 50_000


def test_an_upload_downloads_for_its_owner_only(client: Client, media: Path, user: User) -> None:
    up = upload_keep(purpose="demand", name="mine.csv", content=b"lat,lon\n50.9,4.7\n", user=user)
    assert client.get(f"/uploads/{up.pk}/").status_code == 404
    other = User.objects.create_user("other", password="another-long-password")
    client.force_login(other)
    assert client.get(f"/uploads/{up.pk}/").status_code == 404
    assert client.get(f"/uploads/{up.pk + 1000}/").status_code == 404
    client.force_login(user)
    resp = client.get(f"/uploads/{up.pk}/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"lat,lon\n50.9,4.7\n"
    assert 'filename="mine.csv"' in resp["Content-Disposition"]
    assert resp["Content-Type"] == "application/octet-stream"
