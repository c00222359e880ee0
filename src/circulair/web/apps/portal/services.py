"""Keeping uploaded files."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from circulair.core.errors import InputError
from circulair.web.apps.portal.models import Upload, problems_kept


def upload_keep(*, purpose: str, name: str, content: bytes, user: Any = None,
                error: InputError | None = None) -> Upload:
    """Store an uploaded file with its outcome, whether the import was accepted or not.

    The file is written first (the row names it), and removed again when the row cannot be
    saved, so a failed save leaves no file without a record. A file whose row is rolled back
    later with the caller's transaction, or whose process is killed between the two writes, is
    removed by :func:`~circulair.web.apps.portal.models.uploads_orphans_remove`. Only the first
    ``PROBLEMS_KEPT`` problems are stored, with the count of all of them."""
    problems, count = problems_kept(error.problems) if error else ([], 0)
    up = Upload(purpose=purpose, original_name=name[:255],
                status=Upload.Status.REJECTED if error else Upload.Status.ACCEPTED,
                problems=problems, problem_count=count,
                created_by=user if getattr(user, "is_authenticated", False) else None)
    up.file.save(name, ContentFile(content), save=False)
    stored = up.file.name
    try:
        up.full_clean()
        up.save()
    except BaseException:
        up.file.storage.delete(stored)
        raise
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
