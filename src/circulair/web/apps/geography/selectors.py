"""Reads of the reference geography, and the adapter from the database to core dataclasses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from circulair.core.geo import RegionGeography
from circulair.core.geo import reference as core
from circulair.core.geo.boundaries import Boundaries, boundaries_from_text, load_boundaries
from circulair.core.geo.mapview import MapShapes, project
from circulair.web.apps.geography.models import (
    Arrondissement,
    Municipality,
    Partition,
    Province,
    Region,
    RegionBoundaries,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _MunicipalityCounts(TypedDict):
    n: int
    central: int


class _UnitCount(TypedDict):
    n: int


def region_default() -> Region:
    region = Region.objects.filter(slug=settings.CIRCULAIR_DEFAULT_REGION).first()
    return region or Region.objects.order_by("slug").first()  # type: ignore[return-value]


def region_get(slug: str | None) -> Region:
    return Region.objects.get(slug=slug) if slug else region_default()


def municipality_list(*, region: Region | None = None) -> QuerySet[Municipality]:
    qs = Municipality.objects.select_related("arrondissement", "province", "region")
    return qs.filter(region=region) if region else qs


def arrondissement_list(*, region: Region | None = None) -> QuerySet[Arrondissement]:
    qs = Arrondissement.objects.select_related("province", "region")
    return qs.filter(region=region) if region else qs


def province_list(*, region: Region | None = None) -> QuerySet[Province]:
    qs = Province.objects.select_related("region")
    return qs.filter(region=region) if region else qs


def arrondissements_with_counts(
    *, region: Region | None = None
) -> QuerySet[WithAnnotations[Arrondissement, _MunicipalityCounts]]:
    """Arrondissements with ``n`` municipalities and ``central`` central cities, by REFNIS."""
    return (
        arrondissement_list(region=region)
        .annotate(
            n=Count("municipalities"),
            central=Count("municipalities", filter=Q(municipalities__central_city=True)),
        )
        .order_by("refnis")
    )


def partition_list(*, region: Region | None = None) -> QuerySet[Partition]:
    qs = Partition.objects.select_related("region")
    return qs.filter(region=region) if region else qs


def partitions_with_unit_counts(
    *, region: Region | None = None
) -> QuerySet[WithAnnotations[Partition, _UnitCount]]:
    """Partitions with their number of units as ``n``."""
    return partition_list(region=region).annotate(n=Count("units"))


def municipalities_by_refnis(refnis: Iterable[Any]) -> dict[str, Municipality]:
    """The municipalities with these REFNIS codes, by code (unknown codes are left out)."""
    return {m.refnis: m for m in Municipality.objects.filter(refnis__in=refnis)}


def region_geography(region: Region) -> RegionGeography:
    """The stored region as core dataclasses (with any imported population)."""
    provinces = tuple(
        core.Province(refnis=p.refnis, name_nl=p.name_nl, name_fr=p.name_fr, name_en=p.name_en)
        for p in Province.objects.filter(region=region).order_by("refnis")
    )
    arrs = tuple(
        core.Arrondissement(
            refnis=a.refnis, name_nl=a.name_nl, name_fr=a.name_fr, province_refnis=a.province.refnis
        )
        for a in arrondissement_list(region=region).order_by("refnis")
    )
    muns = tuple(
        core.Municipality(
            refnis=m.refnis,
            name_nl=m.name_nl,
            name_fr=m.name_fr,
            arrondissement_refnis=m.arrondissement.refnis,
            province_refnis=m.province.refnis,
            lat=m.lat,
            lon=m.lon,
            population=m.population,
            population_source=m.population_source,
            postal_codes=tuple(m.postal_codes.split()),
            central_city=m.central_city,
        )
        for m in municipality_list(region=region).order_by("refnis")
    )
    return RegionGeography(
        code=region.code,
        names={"nl": region.name_nl, "en": region.name_en, "fr": region.name_fr},
        center=(region.center_lat, region.center_lon),
        zoom=region.zoom,
        sources=tuple(region.sources),
        provinces=provinces,
        arrondissements=arrs,
        municipalities=muns,
    )


_SHAPES: dict[tuple[int, str], tuple[Boundaries, MapShapes]] = {}


def region_map(region: Region) -> tuple[Boundaries, MapShapes]:
    """The region's boundaries (imported official ones, else the shipped approximate ones) and
    their projected SVG paths; computed once per process and version of the boundaries."""
    stored = RegionBoundaries.objects.filter(region=region).only("imported_at").first()
    key = (region.pk, stored.imported_at.isoformat() if stored else "shipped")
    if key not in _SHAPES:
        if stored is not None:
            text = RegionBoundaries.objects.values_list("content", flat=True).get(pk=stored.pk)
            b = boundaries_from_text(text)
        else:
            b = load_boundaries(region.slug)
        rows = list(
            Municipality.objects.filter(region=region).values_list(
                "refnis", "arrondissement__refnis", "province__refnis"
            )
        )
        shapes = project(b, {r: a for r, a, _ in rows}, {r: p for r, _, p in rows})
        for old in [k for k in _SHAPES if k[0] == region.pk]:
            del _SHAPES[old]
        _SHAPES[key] = (b, shapes)
    return _SHAPES[key]
