"""The shipped knowledge base loads, is complete, and the validator names what is wrong."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from circulair.core.errors import InputError
from circulair.core.knowledge import KnowledgeBase, default_knowledge_dir, load_knowledge


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def test_every_record_has_a_citation_with_a_known_source(kb: KnowledgeBase) -> None:
    assert kb.records
    for r in kb.records:
        assert r.citations, f"{r.kind}:{r.slug} has no citation"
        for c in r.citations:
            assert c.source in kb.sources
            assert 0 < c.line_start <= c.line_end


def test_citations_point_inside_the_source_texts(seeds_dir: Path) -> None:
    load_knowledge(seeds_dir=seeds_dir)  # raises when a line range ends past the file


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("work_agenda", 6),
        ("lever", 7),
        ("governance_side", 5),
        ("strategic_axis", 2),
        ("impact_theme", 6),
        ("scale", 8),
        ("spatial_context", 6),
        ("value_chain_step", 9),
        ("type_environment", 8),
        ("key_area_type", 3),
        ("spatial_need", 4),
        ("scaling_strategy", 7),
        ("loop", 3),
        ("circular_principle", 3),
        ("lg_instrument_group", 3),
        ("lg_action_domain", 5),
        ("lg_community_of_practice", 3),
    ],
)
def test_counts_of_the_structure(kb: KnowledgeBase, kind: str, count: int) -> None:
    assert len(kb.by_kind(kind)) == count


def test_agenda_slugs_and_both_numberings(kb: KnowledgeBase) -> None:
    agendas = {r.slug: r for r in kb.by_kind("work_agenda")}
    assert set(agendas) == {
        "bio-economie",
        "circulair-bouwen",
        "chemie-kunststoffen",
        "maakindustrie",
        "voedselketen",
        "waterkringlopen",
    }
    for key in ("number_003", "number_002"):
        assert sorted(a.attributes[key] for a in agendas.values()) == [1, 2, 3, 4, 5, 6]
    spatial = {s for s, a in agendas.items() if a.attributes["spatially_elaborated"]}
    assert spatial == {"circulair-bouwen", "chemie-kunststoffen", "maakindustrie"}


def test_work_paths_per_agenda(kb: KnowledgeBase) -> None:
    per_agenda = Counter(r.refs["agenda"][0] for r in kb.by_kind("work_path"))
    assert per_agenda["maakindustrie"] == 13
    assert per_agenda["circulair-bouwen"] == 10
    codes = sorted(
        r.attributes["code"]
        for r in kb.by_kind("work_path")
        if r.refs["agenda"] == ("maakindustrie",)
    )
    assert codes == list("abcdefghijklm")


def test_focus_work_paths_per_value_chain(kb: KnowledgeBase) -> None:
    per_chain = Counter(r.refs["value_chain"][0] for r in kb.by_kind("focus_work_path"))
    assert sorted(per_chain.values()) == [3, 3, 4, 4]
    assert sum(per_chain.values()) == 14


def test_commitment_rule_is_five_actions_a_year(kb: KnowledgeBase) -> None:
    rule = kb.get("commitment_rule", "maakindustrie")
    assert rule.attributes["min_actions_per_year"] == 5


def test_r_ladder(kb: KnowledgeBase) -> None:
    rs = kb.by_kind("r_strategy")
    numbered = sorted(
        (r for r in rs if r.attributes["rank"] is not None), key=lambda r: r.attributes["rank"]
    )
    assert [r.attributes["code"] for r in numbered] == [f"R{i}" for i in range(10)]
    loops = [r.attributes["loop"] for r in numbered]
    assert loops == ["short"] * 4 + ["medium"] * 4 + ["long"] * 2
    unnumbered = {r.slug for r in rs if r.attributes["rank"] is None}
    assert {"redesign", "research", "disposal"} <= unnumbered


def test_spatial_strategies_per_agenda(kb: KnowledgeBase) -> None:
    per_agenda = Counter(r.refs["agenda"][0] for r in kb.by_kind("spatial_strategy"))
    assert per_agenda == {"circulair-bouwen": 9, "chemie-kunststoffen": 5, "maakindustrie": 12}
    rules = [rule for r in kb.by_kind("spatial_strategy") for rule in r.attributes.get("rules", [])]
    assert {"rule": "min_transport_modes", "value": 2} in [
        {k: v for k, v in rule.items() if k in ("rule", "value")} for rule in rules
    ]


def test_targets(kb: KnowledgeBase) -> None:
    rmc = kb.get("target", "rmc-2030")
    assert (
        rmc.attributes["baseline_year"],
        rmc.attributes["target_year"],
        rmc.attributes["target_value"],
        rmc.attributes["target_type"],
    ) == (2010, 2030, -30, "relative")
    waste = kb.get("target", "residual-household-waste-2030")
    assert (waste.attributes["target_value"], waste.attributes["target_year"]) == (100, 2030)
    assert kb.get("target", "ecological-footprint-2050").attributes["target_value"] == 2
    assert kb.get("target", "circular-manufacturers-2030").attributes["target_value"] == 50


def test_materials_bank_archetype_has_both_size_variants(kb: KnowledgeBase) -> None:
    big = kb.get("facility_archetype", "materialenbank-groot")
    small = kb.get("facility_archetype", "materialenbank-klein")
    assert (big.attributes["area_m2"], small.attributes["area_m2"]) == (10000, 5000)
    assert [v.attributes["area_m2"] for v in big.variants] == [5000]
    assert [v.attributes["area_m2"] for v in small.variants] == [2500]
    assert big.variants[0].citations and big.variants[0].citations[0].source == "003"


def test_nace_codes_may_carry_several_labels(kb: KnowledgeBase) -> None:
    groups = kb.by_kind("nace_sector_group")
    assert len(groups) >= 5
    labels: dict[str, set[str]] = {}
    for g in groups:
        for c in g.attributes["codes"]:
            assert set(c) >= {"code", "label"}
            labels.setdefault(str(c["code"]), set()).add(c["label"])
    assert sum(len(x) for x in labels.values()) > len(labels)


# --- the validator ---------------------------------------------------------------------------


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    d = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), d)
    return d


def _edit(path: Path, fn) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_validator_names_file_record_and_field(kb_copy: Path) -> None:
    def broken(data: dict) -> None:  # type: ignore[type-arg]
        data["records"][0]["citations"] = []
        data["records"][1]["attributes"]["number_003"] = "four"
        data["records"][2]["refs"] = {"agenda": "nowhere"}

    _edit(kb_copy / "work_agendas.yaml", broken)
    _edit(
        kb_copy / "work_paths_manufacturing.yaml",
        lambda d: d["records"][0]["refs"].__setitem__("agenda", "no-such-agenda"),
    )
    with pytest.raises(InputError) as ei:
        load_knowledge(kb_copy)
    msgs = [str(p) for p in ei.value.problems]
    text = "\n".join(msgs)
    recs = yaml.safe_load((kb_copy / "work_agendas.yaml").read_text(encoding="utf-8"))["records"]
    assert f"work_agendas.yaml, record {recs[0]['slug']}, field 'citations'" in text
    assert f"work_agendas.yaml, record {recs[1]['slug']}, field 'attributes.number_003'" in text
    assert "expected int" in text and "'four'" in text
    assert f"record {recs[2]['slug']}, field 'refs.agenda': unknown reference" in text
    wp = yaml.safe_load((kb_copy / "work_paths_manufacturing.yaml").read_text())["records"][0]
    assert (
        f"work_paths_manufacturing.yaml, record {wp['slug']}, field 'refs.agenda': broken reference"
    ) in text and "'no-such-agenda'" in text
    assert len(ei.value.problems) == 4


def test_validator_rejects_duplicates_unknown_kind_and_bad_yaml(kb_copy: Path) -> None:
    _edit(kb_copy / "levers.yaml", lambda d: d["records"].append(dict(d["records"][0])))
    (kb_copy / "zz_bad.yaml").write_text("kind: nonsense\nrecords: []\n", encoding="utf-8")
    (kb_copy / "zz_syntax.yaml").write_text("kind: lever\nrecords: [\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_knowledge(kb_copy)
    text = str(ei.value)
    assert "levers.yaml" in text and "duplicate slug" in text
    assert "zz_bad.yaml, field 'kind': unknown kind" in text
    assert "zz_syntax.yaml" in text and "not valid YAML" in text
