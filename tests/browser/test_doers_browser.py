"""A public visitor (not logged in) finds a case by full-text search and opens it on the map."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_visitor_searches_a_case_and_opens_it_on_the_map(page: Any, live_url: str) -> None:
    page.goto(live_url + "/doers/")
    expect(page.locator("#cases li.case")).to_have_count(20)  # first page of the 47 seeded
    # accents and case do not matter; the last word is a prefix
    page.fill("#case-search input[name=q]", "leuven materialenb")
    page.click("#case-search button[type=submit]")
    expect(page.locator("#cases li.case")).to_have_count(1)
    expect(page.locator("#facets [data-facet=agenda]")).to_contain_text("Circulair bouwen")
    page.click("#cases li.case a")
    expect(page.locator("#case-title")).to_have_text("Materialenbank Leuven")
    expect(page.locator(".citation").first).to_contain_text("[003]")
    page.click("#show-on-map")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Leuven")
    expect(popup.locator('li[data-slug="materialenbank-leuven"]')).to_be_visible()
    expect(page.locator(".case-marker.focus")).to_have_count(1)
    # the popup links back to the case (followed by the element's own click: a pointer click
    # at its position may land while Leaflet still pans the popup into view)
    back = popup.locator('li[data-slug="materialenbank-leuven"] a')
    assert back.get_attribute("href") == "/doers/materialenbank-leuven/"
    back.evaluate("a => a.click()")
    expect(page.locator("#case-title")).to_have_text("Materialenbank Leuven")


def test_search_for_nothing_shows_no_case(page: Any, live_url: str) -> None:
    page.goto(live_url + "/doers/?q=qqqzzzxxx")
    expect(page.locator("#cases li.muted")).to_have_count(1)
    expect(page.locator("#result-count")).to_contain_text("0")
