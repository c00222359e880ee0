"""What the knowledge-base pages show, shaped from what ``selectors`` read: a record's
attributes, citations, variants and relations grouped for its page, and the R-ladder."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import get_language

from circulair.core.knowledge import labels
from circulair.core.knowledge import texts as core_texts
from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge import selectors
from circulair.web.apps.knowledge.models import Record, Source


def language() -> str:
    """The active language as the labels know it: "en" or "nl"."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def resolver() -> labels.Resolver:
    """Turns a value naming a record (a slug, or a code such as a loop's) into its slug and its
    name in the active language; each kind is read once."""
    cache: dict[str, list[Record]] = {}

    def resolve(kind: str, by: str, value: str) -> tuple[str, str] | None:
        if kind not in cache:
            cache[kind] = selectors.records_of_kind(kind=kind)
        for r in cache[kind]:
            key = r.slug if by == "slug" else str(r.attributes.get(by, ""))
            if key == value:
                return r.slug, r.name
        return None

    return resolve


def record_facts(record: Record, resolve: labels.Resolver | None = None) -> list[labels.Fact]:
    """A record's attributes, labelled, with units, in the active language."""
    return labels.facts(record.kind, record.attributes, language(), resolve or resolver())


def variant_facts(
    record: Record, attributes: dict[str, Any], resolve: labels.Resolver | None = None
) -> list[labels.Fact]:
    """A variant's own attributes, read with the record's (a unit held by the record applies)."""
    merged = {**record.attributes, **attributes}
    facts = labels.facts(record.kind, merged, language(), resolve or resolver())
    return [f for f in facts if f.key in attributes]


def outgoing_labelled(record: Record) -> list[tuple[str, list[Record]]]:
    """The record's references as (heading, records), the heading in the active language."""
    lang = language()
    return [
        (labels.role_label(role).text(lang), recs)
        for role, recs in outgoing_by_role(record).items()
    ]


def outgoing_by_role(record: Record) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for rel in record.relations.all():
        out[rel.role].append(rel.to_record)
    return dict(out)


def incoming_by_kind(record: Record) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for rel in record.incoming.all():
        if rel.from_record not in out[rel.from_record.kind]:
            out[rel.from_record.kind].append(rel.from_record)
    for recs in out.values():
        recs.sort(key=lambda r: (r.order, r.slug))
    return dict(sorted(out.items()))


def record_context(record: Record, kind: str) -> dict[str, Any]:
    """The record page: attributes in the active language, its own and its variants'
    citations, and its relations by role (outgoing) and by kind (incoming)."""
    resolve = resolver()
    citations = [c for c in record.citations.all() if not c.variant]
    variant_citations: dict[str, list[object]] = {}
    for c in record.citations.all():
        if c.variant:
            variant_citations.setdefault(c.variant, []).append(c)
    variants = [
        (v, variant_facts(record, v.attributes, resolve), variant_citations.get(v.name, []))
        for v in record.variants.all()
    ]
    return {
        "record": record,
        "spec": KINDS[kind],
        "facts": record_facts(record, resolve),
        "citations": citations,
        "variants": variants,
        "outgoing": outgoing_labelled(record),
        "incoming": [(KINDS[k], recs) for k, recs in incoming_by_kind(record).items()],
    }


def r_ladder_context() -> dict[str, Any]:
    """The R-ladder: ranked R-strategies with their loop, the unranked ones, the principles."""
    strategies = list(selectors.record_list(kind="r_strategy").order_by("order", "slug"))
    numbered = sorted(
        (r for r in strategies if r.attributes.get("rank") is not None),
        key=lambda r: r.attributes["rank"],
    )
    others = [r for r in strategies if r.attributes.get("rank") is None]
    loops = {lp.attributes.get("code"): lp for lp in selectors.record_list(kind="loop")}
    rows = [(r, loops.get(r.attributes.get("loop"))) for r in numbered]
    return {
        "rows": rows,
        "others": others,
        "principles": selectors.record_list(kind="circular_principle"),
    }


def source_context(source: Source, lines: str) -> dict[str, Any]:
    """A source page: the document, and for ``lines`` ("836-839") the locators of the citations
    of those lines, the records citing them, and the passage when the text is installed."""
    text = selectors.source_text(source=source)
    rng = core_texts.parse_lines(lines) if lines else None
    ctx: dict[str, Any] = {
        "source": source,
        "title": source.title_en if language() == "en" and source.title_en else source.title,
        "installed": text is not None,
        "lines": lines,
        "bad_lines": bool(lines) and rng is None,
        "range": rng,
        "passage": [],
        "locators": [],
        "records": [],
        "citations": [],
    }
    if rng is None:
        ctx["citations"] = _distinct_citations(selectors.source_citations(source=source))
        return ctx
    cites = list(selectors.citations_at(source=source, start=rng[0], end=rng[1]))
    ctx["locators"] = list(dict.fromkeys(c.locator for c in cites))
    ctx["records"] = list(dict.fromkeys(c.record for c in cites))
    if text is not None:
        ctx["passage"] = core_texts.passage(text.lines(), rng[0], rng[1])
        ctx["past_end"] = rng[0] > text.line_count
    return ctx


def _distinct_citations(cites: Any) -> list[dict[str, Any]]:
    """One row per cited range of a source: its lines, locator and how many records cite it."""
    rows: dict[tuple[int, int, str], dict[str, Any]] = {}
    for c in cites:
        key = (c.line_start, c.line_end, c.locator)
        row = rows.setdefault(
            key, {"start": c.line_start, "end": c.line_end, "locator": c.locator, "records": []}
        )
        if c.record not in row["records"]:
            row["records"].append(c.record)
    return list(rows.values())
