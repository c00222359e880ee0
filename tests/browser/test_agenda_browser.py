"""An organisation member registers an action and sees the yearly evaluation count change."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

EVAL = "/agenda/evaluation/?agenda=maakindustrie&year=2025"


def test_member_adds_action_and_evaluation_counts_it(
    page: Any, live_url: str, agenda_member: tuple[str, str]
) -> None:
    user, password = agenda_member
    page.goto(live_url + "/accounts/login/?next=" + "/agenda/")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    expect(page).to_have_url(live_url + "/agenda/")
    page.goto(live_url + EVAL)
    row = page.locator("#signatory-results tr", has_text="Metaalwerken Kortrijk")
    expect(row.locator("td.actions")).to_have_text("0")
    expect(row).to_have_class("short")
    expect(page.locator("#coverage tr[data-work-path='maakindustrie-d'] .flag")).to_have_count(1)

    page.goto(live_url + "/agenda/actions/new/")
    form = page.locator("#action-form")
    form.locator("input[name=title]").fill("Herstelpunt voor industriële machines")
    form.locator("select[name=agenda]").select_option("maakindustrie")
    form.locator("select[name=work_path]").select_option("maakindustrie-d")
    form.locator("select[name=status]").select_option("completed")
    form.locator("input[name=start]").fill("2025-05-01")
    # inline validation: a completed action without an end date is flagged before saving
    expect(page.locator("#inline-problems")).to_contain_text("einddatum")  # in Dutch, as the page
    form.locator("input[name=end]").fill("2025-11-30")
    form.locator("input[name=figures]").fill("machines hersteld=14 stuks")
    form.locator("button[type=submit]").click()
    expect(page.locator("#action-title")).to_contain_text("Herstelpunt")
    expect(page.locator("#history")).to_contain_text("maker")

    page.goto(live_url + EVAL)
    row = page.locator("#signatory-results tr", has_text="Metaalwerken Kortrijk")
    expect(row.locator("td.actions")).to_have_text("1")
    expect(page.locator("#counted-actions")).to_have_text("1")
    expect(page.locator("#coverage tr[data-work-path='maakindustrie-d'] .flag")).to_have_count(0)
