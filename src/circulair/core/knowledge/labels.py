"""How a knowledge-base record's facts read for people: a label per attribute in Dutch and
English, a unit on every quantity, yes/no for booleans, names for codes and references.

One table for the pages, the API and ``circulair kb show``: an attribute missing here falls
back to a humanised key (``min_m2`` → "Min m2"), but the tests require every attribute of the
shipped data to be listed, so the fallback is only met by data entered in the back office.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from circulair.core.knowledge.schema import KINDS

YEAR = "year"  # a unit code: the value is a calendar year, shown without thousands separator


@dataclass(frozen=True)
class Label:
    """An attribute's label in both languages, and how its value reads."""

    nl: str
    en: str
    unit: str = ""  # a code of UNITS shown after the value
    unit_from: str = ""  # or: the attribute of the same record that holds the unit
    ref_kind: str = ""  # the value names a record of this kind ...
    ref_by: str = "slug"  # ... by its slug, or by its ``code`` attribute ("code")

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


def _l(nl: str, en: str, **kw: str) -> Label:
    return Label(nl, en, **kw)


#: Attribute labels shared by every kind (a kind's own entry below wins).
COMMON: dict[str, Label] = {
    "code": _l("Code", "Code"),
    "unit": _l("Eenheid", "Unit", unit_from="unit"),
    "region": _l("Gebied", "Region"),
    "number": _l("Nummer", "Number"),
    "note": _l("Opmerking", "Note"),
}

#: Attribute labels per record kind.
ATTRIBUTES: dict[str, dict[str, Label]] = {
    "work_agenda": {
        "number_003": _l(
            "Nummer in de ruimtelijke studie (003)", "Number in the spatial study (003)"
        ),
        "number_002": _l(
            "Nummer in het jaarverslag 2023 (002)", "Number in the 2023 annual report (002)"
        ),
        "spatially_elaborated": _l("Ruimtelijk uitgewerkt", "Spatially elaborated"),
    },
    "lever": {
        "number_002": _l(
            "Nummer in het jaarverslag 2023 (002)", "Number in the 2023 annual report (002)"
        ),
    },
    "value_chain": {"priority": _l("Prioritaire waardeketen", "Priority value chain")},
    "focus_work_path": {"period": _l("Periode", "Period")},
    "commitment_rule": {
        "min_actions_per_year": _l(
            "Minimum aantal acties per jaar", "Minimum actions per year", unit="actions/year"
        ),
        "shares_information": _l("Deelt informatie", "Shares information"),
        "evaluated_yearly": _l("Jaarlijks geëvalueerd", "Evaluated yearly"),
    },
    "programme_type": {"lifecycle": _l("Verloop", "Lifecycle")},
    "r_strategy": {
        "rank": _l("Trede op de R-ladder", "Rung on the R-ladder"),
        "loop": _l("Kringloop", "Loop", ref_kind="loop", ref_by="code"),
    },
    "loop": {
        "code": _l("Kringloop", "Loop"),
        "rank_from": _l("Van trede", "From rung"),
        "rank_to": _l("Tot trede", "To rung"),
    },
    "type_environment": {
        "gis_area_ha": _l("Oppervlakte (GIS)", "Area (GIS)", unit="ha"),
        "parts": _l("Delen", "Parts"),
    },
    "spatial_infrastructure": {"category": _l("Categorie", "Category")},
    "facility_size_class": {
        "min_m2": _l("Vanaf", "From", unit="m2"),
        "max_m2": _l("Tot", "Up to", unit="m2"),
    },
    "spatial_strategy": {
        "preconditions": _l("Randvoorwaarden", "Preconditions"),
        "lever_areas": _l("Hefboomgebieden", "Lever areas"),
        "rules": _l("Regels", "Rules"),
    },
    "scaling_strategy": {
        "needs_extra_space": _l("Vraagt extra ruimte", "Needs extra space"),
    },
    "facility_archetype": {
        "area_m2": _l("Oppervlakte", "Area", unit="m2"),
        "built_m2": _l("Bebouwde oppervlakte", "Built area", unit="m2"),
        "open_m2": _l("Onbebouwde oppervlakte", "Open area", unit="m2"),
        "throughput_t_per_year": _l("Verwerkte hoeveelheid", "Throughput", unit="t/year"),
        "staff": _l("Medewerkers", "Staff", unit="persons"),
        "size_label": _l("Grootte", "Size"),
    },
    "scaling_preset": {
        "method": _l("Methode", "Method"),
        "partition": _l("Indeling", "Partition"),
        "size_rule": _l("Regel voor de grootte", "Size rule"),
        "streams": _l("Aantal materiaalstromen", "Number of material streams"),
        "archetype_variant": _l("Variant van het archetype", "Archetype variant"),
        "count_overrides": _l("Aangepaste aantallen", "Count overrides"),
        "fixed_count": _l(
            "Vast aantal voorzieningen", "Fixed number of facilities", unit="facilities"
        ),
        "expected_ha": _l("Verwachte oppervlakte", "Expected area", unit="ha"),
        "expected": _l("Verwachte uitkomst", "Expected outcome"),
    },
    "case": {
        "organisation": _l("Organisatie", "Organisation"),
        "municipality_refnis": _l("NIS-code van de gemeente", "Municipality NIS code"),
        "municipality_name": _l("Gemeente", "Municipality"),
        "facts": _l("Kerncijfers", "Key figures"),
    },
    "nace_sector_group": {
        "codes": _l("NACE-codes", "NACE codes"),
        "parent": _l("Hoofdgroep", "Parent group", ref_kind="nace_sector_group"),
    },
    "indicator": {"direction": _l("Richting", "Direction")},
    "indicator_figure": {
        "year": _l("Jaar", "Year", unit=YEAR),
        "value": _l("Waarde", "Value", unit_from="unit"),
    },
    "target": {
        "baseline_year": _l("Referentiejaar", "Baseline year", unit=YEAR),
        "baseline_value": _l("Referentiewaarde", "Baseline value", unit_from="unit"),
        "target_year": _l("Doeljaar", "Target year", unit=YEAR),
        "target_value": _l("Doelwaarde", "Target value", unit_from="unit"),
        "target_type": _l("Soort doel", "Target type"),
        "strict": _l("Strikt", "Strict"),
    },
    "lg_action_domain": {"subtopics": _l("Subthema's", "Subtopics")},
}

#: Keys inside the items of list-of-mapping attributes (parts, expected, rules, codes, facts).
ITEM_KEYS: dict[str, Label] = {
    "name": _l("Naam", "Name"),
    "area_ha": _l("Oppervlakte", "Area", unit="ha"),
    "size": _l("Grootte", "Size"),
    "count": _l("Aantal", "Count"),
    "ha": _l("Oppervlakte", "Area", unit="ha"),
    "code": _l("Code", "Code"),
    "label": _l("Omschrijving", "Label"),
    "rule": _l("Regel", "Rule"),
    "value": _l("Waarde", "Value"),
    "applies_to": _l("Geldt voor", "Applies to"),
    "unit": _l("Eenheid", "Unit"),
    "note": _l("Opmerking", "Note"),
}

#: The relation roles (``refs``) as headings on a record's page.
ROLES: dict[str, Label] = {
    "agenda": _l("Werkagenda", "Work agenda"),
    "agendas": _l("Werkagenda's", "Work agendas"),
    "axis": _l("Strategische as", "Strategic axis"),
    "value_chain": _l("Waardeketen", "Value chain"),
    "work_paths": _l("Werkpaden", "Work paths"),
    "type_environments": _l("Typeomgevingen", "Type environments"),
    "case": _l("Case", "Case"),
    "r_strategies": _l("R-strategieën", "R-strategies"),
    "indicator": _l("Indicator", "Indicator"),
    "related": _l("Verwante indicatoren", "Related indicators"),
    "group": _l("Groep", "Group"),
    "large": _l("Archetype voor grote voorzieningen", "Archetype for large facilities"),
    "small": _l("Archetype voor kleine voorzieningen", "Archetype for small facilities"),
    "archetype": _l("Archetype", "Archetype"),
}

#: Units, as written in the data, in both languages.
UNITS: dict[str, tuple[str, str]] = {
    YEAR: ("", ""),
    "m2": ("m²", "m²"),
    "ha": ("ha", "ha"),
    "t": ("t", "t"),
    "t/year": ("t/jaar", "t/year"),
    "Mt": ("Mt", "Mt"),
    "Mt CO2e/yr": ("Mt CO₂-eq/jaar", "Mt CO₂e/year"),
    "million m3/yr": ("miljoen m³/jaar", "million m³/year"),
    "kg/inh": ("kg/inwoner", "kg/inhabitant"),
    "t/inh": ("t/inwoner", "t/inhabitant"),
    "%": ("%", "%"),
    "score/10": ("op 10", "out of 10"),
    "EUR/year": ("euro/jaar", "EUR/year"),
    "persons": ("personen", "persons"),
    "sites": ("vestigingen", "sites"),
    "shops": ("winkels", "shops"),
    "shop per 2 years": ("winkel per 2 jaar", "shop per 2 years"),
    "actions/year": ("acties/jaar", "actions/year"),
    "facilities": ("voorzieningen", "facilities"),
}

#: Coded values (choices, steps, regions) in both languages.
VALUES: dict[str, tuple[str, str]] = {
    "lower_is_better": ("lager is beter", "lower is better"),
    "higher_is_better": ("hoger is beter", "higher is better"),
    "none": ("geen richting", "no direction"),
    "per_unit": ("per gebied van de indeling", "per unit of the partition"),
    "fixed_count": ("vast aantal", "fixed number"),
    "central_city_large": (
        "groot in centrumsteden, elders klein",
        "large in central cities, small elsewhere",
    ),
    "uniform": ("overal dezelfde grootte", "the same size everywhere"),
    "infrastructure": ("infrastructuur", "infrastructure"),
    "network": ("netwerk", "network"),
    "absolute": ("absoluut", "absolute"),
    "relative": ("relatief", "relative"),
    "arrondissement": ("arrondissement", "district (arrondissement)"),
    "user": ("eigen indeling", "own partition"),
    "annex": ("bijlage", "annex"),
    "large": ("groot", "large"),
    "small": ("klein", "small"),
    "single": ("één grootte", "single size"),
    "groot": ("groot", "large"),
    "klein": ("klein", "small"),
    "huidig": ("huidig", "current"),
    "min_transport_modes": ("minimum aantal vervoerswijzen", "minimum number of transport modes"),
    "launch": ("lancering", "launch"),
    "selection": ("selectie", "selection"),
    "funding": ("financiering", "funding"),
    "interim_report": ("tussentijds verslag", "interim report"),
    "completion": ("afronding", "completion"),
    "publication": ("publicatie", "publication"),
    "VLG": ("Vlaanderen", "Flanders"),
    "BE": ("België", "Belgium"),
    "EU27": ("EU-27", "EU-27"),
    "FR": ("Frankrijk", "France"),
    "NL": ("Nederland", "Netherlands"),
}

#: Attributes whose text is a code of :data:`VALUES` (other strings are shown as they are).
CODED = {
    "direction",
    "method",
    "size_rule",
    "category",
    "target_type",
    "partition",
    "archetype_variant",
    "size_label",
    "lifecycle",
    "region",
    "size",
    "rule",
}

#: (kind, attribute or ref field, value) -> (slug, name in the language) of the record it names
Resolver = Callable[[str, str, str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Piece:
    """A value or one item of a list, as text, and the record it names when it names one."""

    text: str
    ref: tuple[str, str] | None = None  # (kind, slug)


@dataclass(frozen=True)
class Fact:
    """One attribute of a record, labelled and rendered."""

    key: str
    label: str
    value: Any
    pieces: tuple[Piece, ...]
    many: bool = False  # a list: one item per piece

    @property
    def text(self) -> str:
        return "; ".join(p.text for p in self.pieces)


def humanise(key: str) -> str:
    """The fallback label of an unknown attribute: ``min_m2`` → "Min m2"."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def attribute_label(kind: str, key: str) -> Label:
    found = ATTRIBUTES.get(kind, {}).get(key) or COMMON.get(key)
    return found or Label(humanise(key), humanise(key))


def role_label(role: str) -> Label:
    return ROLES.get(role) or Label(humanise(role), humanise(role))


def unit_text(unit: str, lang: str) -> str:
    pair = UNITS.get(unit)
    return (pair[1] if lang == "en" else pair[0]) if pair else unit


def value_text(code: str, lang: str) -> str:
    pair = VALUES.get(code)
    return (pair[1] if lang == "en" else pair[0]) if pair else code


def number_text(v: float, lang: str, *, year: bool = False) -> str:
    """A number as people in the language write it: 12.500,5 in Dutch, 12,500.5 in English."""
    if year:
        return str(int(v)) if float(v).is_integer() else str(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = f"{v:,}" if isinstance(v, int) else f"{v:,.6f}".rstrip("0").rstrip(".")
    if lang != "en":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def _localized(v: Any, lang: str) -> Any:
    if isinstance(v, Mapping) and "nl" in v:
        return v.get(lang) or v["nl"]
    return v


def scalar_text(v: Any, lang: str, *, unit: str = "", coded: bool = False) -> str:
    """One value as text: yes/no, a number with its unit, a coded value's name, or "—"."""
    v = _localized(v, lang)
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return ("yes" if v else "no") if lang == "en" else ("ja" if v else "nee")
    if isinstance(v, int | float):
        text = number_text(v, lang, year=unit == YEAR)
        u = unit_text(unit, lang) if unit else ""
        return f"{text} {u}" if u else text
    text = value_text(str(v), lang) if coded else str(v)
    return text


def item_text(item: Mapping[str, Any], lang: str) -> str:
    """One mapping of a list attribute: a key figure ("medewerkers: 12 personen (ongeveer)"),
    a code with its label ("1721 Vervaardiging …"), or labelled parts joined by "; "."""
    if "label" in item and "value" in item:
        text = f"{_localized(item['label'], lang)}: " + scalar_text(
            item["value"], lang, unit=str(item.get("unit") or "")
        )
        return text + (f" ({_localized(item['note'], lang)})" if item.get("note") else "")
    if set(item) == {"code", "label"}:
        return f"{item['code']} {_localized(item['label'], lang)}"
    parts: list[str] = []
    for k, x in item.items():
        lab = ITEM_KEYS.get(k) or Label(humanise(k), humanise(k))
        text = scalar_text(x, lang, unit=lab.unit, coded=k in CODED)
        parts.append(text if k == "name" else f"{lab.text(lang)}: {text}")
    return "; ".join(parts)


def ordered_keys(kind: str, attributes: Mapping[str, Any]) -> list[str]:
    """The schema's order of a kind's attributes (PostgreSQL's jsonb keeps no key order), then
    any attribute the schema does not know, alphabetically."""
    spec = KINDS.get(kind)
    known = [k for k in (spec.attributes if spec else {}) if k in attributes]
    return known + sorted(k for k in attributes if k not in known)


def facts(
    kind: str, attributes: Mapping[str, Any], lang: str, resolve: Resolver | None = None
) -> list[Fact]:
    """The record's attributes, labelled and rendered in ``lang`` ("nl" or "en").

    ``resolve`` turns a value naming another record (``loop: short``) into that record's slug
    and name; without it the value's own text is shown.
    """
    out: list[Fact] = []
    for key in ordered_keys(kind, attributes):
        value = attributes[key]
        lab = attribute_label(kind, key)
        unit = lab.unit or (str(attributes.get(lab.unit_from) or "") if lab.unit_from else "")
        if key == "unit":
            pieces: tuple[Piece, ...] = (Piece(unit_text(str(value), lang) or str(value)),)
            out.append(Fact(key, lab.text(lang), value, pieces))
            continue
        if isinstance(value, list):
            items = [
                Piece(item_text(x, lang))
                if isinstance(x, Mapping) and "nl" not in x
                else Piece(scalar_text(x, lang, unit=unit, coded=key in CODED))
                for x in value
            ]
            out.append(Fact(key, lab.text(lang), value, tuple(items), many=True))
            continue
        piece = Piece(scalar_text(value, lang, unit=unit, coded=key in CODED))
        if lab.ref_kind and resolve is not None and value not in (None, ""):
            found = resolve(lab.ref_kind, lab.ref_by, str(value))
            if found:
                piece = Piece(found[1], (lab.ref_kind, found[0]))
        out.append(Fact(key, lab.text(lang), value, (piece,)))
    return out
