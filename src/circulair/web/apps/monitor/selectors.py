"""Reads of the monitor: core dataclasses from the database and the assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from circulair.core.monitor import model as core
from circulair.core.monitor.compute import Assessment, assess
from circulair.web.apps.common.models import Change, Upload
from circulair.web.apps.geography.models import Region
from circulair.web.apps.knowledge.models import Record, Relation
from circulair.web.apps.monitor.models import ImportBatch, Indicator, Observation, Target

# Comparator regions the monitor accepts besides the platform's own regions.
COMPARATORS = {
    "BE": "België / Belgium",
    "EU27": "EU-27",
    "NL": "Nederland / Netherlands",
    "FR": "Frankrijk / France",
    "DE": "Duitsland / Germany",
    "LU": "Luxemburg / Luxembourg",
    "BRU": "Brussels Gewest / Brussels Region",
    "WAL": "Waals Gewest / Walloon Region",
}


def region_names() -> dict[str, str]:
    """Region code to its name in the active language: the platform's regions, then the
    comparators (their ``"nl / en"`` labels split)."""
    en = get_language() == "en"
    out = {c: label.split(" / ")[-1 if en else 0] for c, label in COMPARATORS.items()}
    out.update({r.code: r.name for r in Region.objects.all()})
    return out


def known_regions() -> set[str]:
    return (
        set(COMPARATORS)
        | set(Region.objects.values_list("code", flat=True))
        | set(Observation.objects.values_list("region", flat=True).distinct())
        | set(Target.objects.values_list("region", flat=True).distinct())
    )


def core_indicators() -> dict[str, core.Indicator]:
    return {
        i.slug: core.Indicator(
            slug=i.slug,
            name_nl=i.name_nl,
            name_en=i.name_en,
            unit=i.unit,
            direction=i.direction,  # type: ignore[arg-type]
        )
        for i in Indicator.objects.all()
    }


def stored_series() -> dict[tuple[str, str], dict[int, float]]:
    """Every stored value by (indicator, region) and year, in one query: the neighbours the
    import's plausibility rule compares a new value with."""
    out: dict[tuple[str, str], dict[int, float]] = {}
    rows = Observation.objects.values_list("indicator__slug", "region", "year", "value")
    for slug, region, year, value in rows:
        out.setdefault((slug, region), {})[year] = value
    return out


def core_target(t: Target) -> core.Target:
    return core.Target(
        slug=t.slug,
        indicator=t.indicator.slug,
        region=t.region,
        baseline_year=t.baseline_year,
        baseline_value=t.baseline_value,
        target_year=t.target_year,
        target_value=t.target_value,
        target_type=t.target_type,  # type: ignore[arg-type]
        unit=t.unit,
        strict=t.strict,
    )


def observations(indicator: Indicator | str, region: str | None = None) -> list[Observation]:
    qs = Observation.objects.select_related("indicator")
    qs = qs.filter(indicator__slug=indicator if isinstance(indicator, str) else indicator.slug)
    if region:
        qs = qs.filter(region=region)
    return list(qs.order_by("region", "year"))


def core_observations(obs: list[Observation]) -> list[core.Observation]:
    return [
        core.Observation(
            indicator=o.indicator.slug,
            region=o.region,
            year=o.year,
            value=o.value,
            unit=o.unit,
            source=o.source,
            note=o.note,
        )
        for o in obs
    ]


def today_year() -> int:
    return int(getattr(settings, "CIRCULAIR_TODAY_YEAR", 0) or dt.date.today().year)


def target_assessments(*, window: int = 10) -> list[tuple[Target, Assessment, list[Observation]]]:
    """Every target with its assessment and the observations it used (2 queries)."""
    targets = list(Target.objects.select_related("indicator"))
    obs = list(Observation.objects.select_related("indicator").order_by("year"))
    inds = core_indicators()
    out = []
    for t in targets:
        series = [o for o in obs if o.indicator_id == t.indicator_id and o.region == t.region]
        a = assess(
            core_target(t),
            core_observations(series),
            today_year=today_year(),
            indicator=inds.get(t.indicator.slug),
            window=window,
        )
        out.append((t, a, series))
    return out


def assessment_of(target: Target, *, window: int = 10) -> tuple[Assessment, list[Observation]]:
    series = observations(target.indicator, target.region)
    a = assess(
        core_target(target),
        core_observations(series),
        today_year=today_year(),
        indicator=core_indicators().get(target.indicator.slug),
        window=window,
    )
    return a, series


def indicator_regions(indicator: Indicator) -> dict[str, list[Observation]]:
    out: dict[str, list[Observation]] = {}
    for o in observations(indicator):
        out.setdefault(o.region, []).append(o)
    return out


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("slug")


def recent_imports(limit: int = 20) -> QuerySet[Observation]:
    """The latest imported observations (the import page's list)."""
    return (
        Observation.objects.filter(origin=Observation.Origin.IMPORT)
        .select_related("indicator")
        .order_by("-updated_at")[:limit]
    )


def imports_list() -> QuerySet[Upload]:
    """Every file imported as observations, newest first, with how many figures it created and
    replaced (the change log's entries with the upload) and its batch when it waited for a
    second editor (``monitor_batch``)."""
    ct = ContentType.objects.get_for_model(Observation)
    on_figures = Q(change__content_type=ct)
    return (
        Upload.objects.filter(purpose="observations")
        .select_related(
            "created_by", "monitor_batch", "monitor_batch__created_by", "monitor_batch__decided_by"
        )
        .annotate(
            n_created=Count("change", filter=on_figures & Q(change__action="create")),
            n_replaced=Count("change", filter=on_figures & Q(change__action="replace")),
        )
        .order_by("-created_at", "-pk")
    )


def import_changes(upload: Upload) -> list[tuple[Change, Observation | None]]:
    """The figures an import created or replaced, each with its observation (None if gone)."""
    changes = list(
        Change.objects.filter(
            upload=upload, content_type=ContentType.objects.get_for_model(Observation)
        )
        .select_related("user")
        .order_by("pk")
    )
    obs = Observation.objects.select_related("indicator").in_bulk([c.object_id for c in changes])
    return [(c, obs.get(c.object_id)) for c in changes]


def batch_figures(batch: ImportBatch) -> list[dict[str, object]]:
    """A pending batch's figures next to the public value each would replace (None: new)."""
    slugs = {f["indicator"] for f in batch.figures}
    current = {
        (o.indicator.slug, o.region, o.year): o
        for o in Observation.objects.select_related("indicator").filter(indicator__slug__in=slugs)
    }
    rows = []
    for f in batch.figures:
        old = current.get((f["indicator"], f["region"], f["year"]))
        rows.append({**f, "current": old})
    return rows


def pending_batches() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(status=ImportBatch.Status.PENDING)


def related_indicators(targets: Iterable[Target]) -> dict[str, list[str]]:
    """Target slug to the indicators whose figures bear on it: its own, then the knowledge
    base's ``refs.related`` of the target, in their order (1 query)."""
    out = {t.slug: [t.indicator.slug] for t in targets}
    rels = (
        Relation.objects.filter(
            from_record__kind="target", from_record__slug__in=out, role="related"
        )
        .order_by("position")
        .values_list("from_record__slug", "to_record__slug")
    )
    for target, indicator in rels:
        if indicator not in out[target]:
            out[target].append(indicator)
    return out


def cited_figures(indicators: Iterable[str]) -> dict[str, list[Record]]:
    """The source documents' figures (knowledge records ``indicator_figure``) by indicator
    slug, each with its citations and their sources (3 queries)."""
    slugs = set(indicators)
    rels = Relation.objects.filter(
        from_record__kind="indicator_figure", role="indicator", to_record__slug__in=slugs
    ).values_list("from_record_id", "to_record__slug")
    of = dict(rels)
    records = Record.objects.filter(pk__in=of).prefetch_related("citations__source")
    out: dict[str, list[Record]] = {s: [] for s in slugs}
    for r in records.order_by("order", "slug"):
        out[of[r.pk]].append(r)
    return out
