"""Population imports are validated as a whole and applied as a copy."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.core.geo import load_region, parse_population_csv, with_population


@pytest.fixture(scope="module")
def geo():
    return load_region("flanders")


def test_partial_file_is_accepted(geo):
    pop = parse_population_csv("refnis,population\n11002,545000\n44021,267000.0\n", geo)
    assert pop == {"11002": 545000, "44021": 267000}


def test_every_problem_is_reported(geo):
    text = (
        "refnis,population\n"
        "11002,-5\n"  # row 2: negative
        "44021,12.5\n"  # row 3: not an integer
        "99999,10\n"  # row 4: unknown
        "31005,1 000\n"  # row 5: not a number
        "24062,100\n"
        "24062,101\n"
    )  # row 7: duplicate
    with pytest.raises(InputError) as e:
        parse_population_csv(text, geo, file="pop.csv")
    probs = {(p.row, p.field) for p in e.value.problems}
    assert probs == {
        (2, "population"),
        (3, "population"),
        (4, "refnis"),
        (5, "population"),
        (7, "refnis"),
    }
    assert all(p.file == "pop.csv" for p in e.value.problems)


def test_bad_header(geo):
    with pytest.raises(InputError, match="refnis,population"):
        parse_population_csv("nis,inwoners\n11002,1\n", geo)


def test_with_population_returns_a_new_geography(geo):
    new = with_population(geo, {"11002": 1}, source="Statbel 2025")
    assert new.municipality("11002").population == 1
    assert new.municipality("11002").population_source == "Statbel 2025"
    assert geo.municipality("11002").population > 1  # original untouched
    assert new.municipality("44021") == geo.municipality("44021")
    assert new.municipality_by_postal_code("2000").population == 1  # indexes rebuilt
    with pytest.raises(InputError):
        with_population(geo, {"99999": 1})
    with pytest.raises(InputError):
        with_population(geo, {"11002": -1})
