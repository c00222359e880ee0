"""The knowledge base's record kinds: which attributes and references each kind takes.

The knowledge base is a set of YAML files (``circulair/data/knowledge/*.yaml``). Each file holds
records of one kind::

    kind: work_agenda
    records:
      - slug: maakindustrie                    # stable, lowercase, [a-z0-9-]
        name: {nl: Maakindustrie, en: Manufacturing}
        description: {nl: "...", en: "..."}    # optional
        order: 4                               # optional: display order
        attributes: {number_003: 4, number_002: 2, spatially_elaborated: true}
        refs: {}                               # slug or list of slugs, per the kind's spec
        citations:                             # at least one
          - {source: "003", locator: "Deel 1, 1.2 Werkagenda's", lines: [950, 961]}
        variants:                              # optional: where two passages disagree
          - name: annex
            label: {nl: "...", en: "..."}
            attributes: {area_m2: 2500}
            citations: [{source: "003", locator: "Bijlage", lines: [16409, 16417]}]

The specs below are the schema: an attribute or reference not listed is rejected, a required one
that is missing is reported, and every reference must name an existing record of the target kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Attribute value types. "localized" is a mapping with at least "nl" (and usually "en").
STR = "str"
INT = "int"
NUMBER = "number"
BOOL = "bool"
LOCALIZED = "localized"
STR_LIST = "list[str]"
LOCALIZED_LIST = "list[localized]"
DICT_LIST = "list[dict]"
ANY = "any"


@dataclass(frozen=True)
class Attr:
    type: str
    required: bool = False
    nullable: bool = False
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Ref:
    kind: str
    many: bool = False
    required: bool = False


@dataclass(frozen=True)
class KindSpec:
    """What a record of one kind may carry."""

    name: str
    label_en: str
    label_nl: str
    attributes: dict[str, Attr] = field(default_factory=dict)
    refs: dict[str, Ref] = field(default_factory=dict)


def _k(
    name: str,
    en: str,
    nl: str,
    attributes: dict[str, Attr] | None = None,
    refs: dict[str, Ref] | None = None,
) -> KindSpec:
    return KindSpec(name, en, nl, attributes or {}, refs or {})


LOOPS = ("short", "medium", "long")
DIRECTIONS = ("lower_is_better", "higher_is_better", "none")

KINDS: dict[str, KindSpec] = {
    s.name: s
    for s in [
        # --- the partnership -------------------------------------------------------------
        _k("governance_side", "Governance side", "Zijde van de vijfhoek"),
        _k(
            "work_agenda",
            "Work agenda",
            "Werkagenda",
            {
                "number_003": Attr(INT, required=True),
                "number_002": Attr(INT, required=True),
                "spatially_elaborated": Attr(BOOL, required=True),
            },
        ),
        _k("lever", "Lever", "Hefboom", {"number_002": Attr(INT, required=True)}),
        _k(
            "strategic_axis",
            "Strategic axis",
            "Strategische as",
            {"code": Attr(STR)},
            {"agenda": Ref("work_agenda", required=True)},
        ),
        _k(
            "value_chain",
            "Value chain",
            "Waardeketen",
            {"priority": Attr(BOOL)},
            {"agenda": Ref("work_agenda", required=True)},
        ),
        _k(
            "work_path",
            "Work path",
            "Werkpad",
            {"code": Attr(STR, required=True)},
            {"agenda": Ref("work_agenda", required=True), "axis": Ref("strategic_axis")},
        ),
        _k(
            "focus_work_path",
            "Focus work path",
            "Focuswerkpad",
            {"period": Attr(STR, required=True), "code": Attr(STR)},
            {
                "agenda": Ref("work_agenda", required=True),
                "value_chain": Ref("value_chain", required=True),
                "work_paths": Ref("work_path", many=True),
            },
        ),
        _k(
            "commitment_rule",
            "Commitment rule",
            "Engagement",
            {
                "min_actions_per_year": Attr(INT, required=True),
                "shares_information": Attr(BOOL),
                "evaluated_yearly": Attr(BOOL),
            },
            {"agenda": Ref("work_agenda", required=True)},
        ),
        _k(
            "impact_theme",
            "Impact theme",
            "Impactthema",
            {"code": Attr(STR)},
            {"agenda": Ref("work_agenda", required=True)},
        ),
        _k("programme_type", "Programme type", "Programmatype", {"lifecycle": Attr(STR_LIST)}),
        # --- R-ladder ----------------------------------------------------------------------
        _k(
            "r_strategy",
            "R-strategy",
            "R-strategie",
            {
                "code": Attr(STR, required=True),
                "rank": Attr(INT, required=True, nullable=True),
                "loop": Attr(STR, required=True, nullable=True, choices=LOOPS),
            },
        ),
        _k(
            "loop",
            "Loop",
            "Kringloop",
            {
                "code": Attr(STR, required=True, choices=LOOPS),
                "rank_from": Attr(INT, required=True),
                "rank_to": Attr(INT, required=True),
            },
        ),
        _k(
            "circular_principle",
            "Circular principle",
            "Circulair principe",
            {"code": Attr(STR, required=True)},
        ),
        # --- spatial framework -------------------------------------------------------------
        _k("scale", "Scale", "Schaalniveau"),
        _k("spatial_context", "Spatial context", "Ruimtelijke context"),
        _k("value_chain_step", "Value-chain step", "Stap in de waardeketen"),
        _k(
            "type_environment",
            "Type environment",
            "Typeomgeving",
            {"gis_area_ha": Attr(NUMBER, nullable=True), "parts": Attr(DICT_LIST)},
        ),
        _k(
            "spatial_infrastructure",
            "Spatial infrastructure",
            "Ruimtelijke infrastructuur",
            {"category": Attr(STR, choices=("infrastructure", "network"))},
        ),
        _k(
            "facility_size_class",
            "Facility size class",
            "Grootteklasse",
            {
                "min_m2": Attr(NUMBER, required=True, nullable=True),
                "max_m2": Attr(NUMBER, required=True, nullable=True),
            },
        ),
        _k(
            "spatial_strategy",
            "Spatial strategy",
            "Ruimtelijke strategie",
            {
                "number": Attr(INT, required=True),
                "preconditions": Attr(LOCALIZED_LIST),
                "lever_areas": Attr(LOCALIZED_LIST),
                "rules": Attr(DICT_LIST),
            },
            {
                "agenda": Ref("work_agenda", required=True),
                "type_environments": Ref("type_environment", many=True),
            },
        ),
        _k("key_area_type", "Key area type", "Sleutelgebied"),
        _k("spatial_need", "Spatial need", "Ruimtelijke nood"),
        _k(
            "scaling_strategy",
            "Scaling strategy",
            "Opschalingsstrategie",
            {"needs_extra_space": Attr(BOOL, required=True)},
        ),
        _k(
            "facility_archetype",
            "Facility archetype",
            "Archetype van voorziening",
            {
                "area_m2": Attr(NUMBER, required=True),
                "built_m2": Attr(NUMBER),
                "open_m2": Attr(NUMBER),
                "throughput_t_per_year": Attr(NUMBER),
                "staff": Attr(INT),
                "size_label": Attr(STR),
            },
            {
                "case": Ref("case"),
                "agenda": Ref("work_agenda"),
                "type_environments": Ref("type_environment", many=True),
                "r_strategies": Ref("r_strategy", many=True),
            },
        ),
        _k(
            "scaling_preset",
            "Extrapolation preset",
            "Extrapolatiescenario",
            {
                "method": Attr(STR, required=True, choices=("per_unit", "fixed_count")),
                "partition": Attr(STR),
                "size_rule": Attr(STR, choices=("central_city_large", "uniform")),
                "streams": Attr(INT),
                "archetype_variant": Attr(STR),
                "count_overrides": Attr(DICT_LIST),
                "fixed_count": Attr(INT),
                "expected_ha": Attr(NUMBER, required=True),
                "expected": Attr(DICT_LIST),
            },
            {
                "large": Ref("facility_archetype"),
                "small": Ref("facility_archetype"),
                "archetype": Ref("facility_archetype"),
                "case": Ref("case"),
            },
        ),
        _k(
            "case",
            "Case",
            "Case",
            {
                "organisation": Attr(STR, required=True),
                "municipality_refnis": Attr(STR, required=True),
                "municipality_name": Attr(STR, required=True),
                "facts": Attr(DICT_LIST),
            },
            {
                "agendas": Ref("work_agenda", many=True, required=True),
                "r_strategies": Ref("r_strategy", many=True),
            },
        ),
        _k(
            "nace_sector_group",
            "NACE sector group",
            "NACE-sectorgroep",
            {
                "codes": Attr(DICT_LIST, required=True),
                "parent": Attr(STR),
            },
        ),
        # --- monitor ----------------------------------------------------------------------
        _k(
            "indicator",
            "Indicator",
            "Indicator",
            {
                "unit": Attr(STR, required=True),
                "direction": Attr(STR, required=True, choices=DIRECTIONS),
            },
        ),
        _k(
            "indicator_figure",
            "Indicator figure",
            "Indicatorcijfer",
            {
                "region": Attr(STR, required=True),
                "year": Attr(INT, required=True, nullable=True),
                "value": Attr(NUMBER, required=True),
                "unit": Attr(STR, required=True),
                "note": Attr(STR),
            },
            {"indicator": Ref("indicator", required=True)},
        ),
        _k(
            "target",
            "Target",
            "Doelstelling",
            {
                "region": Attr(STR, required=True),
                "baseline_year": Attr(INT, nullable=True),
                "baseline_value": Attr(NUMBER, nullable=True),
                "target_year": Attr(INT, required=True),
                "target_value": Attr(NUMBER, required=True),
                "target_type": Attr(STR, required=True, choices=("absolute", "relative")),
                "strict": Attr(BOOL),
                "unit": Attr(STR, required=True),
            },
            # related: indicators whose cited figures bear on the target (shown beside it)
            {"indicator": Ref("indicator", required=True), "related": Ref("indicator", many=True)},
        ),
        # --- local governments ------------------------------------------------------------
        _k(
            "lg_action_domain",
            "Local action domain",
            "Lokaal actiedomein",
            {"subtopics": Attr(LOCALIZED_LIST)},
        ),
        _k("lg_instrument_group", "Policy-instrument group", "Groep beleidsinstrumenten"),
        _k(
            "lg_policy_instrument",
            "Local policy instrument",
            "Lokaal beleidsinstrument",
            {},
            {"group": Ref("lg_instrument_group", required=True)},
        ),
        _k("lg_community_of_practice", "Community of practice", "Lerend netwerk"),
    ]
}
