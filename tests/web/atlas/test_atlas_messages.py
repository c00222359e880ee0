"""The atlas's refusals of its inputs are coded and read in the reader's language (issue 15):
an unknown preset, archetype or sector group, a distance table without its columns, and a
partition file with faults."""

from __future__ import annotations

import pytest
from django.utils import translation

from circulair.core.errors import InputError
from circulair.core.geo.partition import parse_partition_csv
from circulair.core.geo.reference import load_region
from circulair.web.apps.atlas.services import archetype_get, extrapolation_params
from circulair.web.apps.atlas.services.inputs import distances_parse, kbo_options_check
from circulair.web.apps.common.texts import problem_text

pytestmark = pytest.mark.django_db


def _said(e: InputError, lang: str) -> list[str]:
    with translation.override(lang):
        return [problem_text(p) for p in e.problems]


def test_unknown_preset_archetype_and_sector_group_in_both_languages() -> None:
    with pytest.raises(InputError) as ei:
        extrapolation_params(preset="nope")
    assert ei.value.problems[0].code == "preset_unknown"
    assert _said(ei.value, "nl")[0].startswith(
        "veld 'preset': onbekende voorinstelling; verwacht een van: "
    )
    assert _said(ei.value, "en")[0].startswith("field 'preset': unknown preset; expected one of: ")
    with pytest.raises(InputError) as ei:
        archetype_get("no-such")
    assert "onbekend archetype; verwacht een van: " in _said(ei.value, "nl")[0]
    with pytest.raises(InputError) as ei:
        kbo_options_check("geen-groep", "gewicht")
    nl = _said(ei.value, "nl")
    assert {p.code for p in ei.value.problems} == {"sector_group_unknown", "kbo_weight_unknown"}
    assert any("onbekende sectorgroep; verwacht een van " in t for t in nl)
    assert any(t.startswith("veld 'kbo_weight': verwacht een van count, employees") for t in nl)


def test_a_distance_table_without_its_columns_is_refused_in_dutch() -> None:
    with pytest.raises(InputError) as ei:
        distances_parse(b"van,naar,afstand\n24062,L,3\n", "afstanden.csv")
    assert _said(ei.value, "nl") == [
        "afstanden.csv, regel 1: verwacht de kolommen from,to,km (gekregen: 'van,naar,afstand')"
    ]


def test_a_partition_file_with_faults_is_refused_in_dutch() -> None:
    geo = load_region("flanders")
    with pytest.raises(InputError) as ei:
        parse_partition_csv("refnis,unit\n99999,A\n11001,\n", geo, name="x", file="delen.csv")
    nl = _said(ei.value, "nl")
    assert nl[0] == (
        "delen.csv, regel 2, kolom 'refnis': onbekende gemeente in regio VLG (gekregen: '99999')"
    )
    assert nl[1] == "delen.csv, regel 3, kolom 'unit': een waarde is verplicht"
    assert "veld 'refnis': gemeente 11002 Antwerpen ontbreekt (gekregen: '11002')" in " ".join(nl)
