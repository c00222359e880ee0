"""The annual report (issue 15): an agenda without actions is one line, not a page; the key
figures are a two-column table with numbers in the reader's notation and units in the row
headers; the charts count in whole numbers. Read back from the real PDF (PDFium's text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from circulair.web.apps.agenda import presenters, services
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def register() -> None:
    """One signatory of the manufacturing agenda with three counted actions in 2025, one of
    them public with 1,234.5 t reused; the other five agendas have none."""
    agenda = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    org = Organisation.objects.create(name="Alfa Metaal", nace_code="25.110", employee_class="4")
    user = User.objects.create_user("alice", password="a-long-test-password")
    Membership.objects.create(organisation=org, user=user)
    lead = User.objects.create_user("leo", password="a-long-test-password")
    services.agenda_lead_add(user=None, agenda=agenda, lead=lead)
    services.signatory_create(user=lead, organisation=org, agenda=agenda, year_signed=2023)
    for i, extra in enumerate(
        (
            {
                "public": True,
                "lever": "innoveren-ondernemen",
                "figures": "Reused material=1234.5 t",
            },
            {"figures": "Textile collected=12000 kg"},
            {},
        )
    ):
        data = {"title": f"A{i}", "agenda": "maakindustrie", "status": "running"}
        services.action_create(
            user=user, organisation=org, data={**data, "start": dt.date(2025, 2, 1), **extra}
        )


def _text(pdf: bytes) -> tuple[int, str]:
    doc = pdfium.PdfDocument(pdf)
    return len(doc), "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_agenda_without_actions_is_one_line(register: None) -> None:
    pages, text = _text(
        Client().get("/agenda/report.pdf?year=2025", HTTP_ACCEPT_LANGUAGE="en").content
    )
    assert pages == 3  # was 7: title, one page per agenda (five of them empty), levers
    lines = text.replace("\r", "").splitlines()
    for name in (
        "Bio-economy",
        "Circular building",
        "Chemistry/plastics",
        "Food chain",
        "Water cycles",
    ):
        assert f"{name}: no actions reported in 2025" in lines, name
        assert f"Work agenda {name}" not in text
    assert (
        "05 Work agenda Manufacturing" in lines
        and "A0 — Alfa Metaal; Innovation and entrepreneurship" in text
    )
    assert "Manufacturing: no actions reported" not in text
    assert "Circular procurement: no actions reported in 2025" in lines  # levers alike
    assert "Lever Innovation and entrepreneurship — 1 actions" in lines


def test_key_figures_table(register: None) -> None:
    _pages, text = _text(
        Client().get("/agenda/report.pdf?year=2025", HTTP_ACCEPT_LANGUAGE="en").content
    )
    lines = text.replace("\r", "").splitlines()
    start = lines.index("Key figure Number")
    assert lines[start : start + 9] == [
        "Key figure Number",
        "Signatories 1",
        "Actions active 3",
        "Started this year 3",
        "Completed 0",
        "Programmes 0",
        "Open bottlenecks 0",
        "Reused material (t) 1,234.5",
        "Textile collected (kg) 12,000",
    ]
    with translation.override("nl"):
        assert presenters.report_number(1234.5) == "1.234,5"
        assert presenters.report_number(12000) == "12.000"
        assert presenters.report_number(0.125) == "0,13"
    with translation.override("en"):
        assert presenters.report_number(1234.5) == "1,234.5"
        assert presenters.report_number(7.0) == "7"


def test_report_in_dutch(register: None) -> None:
    pages, text = _text(
        Client().get("/agenda/report.pdf?year=2025", HTTP_ACCEPT_LANGUAGE="nl").content
    )
    assert pages == 3
    lines = text.replace("\r", "").splitlines()
    assert "Bio-economie: geen acties gerapporteerd in 2025" in lines
    assert "Reused material (t) 1.234,5" in lines  # a figure named by its action, Dutch notation


def test_report_charts_count_in_whole_numbers(register: None, tick_labels: Any) -> None:
    with translation.override("en"):
        ctx = presenters.report_context(2025)
    assert tick_labels(ctx["agenda_chart"], "x") == ["0", "1", "2", "3"]
    assert tick_labels(ctx["lever_chart"], "x") == ["0", "1"]  # was 0.0 0.2 0.4 0.6 0.8 1.0
