"""Seeding the catalogue from the knowledge base's ``case`` records (idempotent)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from circulair.web.apps.doers.models import Case, CaseCitation
from circulair.web.apps.doers.services.search_index import (
    case_search_text,
    case_terms_sync,
    index_marker,
    search_index_ensure,
)
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.knowledge.models import Citation, Record, Relation

log = logging.getLogger(__name__)


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.created + self.updated


def _category(locator: str) -> str:
    """Derived from where the source names the case (see the module docs of the catalogue)."""
    if locator.startswith("Case "):
        return Case.Category.STUDY_CASE
    if "innovatieve projecten" in locator:
        return Case.Category.INNOVATIVE_PROJECT
    return Case.Category.PRACTICE


def _facts_text(facts: list[dict[str, Any]]) -> str:
    lines = []
    for f in facts:
        note = f" ({f['note']})" if f.get("note") else ""
        lines.append(f"{f['label']}: {f['value']} {f.get('unit', '')}".rstrip() + note)
    return "\n".join(lines)


def _text(case: Case, record: Record, strategies: list[Record], marker: str) -> str:
    """The indexed text of a seeded case: its record's English name and description too."""
    return case_search_text(
        case,
        strategies=strategies,
        english=(record.name_en, record.description_en),
        marker=marker,
    )


@transaction.atomic
def cases_seed() -> SeedReport:
    """Create or refresh the catalogue's cases from the knowledge base's ``case`` records.

    Idempotent (a second run changes nothing). Only cases with origin ``data`` are refreshed;
    a seeded case edited by a user (origin ``edited``) keeps its text, and cases entered by users
    are never touched or deleted. A slug already used by a user's case is left alone (reported).
    """
    t0 = time.perf_counter()
    search_index_ensure()
    marker = index_marker()
    report = SeedReport()
    indexed: list[int] = []
    records = list(Record.objects.filter(kind="case").order_by("order", "slug"))
    rels: dict[int, dict[str, list[Record]]] = {}
    for rel in (
        Relation.objects.filter(from_record__kind="case")
        .select_related("to_record")
        .order_by("from_record_id", "role", "position")
    ):
        rels.setdefault(rel.from_record_id, {}).setdefault(rel.role, []).append(rel.to_record)
    cites: dict[int, list[Citation]] = {}
    for c in (
        Citation.objects.filter(record__kind="case", variant="")
        .select_related("source")
        .order_by("record_id", "position")
    ):
        cites.setdefault(c.record_id, []).append(c)
    refnis = {str(r.attributes.get("municipality_refnis", "")) for r in records}
    munis = {m.refnis: m for m in Municipality.objects.filter(refnis__in=refnis)}
    existing = {c.slug: c for c in Case.objects.filter(slug__in=[r.slug for r in records])}
    for r in records:
        case = existing.get(r.slug)
        if case is not None and case.kb_slug != r.slug:
            report.kept.append(r.slug)  # a user's case has this slug: never overwrite it
            continue
        muni = munis.get(str(r.attributes.get("municipality_refnis", "")))
        rcites = cites.get(r.pk, [])
        values: dict[str, Any] = {
            "title": r.name_nl,
            "summary": r.description_nl,
            "body": _facts_text(r.attributes.get("facts") or []),
            "organisation_name": str(r.attributes.get("organisation", "")),
            "municipality": muni,
            "province": muni.province if muni else None,
            "category": _category(rcites[0].locator if rcites else ""),
        }
        agendas = sorted(a.pk for a in rels.get(r.pk, {}).get("agendas", []))
        strategies = rels.get(r.pk, {}).get("r_strategies", [])
        rstrats = sorted(a.pk for a in strategies)
        changed = created = False
        if case is None:
            case = Case(
                slug=r.slug,
                kb_slug=r.slug,
                origin=Case.Origin.DATA,
                status=Case.Status.PUBLISHED,
                published_at=timezone.now(),
                **values,
            )
            case.search_text = _text(case, r, strategies, marker)
            case.save()
            indexed.append(case.pk)
            created = True
        elif case.origin == Case.Origin.DATA and any(
            getattr(case, k) != v for k, v in values.items()
        ):
            for k, v in values.items():
                setattr(case, k, v)
            case.search_text = _text(case, r, strategies, marker)
            case.save()
            indexed.append(case.pk)
            changed = True
        elif case.origin == Case.Origin.DATA:
            # same text; its English record or its strategies' words may still have changed
            text = _text(case, r, strategies, marker)
            if text != case.search_text:
                Case.objects.filter(pk=case.pk).update(search_text=text)
                indexed.append(case.pk)
        if case.origin == Case.Origin.DATA:
            if sorted(case.agendas.values_list("pk", flat=True)) != agendas:
                case.agendas.set(agendas)
                changed = True
            if sorted(case.r_strategies.values_list("pk", flat=True)) != rstrats:
                case.r_strategies.set(rstrats)
                changed = True
        rows = [(c.source_id, c.locator, c.line_start, c.line_end, i) for i, c in enumerate(rcites)]
        current = list(
            case.citations.order_by("position").values_list(
                "source_id", "locator", "line_start", "line_end", "position"
            )
        )
        if current != rows:
            case.citations.all().delete()
            CaseCitation.objects.bulk_create(
                CaseCitation(
                    case=case, source_id=s, locator=loc, line_start=a, line_end=b, position=i
                )
                for s, loc, a, b, i in rows
            )
            changed = True
        if created:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    case_terms_sync(indexed)
    log.info(
        "doers seed: %d cases (%d created, %d updated) in %.2fs",
        len(records),
        report.created,
        report.updated,
        time.perf_counter() - t0,
    )
    return report
