"""No silent surprises: a kg figure for an indicator in Mt is refused (service, page, API, CLI)
with the reason and nothing changed, and stored when the import is confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.core.errors import InputError
from circulair.web.apps.common.models import Upload
from circulair.web.apps.monitor.models import Observation
from circulair.web.apps.monitor.services import observations_import

pytestmark = pytest.mark.django_db

HEADER = "indicator,region,year,value,unit,source,note\n"
SERIES = HEADER + "rmc,VLG,2010,500,Mt,test,\nrmc,VLG,2018,440,Mt,test,\n"
SLIP = HEADER + "rmc,VLG,2020,460,kg,slip,\n"
SLIP_MESSAGE = (
    "slip.csv, line 2, column 'value': 460 kg is 0.00000046 Mt: about 960,000,000 times "
    "smaller than the neighbouring values (440 Mt in 2018); check the unit, or confirm the "
    "import to store it as it is (got 460.0)"
)
EMPTY_MESSAGE = (
    "slip.csv, line 2, column 'value': 460 kg is 0.00000046 Mt: it rounds to 0.000 Mt at the 3 "
    "decimals shown and the series has no values to compare with; check the unit, or confirm "
    "the import to store it as it is (got 460.0)"
)


def _rmc() -> list[tuple[int, float, str]]:
    rows = Observation.objects.filter(indicator__slug="rmc", region="VLG").order_by("year")
    return [(o.year, o.value, o.source) for o in rows]


def test_kg_for_mt_is_refused_with_the_reason_and_nothing_changes() -> None:
    assert _rmc() == []
    with pytest.raises(InputError) as e:
        observations_import(content=SLIP.encode(), file_name="slip.csv")
    assert [str(p) for p in e.value.problems] == [EMPTY_MESSAGE]
    observations_import(content=SERIES.encode(), file_name="series.csv")
    # one good row next to the slip: all or nothing
    both = SLIP + "rmc,VLG,2019,445,Mt,good,\n"
    with pytest.raises(InputError) as e:
        observations_import(content=both.encode(), file_name="slip.csv")
    assert [str(p) for p in e.value.problems] == [SLIP_MESSAGE]
    assert _rmc() == [(2010, 500.0, "test"), (2018, 440.0, "test")]
    assert list(
        Upload.objects.filter(original_name="slip.csv").values_list("status", flat=True)
    ) == ["rejected", "rejected"]


def test_confirmed_the_value_is_stored_as_converted() -> None:
    observations_import(content=SERIES.encode(), file_name="series.csv")
    rep = observations_import(content=SLIP.encode(), file_name="slip.csv", confirm=True)
    assert (rep.created, rep.updated, rep.unchanged) == (1, 0, 0)
    assert _rmc() == [(2010, 500.0, "test"), (2018, 440.0, "test"), (2020, 4.6e-07, "slip")]


def test_a_plausible_value_passes_without_confirmation() -> None:
    observations_import(content=SERIES.encode(), file_name="series.csv")
    ok = HEADER + "rmc,VLG,2020,430000,kt,ok,\n"
    rep = observations_import(content=ok.encode(), file_name="ok.csv")
    assert (rep.created, rep.updated) == (1, 0)
    assert _rmc()[-1] == (2020, 430.0, "ok")


def test_import_page_refuses_then_stores_when_confirmed(
    client: Client, monitor_editor: object
) -> None:
    client.force_login(monitor_editor)  # type: ignore[arg-type]
    observations_import(content=SERIES.encode(), file_name="series.csv")
    resp = client.post("/monitor/import/", {"file": SimpleUploadedFile("slip.csv", SLIP.encode())})
    body = resp.content.decode()
    assert resp.status_code == 400
    # in the page's language (Dutch by default)
    assert "460 kg is 0.00000046 Mt: ongeveer 960,000,000 keer kleiner" in body
    assert 'id="import-implausible"' in body and 'name="confirm"' in body
    assert len(_rmc()) == 2
    resp = client.post(
        "/monitor/import/",
        {"file": SimpleUploadedFile("slip.csv", SLIP.encode()), "confirm": "on"},
    )
    assert resp.status_code == 302
    assert _rmc()[-1] == (2020, 4.6e-07, "slip")


def test_api_refuses_then_stores_when_confirmed(client: Client, monitor_editor: object) -> None:
    client.force_login(monitor_editor)  # type: ignore[arg-type]
    observations_import(content=SERIES.encode(), file_name="series.csv")
    url = "/api/v1/monitor/observations/import/"
    resp = client.post(
        url, {"file": SimpleUploadedFile("slip.csv", SLIP.encode())}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert resp.status_code == 400
    [problem] = resp.json()["error"]["problems"]
    assert problem["code"] == "value_implausible"
    assert problem["params"]["ratio"] == "960,000,000"
    assert (problem["file"], problem["row"], problem["field"], problem["value"]) == (
        "slip.csv",
        2,
        "value",
        "460.0",
    )
    assert problem["message"].startswith("460 kg is 0.00000046 Mt: about 960,000,000 times")
    nl = client.post(
        url, {"file": SimpleUploadedFile("slip.csv", SLIP.encode())}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    [problem] = nl.json()["error"]["problems"]
    assert problem["message"].startswith("460 kg is 0.00000046 Mt: ongeveer 960,000,000 keer")
    assert len(_rmc()) == 2
    resp = client.post(
        url, {"file": SimpleUploadedFile("slip.csv", SLIP.encode()), "confirm": "true"}
    )
    assert resp.status_code == 201 and resp.json()["created"] == 1
    assert _rmc()[-1] == (2020, 4.6e-07, "slip")


def test_cli_refuses_then_stores_with_confirm(tmp_path: Path) -> None:
    runner = CliRunner()
    observations_import(content=SERIES.encode(), file_name="series.csv")
    f = tmp_path / "slip.csv"
    f.write_text(SLIP, encoding="utf-8")
    bad = runner.invoke(app, ["monitor", "import", str(f)])
    assert bad.exit_code == 1 and "960,000,000 times" in bad.output.replace("\n", " ")
    assert len(_rmc()) == 2
    ok = runner.invoke(app, ["monitor", "import", str(f), "--confirm"])
    assert ok.exit_code == 0 and "1 new" in ok.output, ok.output
    assert _rmc()[-1] == (2020, 4.6e-07, "slip")


def test_cli_prints_the_refusal_in_its_configured_language(tmp_path: Path) -> None:
    """CIRCULAIR_CLI_LANGUAGE=nl: the summary line and the problem in Dutch, amounts too."""
    runner = CliRunner()
    observations_import(content=SERIES.encode(), file_name="series.csv")
    f = tmp_path / "slip.csv"
    f.write_text(SLIP, encoding="utf-8")
    bad = runner.invoke(app, ["monitor", "import", str(f)], env={"CIRCULAIR_CLI_LANGUAGE": "nl"})
    out = " ".join(bad.output.split())
    assert bad.exit_code == 1
    assert "1 probleem in de invoer:" in out
    assert "slip.csv, regel 2, kolom 'value': 460 kg is 0.00000046 Mt: ongeveer" in out
    english = runner.invoke(
        app, ["monitor", "import", str(f)], env={"CIRCULAIR_CLI_LANGUAGE": "en"}
    )
    assert "1 problem in the input:" in " ".join(english.output.split())
