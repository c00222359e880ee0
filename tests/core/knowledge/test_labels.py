"""Readable facts: every attribute of the shipped data has a label in both languages, values
read as people write them (ja/nee, units, Dutch number separators)."""

from __future__ import annotations

from pathlib import Path

import pytest

from circulair.core.errors import InputError
from circulair.core.knowledge import Source, load_knowledge
from circulair.core.knowledge import labels as lb
from circulair.core.knowledge.texts import passage, read_source_texts, split_lines

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_shipped_attribute_and_unit_has_both_labels() -> None:
    kb = load_knowledge()
    missing = []
    for r in kb.records:
        attrs = [r.attributes, *(v.attributes for v in r.variants)]
        for a in attrs:
            for k, v in a.items():
                lab = lb.ATTRIBUTES.get(r.kind, {}).get(k) or lb.COMMON.get(k)
                if lab is None or not lab.nl or not lab.en:
                    missing.append(f"{r.kind}.{k}")
                if k == "unit" and v not in lb.UNITS:
                    missing.append(f"unit {v}")
                if k in lb.CODED and isinstance(v, str) and v and v not in lb.VALUES:
                    missing.append(f"value {r.kind}.{k}={v}")
                for item in v if isinstance(v, list) else []:
                    if isinstance(item, dict) and "nl" not in item:
                        missing += [f"item {k}.{x}" for x in item if x not in lb.ITEM_KEYS]
                        if "unit" in item and item["unit"] not in lb.UNITS:
                            missing.append(f"unit {item['unit']}")
        for role in r.refs:
            if role not in lb.ROLES:
                missing.append(f"role {role}")
    assert missing == []


def test_work_agenda_facts_in_dutch_and_english() -> None:
    attrs = {"number_003": 4, "number_002": 5, "spatially_elaborated": True}
    nl = [(f.label, f.text) for f in lb.facts("work_agenda", attrs, "nl")]
    assert nl == [
        ("Nummer in de ruimtelijke studie (003)", "4"),
        ("Nummer in het jaarverslag 2023 (002)", "5"),
        ("Ruimtelijk uitgewerkt", "ja"),
    ]
    en = [(f.label, f.text) for f in lb.facts("work_agenda", {"spatially_elaborated": False}, "en")]
    assert en == [("Spatially elaborated", "no")]


def test_units_numbers_years_and_codes() -> None:
    f = lb.facts("facility_archetype", {"area_m2": 10000, "throughput_t_per_year": 2.5}, "nl")
    assert [x.text for x in f] == ["10.000 m²", "2,5 t/jaar"]
    f = lb.facts("indicator_figure", {"year": 2010, "value": 1234.5, "unit": "Mt"}, "en")
    assert [x.text for x in f] == ["2010", "1,234.5 Mt", "Mt"]
    f = lb.facts("indicator", {"direction": "lower_is_better"}, "nl")
    assert f[0].text == "lager is beter"
    item = {"label": "medewerkers", "value": 600, "unit": "persons", "note": "ongeveer"}
    assert lb.item_text(item, "nl") == "medewerkers: 600 personen (ongeveer)"
    assert lb.attribute_label("loop", "made_up_key").nl == "Made up key"


def test_a_value_naming_a_record_links_to_it() -> None:
    def resolve(kind: str, by: str, value: str) -> tuple[str, str] | None:
        return (
            ("kort", "Korte kringloop") if (kind, by, value) == ("loop", "code", "short") else None
        )

    (f,) = lb.facts("r_strategy", {"loop": "short"}, "nl", resolve)
    assert f.label == "Kringloop" and f.pieces == (lb.Piece("Korte kringloop", ("loop", "kort")),)


def _source(file: str) -> dict[str, Source]:
    return {"999": Source("999", "Fixture", "Test", 2026, "nl", file)}


def test_reading_a_text_counts_lines_at_newlines_only() -> None:
    (t,) = read_source_texts(FIXTURES, _source("999_fixture.txt"))
    assert t.lines == ("first line", "second line", "third\x0cstill third", "fourth")
    assert [(p.number, p.cited) for p in passage(t.lines, 2, 2, context=1)] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    assert split_lines("a\nb") == ["a", "b"]


def test_a_missing_text_is_named_in_the_error() -> None:
    with pytest.raises(InputError) as e:
        read_source_texts(FIXTURES, _source("nope.txt"))
    assert str(e.value) == (
        f"1 problem in the input:\n  - {FIXTURES / 'nope.txt'}: missing: the text of source 999"
        " (Fixture)"
    )


def test_seed_texts_read_as_sed_numbers_them(seeds_dir: Path) -> None:
    kb = load_knowledge()
    texts = {t.source: t for t in read_source_texts(seeds_dir, kb.sources)}
    raw = (seeds_dir / kb.sources["003"].file).read_text(encoding="utf-8").split("\n")
    assert texts["003"].lines[835:839] == tuple(raw[835:839])
