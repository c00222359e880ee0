"""A government member fills in the scan step by step in Chromium, submits it, opens the report
with its chart, and downloads the PDF (its first page rendered to PNG must not be blank)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _next_step(page: Any) -> None:
    """Go to the next step and wait until it has loaded: answering the fieldsets of the page
    that is being left would save nothing (the race made CI submit with a step unanswered)."""
    before = page.url
    page.click("#next")
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state("load")


def test_government_fills_submits_and_reads_report(
    page: Any, live_url: str, run_cli: Any, user_password: str, pdf_page_png: Any
) -> None:
    run_cli("org", "create", "Gemeente Herent", "--side", "overheid", "--refnis", "24038")
    run_cli("org", "add-member", "Gemeente Herent", "milieudienst", "--create-user")
    page.goto(live_url + "/accounts/login/?next=/scan/")
    page.fill("input[name=login]", "milieudienst")
    page.fill("input[name=password]", user_password)
    page.click("main button[type=submit]")
    page.locator("#start-form button[type=submit]").click()
    # Profile step
    page.locator("input[name=q_profiel_type][value=gemeente]").check()
    page.fill("input[name=q_profiel_inwoners]", "22000")
    page.locator("input[name=q_profiel_motieven][value=kosten]").check()
    page.locator("input[name=q_profiel_drempels][value=personeel]").check()
    _next_step(page)
    # Every scored step: choose level 2 for maturity questions, 'yes' for yes/no, and the
    # '10-50' option for the share of circular contracts.
    steps = 0
    while True:
        form = page.locator("#scan-form")
        for fs in form.locator("fieldset.question").all():
            kind = fs.get_attribute("data-type")
            if kind == "maturity":
                fs.locator("input[value='2']").check()
            elif kind == "yes_no":
                fs.locator("input[value=yes]").check()
            elif kind == "choice":
                fs.locator("input[value='10-50']").check()
        steps += 1
        if page.locator("#submit-scan").count():
            break
        _next_step(page)
    assert steps == 8
    page.click("#submit-scan")
    page.wait_for_url("**/report/")
    chart = page.locator("#score-chart svg")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    # maturity 2 -> 0.5; giving direction (.5 + 1 + .5 + .5)/4 = 6.25; external
    # (5 x .5 + 1)/6 = 5.83; internal (.5 + .67 + .5 + .5)/4 = 5.425; domains 5 each
    # overall (25 + 6.25 + 5.8333 + 5.425) / 8 = 5.31
    assert page.locator("#overall-score").inner_text() == "5,3"
    assert page.locator("ol.recommendations li.recommendation").count() == 5
    with page.expect_download() as dl:
        page.click("#report-pdf")
    pdf = Path(dl.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    _png, ink = pdf_page_png(pdf)
    assert ink > 0.02
