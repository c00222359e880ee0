"""What the knowledge-base pages show, shaped from what ``selectors`` read: a record's
attributes, citations, variants and relations grouped for its page, and the R-ladder."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge import selectors
from circulair.web.apps.knowledge.models import Record


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
    attributes = [
        (k, record.localized(v) if not isinstance(v, list) else v)
        for k, v in record.attributes.items()
    ]
    citations = [c for c in record.citations.all() if not c.variant]
    variant_citations: dict[str, list[object]] = {}
    for c in record.citations.all():
        if c.variant:
            variant_citations.setdefault(c.variant, []).append(c)
    variants = [(v, variant_citations.get(v.name, [])) for v in record.variants.all()]
    return {
        "record": record,
        "spec": KINDS[kind],
        "attributes": attributes,
        "citations": citations,
        "variants": variants,
        "outgoing": outgoing_by_role(record),
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
