"""A visitor browses the transition: home → agenda → work path, the map, language switch."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_home_agenda_work_path_map_and_language(page: Any, live_url: str) -> None:
    page.goto(live_url + "/")
    expect(page.locator("#agendas a")).to_have_count(6)
    page.click('a[data-agenda="maakindustrie"]')
    expect(page.locator("h1")).to_have_text("Maakindustrie")
    links = page.locator('a[data-kind="work_path"]')
    expect(links).to_have_count(13)
    first = links.first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".citation", has_text="[000]").first).to_contain_text("Werkagenda")

    page.goto(live_url + "/map/")
    expect(page.locator("path.municipality-marker")).to_have_count(285)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "285")

    page.goto(live_url + "/")
    expect(page.locator("h2").first).to_have_text("Doelstellingen en deadlines")
    page.click('button[data-lang="en"]')
    expect(page.locator("h2").first).to_have_text("Targets and deadlines")
    expect(page.locator('a[data-agenda="maakindustrie"]')).to_have_text("Manufacturing")
    expect(page.locator("html")).to_have_attribute("lang", "en")
