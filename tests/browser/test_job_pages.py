"""Work that runs on the served platform's worker, as its operators see it in the browser: a
scan coordinator imports a large survey export (the job page follows it to its outcome), and an
administrator computes the market-wide allocation of the exchange. Screenshots in Dutch and
English are kept with the other test artefacts."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

SHOTS = Path(os.environ.get("CIRCULAIR_SCREENSHOTS", "/tmp/circulair-screenshots"))
SCORED_LEVEL = "2"


def _login(page: Any, url: str, user: str, password: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/?next={then}")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    expect(page).to_have_url(url + then)


def _survey(path: Path, governments: int) -> None:
    """A survey export of ``governments`` complete 2024 rounds, each with a long remark, so that
    the file passes the 2 MB above which an import goes to the worker."""
    from tests.web.scan.test_rounds import _csv, answers_at

    remark = ("Toelichting bij de scan van dit jaar. " * 3300)[:120_000]
    rows = [
        {
            "organisation": f"Gemeente Browsertest {i:02d}",
            "year": "2024",
            **answers_at(2),
            "profiel_opmerkingen": remark,
        }
        for i in range(1, governments + 1)
    ]
    path.write_bytes(_csv(rows))


def test_a_coordinator_imports_a_large_survey_export_through_the_worker(
    page: Any, live_url: str, run_cli: Any, user_password: str, tmp_path: Path
) -> None:
    run_cli("org", "create", "Scancoördinatie Vlaanderen", "--side", "overheid")
    run_cli("org", "add-member", "Scancoördinatie Vlaanderen", "scan-coord", "--create-user")
    run_cli("org", "grant-role", "scan-coord", "scan_coordinator")
    _login(page, live_url, "scan-coord", user_password, "/scan/coordination/")
    page.click("#coordination-import")
    expect(page).to_have_url(live_url + "/scan/import/")
    expect(page.locator("#import-columns")).to_contain_text("profiel_opmerkingen")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "scan-import-nl.png"), full_page=True)
    f = tmp_path / "enquete-2024.csv"
    _survey(f, 20)
    assert f.stat().st_size > 2_000_000
    page.set_input_files("#import-form input[type=file]", str(f))
    page.click("#import-form button[type=submit]")
    expect(page).to_have_url(re.compile(r".*/jobs/\d+/$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"Import van een enquête-export #\d+"))
    outcome = page.locator("#job-outcome")
    expect(outcome).to_be_visible(timeout=60_000)
    assert outcome.get_attribute("data-status") == "done", outcome.inner_text()
    expect(outcome).to_contain_text(
        "20 rondes geïmporteerd: 20 ingediend, 0 in uitvoering; 20 organisaties aangemaakt."
    )
    page.screenshot(path=str(SHOTS / "scan-import-job-nl.png"), full_page=True)
    job_url = page.url
    page.click('button[data-lang="en"]')
    page.goto(job_url)
    expect(page.locator("h1")).to_have_text(re.compile(r"Import of a survey export #\d+"))
    expect(page.locator("#job-outcome")).to_contain_text(
        "Imported 20 rounds: 20 submitted, 0 in progress; 20 organisations created."
    )
    page.screenshot(path=str(SHOTS / "scan-import-job-en.png"), full_page=True)
    page.click("#job-next")
    expect(page).to_have_url(live_url + "/scan/coordination/")
    row = page.locator("#coordination tr", has_text="Gemeente Browsertest 07")
    expect(row).to_contain_text("2024")
    page.goto(live_url + "/scan/import/")
    page.screenshot(path=str(SHOTS / "scan-import-en.png"), full_page=True)
    page.click('button[data-lang="nl"]')


def test_an_administrator_computes_the_allocation_of_the_market(
    page: Any, live_url: str, admin_password: str
) -> None:
    _login(page, live_url, "admin", admin_password, "/exchange/allocation/")
    page.click("#allocation-start button[type=submit]")
    expect(page).to_have_url(re.compile(r".*/jobs/\d+/$"))
    outcome = page.locator("#job-outcome")
    expect(outcome).to_be_visible(timeout=60_000)
    assert outcome.get_attribute("data-status") == "done", outcome.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "exchange-allocation-job-nl.png"), full_page=True)
    page.click("#job-next")
    expect(page).to_have_url(live_url + "/exchange/allocation/")
    expect(page.locator("#allocation-when")).to_contain_text("Berekend")
    expect(page.locator("#allocation-per-unit")).to_be_visible()
    page.screenshot(path=str(SHOTS / "exchange-allocation-nl.png"), full_page=True)
    page.click('button[data-lang="en"]')
    page.goto(live_url + "/exchange/allocation/")
    expect(page.locator("#allocation-when")).to_contain_text("Computed")
    page.screenshot(path=str(SHOTS / "exchange-allocation-en.png"), full_page=True)
    page.click('button[data-lang="nl"]')
