"""The flows catalogue: treatment codes and their rungs, List-of-Waste entries and their
materials, municipal fractions; unknown codes are errors naming the value."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from circulair.core.errors import InputError
from circulair.core.exchange.taxonomy import default_taxonomy_path, load_taxonomy
from circulair.core.flows.codes import default_catalogue, load_catalogue

CAT = default_catalogue()


@pytest.mark.parametrize(
    ("text", "code"),
    [("R1", "R1"), ("r 01", "R1"), ("R13", "R13"), ("d10", "D10"), ("D 1", "D1"),
     ("PRU", "PRU"), ("re-use", "PRU"), ("Voorbereiding op hergebruik", "PRU")],
)  # fmt: skip
def test_treatments_are_read_as_people_write_them(text: str, code: str) -> None:
    assert CAT.treatment(text).code == code


@pytest.mark.parametrize("text", ["R14", "D0", "D16", "recycling", "", "R1a"])
def test_an_unknown_treatment_is_refused_naming_it(text: str) -> None:
    with pytest.raises(InputError) as e:
        CAT.treatment(text, file="r.csv", row=4, field="verwerkingswijze")
    p = e.value.problems[0]
    assert (p.file, p.row, p.field, p.value) == ("r.csv", 4, "verwerkingswijze", text)
    assert "R1-R13" in p.message and "D1-D15" in p.message


def test_the_rungs_follow_the_ladder_mapping() -> None:
    t = CAT.treatments
    assert len(t) == 13 + 15 + 1
    assert t["PRU"].rung == "r3-reuse" and t["R1"].rung == "r9-recover" and t["R1"].energy
    assert all(t[f"R{i}"].rung == "r8-recycle" and t[f"R{i}"].recycling for i in range(2, 12))
    assert all(t[f"D{i}"].rung == "disposal" for i in range(1, 13))
    prelim = {c for c, x in t.items() if not x.final}
    assert prelim == {"R12", "R13", "D13", "D14", "D15"}
    assert all(t[c].rung is None for c in prelim)
    assert all(x.name["nl"] and x.name["en"] for x in t.values())


def test_waste_codes_in_any_spelling_and_their_hazard() -> None:
    assert CAT.waste_code("170405").code == "17 04 05"
    assert CAT.waste_code("17 04 05").material == "metals-ferrous"
    asbestos = CAT.waste_code("17 06 05*")
    assert asbestos.hazardous and asbestos.chapter == "17" and asbestos.material == "asbestos"
    assert CAT.waste_code("17 06 05").hazardous  # the list decides, not the star
    with pytest.raises(InputError, match="not a hazardous entry"):
        CAT.waste_code("17 04 05*")
    with pytest.raises(InputError, match="not among the List-of-Waste codes") as e:
        CAT.waste_code("01 01 01", row=3, field="euralcode")
    assert (e.value.problems[0].row, e.value.problems[0].value) == (3, "01 01 01")
    with pytest.raises(InputError, match="six digits"):
        CAT.waste_code("17 04")


def test_every_code_of_the_taxonomy_is_known_with_a_material_of_it() -> None:
    tax = load_taxonomy()
    raw = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    codes = {c.rstrip("*") for r in raw["records"] for c in r["ewc"]}
    assert codes <= set(CAT.waste_codes)
    assert all(w.material in tax for w in CAT.waste_codes.values())
    assert set(CAT.chapters) == {f"{i:02d}" for i in range(1, 21)}


def test_fractions_by_slug_name_or_alias() -> None:
    assert CAT.fraction("restafval").slug == "residual"
    assert CAT.fraction("Grofvuil").slug == "bulky" and CAT.fraction("bulky").residual
    assert CAT.fraction("GFT").slug == "organic" and not CAT.fraction("organic").residual
    with pytest.raises(InputError, match="a fraction is one of residual"):
        CAT.fraction("plutonium")


def test_a_catalogue_with_a_wrong_record_is_refused_naming_it(tmp_path: Path) -> None:
    d = tmp_path
    (d / "t.yaml").write_text(
        "records:\n- {code: R1, family: recovery, final: true, rung: r7-nope, name: {}}\n"
        "- {code: R1, family: burning, final: false, rung: null, name: {}}\n"
    )
    (d / "w.yaml").write_text(
        "chapters: {'17': {nl: a, en: b}}\nrecords:\n"
        "- {code: '17 04 05', hazardous: false, material: unobtainium, name: {}}\n"
    )
    with pytest.raises(InputError) as e:
        load_catalogue(d / "t.yaml", d / "w.yaml")
    got = {(p.file, p.row, p.field) for p in e.value.problems}
    assert got == {
        ("t.yaml", "R1", "rung"),
        ("t.yaml", "R1", "code"),
        ("t.yaml", "R1", "family"),
        ("w.yaml", "17 04 05", "material"),
    }
