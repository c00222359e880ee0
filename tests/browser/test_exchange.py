"""Two companies meet on the exchange: offer, request, match proposed and accepted."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

SHOTS = Path(os.environ.get("CIRCULAIR_SCREENSHOTS", "/tmp/circulair-screenshots"))


def _login(page: Any, url: str, user: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/accounts/login/?next=/exchange/")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    expect(page).to_have_url(url + "/exchange/")


def _post(page: Any, url: str, **fields: str) -> str:
    page.goto(url + "/exchange/new/")
    form = page.locator("#listing-form")
    form.locator("select[name=kind]").select_option(fields["kind"])
    form.locator("input[name=title]").fill(fields["title"])
    form.locator("select[name=material]").select_option(fields["material"])
    form.locator("select[name=route]").select_option(fields["route"])
    form.locator("input[name=quantity]").fill(fields["quantity"])
    form.locator("input[name=available_from]").fill("2026-01-01")
    form.locator("input[name=available_to]").fill("2027-12-31")
    form.locator("input[name=refnis]").fill(fields["refnis"])
    form.locator("input[name=address]").fill(fields["address"])
    form.locator("input[name=radius_km]").fill("120")
    form.locator("button[type=submit]").click()
    expect(page.locator("#listing-title")).to_contain_text(fields["title"])
    return str(page.url)


def test_offer_request_propose_accept(
    page: Any, live_url: str, exchange_users: dict[str, str]
) -> None:
    _login(page, live_url, "seller", exchange_users["seller"])
    offer_url = _post(
        page,
        live_url,
        kind="offer",
        title="Eiken balken",
        material="wood-beams",
        route="reuse",
        quantity="12",
        refnis="24062",
        address="Kaai 1",
    )
    _login(page, live_url, "buyer", exchange_users["buyer"])
    request_url = _post(
        page,
        live_url,
        kind="request",
        title="Gezocht: balken",
        material="wood-beams",
        route="reuse",
        quantity="5",
        refnis="44021",
        address="Dok 2",
    )
    # the request's page ranks the offer as a match; the buyer proposes it
    row = page.locator("#candidates tr", has_text="Eiken balken")
    expect(row).to_have_count(1)
    expect(page.locator("#location")).to_contain_text("Dok 2")  # own listing: exact
    expect(row.locator(".candidate-material")).to_have_text("Herbruikbare houten balken")
    row.locator("button.propose").click()
    expect(page.locator("#match-status")).to_have_attribute("data-status", "proposed")
    # the match page names the materials and takes the score apart, part by part
    expect(page.locator("#offer-material")).to_have_text("Herbruikbare houten balken")
    expect(page.locator("#match-breakdown li")).to_have_count(4)
    expect(page.locator("#match-breakdown li[data-part=quantity]")).to_have_text(
        # 5 m³ of 12 m³: 5/12·0.20 = 0.083, shown as 0.09 so the shown parts add up to the
        # shown score (largest remainder)
        "hoeveelheid: 0,09 van 0,20"
    )
    expect(page.locator("#match-breakdown li[data-part=route]")).to_have_text(
        "route op de R-ladder: 0,25 van 0,25"  # reuse for reuse: (9-3)/6
    )
    match_url = page.url
    # the seller accepts
    _login(page, live_url, "seller", exchange_users["seller"])
    page.goto(match_url)
    page.click("#accept")
    expect(page.locator("#match-status")).to_have_attribute("data-status", "accepted")
    expect(page.locator("#match-breakdown li[data-part=quantity]")).to_have_text(
        "hoeveelheid: 0,09 van 0,20"  # kept from the proposal
    )
    page.goto(offer_url)
    expect(page.locator("#remaining")).to_contain_text("7")
    expect(page.locator("#location")).to_contain_text("Kaai 1")
    page.goto(request_url)
    expect(page.locator("#remaining")).to_contain_text("0")
    expect(page.locator("#status")).to_have_text("gesloten")


def test_a_large_listings_file_is_imported_by_the_worker(
    page: Any, live_url: str, exchange_users: dict[str, str], tmp_path: Path
) -> None:
    """Above 2 MB the import page hands the file to the served platform's worker; the job page
    follows it to its outcome, in Dutch, and leads to the market."""
    _login(page, live_url, "seller", exchange_users["seller"])
    page.goto(live_url + "/exchange/")
    page.click("#import-listings")
    expect(page.locator("h1")).to_have_text("Zoekertjes importeren")
    expect(page.locator("#import-columns")).to_contain_text("available_from")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "exchange-import-nl.png"), full_page=True)
    about = ("Vlakglas uit renovatie, gesorteerd per dikte en kleur. " * 150)[:8000]
    rows = "".join(
        f"offer,Vlakglas lot {i},glass-flat,{1 + i % 7},t,2026-01-01,2027-06-30,11002,recycle,"
        f'"{about}"\n'
        for i in range(260)
    )
    f = tmp_path / "glas.csv"
    head = "kind,title,material,quantity,unit,available_from,available_to,refnis,route,description"
    f.write_text(head + "\n" + rows, encoding="utf-8")
    assert f.stat().st_size > 2_000_000
    page.set_input_files("#import-form input[type=file]", str(f))
    page.click("#import-form button[type=submit]")
    expect(page).to_have_url(re.compile(r".*/jobs/\d+/$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"Import van zoekertjes #\d+"))
    outcome = page.locator("#job-outcome")
    expect(outcome).to_be_visible(timeout=60_000)
    assert outcome.get_attribute("data-status") == "done", outcome.inner_text()
    expect(outcome).to_contain_text("260 zoekertjes geïmporteerd.")
    page.screenshot(path=str(SHOTS / "exchange-import-job-nl.png"), full_page=True)
    page.click("#job-next")
    expect(page).to_have_url(live_url + "/exchange/")
    expect(page.locator("body")).to_contain_text("Vlakglas lot 259")  # the newest first
