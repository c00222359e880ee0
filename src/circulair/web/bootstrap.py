"""Start-up orchestration: load the shipped reference data of every app.

It sits above all apps (it imports five of them), so no app imports it and no import circle forms.
"""

from __future__ import annotations

from typing import Any

from circulair.core.geo import available_regions, load_region
from circulair.core.knowledge import load_knowledge
from circulair.web.apps.doers.services import cases_seed
from circulair.web.apps.geography.services import region_load
from circulair.web.apps.knowledge.services import knowledge_load
from circulair.web.apps.monitor.services import monitor_load
from circulair.web.apps.scan.services import questionnaire_sync


def reference_data_load(*, regions: list[str] | None = None) -> dict[str, Any]:
    """Load (or re-synchronise) the shipped knowledge base and reference geography.

    Idempotent: a second run reports zero changes. Raises InputError when a data file is invalid.
    """
    kb = load_knowledge()
    kb_report = knowledge_load(kb=kb)
    geo_reports = [
        region_load(slug=slug, geo=load_region(slug)) for slug in (regions or available_regions())
    ]
    monitor_changes = monitor_load(kb=kb)

    doers_report = cases_seed()
    scan_changes = questionnaire_sync()["questionnaire_versions"]
    return {
        "knowledge": kb_report,
        "regions": geo_reports,
        "monitor": monitor_changes,
        "doers": doers_report,
        "scan": scan_changes,
        "changes": kb_report.changes
        + sum(r.changes for r in geo_reports)
        + monitor_changes
        + doers_report.changes
        + scan_changes,
    }
