"""The refusals of a boundary file and a population file are coded and read in the reader's
language (issue 15): each names the feature or row and field, in Dutch and in English."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from circulair.core.errors import InputError
from circulair.core.geo.boundaries import parse_boundaries
from circulair.core.geo.population import parse_population_csv
from circulair.core.geo.reference import load_region
from circulair.web.apps.common.texts import problem_text

SQUARE = [[4.0, 50.0], [4.1, 50.0], [4.1, 50.1], [4.0, 50.0]]


def _texts(e: InputError, lang: str) -> list[str]:
    with translation.override(lang):
        return [problem_text(p) for p in e.problems]


def test_a_broken_boundary_file_is_refused_in_both_languages() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"properties": {"refnis": "11001"}, "geometry": {"type": "Point", "coordinates": []}},
            {"properties": {"refnis": "11001"}, "geometry": {"type": "Polygon", "coordinates": []}},
            {
                "properties": {"refnis": "11002"},
                "geometry": {"type": "Polygon", "coordinates": [[[150000, 200000]] * 4]},
            },
        ],
    }
    with pytest.raises(InputError) as ei:
        parse_boundaries(
            json.dumps(doc), file="grenzen.geojson", municipalities=["11001", "11002", "11004"]
        )
    assert all(p.code for p in ei.value.problems)
    nl = _texts(ei.value, "nl")
    assert nl[0] == (
        "grenzen.geojson, veld 'features[0].geometry.type': moet een Polygon of MultiPolygon "
        "zijn (gekregen: 'Point')"
    )
    assert any("gemeente al gegeven in features[0]" in t for t in nl)
    assert any("projecteer het bestand om" in t for t in nl)
    assert any("ontbrekende gemeenten (1): 11004" in t for t in nl)
    en = _texts(ei.value, "en")
    assert any("reproject the file (e.g. from Lambert 72)" in t for t in en)


def test_a_population_file_with_faults_is_refused_in_dutch() -> None:
    geo = load_region("flanders")
    text = "refnis,population\n11001,12000\n11001,13000\n99999,-4\n"
    with pytest.raises(InputError) as ei:
        parse_population_csv(text, geo, file="bevolking.csv")
    nl = _texts(ei.value, "nl")
    assert nl == [
        "bevolking.csv, regel 3, kolom 'refnis': gemeente twee keer gegeven (eerst in rij 2) "
        "(gekregen: '11001')",
        "bevolking.csv, regel 4, kolom 'refnis': onbekende gemeente in regio VLG "
        "(gekregen: '99999')",
        "bevolking.csv, regel 4, kolom 'population': de bevolking moet een geheel getal van 0 "
        "of meer zijn (gekregen: '-4')",
    ]
