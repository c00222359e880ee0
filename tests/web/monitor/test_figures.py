"""Monitor through services, pages and API: seeded targets, imports, history, assessments."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from circulair.core.errors import InputError
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.models import Upload
from circulair.web.apps.monitor.models import Observation, Target
from circulair.web.apps.monitor.services import observations_import

pytestmark = pytest.mark.django_db

# An exactly geometric RMC series (-3 %/yr): 500 Mt in 2010, x 0.97^4 in 2014 and 2018.
RMC = (
    "indicator,region,year,value,unit,source,note\n"
    f"rmc,VLG,2010,500,Mt,test,\nrmc,VLG,2014,{500 * 0.97**4!r},Mt,test,\n"
    f"rmc,VLG,2018,{500 * 0.97**8!r},Mt,test,\n"
)


def test_targets_and_figures_are_seeded_from_the_knowledge_base() -> None:
    assert set(Target.objects.values_list("slug", flat=True)) == {
        "rmc-2030",
        "residual-household-waste-2030",
        "ecological-footprint-2050",
        "circular-manufacturers-2030",
    }
    rmi = Observation.objects.filter(indicator__slug="rmi", region="VLG").order_by("year")
    assert [(o.year, o.value) for o in rmi] == [(2010, 567.0), (2018, 642.0)]
    cmu = dict(
        Observation.objects.filter(
            indicator__slug="circular-material-use-rate", year=2022
        ).values_list("region", "value")
    )
    assert cmu == {"EU27": 11.5, "NL": 27.5, "BE": 22.2, "FR": 19.3}


def test_import_assesses_rmc_exactly_and_keeps_history(client: Client) -> None:
    rep = observations_import(content=RMC.encode(), file_name="rmc.csv")
    assert (rep.created, rep.updated) == (3, 0)
    data = client.get("/api/v1/monitor/targets/rmc-2030/").json()["assessment"]
    assert data["status"] == "on_track"
    assert data["target_level"] == pytest.approx(350.0)
    latest = 500 * 0.97**8
    assert data["required_rate"] == pytest.approx((350 / latest) ** (1 / 12) - 1)
    assert data["observed_rate"] == pytest.approx(-0.03)
    # a corrected value replaces the old one, which goes to the history
    fix = "indicator,region,year,value,unit,source,note\nrmc,VLG,2018,460000,kt,revised,\n"
    rep = observations_import(content=fix.encode(), file_name="fix.csv")
    assert rep.updated == 1
    obs = Observation.objects.get(indicator__slug="rmc", region="VLG", year=2018)
    assert obs.value == 460 and obs.source == "revised"
    old = history_of(obs).get(action="replace")
    assert old.changes["value"][0] == pytest.approx(latest)
    assert old.changes["value"][1] == pytest.approx(460)
    assert old.changes["source"] == ["test", "revised"]
    assert old.upload is not None and old.upload.original_name == "fix.csv"


def test_fifty_rows_with_three_bad_ones_reports_exactly_those_and_changes_nothing() -> None:
    rows = [f"rmc,VLG,{1970 + i},{400 + i},Mt,test," for i in range(50)]
    rows[9] = "rmc,XXX,1979,409,Mt,test,"  # line 11: unknown region
    rows[24] = "rmc,VLG,1994,lots,Mt,test,"  # line 26: not a number
    rows[39] = "rmc,VLG,2009,409,kg/inh,test,"  # line 41: unit not convertible
    content = ("indicator,region,year,value,unit,source,note\n" + "\n".join(rows)).encode()
    before = Observation.objects.count()
    with pytest.raises(InputError) as ei:
        observations_import(content=content, file_name="fifty.csv")
    lines = sorted({p.row for p in ei.value.problems})
    assert lines == [11, 26, 41] and len(ei.value.problems) == 3
    assert all(p.file == "fifty.csv" for p in ei.value.problems)
    assert Observation.objects.count() == before
    assert Upload.objects.get(original_name="fifty.csv").status == "rejected"


def test_dashboard_and_detail_pages(client: Client) -> None:
    body = client.get("/monitor/").content.decode()
    assert body.count('data-target="') == 4 and 'data-target="rmc-2030"' in body
    assert 'data-status="no_data"' in body and "<svg" in body
    observations_import(content=RMC.encode(), file_name="rmc.csv")
    body = client.get("/monitor/").content.decode()
    assert 'data-status="on_track"' in body
    detail = client.get("/monitor/indicators/rmc/").content.decode()
    assert 'id="chart-rmc-2030"' in detail and "<svg" in detail
    assert client.get("/monitor/targets/rmc-2030/chart.png").content[:4] == b"\x89PNG"
    cmu = client.get("/monitor/indicators/circular-material-use-rate/").content.decode()
    assert 'id="comparison-chart"' in cmu
    x = client.get("/monitor/indicators/rmc/export.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert "rmc,VLG,2010,500.0" in client.get("/monitor/indicators/rmc/export.csv").content.decode()


def test_import_page_and_api(client: Client, user: object, monitor_editor: object) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert client.get("/monitor/import/").status_code == 302
    resp = client.post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("a.csv", RMC.encode())}
    )
    assert resp.status_code in (401, 403)
    client.force_login(user)  # type: ignore[arg-type]
    # a plain account (no role) may not import official figures (web or API)
    assert client.get("/monitor/import/").status_code == 403
    resp = client.post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("a.csv", RMC.encode())}
    )
    assert resp.status_code == 403
    assert 'href="/monitor/import/"' not in client.get("/monitor/").content.decode()
    client.force_login(monitor_editor)  # type: ignore[arg-type]
    assert 'href="/monitor/import/"' in client.get("/monitor/").content.decode()
    bad = SimpleUploadedFile("bad.csv", b"indicator,region,year,value,unit\nnope,VLG,2020,1,Mt\n")
    resp = client.post("/monitor/import/", {"file": bad})
    assert resp.status_code == 400 and "bad.csv, regel 2, kolom" in resp.content.decode()
    resp = client.post(
        "/api/v1/monitor/observations/import/", {"file": SimpleUploadedFile("a.csv", RMC.encode())}
    )
    assert resp.status_code == 201 and resp.json()["created"] == 3
    resp = client.post(
        "/api/v1/monitor/observations/import/",
        {"file": SimpleUploadedFile("b.csv", b"indicator,region,year\n")},
    )
    assert resp.status_code == 400 and resp.json()["error"]["problems"]
    obs = client.get("/api/v1/monitor/observations/", {"indicator": "rmc"}).json()
    assert obs["count"] == 3
    targets = client.get("/api/v1/monitor/targets/").json()
    assert {t["slug"]: t["assessment"]["status"] for t in targets}["rmc-2030"] == "on_track"


def test_indicator_charts_put_whole_years_on_the_axis(tick_labels: Any) -> None:
    """Issue 15: the target and comparison charts of the indicator pages tick whole years
    (they ticked 2010.0, 2012.5 … before)."""
    from circulair.web.apps.monitor import presenters
    from circulair.web.apps.monitor.models import Indicator

    observations_import(content=RMC.encode(), file_name="rmc.csv")
    cmu_rows = "".join(
        f"circular-material-use-rate,{r},{y},{v},%,test,\n"
        for r, y, v in (("BE", 2020, 20.5), ("BE", 2021, 21.0), ("EU27", 2020, 11.7))
    )
    observations_import(
        content=("indicator,region,year,value,unit,source,note\n" + cmu_rows).encode(),
        file_name="cmu.csv",
    )
    with translation.override("en"):
        rmc = presenters.indicator_context(Indicator.objects.get(slug="rmc"))
        cmu = presenters.indicator_context(Indicator.objects.get(slug="circular-material-use-rate"))
    assert [tick_labels(t["chart"], "x") for t in rmc["targets"]] == [
        ["2010", "2013", "2016", "2019", "2022", "2025", "2028", "2031"]
    ]
    # BE has 2020-2021, EU27 2020, FR and NL only the shipped 2022: one year axis for all
    assert tick_labels(cmu["comparison"], "x") == ["2020", "2021", "2022"]
