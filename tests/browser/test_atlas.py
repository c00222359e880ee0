"""A planner runs the materials-bank preset from the web page and sees it on the map."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_materials_bank_preset_on_the_map(page: Any, live_url: str) -> None:
    page.goto(live_url + "/atlas/")
    page.select_option("#extrapolate-form select[name=preset]", "materialenbanken-arrondissement")
    page.click("#run-extrapolate")
    expect(page.locator("#total-ha")).to_have_text("17 ha", timeout=30000)
    expect(page.locator("#total-count")).to_have_text("22")
    expect(page.locator("path.facility-marker")).to_have_count(22)
    expect(page.locator("#atlas-map")).to_have_attribute("data-facilities", "22")


def test_siting_run_shows_progress_then_result(
    page: Any, live_url: str, admin_password: str
) -> None:
    page.goto(live_url + "/atlas/")
    expect(page.locator("#site-form")).to_have_count(0)  # siting runs need an account
    page.goto(live_url + "/accounts/login/?next=/atlas/")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", admin_password)
    page.click("main button[type=submit]")
    expect(page).to_have_url(live_url + "/atlas/")
    page.select_option("#site-form select[name=model]", "p_median")
    page.fill("#site-form input[name=p]", "14")
    page.click("#run-site")
    expect(page.locator("#total-count")).to_have_text("14", timeout=60000)
    expect(page.locator("path.facility-marker")).to_have_count(14)
    assert page.locator("path.assignment-line").count() >= 200
