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
from typing import Any

from django.db import transaction

from circulair.core.errors import InputError
from circulair.core.flows.codes import default_catalogue
from circulair.web.apps.common import permissions
from circulair.web.apps.common.permissions import acting_user
from circulair.web.apps.common.tables import Source, iter_table, source_stream, xlsx_check
from circulair.web.apps.common.uploads import upload_keep
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

__all__ = [
    "Published",
    "dataset_delete",
    "indicators_publish",
    "municipal_import",
    "opportunity_offer",
    "register_import",
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
    except InputError as e:
        upload_keep(purpose="flows.register", name=file_name, content=stream, user=user, error=e)
        raise
    refnis = organisation.municipality.refnis if organisation.municipality_id else ""
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
        _store(ds, [_register_flow(ds, r, organisation.nace_code, refnis) for r in parsed])
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
        _store(ds, [_municipal_flow(ds, r) for r in parsed])
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


def _store(ds: Dataset, flows: list[Flow]) -> None:
    """The flows and their totals (:class:`~circulair.web.apps.flows.models.FlowTotal`)."""
    for i in range(0, len(flows), BATCH):
        Flow.objects.bulk_create(flows[i : i + BATCH])
    parts: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for f in flows:
        key = (f.year, f.chapter, f.material, f.origin_nace[:2], f.origin_refnis, f.treatment,
               f.rung, f.fraction)  # fmt: skip
        parts[key].append(f.tonnes)
    names = ("year", "chapter", "material", "division", "origin_refnis", "treatment", "rung",
             "fraction")  # fmt: skip
    FlowTotal.objects.bulk_create(
        [
            FlowTotal(
                dataset=ds, tonnes=math.fsum(ts), flows=len(ts), **dict(zip(names, k, strict=True))
            )
            for k, ts in parts.items()
        ],
        batch_size=BATCH,
    )


def _register_flow(ds: Dataset, r: RegisterRow, nace: str, refnis: str) -> Flow:
    return Flow(
        dataset=ds,
        year=r.year,
        date=r.date,
        waste_code=r.waste_code,
        chapter=r.chapter,
        hazardous=r.hazardous,
        material=r.material,
        description=r.description,
        tonnes=r.tonnes,
        treatment=r.treatment,
        rung=r.rung,
        family=r.family,
        origin_nace=nace,
        origin_refnis=refnis,
        destination=r.processor,
        destination_number=r.processor_number,
        destination_country=r.country,
        collector=r.collector,
        transport=r.transport,
        line=r.line,
    )


def _municipal_flow(ds: Dataset, r: MunicipalRow) -> Flow:
    return Flow(
        dataset=ds,
        year=r.year,
        waste_code=r.waste_code,
        chapter=r.chapter,
        hazardous=r.hazardous,
        material=r.material,
        fraction=r.fraction,
        tonnes=r.tonnes,
        origin_refnis=r.refnis,
        line=r.line,
    )


def opportunity_offer(*, user: Any, dataset: Dataset, material: str) -> Any:
    """A draft exchange offer of the tonnes of ``material`` that the register's organisation
    sent to a low rung in the latest year (per year, from today, at the organisation's
    municipality, for a year): the member checks and publishes it on the exchange."""
    permissions.require(user, "flows.dataset.view", dataset)
    opp = next((o for o in selectors.opportunities(dataset) if o["material"] == material), None)
    if opp is None or dataset.organisation is None:
        raise InputError.single(
            "not a material this register sends to energy recovery or disposal",
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
