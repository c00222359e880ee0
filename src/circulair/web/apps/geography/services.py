"""Writes to the reference geography: loading a region's shipped files and importing partitions
and population figures (all-or-nothing, the uploaded file always kept)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from circulair.core.errors import InputError
from circulair.core.geo import (
    RegionGeography,
    parse_partition_csv,
    parse_population_csv,
    partition_by_arrondissement,
    partition_by_province,
)
from circulair.core.geo.boundaries import dump_boundaries, parse_boundaries
from circulair.core.geo.partition import Partition as CorePartition
from circulair.core.tables import decode_text
from circulair.web.apps.common import permissions
from circulair.web.apps.common.tables import Source, size_check, source_stream
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.geography import selectors
from circulair.web.apps.geography.models import (
    Arrondissement,
    Municipality,
    Partition,
    PartitionMember,
    PartitionUnit,
    Province,
    Region,
    RegionBoundaries,
)

log = logging.getLogger(__name__)

BUILTIN_PARTITIONS = {
    "arrondissement": ("Arrondissementen / arrondissements", partition_by_arrondissement),
    "province": ("Provincies / provinces", partition_by_province),
}


@dataclass
class GeoLoadReport:
    region: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_population: int = 0  # populations a person imported or edited, left as they are

    @property
    def changes(self) -> int:
        return self.created + self.updated


def _upsert(
    model: Any, lookup: dict[str, Any], values: dict[str, Any], report: GeoLoadReport
) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created += 1
        return model.objects.create(**lookup, **values)
    if any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        report.updated += 1
    else:
        report.unchanged += 1
    return obj


@transaction.atomic
def region_load(*, slug: str, geo: RegionGeography) -> GeoLoadReport:
    """Synchronise one region's provinces, arrondissements, municipalities and built-in
    partitions with its data files. Running it twice changes nothing."""
    t0 = time.perf_counter()
    report = GeoLoadReport(region=slug)
    region = _upsert(
        Region,
        {"slug": slug},
        {
            "code": geo.code,
            "name_nl": geo.names.get("nl", slug),
            "name_en": geo.names.get("en", ""),
            "name_fr": geo.names.get("fr", ""),
            "center_lat": geo.center[0],
            "center_lon": geo.center[1],
            "zoom": geo.zoom,
            "sources": list(geo.sources),
        },
        report,
    )
    provs = {
        p.refnis: _upsert(
            Province,
            {"region": region, "refnis": p.refnis},
            {"name_nl": p.name_nl, "name_fr": p.name_fr, "name_en": p.name_en},
            report,
        )
        for p in geo.provinces
    }
    arrs = {
        a.refnis: _upsert(
            Arrondissement,
            {"region": region, "refnis": a.refnis},
            {"name_nl": a.name_nl, "name_fr": a.name_fr, "province": provs[a.province_refnis]},
            report,
        )
        for a in geo.arrondissements
    }
    existing = {m.refnis: m for m in Municipality.objects.filter(region=region)}
    fields = (
        "name_nl",
        "name_fr",
        "arrondissement_id",
        "province_id",
        "lat",
        "lon",
        "population",
        "population_source",
        "postal_codes",
        "central_city",
    )
    to_create, to_update = [], []
    for m in geo.municipalities:
        values = {
            "name_nl": m.name_nl,
            "name_fr": m.name_fr,
            "arrondissement_id": arrs[m.arrondissement_refnis].pk,
            "province_id": provs[m.province_refnis].pk,
            "lat": m.lat,
            "lon": m.lon,
            "population": m.population,
            "population_source": m.population_source,
            "postal_codes": " ".join(m.postal_codes),
            "central_city": m.central_city,
        }
        obj = existing.get(m.refnis)
        if obj is not None and obj.population_origin != Municipality.Origin.DATA:
            # Imported or edited by a person: the shipped proxy never overwrites it.
            if (obj.population, obj.population_source) != (m.population, m.population_source):
                report.kept_population += 1
            del values["population"], values["population_source"]
        if obj is None:
            to_create.append(Municipality(region=region, refnis=m.refnis, **values))
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            to_update.append(obj)  # bulk_update writes every field: kept ones are unchanged
    Municipality.objects.bulk_create(to_create)
    if to_update:
        Municipality.objects.bulk_update(to_update, list(fields))
    report.created += len(to_create)
    report.updated += len(to_update)
    report.unchanged += len(geo.municipalities) - len(to_create) - len(to_update)
    for pslug, (pname, builder) in BUILTIN_PARTITIONS.items():
        existed = Partition.objects.filter(region=region, slug=pslug).exists()
        changed = _store_partition(
            region=region,
            slug=pslug,
            name=pname,
            kind=Partition.Kind.BUILTIN,
            partition=builder(geo),
            unit_names=_unit_names(geo, pslug),
        )
        if changed and existed:
            report.updated += 1
        elif changed:
            report.created += 1
        else:
            report.unchanged += 1
    log.info(
        "geography load %s: %d municipalities (%d created, %d updated, %d imported "
        "populations kept) in %.2fs",
        slug,
        len(geo.municipalities),
        report.created,
        report.updated,
        report.kept_population,
        time.perf_counter() - t0,
    )
    return report


def _unit_names(geo: RegionGeography, kind: str) -> dict[str, str]:
    items = geo.arrondissements if kind == "arrondissement" else geo.provinces
    return {x.refnis: x.name_nl for x in items}


def _store_partition(
    *,
    region: Region,
    slug: str,
    name: str,
    kind: str,
    partition: CorePartition,
    unit_names: dict[str, str],
    upload: Any = None,
) -> bool:
    """Create or replace a partition; returns False when the stored one is already identical."""
    current = Partition.objects.filter(region=region, slug=slug).first()
    wanted = {(m, u) for m, u in partition.unit_of.items()}
    if current is not None:
        have = set(
            PartitionMember.objects.filter(partition=current).values_list(
                "municipality__refnis", "unit__code"
            )
        )
        names = dict(current.units.values_list("code", "name"))
        same_names = all(
            names.get(u, "") == unit_names.get(u, names.get(u, "")) for u in partition.units()
        )
        if have == wanted and current.name == name and same_names:
            return False
        current.delete()
    p = Partition(region=region, slug=slug, name=name, kind=kind, upload=upload)
    p.full_clean()
    p.save()
    units = {
        u: PartitionUnit(partition=p, code=u, name=unit_names.get(u, "")) for u in partition.units()
    }
    PartitionUnit.objects.bulk_create(units.values())
    mids = dict(Municipality.objects.filter(region=region).values_list("refnis", "pk"))
    PartitionMember.objects.bulk_create(
        PartitionMember(partition=p, unit=units[u], municipality_id=mids[m])
        for m, u in sorted(partition.unit_of.items())
    )
    return True


def partition_import(
    *, region: Region, name: str, file_name: str, content: bytes, slug: str = "", user: Any = None
) -> Partition:
    """Import a partition from a CSV (``refnis,unit[,unit_name]``); every municipality of the
    region must belong to exactly one unit. Raises InputError naming every problem; the
    uploaded file is kept either way. ``user`` None is the operator (CLI)."""
    if user is not None:
        permissions.require(user, "geography.partition.import")
    slug = slug or slugify(name)[:80]
    problems_file = file_name or "upload.csv"
    try:
        if not slug:
            raise InputError.single("a partition needs a name", field="name", value=name)
        if Partition.objects.filter(region=region, slug=slug, kind=Partition.Kind.BUILTIN).exists():
            raise InputError.single(
                "this name is taken by a built-in partition", field="name", value=name
            )
        text = _decode(content, problems_file)
        geo = selectors.region_geography(region)
        part = parse_partition_csv(text, geo, name=name, file=problems_file)
    except InputError as e:
        upload_keep(purpose="partition", name=problems_file, content=content, user=user, error=e)
        raise
    with transaction.atomic():
        up = upload_keep(purpose="partition", name=problems_file, content=content, user=user)
        _store_partition(
            region=region,
            slug=slug,
            name=name,
            kind=Partition.Kind.IMPORTED,
            partition=part,
            unit_names=dict(getattr(part, "unit_names", {}) or {}),
            upload=up,
        )
    log.info(
        "partition import %s/%s: %d units, %d municipalities",
        region.slug,
        slug,
        len(part.units()),
        len(part.unit_of),
    )
    return Partition.objects.get(region=region, slug=slug)


def population_import(
    *, region: Region, file_name: str, content: Source, source: str, user: Any = None
) -> int:
    """Replace municipality populations from a CSV ``refnis,population``; returns rows applied.

    ``user`` None is the operator (CLI); a person needs the monitor-editor role."""
    if user is not None:
        permissions.require(user, "geography.population.import")
    try:
        stream = source_stream(content)
        size_check(stream, file_name)
        pop = parse_population_csv(stream, selectors.region_geography(region), file=file_name)
    except InputError as e:
        upload_keep(purpose="population", name=file_name, content=content, user=user, error=e)
        raise
    with transaction.atomic():
        upload_keep(purpose="population", name=file_name, content=content, user=user)
        objs = list(Municipality.objects.filter(region=region, refnis__in=list(pop)))
        for m in objs:
            m.population = pop[m.refnis]
            m.population_source = source[:200]
            m.population_origin = Municipality.Origin.IMPORT
        Municipality.objects.bulk_update(
            objs, ["population", "population_source", "population_origin"]
        )
    return len(objs)


def boundaries_import(
    *, region: Region, file_name: str, content: bytes, source: str = "", user: Any = None
) -> RegionBoundaries:
    """Replace the region's approximate municipality boundaries by official ones (GeoJSON
    FeatureCollection keyed by REFNIS); all-or-nothing, the uploaded file kept either way.
    ``user`` None is the operator (CLI); a person needs the role geography_editor."""
    if user is not None:
        permissions.require(user, "geography.boundaries.import")
    munis = list(
        Municipality.objects.filter(region=region).values_list(
            "refnis", "name_nl", "arrondissement__refnis", "province__refnis"
        )
    )
    try:
        b = parse_boundaries(
            content,
            file=file_name,
            municipalities=[m[0] for m in munis],
            source=(source or file_name)[:300],
        )
    except InputError as e:
        upload_keep(purpose="boundaries", name=file_name, content=content, user=user, error=e)
        raise
    props = {r: {"name": n, "arrondissement": a, "province": p} for r, n, a, p in munis}
    with transaction.atomic():
        up = upload_keep(purpose="boundaries", name=file_name, content=content, user=user)
        stored, _ = RegionBoundaries.objects.update_or_create(
            region=region,
            defaults={
                "source": b.source,
                "content": dump_boundaries(b, props),
                "municipalities": len(b.polygons),
                "upload": up,
            },
        )
    log.info("boundaries import %s: %d municipalities from %s", region.slug, len(munis), file_name)
    return stored


def boundaries_reset(*, region: Region) -> bool:
    """Go back to the shipped approximate boundaries; False when none were imported."""
    deleted, _ = RegionBoundaries.objects.filter(region=region).delete()
    return deleted > 0


def _decode(content: bytes, file_name: str) -> str:
    return decode_text(content, file=file_name)
