"""Organisation look-up and creation: one reading of a reference, every field checked."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.core.errors import InputError
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.services import (
    organisation_create,
    organisation_find,
    organisation_get,
)

pytestmark = pytest.mark.django_db


def test_a_reference_is_an_id_an_enterprise_number_or_an_exact_name() -> None:
    org = organisation_create(name="Recycling NV", enterprise_number="0123.456.749", refnis="24062")
    assert org.municipality is not None and org.municipality.refnis == "24062"
    assert organisation_find(str(org.pk)) == org
    assert organisation_find("0123.456.749") == org
    assert organisation_find("0123456749") == org
    assert organisation_find("0123 456 749") == org
    assert organisation_find("Recycling NV") == org
    assert organisation_find("recycling nv") is None  # exact name only
    assert organisation_find("") is None and organisation_find(None) is None
    with pytest.raises(InputError) as e:
        organisation_get("Nobody BV", field="reported_by")
    assert e.value.problems[0].field == "reported_by"
    assert e.value.problems[0].value == "Nobody BV"


def test_create_refuses_an_unknown_refnis_and_a_bad_enterprise_number() -> None:
    n = Organisation.objects.count()
    with pytest.raises(InputError) as e:
        organisation_create(name="X", refnis="99999", enterprise_number="0123.456.780")
    fields = {p.field: p for p in e.value.problems}
    assert set(fields) == {"refnis", "enterprise_number"}
    assert fields["refnis"].value == "99999"
    assert Organisation.objects.count() == n


def test_cli_org_create_names_the_unknown_refnis() -> None:
    """Probe: an unknown ``--refnis`` was saved as empty without a word."""
    n = Organisation.objects.count()
    result = CliRunner().invoke(app, ["org", "create", "Foo BV", "--refnis", "12345"])
    assert result.exit_code != 0
    assert "refnis" in result.output and "12345" in result.output
    assert Organisation.objects.count() == n
    ok = CliRunner().invoke(app, ["org", "create", "Foo BV", "--refnis", "24062"])
    assert ok.exit_code == 0, ok.output
    assert Organisation.objects.get(name="Foo BV").municipality.refnis == "24062"
