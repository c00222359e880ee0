"""Writes to the monitor: seeding from the knowledge base and importing observations.

Imports are all-or-nothing; a value that replaces another is first copied to the history; the
uploaded file is kept whether it was accepted or not. Under the four-eyes rule an editor's import
waits as a batch for a second editor (:mod:`circulair.web.apps.monitor.services.approval`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.errors import InputError
from circulair.core.knowledge import KnowledgeBase
from circulair.core.monitor.importer import parse_observations
from circulair.core.monitor.model import Observation as CoreObservation
from circulair.core.monitor.model import monitor_from_knowledge
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.history import change_record, changes_diff, changes_insert
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import (
    Source,
    size_check,
    source_stream,
    xlsx_check,
)
from circulair.web.apps.common.uploads import import_job, import_start, upload_keep
from circulair.web.apps.common.writes import Inserter
from circulair.web.apps.monitor import selectors
from circulair.web.apps.monitor.models import ImportBatch, Indicator, Observation, Target
from circulair.web.apps.monitor.services import notices

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Under the four-eyes rule: the batch waiting for a second editor (nothing stored yet).
    batch: ImportBatch | None = None

    @property
    def changes(self) -> int:
        return self.created + self.updated


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    if any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        return obj, True
    return obj, False


@transaction.atomic
def monitor_load(*, kb: KnowledgeBase) -> int:
    """Indicators, targets and the source documents' figures; imported values are kept.

    Returns the number of changed rows (0 on a second run)."""
    data = monitor_from_knowledge(kb)
    changes = 0
    records = {r.slug: r for r in kb.records if r.kind in ("indicator", "target")}
    inds: dict[str, Indicator] = {}
    for slug, ind in data.indicators.items():
        rec = records[slug]
        inds[slug], changed = _upsert(
            Indicator,
            {"slug": slug},
            {
                "name_nl": ind.name_nl,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "direction": ind.direction,
                "description_nl": rec.description.get("nl", ""),
                "description_en": rec.description.get("en", ""),
            },
        )
        changes += changed
    for t in data.targets:
        rec = records[t.slug]
        _obj, changed = _upsert(
            Target,
            {"slug": t.slug},
            {
                "indicator": inds[t.indicator],
                "name_nl": rec.name["nl"],
                "name_en": rec.name.get("en", ""),
                "region": t.region,
                "baseline_year": t.baseline_year,
                "baseline_value": t.baseline_value,
                "target_year": t.target_year,
                "target_value": t.target_value,
                "target_type": t.target_type,
                "unit": t.unit,
                "strict": t.strict,
                "order": rec.order,
            },
        )
        changes += changed
    for o in data.observations:
        changes += _store(o, origin=Observation.Origin.DATA, inds=inds, keep_imported=True)
    return changes


def _store(
    o: CoreObservation,
    *,
    origin: str,
    inds: dict[str, Indicator],
    keep_imported: bool = False,
    user: Any = None,
    upload: Any = None,
) -> int:
    obj = Observation.objects.filter(
        indicator=inds[o.indicator], region=o.region, year=o.year
    ).first()
    values = {"value": o.value, "unit": o.unit, "source": o.source[:300], "note": o.note}
    if obj is None:
        obj = Observation.objects.create(
            indicator=inds[o.indicator],
            region=o.region,
            year=o.year,
            origin=origin,
            updated_by=acting_user(user),
            **values,
        )
        change_record(obj, "create", changes_diff({}, values), user, upload=upload)
        return 1
    if keep_imported and obj.origin != Observation.Origin.DATA:
        return 0
    if all(getattr(obj, k) == v for k, v in values.items()) and obj.origin == origin:
        return 0
    before = {k: getattr(obj, k) for k in (*values, "origin")}
    change_record(
        obj, "replace", changes_diff(before, {**values, "origin": origin}), user, upload=upload
    )
    for k, v in values.items():
        setattr(obj, k, v)
    obj.origin = origin
    obj.updated_by = acting_user(user)
    obj.save()
    return 1


def four_eyes() -> bool:
    """Does an editor's import wait for a second editor (``CIRCULAIR_MONITOR_FOUR_EYES``)?"""
    return bool(getattr(settings, "CIRCULAIR_MONITOR_FOUR_EYES", False))


BATCH = 5000  # rows per bulk insert of an import


def observations_import(
    *,
    content: Source,
    file_name: str,
    user: Any = None,
    confirm: bool = False,
    progress: jobs.Progress | None = None,
) -> ImportReport:
    """Import a CSV/XLSX of observations (long or wide template); all-or-nothing.

    A value that is implausible after conversion (a thousandfold away from the stored
    neighbouring values, or rounding to 0 in an empty series; see
    :mod:`circulair.core.monitor.importer.plausibility`) refuses the file unless ``confirm``.

    ``user`` None is the operator (CLI); a person needs the monitor-editor role. Under the
    four-eyes rule a person's valid file is not stored but kept as a pending batch
    (``report.batch``; the counts are what approving it would change) and the other editors
    are told; nothing public changes until one of them approves it.

    ``content`` may be an open file (an upload spooled to disk): it is read in chunks.
    ``progress`` (a background import) is told when reading ends and storing begins."""
    if user is not None:
        permissions.require(user, "monitor.observations.import")
    content = source_stream(content)
    try:
        size_check(content, file_name)
        if file_name.lower().endswith((".xlsx", ".xlsm")):
            xlsx_check(content, file_name)
        parsed = parse_observations(
            content,
            file_name,
            indicators=selectors.core_indicators(),
            regions=selectors.known_regions(),
            series=selectors.stored_series(),
            confirm=confirm,
        )
    except InputError as e:
        upload_keep(purpose="observations", name=file_name, content=content, user=user, error=e)
        raise
    if progress is not None:
        progress(0.9, "storing")
    if user is not None and four_eyes():
        return _batch_submit(parsed, content=content, file_name=file_name, user=user)
    with transaction.atomic():
        up = upload_keep(purpose="observations", name=file_name, content=content, user=user)
        report = figures_store(parsed, user=user, upload=up)
    log.info(
        "observations import %s: %d rows (%d new, %d updated)",
        file_name,
        len(parsed),
        report.created,
        report.updated,
    )
    return report


def observations_import_start(
    *, content: Source, file_name: str, user: Any, confirm: bool = False
) -> Job:
    """Import a large file as a background job (``monitor.import``): the upload is staged for
    the worker, which reports how much of the file it has read; ``/jobs/<id>/`` shows it and,
    once done, the outcome and where it leads (the dashboard, or the batch waiting for a second
    editor). The same checks and the same all-or-nothing import as :func:`observations_import`.
    """
    permissions.require(user, "monitor.observations.import")
    return import_start(
        "monitor.import", content=content, file_name=file_name, user=user, confirm=bool(confirm)
    )


def import_summary(rep: ImportReport) -> dict[str, Any]:
    """An import's counts and the page it leads to (the dashboard, or the waiting batch)."""
    return {
        "created": rep.created,
        "updated": rep.updated,
        "unchanged": rep.unchanged,
        "batch": rep.batch.pk if rep.batch is not None else None,
        "url": reverse("monitor:import_batch", args=[rep.batch.pk])
        if rep.batch is not None
        else reverse("monitor:dashboard"),
    }


def import_outcome(result: dict[str, Any]) -> str:
    """The sentence an import ends with, in the active language (page message or job page)."""
    if result.get("batch"):
        return _(
            "The file is valid: %(c)d new and %(u)d updated figures wait for a second editor's "
            "approval; nothing is public yet."
        ) % {"c": result["created"], "u": result["updated"]}
    return _("Imported: %(c)d new, %(u)d updated, %(n)d unchanged.") % {
        "c": result["created"],
        "u": result["updated"],
        "n": result["unchanged"],
    }


@import_job("monitor.import", title=gettext_lazy("Import of figures"), outcome=import_outcome)
def import_job_run(
    stream: IO[bytes], params: dict[str, Any], user: Any, progress: jobs.Progress
) -> dict[str, Any]:
    """The worker's side of a large import: the same import, as the account that started it."""
    rep = observations_import(
        content=stream,
        file_name=str(params["file_name"]),
        user=user,
        confirm=bool(params.get("confirm")),
        progress=progress,
    )
    return import_summary(rep)


def figures_store(parsed: list[CoreObservation], *, user: Any, upload: Any) -> ImportReport:
    """Store validated figures as an import does (each change in the log with the upload);
    the caller holds the transaction. New figures are inserted, and their history written, in
    batches of :data:`BATCH` (a million-row file in a minute); a replaced one goes through
    :func:`_store` with its before/after."""
    inds = {i.slug: i for i in Indicator.objects.all()}
    report = ImportReport()
    existing = set(Observation.objects.values_list("indicator__slug", "region", "year"))
    by = acting_user(user)
    new = Inserter(
        Observation,
        ["indicator_id", "region", "year", "value", "unit", "source", "note"],
        origin=Observation.Origin.IMPORT,
        updated_by_id=getattr(by, "pk", None),
    )
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        ids = new.insert(batch)
        logged = ("value", "unit", "source", "note")
        changes_insert(
            Observation,
            ids,
            "create",
            [
                {k: [None, v] for k, v in zip(logged, row[3:], strict=True) if v is not None}
                for row in batch
            ],
            user=user,
            upload=upload,
        )
        batch.clear()

    for o in parsed:
        if (o.indicator, o.region, o.year) not in existing:
            batch.append(
                (inds[o.indicator].pk, o.region, o.year, o.value, o.unit, o.source[:300], o.note)
            )
            report.created += 1
            if len(batch) >= BATCH:
                flush()
        elif _store(o, origin=Observation.Origin.IMPORT, inds=inds, user=user, upload=upload):
            report.updated += 1
        else:
            report.unchanged += 1
    flush()
    return report


def figures_preview(parsed: list[CoreObservation]) -> ImportReport:
    """What storing ``parsed`` would do now (the same rule as :func:`_store`), writing nothing."""
    current = {
        (o.indicator.slug, o.region, o.year): o
        for o in Observation.objects.select_related("indicator")
    }
    report = ImportReport()
    for o in parsed:
        obj = current.get(o.key)
        if obj is None:
            report.created += 1
        elif (
            obj.value == o.value
            and obj.unit == o.unit
            and obj.source == o.source[:300]
            and obj.note == o.note
            and obj.origin == Observation.Origin.IMPORT
        ):
            report.unchanged += 1
        else:
            report.updated += 1
    return report


def _batch_submit(
    parsed: list[CoreObservation], *, content: Source, file_name: str, user: Any
) -> ImportReport:
    report = figures_preview(parsed)
    with transaction.atomic():
        up = upload_keep(purpose="observations", name=file_name, content=content, user=user)
        batch = ImportBatch.objects.create(
            upload=up,
            figures=[o.as_dict() for o in parsed],
            created=report.created,
            replaced=report.updated,
            unchanged=report.unchanged,
            created_by=user,
        )
        change_record(
            batch,
            "create",
            {"status": [None, batch.status], "figures": [None, len(parsed)]},
            user,
            upload=up,
        )
    notices.batch_pending_notify(batch)
    log.info("observations import %s: %d rows waiting for approval", file_name, len(parsed))
    report.batch = batch
    return report


def observation_record(
    *,
    indicator: str,
    region: str,
    year: int,
    value: float,
    unit: str,
    source: str,
    note: str = "",
    origin: str = Observation.Origin.AGENDA,
    user: Any = None,
) -> int:
    """Record one observation computed elsewhere (e.g. the agenda's yearly evaluation)."""
    inds = {i.slug: i for i in Indicator.objects.filter(slug=indicator)}
    if indicator not in inds:
        raise InputError.single("unknown indicator", field="indicator", value=indicator)
    with transaction.atomic():
        return _store(
            CoreObservation(
                indicator=indicator,
                region=region,
                year=year,
                value=value,
                unit=unit,
                source=source,
                note=note,
            ),
            origin=origin,
            inds=inds,
            user=user,
        )
