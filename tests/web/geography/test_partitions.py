"""Importing partitions: all-or-nothing, naming the municipalities; the upload is kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from circulair.core.errors import InputError
from circulair.web.apps.common.models import Upload
from circulair.web.apps.geography.models import Municipality, Partition, Region
from circulair.web.apps.geography.services import partition_import

pytestmark = pytest.mark.django_db


def _csv(rows: list[tuple[str, str]]) -> bytes:
    return ("refnis,unit\n" + "".join(f"{a},{b}\n" for a, b in rows)).encode()


def _all_rows() -> list[tuple[str, str]]:
    return [(m.refnis, f"U{m.refnis[:2]}") for m in Municipality.objects.order_by("refnis")]


def test_valid_partition_is_imported_with_its_units() -> None:
    region = Region.objects.get(slug="flanders")
    p = partition_import(
        region=region, name="Test catchments", file_name="c.csv", content=_csv(_all_rows())
    )
    assert p.units.count() == 22
    assert p.members.count() == 285
    assert Upload.objects.get(pk=p.upload_id).status == "accepted"


def test_missing_and_duplicated_municipalities_are_named_and_nothing_is_imported() -> None:
    region = Region.objects.get(slug="flanders")
    rows = _all_rows()
    leuven = next(r for r in rows if r[0] == "24062")
    rows = [r for r in rows if r[0] not in ("24062", "44021")]  # drop Leuven and Gent
    rows.append(("11002", "U99"))  # Antwerpen a second time
    with pytest.raises(InputError) as ei:
        partition_import(region=region, name="Broken", file_name="broken.csv", content=_csv(rows))
    text = str(ei.value)
    assert "24062" in text and "Leuven" in text
    assert "44021" in text and "Gent" in text
    assert "11002" in text and "Antwerpen" in text
    assert leuven[0] in text
    assert not Partition.objects.filter(slug="broken").exists()
    up = Upload.objects.get(original_name="broken.csv")
    assert up.status == "rejected" and up.problems and up.file.read() == _csv(rows)


def test_import_page_requires_login_and_shows_problems(
    client: Client, user: object, grant_role: Any
) -> None:
    resp = client.post("/geo/partitions/import/", {"name": "x"})
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    client.force_login(user)  # type: ignore[arg-type]
    assert client.post("/geo/partitions/import/", {"name": "x"}).status_code == 403
    grant_role(user, "geography_editor")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("bad.csv", b"refnis,unit\n99999,A\n", content_type="text/csv")
    resp = client.post("/geo/partitions/import/", {"name": "Bad one", "file": bad})
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "99999" in body and "bad.csv" in body
    good = SimpleUploadedFile("good.csv", _csv(_all_rows()), content_type="text/csv")
    resp = client.post("/geo/partitions/import/", {"name": "Good one", "file": good})
    assert resp.status_code == 302 and resp["Location"] == "/geo/partitions/good-one/"
