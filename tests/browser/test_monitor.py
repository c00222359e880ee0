"""An analyst imports figures; the dashboard shows the RMC card's status and the chart renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def test_dashboard_card_and_detail_chart(
    page: Any, live_url: str, tmp_path: Path, admin_password: str
) -> None:
    page.goto(live_url + "/monitor/")
    card = page.locator('article.card[data-target="rmc-2030"]')
    expect(card.locator(".status")).to_have_attribute("data-status", "no_data")
    page.goto(live_url + "/accounts/login/?next=/monitor/import/")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", admin_password)
    page.click("main button[type=submit]")
    expect(page).to_have_url(live_url + "/monitor/import/")
    f = tmp_path / "rmc.csv"
    f.write_text(
        "indicator,region,unit,2010,2014,2018,source\n"
        f"rmc,VLG,Mt,500,{500 * 0.97**4!r},{500 * 0.97**8!r},browser test\n",
        encoding="utf-8",
    )
    page.set_input_files("#import-form input[type=file]", str(f))
    page.click("#import-form button[type=submit]")
    expect(page).to_have_url(live_url + "/monitor/")
    card = page.locator('article.card[data-target="rmc-2030"]')
    expect(card.locator(".status")).to_have_attribute("data-status", "on_track")
    expect(card.locator(".status")).to_have_text("op koers")
    card.locator("strong a").click()  # the title links to the indicator
    chart = page.locator("#chart-rmc-2030 svg")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 300
    assert page.locator("#chart-rmc-2030 svg path").count() > 5
