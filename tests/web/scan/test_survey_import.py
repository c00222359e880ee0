"""The bulk survey import: the round rules of the form's path applied to a whole file at once,
the organisations it finds or creates, its change log, and its messages in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from tests.web.scan.test_rounds import _csv, answers_at, gov, overall_at

from circulair.core.errors import InputError
from circulair.web.apps.common.history import history_of
from circulair.web.apps.common.models import Change, Upload
from circulair.web.apps.common.texts import problem_text
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.scan import services
from circulair.web.apps.scan.models import Response
from circulair.web.apps.scan.services.imports import survey_import

pytestmark = pytest.mark.django_db


def _row(name: str, year: int, level: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": name,
        "refnis": "24062",
        "year": str(year),
        **answers_at(level),
        **extra,
    }


def _problems(rows: list[dict[str, Any]]) -> set[tuple[Any, str | None, str]]:
    with pytest.raises(InputError) as ei:
        survey_import(content=_csv(rows), file_name="s.csv")
    return {(p.row, p.field, p.code) for p in ei.value.problems}


def test_two_rounds_of_one_new_government_in_one_file_in_any_order() -> None:
    """Rows are taken in year order, whatever the file's order: 2025 complete, then 2026 open."""
    rows = [_row("Gemeente Zemst", 2026, water_gebruik=""), _row("gemeente zemst", 2025, 3)]
    out = survey_import(content=_csv(rows), file_name="s.csv")
    assert (out["rows"], out["submitted"], out["in_progress_count"]) == (2, 1, 1)
    assert out["organisations_created"] == ["Gemeente Zemst"]
    assert out["in_progress"] == [
        {"line": 2, "organisation": "Gemeente Zemst", "missing": ["water_gebruik"]}
    ]
    org = Organisation.objects.get(name="Gemeente Zemst")
    assert org.side == Organisation.Side.GOVERNMENT and org.municipality.refnis == "24062"
    by_year = {r.year: r for r in Response.objects.filter(organisation=org)}
    assert by_year[2025].status == "submitted" and by_year[2025].source == "import"
    assert by_year[2025].score["overall"] == pytest.approx(overall_at(3))
    assert by_year[2025].submitted_at is not None
    assert by_year[2026].status == "draft" and by_year[2026].score is None
    assert "water_gebruik" not in by_year[2026].answers
    # one "import" entry each, naming the kept upload
    up = Upload.objects.get(purpose="scan-import", status="accepted")
    for r in by_year.values():
        (entry,) = history_of(r)
        assert entry.action == "import" and entry.upload_id == up.pk
    assert not history_of(org).exists()  # found through its rounds' entries
    # the form's path continues where the import left off
    with pytest.raises(InputError, match="still in progress"):
        services.response_start(user=None, organisation=org, year=2027, check_member=False)


def test_a_round_after_an_open_one_of_the_same_file_is_refused_and_nothing_is_saved() -> None:
    rows = [_row("Gemeente Zemst", 2025, water_gebruik=""), _row("Gemeente Zemst", 2026)]
    orgs, changes = Organisation.objects.count(), Change.objects.count()
    assert _problems(rows) == {(3, "year", "scan_round_open")}
    assert Organisation.objects.count() == orgs and Change.objects.count() == changes
    assert not Response.objects.exists()


def test_the_same_government_and_year_twice_names_the_first_line() -> None:
    rows = [_row("Gemeente Zemst", 2025), _row("GEMEENTE ZEMST", 2025)]
    with pytest.raises(InputError) as ei:
        survey_import(content=_csv(rows), file_name="s.csv")
    (p,) = ei.value.problems
    assert (p.row, p.field, p.code, dict(p.params)) == (
        3,
        "organisation",
        "scan_round_twice",
        {"line": 2},
    )
    with translation.override("nl"):
        assert "regel 2" in problem_text(p)


def test_stored_rounds_are_respected() -> None:
    org, user = gov("Stad Leuven", "leuven")
    services.response_start(user=user, organisation=org, year=2025)  # left in progress
    got = _problems([_row("Stad Leuven", 2025), _row("Stad Leuven", 2026)])
    assert got == {(2, "year", "scan_round_exists"), (3, "year", "scan_round_open")}
    later, luser = gov("Gemeente Later", "later")
    r = services.response_start(user=luser, organisation=later, year=2026)
    services.answers_save(user=luser, response=r, answers=answers_at(2))
    services.response_submit(user=luser, response=r)
    assert _problems([_row("Gemeente Later", 2024)]) == {(2, "year", "scan_round_later")}


def test_a_business_is_refused_and_an_unplaced_government_is_placed() -> None:
    Organisation.objects.create(name="Bouwbedrijf Peeters", side=Organisation.Side.BUSINESS)
    assert _problems([_row("Bouwbedrijf Peeters", 2025)]) == {
        (2, "organisation", "scan_not_government")
    }
    org = Organisation.objects.create(name="Gemeente Bierbeek", side=Organisation.Side.GOVERNMENT)
    survey_import(
        content=_csv([_row("Gemeente Bierbeek", 2025, refnis="24011")]), file_name="b.csv"
    )
    org.refresh_from_db()
    assert org.municipality == Municipality.objects.get(refnis="24011")


def test_enterprise_numbers_match_first_and_bad_ones_are_named() -> None:
    org = Organisation.objects.create(
        name="Stad Aarschot",
        enterprise_number="0207.466.568",
        side=Organisation.Side.GOVERNMENT,
    )
    survey_import(
        content=_csv([_row("Aarschot (stad)", 2025, enterprise_number="0207.466.568")]),
        file_name="a.csv",
    )
    assert Response.objects.get().organisation == org
    got = _problems([_row("Gemeente Nieuw", 2025, enterprise_number="0123.456.780")])
    assert got == {(2, "enterprise_number", None)}


def test_bad_year_and_unknown_column_in_dutch() -> None:
    rows = [{**_row("Gemeente Zemst", 2025), "year": "1999"}]
    with pytest.raises(InputError) as ei, translation.override("nl"):
        survey_import(content=_csv(rows), file_name="s.csv")
    (p,) = ei.value.problems
    assert p.code == "year_range"
    with translation.override("nl"):
        assert "verwacht een jaar tussen 2000 en 2100" in problem_text(p)
    with pytest.raises(InputError) as ei:
        survey_import(content=_csv([_row("Gemeente Zemst", 2025, kleur="rood")]), file_name="k.csv")
    (p,) = ei.value.problems
    assert (p.row, p.field, p.code) == (1, "kleur", "scan_column_unknown")
