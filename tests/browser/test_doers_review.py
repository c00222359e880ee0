"""A member writes a case and submits it for review; a catalogue moderator approves it in the
review queue, and the case is public (a visitor who is not logged in opens it)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

TITLE = "Herstelatelier Kessel-Lo"


def _login(page: Any, url: str, user: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/accounts/login/?next=/doers/")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    expect(page).to_have_url(url + "/doers/")


def test_moderator_approves_a_draft_in_the_queue(
    page: Any, live_url: str, run_cli: Any, user_password: str
) -> None:
    run_cli("org", "create", "Herstelkaai Kessel-Lo", "--refnis", "24062")
    run_cli("org", "add-member", "Herstelkaai Kessel-Lo", "doer-author", "--create-user")
    run_cli("org", "create", "Catalogusredactie")
    run_cli("org", "add-member", "Catalogusredactie", "doer-moderator", "--create-user")
    run_cli("org", "grant-role", "doer-moderator", "catalogue_moderator")

    # the member writes a draft and submits it
    _login(page, live_url, "doer-author", user_password)
    page.click("#new-case")
    form = page.locator("#case-form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=summary]").fill("Toestellen herstellen in plaats van weggooien.")
    form.locator("button[type=submit]").click()
    expect(page.locator("#case-title")).to_have_text(TITLE)
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.click("#submit-for-review")
    expect(page.locator("#case-in-review")).to_be_visible()
    expect(page.locator("#publish")).to_have_count(0)  # a member does not publish
    page.context.clear_cookies()
    page.goto(f"{live_url}/doers/{slug}/")
    expect(page.locator("#case-title")).to_have_count(0)  # not public yet

    # the moderator finds it in the queue and approves it
    _login(page, live_url, "doer-moderator", user_password)
    page.click("#review-link")
    expect(page).to_have_url(live_url + "/doers/review/")
    item = page.locator(f'#review-queue li[data-slug="{slug}"]')
    expect(item).to_contain_text(TITLE)
    expect(item).to_contain_text("doer-author")
    item.locator("button.approve").click()
    expect(page).to_have_url(live_url + "/doers/review/")
    expect(page.locator(f'#review-queue li[data-slug="{slug}"]')).to_have_count(0)

    # public now: a visitor opens it and finds it in the catalogue
    page.context.clear_cookies()
    page.goto(f"{live_url}/doers/{slug}/")
    expect(page.locator("#case-title")).to_have_text(TITLE)
    page.goto(live_url + "/doers/?q=herstelatelier")
    expect(page.locator(f'#cases li.case[data-slug="{slug}"]')).to_have_count(1)
