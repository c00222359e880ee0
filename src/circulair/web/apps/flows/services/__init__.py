"""Writes of the flows app: importing a company's waste register and municipal household-waste
statistics (all-or-nothing, the file kept with its outcome either way), and removing a dataset.

A register belongs to one organisation and only its members may import it (the operator at
the command line may import for any); its origin (NACE code, municipality) is the
organisation's own. Statistics need the analyst or monitor-editor role and are public."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.errors import InputError, gettext_noop
from circulair.core.flows.codes import default_catalogue
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, iter_table, source_stream, xlsx_check
from circulair.web.apps.common.uploads import import_job, import_start, upload_keep
from circulair.web.apps.common.writes import Inserter
from circulair.web.apps.exchange import selectors as ex_selectors
from circulair.web.apps.exchange.services import listing_create
from circulair.web.apps.flows import selectors
from circulair.web.apps.flows.models import Dataset, Flow, FlowTotal
from circulair.web.apps.flows.services.indicators import Published, indicators_publish
from circulair.web.apps.flows.services.readers import (
    MunicipalRow,
    RegisterRow,
    municipal_rows,
    register_rows,
)
from circulair.web.apps.geography import selectors as geo_selectors
from circulair.web.apps.organisations import selectors as organisations
from circulair.web.apps.organisations.models import Organisation

__all__ = [
    "Published",
    "dataset_delete",
    "indicators_publish",
    "municipal_import",
    "municipal_import_start",
    "opportunity_offer",
    "register_import",
    "register_import_start",
]
log = logging.getLogger(__name__)
BATCH = 5000


def _rows(content: Source, file_name: str) -> tuple[Any, list[str], Any]:
    stream = source_stream(content)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        xlsx_check(stream, file_name)
    header, rows = iter_table(stream, file_name)
    return stream, header, rows


def _span(years: Sequence[int]) -> tuple[int | None, int | None]:
    return (min(years), max(years)) if years else (None, None)


def register_import(
    *,
    organisation: Any,
    content: Source,
    file_name: str,
    user: Any = None,
    name: str = "",
) -> Dataset:
    """Import a company's waste register (CSV/XLSX) as a dataset of ``organisation``.

    Columns (Dutch or English names): date or year, waste_code (EURAL), description, quantity,
    unit (t or kg), treatment (R1-R13, D1-D15 or preparing for re-use), processor,
    processor_number (enterprise number), country, collector, transport. Every row is
    classified (material, rung) on import; one bad cell refuses the whole file."""
    permissions.require(user, "flows.register.import", organisation)
    stream = source_stream(content)
    try:
        stream, header, rows = _rows(stream, file_name)
        parsed = register_rows(header, rows, file=file_name, cat=default_catalogue())
        refnis = organisation.municipality.refnis if organisation.municipality_id else ""
        nace = organisation.nace_code or ""
        values = _checked([_register_flow(r, nace, refnis) for r in parsed], file_name)
    except InputError as e:
        upload_keep(purpose="flows.register", name=file_name, content=stream, user=user, error=e)
        raise
    with transaction.atomic():
        up = upload_keep(purpose="flows.register", name=file_name, content=stream, user=user)
        ds = _dataset(
            kind=Dataset.Kind.REGISTER,
            name=name or f"{organisation.name}: {file_name}",
            organisation=organisation,
            source=organisation.name,
            licence="",
            upload=up,
            user=user,
            rows=parsed,
        )
        _store(ds, values)
    log.info("flows register %s of %s: %d rows", file_name, organisation.pk, len(parsed))
    return ds


def municipal_import(
    *,
    content: Source,
    file_name: str,
    user: Any = None,
    name: str = "",
    source: str = "",
    licence: str = "",
) -> Dataset:
    """Import household waste per municipality and fraction (refnis, year, fraction, tonnes),
    the shape of the yearly municipal statistics; public, for analysts and monitor editors."""
    permissions.require(user, "flows.statistics.import")
    region = geo_selectors.region_default()
    municipalities = {m.refnis: m for m in geo_selectors.municipality_list(region=region)}
    stream = source_stream(content)
    try:
        stream, header, rows = _rows(stream, file_name)
        parsed = municipal_rows(
            header, rows, file=file_name, cat=default_catalogue(), municipalities=municipalities
        )
        values = _checked([_municipal_flow(r) for r in parsed], file_name)
    except InputError as e:
        upload_keep(purpose="flows.municipal", name=file_name, content=stream, user=user, error=e)
        raise
    with transaction.atomic():
        up = upload_keep(purpose="flows.municipal", name=file_name, content=stream, user=user)
        ds = _dataset(
            kind=Dataset.Kind.MUNICIPAL,
            name=name or file_name,
            organisation=None,
            source=source,
            licence=licence,
            upload=up,
            user=user,
            rows=parsed,
        )
        _store(ds, values)
        ds.published = indicators_publish(user=user, upload=up)  # type: ignore[attr-defined]
    log.info("flows municipal %s: %d rows", file_name, len(parsed))
    return ds


def dataset_delete(*, dataset: Dataset, user: Any = None) -> None:
    """Remove a dataset and its flows (the imported file stays in the uploads); the monitor's
    flow indicators are recomputed from the statistics that remain."""
    permissions.require(user, "flows.dataset.delete", dataset)
    with transaction.atomic():
        municipal = dataset.kind == Dataset.Kind.MUNICIPAL
        dataset.delete()
        if municipal:
            indicators_publish(user=user)


def _dataset(
    *,
    kind: str,
    name: str,
    organisation: Any,
    source: str,
    licence: str,
    upload: Any,
    user: Any,
    rows: Sequence[RegisterRow] | Sequence[MunicipalRow],
) -> Dataset:
    y0, y1 = _span([r.year for r in rows])
    ds = Dataset(
        kind=kind,
        name=name[:200],
        organisation=organisation,
        source=source[:300],
        licence=licence[:120],
        upload=upload,
        rows=len(rows),
        tonnes=sum(r.tonnes for r in rows),
        year_from=y0,
        year_to=y1,
        created_by=acting_user(user),
    )
    ds.full_clean()
    ds.save()
    return ds


#: The columns of a stored flow, in :class:`Inserter` order.
FLOW_ROW = (
    "year",
    "date",
    "waste_code",
    "chapter",
    "hazardous",
    "material",
    "description",
    "fraction",
    "tonnes",
    "treatment",
    "rung",
    "family",
    "origin_nace",
    "origin_refnis",
    "destination",
    "destination_number",
    "destination_country",
    "collector",
    "transport",
    "line",
)
_TOTAL_KEY = ("year", "chapter", "material", "division", "origin_refnis", "treatment", "rung",
              "fraction")  # fmt: skip


def _checked(rows: list[tuple[Any, ...]], file_name: str) -> list[tuple[Any, ...]]:
    """The rows, refused with every text longer than its column named by line."""
    rules = Inserter(Flow, FLOW_ROW)
    problems = [p.at(file=file_name, row=r[-1]) for r in rows for p in rules.check(r)]
    if problems:
        raise InputError(problems)
    return rows


def _store(ds: Dataset, rows: Sequence[tuple[Any, ...]]) -> None:
    """The flows (values in :data:`FLOW_ROW` order) and their totals
    (:class:`~circulair.web.apps.flows.models.FlowTotal`), by the one bulk path."""
    flows = Inserter(Flow, FLOW_ROW, dataset_id=ds.pk)
    for i in range(0, len(rows), BATCH):
        flows.insert(rows[i : i + BATCH])
    parts: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for r in rows:
        # year, chapter, material, NACE division, municipality, treatment, rung, fraction
        parts[(r[0], r[3], r[5], r[12][:2], r[13], r[9], r[10], r[7])].append(r[8])
    totals = Inserter(FlowTotal, [*_TOTAL_KEY, "tonnes", "flows"], dataset_id=ds.pk)
    items = [(*k, math.fsum(ts), len(ts)) for k, ts in parts.items()]
    for i in range(0, len(items), BATCH):
        totals.insert(items[i : i + BATCH])


def _register_flow(r: RegisterRow, nace: str, refnis: str) -> tuple[Any, ...]:
    return (
        r.year,
        r.date,
        r.waste_code,
        r.chapter,
        r.hazardous,
        r.material,
        r.description,
        "",
        r.tonnes,
        r.treatment,
        r.rung,
        r.family,
        nace,
        refnis,
        r.processor,
        r.processor_number,
        r.country,
        r.collector,
        r.transport,
        r.line,
    )


def _municipal_flow(r: MunicipalRow) -> tuple[Any, ...]:
    return (
        r.year,
        None,
        r.waste_code,
        r.chapter,
        r.hazardous,
        r.material,
        "",
        r.fraction,
        r.tonnes,
        "",
        "",
        "",
        "",
        r.refnis,
        "",
        "",
        "",
        "",
        "",
        r.line,
    )


def opportunity_offer(*, user: Any, dataset: Dataset, material: str) -> Any:
    """A draft exchange offer of the tonnes of ``material`` that the register's organisation
    sent to a low rung in the latest year (per year, from today, at the organisation's
    municipality, for a year): the member checks and publishes it on the exchange."""
    permissions.require(user, "flows.dataset.view", dataset)
    opp = next((o for o in selectors.opportunities(dataset) if o["material"] == material), None)
    if opp is None or dataset.organisation is None:
        raise InputError.coded(
            "material_not_opportunity",
            gettext_noop("not a material this register sends to energy recovery or disposal"),
            field="material",
            value=material,
        )
    org = dataset.organisation
    code = (
        dataset.flows.filter(year=opp["year"], material=material)
        .values_list("waste_code", flat=True)
        .first()
    )
    name = ex_selectors.material_label(material)
    return listing_create(
        user=user,
        organisation=org,
        data={
            "kind": "offer",
            "title": name,
            "description": f"{opp['tonnes']:.3g} t ({opp['year']}), {dataset.name}",
            "material": material,
            "ewc": code or "",
            "route": "recycle",
            "quantity": round(opp["tonnes"], 3),
            "unit": "t",
            "frequency": "per_year",
            "available_from": dt.date.today(),
            "available_to": dt.date.today() + dt.timedelta(days=365),
            "refnis": org.municipality.refnis if org.municipality is not None else "",
        },
    )


# --- large files as background jobs (issue 16) ------------------------------------------------
# A register or a year of municipal statistics of a million rows takes close to a minute to
# check, write and total, which must not hold a web process: the worker runs the same import as
# the account that sent the file. The municipal import recomputes the monitor's flow indicators
# in its own transaction, so the monitor never shows figures of statistics that are not stored.
REGISTER = "flows.register"
MUNICIPAL = "flows.municipal"


def register_import_start(
    *, user: Any, organisation: Organisation, content: Source, file_name: str, name: str = ""
) -> Job:
    """Queue a large register of ``organisation``; ``/jobs/<id>/`` follows it. The permission
    is checked now, and again by the worker's import (a membership may end in between)."""
    permissions.require(user, "flows.register.import", organisation)
    return import_start(
        REGISTER,
        content=content,
        file_name=file_name,
        user=user,
        organisation=organisation.pk,
        name=name,
    )


def municipal_import_start(
    *,
    user: Any,
    content: Source,
    file_name: str,
    name: str = "",
    source: str = "",
    licence: str = "",
) -> Job:
    """Queue a large file of municipal statistics; ``/jobs/<id>/`` follows it."""
    permissions.require(user, "flows.statistics.import")
    return import_start(
        MUNICIPAL,
        content=content,
        file_name=file_name,
        user=user,
        name=name,
        source=source,
        licence=licence,
    )


def flows_import_outcome(result: dict[str, Any]) -> str:
    """The sentence a finished import ends with, in the reader's language."""
    return _("Imported %(n)d flows.") % {"n": result.get("rows", 0)}


@import_job(
    REGISTER, title=gettext_lazy("Import of a waste register"), outcome=flows_import_outcome
)
def register_import_run(
    stream: IO[bytes], params: dict[str, Any], user: Any, progress: jobs.Progress
) -> dict[str, Any]:
    """The worker's side of :func:`register_import_start`."""
    org = organisations.job_organisation(params)
    ds = register_import(
        organisation=org,
        content=stream,
        file_name=str(params["file_name"]),
        user=user,
        name=str(params.get("name") or ""),
    )
    return {"rows": ds.rows, "dataset": ds.pk, "url": reverse("flows:dataset", args=[ds.pk])}


@import_job(
    MUNICIPAL,
    title=gettext_lazy("Import of municipal waste statistics"),
    outcome=flows_import_outcome,
)
def municipal_import_run(
    stream: IO[bytes], params: dict[str, Any], user: Any, progress: jobs.Progress
) -> dict[str, Any]:
    """The worker's side of :func:`municipal_import_start`."""
    ds = municipal_import(
        content=stream,
        file_name=str(params["file_name"]),
        user=user,
        name=str(params.get("name") or ""),
        source=str(params.get("source") or ""),
        licence=str(params.get("licence") or ""),
    )
    return {"rows": ds.rows, "dataset": ds.pk, "url": reverse("flows:dataset", args=[ds.pk])}
