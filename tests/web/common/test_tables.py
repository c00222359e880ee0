"""Imports report the file's true line of a bad row, after blank lines and multi-line cells."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.web.apps.agenda.services import actions_import
from circulair.web.apps.common.tables import read_table
from circulair.web.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TEXT = (
    "title,organisation,agenda,start,description\n"  # line 1
    "Eerste,Alfa NV,maakindustrie,2025-02-01,kort\n"  # line 2
    "\n"  # line 3
    'Tweede,Alfa NV,maakindustrie,2025-02-01,"een lange\n'  # line 4
    "beschrijving over\n"  # line 5
    'drie regels"\n'  # line 6
    "\n"  # line 7
    "Derde,Alfa NV,maakindustrie,2025-02-30,fout\n"
)  # line 8: bad date


def test_read_table_numbers_rows_by_their_line_in_the_file() -> None:
    _header, rows = read_table(TEXT.encode(), "acties.csv")
    assert [(line, r["title"]) for line, r in rows] == [(2, "Eerste"), (4, "Tweede"), (8, "Derde")]


def test_an_import_names_the_true_line_of_a_later_bad_row() -> None:
    Organisation.objects.create(name="Alfa NV")
    with pytest.raises(InputError) as e:
        actions_import(user=None, content=TEXT.encode(), file_name="acties.csv")
    bad = [p for p in e.value.problems if p.field == "start"]
    assert [(p.file, p.row, p.value) for p in bad] == [("acties.csv", 8, "2025-02-30")]
    assert "acties.csv, line 8, column 'start'" in str(e.value)
