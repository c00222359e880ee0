"""Other users' writes during a large import all succeed (issue 16: "14 of 70 concurrent API
writes failed with HTTP 500 on SQLite while a 20,000-row import ran"). A real platform
(gunicorn, ``circulair worker``, the database this test run uses) imports 100,000 monitor
figures sent through the API, as a job, while another account writes through the API without
pause; every write answers 201 and is there afterwards, and writes ran while the import held
the database for its write phase."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from tests.support.platform import CLI, Platform, set_up

pytestmark = pytest.mark.slow
PASSWORD = "concurrency-test-password-456"
INDICATORS, YEARS = 500, range(1901, 2101)  # 100,000 figures

SEED = f"""
from django.contrib.auth.models import User
from circulair.web.apps.monitor.models import Indicator
Indicator.objects.bulk_create(
    Indicator(slug=f"load-{{i:03d}}", name_nl=f"Last {{i}}", unit="t", direction="lower_is_better")
    for i in range({INDICATORS})
)
User.objects.create_superuser("other", "other@example.org", "{PASSWORD}")
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    data = tmp_path_factory.mktemp("concurrency-var")
    p = set_up(data, f"circulair_concurrency_{os.getpid()}", password=PASSWORD, LOG_FORMAT="json")
    subprocess.run(
        [*CLI, "manage", "shell", "-c", SEED],
        env=p.env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    p.serve(workers=2)
    p.worker("importer")
    yield p
    p.stop_all()


def _post_as_other(url: str, body: dict[str, Any]) -> tuple[int, float, float]:
    auth = base64.b64encode(f"other:{PASSWORD}".encode()).decode()
    req = urllib.request.Request(
        url,
        method="POST",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
    )
    start = time.time()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            code = resp.status
    except urllib.error.HTTPError as e:
        code = e.code
    return code, start, time.time()


def test_writes_by_another_user_during_a_large_import_all_succeed(platform: Platform) -> None:
    buf = io.StringIO()
    buf.write("indicator,region,year,value,unit\n")
    for i in range(INDICATORS):
        for y in YEARS:
            buf.write(f"load-{i:03d},VLG,{y},{(i * 7 + y) % 997 + 1},t\n")
    code, job = platform.multipart(
        "/api/v1/monitor/observations/import/", {}, {"file": ("load.csv", buf.getvalue().encode())}
    )
    assert code == 202, job
    writes: list[tuple[int, float, float]] = []
    phases: dict[str, float] = {}
    finished = threading.Event()

    def watch() -> None:
        while not finished.is_set():
            c, j = platform.api("GET", f"/api/v1/jobs/{job['id']}/")
            assert c == 200, j
            if j["phase"] and j["phase"] not in phases:
                phases[j["phase"]] = time.time()
            if j["status"] in ("done", "failed", "cancelled"):
                phases["end:" + j["status"]] = time.time()
                finished.set()
            time.sleep(0.2)

    def write(n: int) -> None:
        k = 0
        while not finished.is_set() or k < 35:
            body = {"title": f"during-import-{n}-{k}", "agenda": "maakindustrie"}
            writes.append(
                _post_as_other(
                    platform.url + "/api/v1/agenda/bottlenecks/", {**body, "policy_level": "local"}
                )
            )
            k += 1

    threads = [threading.Thread(target=watch)] + [
        threading.Thread(target=write, args=(n,)) for n in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert "end:done" in phases, phases
    codes = [c for c, _s, _e in writes]
    assert len(codes) >= 70 and set(codes) == {201}, sorted(set(codes))
    # the writes overlapped the import's write phase ("storing" up to the job's end)
    storing, end = phases["storing"], phases["end:done"]
    assert any(s < end and e > storing for _c, s, e in writes)
    code, page = platform.api("GET", "/api/v1/agenda/bottlenecks/?page_size=1000")
    titles = {b["title"] for b in page["results"]}
    assert sum(t.startswith("during-import-") for t in titles) == len(writes)
    code, figures = platform.api(
        "GET", "/api/v1/monitor/observations/?indicator=load-499&page_size=1000"
    )
    assert code == 200 and figures["count"] == len(YEARS)
