"""Municipality boundaries: the shipped approximate cells, the official-file parser, outlines."""

from __future__ import annotations

import json

import pytest

from circulair.core.errors import InputError
from circulair.core.geo import load_region
from circulair.core.geo.boundaries import (
    DECIMALS,
    boundaries_from_text,
    dump_boundaries,
    load_boundaries,
    outline_segments,
    parse_boundaries,
)
from circulair.core.geo.mapview import class_breaks, class_of, colour, project
from circulair.core.geo.reference import DATA_DIR

SHIPPED = DATA_DIR / "regions" / "flanders" / "boundaries.geojson"


@pytest.fixture(scope="module")
def geo():
    return load_region("flanders")


@pytest.fixture(scope="module")
def shipped():
    return load_boundaries("flanders")


def test_shipped_file_is_small_and_says_approximate(shipped):
    assert SHIPPED.stat().st_size < 1_500_000
    head = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert head["quality"] == "approximate"
    assert shipped.quality == "approximate" and not shipped.official
    assert "APPROXIMATE" in head["method"]
    for f in head["features"]:  # every coordinate rounded to 5 decimals
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                assert all(round(v, DECIMALS) == v for p in ring for v in p)


def test_shipped_has_every_municipality_with_its_hierarchy(geo, shipped):
    assert sorted(shipped.polygons) == sorted(m.refnis for m in geo.municipalities)
    assert len(shipped.polygons) == 285
    feats = json.loads(SHIPPED.read_text(encoding="utf-8"))["features"]
    for f in feats:
        m = geo.municipality(f["properties"]["refnis"])
        assert f["properties"]["arrondissement"] == m.arrondissement_refnis
        assert f["properties"]["province"] == m.province_refnis


def test_arrondissement_and_province_unions_count_22_and_5(geo, shipped):
    arr = {m.refnis: m.arrondissement_refnis for m in geo.municipalities}
    prov = {m.refnis: m.province_refnis for m in geo.municipalities}
    shapes = project(shipped, arr, prov)
    assert len(shapes.municipalities) == 285
    assert sorted(shapes.arrondissements) == sorted(a.refnis for a in geo.arrondissements)
    assert sorted(shapes.provinces) == ["10000", "20001", "30000", "40000", "70000"]
    # a group's outline is shorter than the sum of its members' borders: inner edges cancel
    rings = {c: [r for p in ps for r in p] for c, ps in shipped.polygons.items()}
    own = sum(len(r) - 1 for rs in rings.values() for r in rs)
    by_prov = outline_segments(rings, prov)
    assert 0 < sum(len(s) for s in by_prov.values()) < own / 3


def test_every_coordinate_lies_in_its_own_cell_and_no_other(geo, shipped):
    outside = [
        m.name_nl for m in geo.municipalities if not shipped.contains(m.refnis, m.lon, m.lat)
    ]
    assert outside == []
    elsewhere = [
        (m.name_nl, other)
        for m in geo.municipalities
        for other in shipped.polygons
        if other != m.refnis and shipped.contains(other, m.lon, m.lat)
    ]
    assert elsewhere == []


def _official(shipped, tweak=None) -> str:
    doc = json.loads(dump_boundaries(shipped, {}))
    for f in doc["features"]:  # the way Statbel names its code property
        f["properties"] = {"CD_MUNTY_REFNIS": f["properties"]["refnis"]}
    if tweak:
        tweak(doc)
    return json.dumps(doc)


def test_official_file_round_trips(geo, shipped):
    codes = [m.refnis for m in geo.municipalities]
    b = parse_boundaries(
        _official(shipped).encode(), file="gemeenten.geojson", municipalities=codes
    )
    assert b.official and b.quality == "official" and b.source == "gemeenten.geojson"
    assert b.polygons == shipped.polygons


def _problems(shipped, geo, tweak) -> list[str]:
    codes = [m.refnis for m in geo.municipalities]
    with pytest.raises(InputError) as e:
        parse_boundaries(_official(shipped, tweak), file="b.geojson", municipalities=codes)
    return [str(p) for p in e.value.problems]


def test_unknown_code_and_missing_municipality(shipped, geo):
    def tweak(doc):
        doc["features"][3]["properties"]["CD_MUNTY_REFNIS"] = "99999"

    first = sorted(shipped.polygons)[3]
    assert _problems(shipped, geo, tweak) == [
        "b.geojson, field 'features[3].properties.CD_MUNTY_REFNIS': unknown municipality code "
        "(got '99999')",
        f"b.geojson, field 'features': municipalities missing (1): {first}",
    ]


def test_bad_geometries_name_feature_and_field(shipped, geo):
    def tweak(doc):
        doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [4.4, 51.2]}
        doc["features"][1]["geometry"]["coordinates"][0][0][2] = [152000.5, 212000.0]
        doc["features"][2]["geometry"]["coordinates"][0][0] = [[4.0, 51.0], [4.1, 51.0]]
        doc["features"][4]["properties"] = {"name": "Zonder code"}
        doc["features"][5]["properties"]["CD_MUNTY_REFNIS"] = doc["features"][6]["properties"][
            "CD_MUNTY_REFNIS"
        ]

    got = _problems(shipped, geo, tweak)
    codes = sorted(shipped.polygons)
    assert got == [
        "b.geojson, field 'features[0].geometry.type': must be a Polygon or MultiPolygon "
        "(got 'Point')",
        "b.geojson, field 'features[1].geometry.coordinates[0][0][2]': coordinates must be "
        "longitude/latitude in degrees (WGS 84, EPSG:4326); reproject the file (e.g. from "
        "Lambert 72) (got [152000.5, 212000.0])",
        "b.geojson, field 'features[2].geometry.coordinates[0][0]': a ring needs at least 4 "
        "positions (got '[[4.0, 51.0], [4.1, 51.0]]')",
        "b.geojson, field 'features[4].properties': no municipality code (one of: refnis, nis, "
        "niscode, nis_code, nis5, cd_munty_refnis, cd_refnis, code_ins, ins) (got ['name'])",
        "b.geojson, field 'features[6].properties.CD_MUNTY_REFNIS': municipality already given "
        f"in features[5] (got '{codes[6]}')",
        f"b.geojson, field 'features': municipalities missing (2): {codes[4]}, {codes[5]}",
    ]


def test_not_a_feature_collection():
    with pytest.raises(InputError) as e:
        parse_boundaries(b'{"type": "Feature"}', file="x.json", municipalities=["11001"])
    assert str(e.value.problems[0]) == (
        "x.json, field 'type': must be a GeoJSON FeatureCollection (got 'Feature')"
    )
    with pytest.raises(InputError) as e:
        parse_boundaries(b"\x89PNG", file="x.json", municipalities=["11001"])
    assert str(e.value.problems[0]).startswith("x.json: not a GeoJSON file: ")


def test_stored_form_reads_back(shipped):
    official = parse_boundaries(
        _official(shipped), file="o.geojson", municipalities=list(shipped.polygons)
    )
    again = boundaries_from_text(dump_boundaries(official, {"11001": {"name": "Aartselaar"}}))
    assert again.quality == "official" and again.source == "o.geojson"
    assert again.polygons == official.polygons


def test_classes_and_colours():
    values = [float(v) for v in range(1, 101)]
    breaks = class_breaks(values)
    assert breaks == [20.0, 40.0, 60.0, 80.0, 100.0]
    assert [class_of(v, breaks) for v in (1, 20, 20.5, 100, None)] == [0, 0, 1, 4, None]
    assert class_breaks([5.0, 5.0, 5.0]) == [5.0]
    assert colour(0, 1) == "#006d2c" and colour(None, 5) == "#d9d9d9"
    assert [colour(i, 3) for i in range(3)] == ["#edf8e9", "#74c476", "#006d2c"]
