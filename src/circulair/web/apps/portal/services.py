"""Keeping uploaded files."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from circulair.core.errors import InputError
from circulair.web.apps.portal.models import Upload


def upload_keep(*, purpose: str, name: str, content: bytes, user: Any = None,
                error: InputError | None = None) -> Upload:
    """Store an uploaded file with its outcome, whether the import was accepted or not."""
    up = Upload(purpose=purpose, original_name=name,
                status=Upload.Status.REJECTED if error else Upload.Status.ACCEPTED,
                problems=[p.as_dict() for p in error.problems] if error else [],
                created_by=user if getattr(user, "is_authenticated", False) else None)
    up.file.save(name, ContentFile(content), save=False)
    up.full_clean()
    up.save()
    return up


def reference_data_load(*, regions: list[str] | None = None) -> dict[str, Any]:
    """Load (or re-synchronise) the shipped knowledge base and reference geography.

    Idempotent: a second run reports zero changes. Raises InputError when a data file is invalid.
    """
    from circulair.core.geo import available_regions, load_region
    from circulair.core.knowledge import load_knowledge
    from circulair.web.apps.geography.services import region_load
    from circulair.web.apps.knowledge.services import knowledge_load
    from circulair.web.apps.monitor.services import monitor_load

    kb = load_knowledge()
    kb_report = knowledge_load(kb=kb)
    geo_reports = [region_load(slug=slug, geo=load_region(slug))
                   for slug in (regions or available_regions())]
    monitor_changes = monitor_load(kb=kb)
    from circulair.web.apps.doers.services import cases_seed
    from circulair.web.apps.scan.services import questionnaire_sync

    doers_report = cases_seed()
    scan_changes = questionnaire_sync()["questionnaire_versions"]
    return {"knowledge": kb_report, "regions": geo_reports, "monitor": monitor_changes,
            "doers": doers_report, "scan": scan_changes,
            "changes": kb_report.changes + sum(r.changes for r in geo_reports)
            + monitor_changes + doers_report.changes + scan_changes}
