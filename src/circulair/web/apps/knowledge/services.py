"""Writes to the knowledge base. The shipped YAML files are the source of truth for records
with origin ``data``; records entered in the back office (origin ``admin``) are never touched.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from circulair.core.errors import InputError
from circulair.core.knowledge import KnowledgeBase
from circulair.core.knowledge import Record as KBRecord
from circulair.core.knowledge import texts as core_texts
from circulair.core.knowledge.schema import KINDS
from circulair.web.apps.knowledge.models import (
    Citation,
    Record,
    Relation,
    Source,
    SourceText,
    Variant,
)

log = logging.getLogger(__name__)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    sources: int = 0
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the back office: left as they are

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.deleted


def _record_fields(r: KBRecord) -> dict[str, Any]:
    return {
        "name_nl": r.name["nl"],
        "name_en": r.name.get("en", ""),
        "description_nl": r.description.get("nl", ""),
        "description_en": r.description.get("en", ""),
        "order": r.order,
        "attributes": r.attributes,
        "data_file": r.file,
        "origin": Record.Origin.DATA,
    }


def _citation_rows(r: KBRecord) -> list[tuple[str, str, int, int, str, int]]:
    cites = [*r.citations, *(c for v in r.variants for c in v.citations)]
    return [
        (c.source, c.locator, c.line_start, c.line_end, c.variant, i) for i, c in enumerate(cites)
    ]


def _variant_rows(r: KBRecord) -> list[tuple[str, str, str, Any]]:
    return sorted((v.name, v.label["nl"], v.label.get("en", ""), v.attributes) for v in r.variants)


def _relation_rows(
    r: KBRecord, ids: dict[tuple[str, str], int], target_kind: dict[str, str]
) -> list[tuple[str, int, int]]:
    return sorted(
        (role, ids[(target_kind[role], s)], i)
        for role, slugs in r.refs.items()
        for i, s in enumerate(slugs)
    )


@transaction.atomic
def knowledge_load(*, kb: KnowledgeBase) -> LoadReport:
    """Synchronise the database with a validated knowledge base; running it twice changes nothing.

    Returns counts of created, updated, unchanged and deleted records.
    """

    t0 = time.perf_counter()
    report = LoadReport()
    for s in kb.sources.values():
        values = {
            "title": s.title,
            "title_en": s.title_en,
            "publisher": s.publisher,
            "year": s.year,
            "language": s.language,
            "file": s.file,
            "url": s.url,
        }
        obj, created = Source.objects.get_or_create(code=s.id, defaults=values)
        if not created and any(getattr(obj, k) != v for k, v in values.items()):
            Source.objects.filter(pk=obj.pk).update(**values)
        report.sources += 1
    sources = {s.code: s for s in Source.objects.all()}

    existing = {(r.kind, r.slug): r for r in Record.objects.all()}
    wanted = {r.key: r for r in kb.records}
    touched: set[tuple[str, str]] = set()
    for key, r in wanted.items():
        values = _record_fields(r)
        rec = existing.get(key)
        if rec is not None and rec.origin == Record.Origin.EDITED:
            report.kept.append(f"{r.kind}:{r.slug}")  # a person's edit outranks the data file
            continue
        if rec is None:
            existing[key] = Record.objects.create(kind=r.kind, slug=r.slug, **values)
            report.created += 1
            touched.add(key)
        elif any(getattr(rec, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(rec, k, v)
            rec.save()
            report.updated += 1
            touched.add(key)
    stale = [
        rec
        for key, rec in existing.items()
        if key not in wanted and rec.origin == Record.Origin.DATA
    ]
    for rec in stale:
        rec.delete()
        report.deleted += 1
        report.changed.append(f"deleted {rec.kind}:{rec.slug}")
    ids = {key: rec.pk for key, rec in existing.items() if key in wanted or rec.origin != "data"}

    cur_cites: dict[int, list[tuple[str, str, int, int, str, int]]] = {}
    for c in Citation.objects.select_related("source").order_by("record_id", "position"):
        cur_cites.setdefault(c.record_id, []).append(
            (c.source.code, c.locator, c.line_start, c.line_end, c.variant, c.position)
        )
    cur_vars: dict[int, list[tuple[str, str, str, Any]]] = {}
    for v in Variant.objects.all():
        cur_vars.setdefault(v.record_id, []).append((v.name, v.label_nl, v.label_en, v.attributes))
    cur_rels: dict[int, list[tuple[str, int, int]]] = {}
    for rel in Relation.objects.all():
        cur_rels.setdefault(rel.from_record_id, []).append(
            (rel.role, rel.to_record_id, rel.position)
        )

    kept = set(report.kept)
    for key, r in wanted.items():
        if f"{r.kind}:{r.slug}" in kept:
            continue
        pk = ids[key]
        target_kind = {role: spec.kind for role, spec in KINDS[r.kind].refs.items()}
        changed = False
        rows = _citation_rows(r)
        if cur_cites.get(pk, []) != rows:
            Citation.objects.filter(record_id=pk).delete()
            Citation.objects.bulk_create(
                Citation(
                    record_id=pk,
                    source=sources[s],
                    locator=loc,
                    line_start=a,
                    line_end=b,
                    variant=var,
                    position=i,
                )
                for s, loc, a, b, var, i in rows
            )
            changed = True
        vrows = _variant_rows(r)
        if sorted(cur_vars.get(pk, []), key=lambda x: x[0]) != vrows:
            Variant.objects.filter(record_id=pk).delete()
            Variant.objects.bulk_create(
                Variant(record_id=pk, name=n, label_nl=lnl, label_en=len_, attributes=a)
                for n, lnl, len_, a in vrows
            )
            changed = True
        rrows = _relation_rows(r, ids, target_kind)
        if sorted(cur_rels.get(pk, [])) != rrows:
            Relation.objects.filter(from_record_id=pk).delete()
            Relation.objects.bulk_create(
                Relation(from_record_id=pk, role=role, to_record_id=t, position=i)
                for role, t, i in rrows
            )
            changed = True
        if changed and key not in touched:
            report.updated += 1
            touched.add(key)
    report.unchanged = len(wanted) - len(touched) - len(kept)
    report.changed.extend(f"{k}:{s}" for k, s in sorted(touched))
    log.info(
        "knowledge load: %d records (%d created, %d updated, %d deleted) in %.2fs",
        len(wanted),
        report.created,
        report.updated,
        report.deleted,
        time.perf_counter() - t0,
    )
    return report


@dataclass
class TextsReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: int = 0


@transaction.atomic
def source_texts_install(*, texts: list[core_texts.SourceText]) -> TextsReport:
    """Install (or replace) the source documents' text extractions; running it twice with the
    same files changes nothing. The sources themselves come from ``knowledge_load``."""
    report = TextsReport()
    sources = {s.code: s for s in Source.objects.all()}
    for t in texts:
        source = sources.get(t.source)
        if source is None:
            raise InputError.single(
                "no such source in the database; run `circulair data load` first",
                file=t.file,
                value=t.source,
            )
        body = "\n".join(t.lines)
        values = {
            "file": t.file,
            "text": body,
            "line_count": len(t.lines),
            "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        }
        obj = SourceText.objects.filter(source=source).first()
        if obj is None:
            SourceText.objects.create(source=source, **values)
            report.created += 1
        elif obj.sha256 != values["sha256"] or obj.file != t.file:
            SourceText.objects.filter(pk=obj.pk).update(**values)
            report.updated += 1
        else:
            report.unchanged += 1
        report.lines += len(t.lines)
    return report
