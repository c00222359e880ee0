"""Onboarding in a real browser (issue 14): an owner invites a colleague by e-mail, the
colleague follows the link from the real SMTP server's mailbox, sets a password, lands in the
organisation and posts a listing; then forgets the password and resets it by e-mail."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

LINK = r"(http://127\.0\.0\.1:\d+/\S+/)"


def _login(page: Any, url: str, login: str, password: str, next_: str = "/") -> None:
    page.context.clear_cookies()
    page.goto(url + f"/accounts/login/?next={next_}")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    expect(page).to_have_url(url + next_)


def test_invitation_to_listing_and_password_reset(
    page: Any, live_url: str, run_cli: Any, user_password: str, browser_mailbox: Any
) -> None:
    run_cli("org", "create", "Houthandel Mechelen", "--refnis", "12025")
    run_cli(
        "org",
        "add-member",
        "Houthandel Mechelen",
        "eigenaar",
        "--create-user",
        "--email",
        "eigenaar@houthandel.test",
        "--role",
        "owner",
    )
    _login(page, live_url, "eigenaar", user_password, "/org/")
    page.click("#my-organisations a:has-text('Houthandel Mechelen')")
    form = page.locator("#invite-form")
    form.locator("input[name=email]").fill("collega@houthandel.test")
    form.locator("select[name=role]").select_option("member")
    form.locator("button[type=submit]").click()
    expect(page.locator("ul.messages")).to_contain_text("collega@houthandel.test")
    expect(page.locator("#invitations")).to_contain_text("collega@houthandel.test")
    page.screenshot(path="/tmp/onboarding-owner-nl.png", full_page=True)

    [mail] = browser_mailbox.wait_for("collega@houthandel.test")
    assert "Houthandel Mechelen" in mail["Subject"]
    link = re.search(LINK, browser_mailbox.text(mail)).group(1)
    assert "/org/invitations/" in link

    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Houthandel Mechelen")
    page.fill("#accept-form input[name=username]", "collega")
    page.fill("#accept-form input[name=password]", "Eik-en-beuk-2026")
    page.click("#accept-form button[type=submit]")
    expect(page.locator("ul.messages")).to_contain_text("Houthandel Mechelen")
    expect(page.locator("#members")).to_contain_text("collega")
    page.screenshot(path="/tmp/onboarding-joined-nl.png", full_page=True)

    page.goto(live_url + "/exchange/new/")
    f = page.locator("#listing-form")
    f.locator("select[name=kind]").select_option("offer")
    f.locator("input[name=title]").fill("Eiken planken")
    f.locator("select[name=material]").select_option("wood-a")
    f.locator("select[name=route]").select_option("reuse")
    f.locator("input[name=quantity]").fill("4")
    f.locator("input[name=available_from]").fill("2026-01-01")
    f.locator("input[name=available_to]").fill("2027-12-31")
    f.locator("input[name=refnis]").fill("12025")
    f.locator("input[name=address]").fill("Nekkerspoel 1")
    f.locator("button[type=submit]").click()
    expect(page.locator("#listing-title")).to_contain_text("Eiken planken")

    # forgotten password: reset by e-mail, then sign in with the new one
    page.context.clear_cookies()
    page.goto(live_url + "/accounts/login/")
    page.click("#forgot")
    page.fill("input[name=email]", "collega@houthandel.test")
    page.click("main button[type=submit]")
    reset = [m for m in browser_mailbox.wait_for("collega@houthandel.test", count=2)][-1]
    reset_link = re.search(LINK, browser_mailbox.text(reset)).group(1)
    assert "/accounts/password/reset/key/" in reset_link
    page.goto(reset_link)
    page.fill("input[name=password1]", "Nieuw-Eikenhout-77")
    page.fill("input[name=password2]", "Nieuw-Eikenhout-77")
    page.click("main button[type=submit]")
    _login(page, live_url, "collega@houthandel.test", "Nieuw-Eikenhout-77", "/exchange/")
