"""Trust: imported population figures survive ``circulair setup`` (issue 12, finding 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.web.apps.geography.models import Municipality

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_setup_keeps_imported_population(tmp_path: Path) -> None:
    refnis = list(Municipality.objects.order_by("refnis").values_list("refnis", flat=True))
    assert len(refnis) == 285
    f = tmp_path / "pop.csv"
    f.write_text("refnis,population\n" + "".join(f"{r},10142\n" for r in refnis), encoding="utf-8")
    result = runner.invoke(
        app, ["geo", "import-population", str(f), "--source", "Statbel 1/1/2025"]
    )
    assert result.exit_code == 0, result.output
    assert sum(Municipality.objects.values_list("population", flat=True)) == 285 * 10142

    result = runner.invoke(app, ["setup"])
    assert result.exit_code == 0, result.output
    assert "285 imported or edited population figure(s) kept" in " ".join(result.output.split())
    assert sum(Municipality.objects.values_list("population", flat=True)) == 285 * 10142
    assert set(Municipality.objects.values_list("population_source", flat=True)) == {
        "Statbel 1/1/2025"
    }
    # a second start says the same and still changes nothing
    result = runner.invoke(app, ["setup"])
    assert "285 imported or edited population figure(s) kept" in " ".join(result.output.split())
    assert sum(Municipality.objects.values_list("population", flat=True)) == 285 * 10142


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-5", "12.5"])
def test_population_import_refuses_non_counts(tmp_path: Path, value: str) -> None:
    before = dict(Municipality.objects.values_list("refnis", "population"))
    f = tmp_path / "pop.csv"
    f.write_text(f"refnis,population\n11001,{value}\n", encoding="utf-8")
    result = runner.invoke(app, ["geo", "import-population", str(f), "--source", "x"])
    assert result.exit_code != 0
    assert "line 2" in result.output and "population" in result.output
    assert value in result.output
    assert "Traceback" not in result.output
    assert dict(Municipality.objects.values_list("refnis", "population")) == before


def test_setup_keeps_a_knowledge_record_edited_in_the_back_office() -> None:
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    from circulair.web.apps.knowledge.models import Record

    rec = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    assert rec.origin == Record.Origin.DATA
    staff = User.objects.create_user(
        "kb-admin", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    request = RequestFactory().post("/admin/")
    request.user = staff
    model_admin = admin.site._registry[Record]
    form_class = model_admin.get_form(request, rec, change=True)
    data = {f: getattr(rec, f) for f in form_class.base_fields if hasattr(rec, f)}
    data.update(
        name_nl="Maakindustrie (bijgewerkt)",
        attributes="{}" if not rec.attributes else __import__("json").dumps(rec.attributes),
    )
    form = form_class(data, instance=rec)
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=True)
    rec.refresh_from_db()
    assert rec.origin == Record.Origin.EDITED and rec.name_nl == "Maakindustrie (bijgewerkt)"

    result = runner.invoke(app, ["setup"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # the console wraps long lines
    assert (
        "1 record(s) edited in the back office kept as they are: work_agenda:maakindustrie" in out
    )
    rec.refresh_from_db()
    assert rec.name_nl == "Maakindustrie (bijgewerkt)"
