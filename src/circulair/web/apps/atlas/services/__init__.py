"""Atlas runs: reproduce the study's extrapolations and optimise siting on the stored geography.

Runs are background jobs (``portal.Job``) of kind ``atlas.extrapolate`` or ``atlas.site``; their
result (facilities, assignments, totals) is stored on the job, shown on the run page, exported as
GeoJSON/CSV/PNG and returned by the API. Who else may see a siting run: :mod:`.sharing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from circulair.core.atlas.plan import Archetype, SitingParams, run_extrapolation, run_siting
from circulair.core.atlas.plan.params import check_params
from circulair.core.errors import CirculairError, InputError, Problem, gettext_noop
from circulair.web.apps.atlas.services.inputs import (
    KBO_WEIGHTS,
    UPLOAD_FIELDS,
    File,
    SiteFiles,
    SiteInputs,
    candidates_parse,
    demand_table_parse,
    distances_parse,
    kbo_demand,
    kbo_options_check,
    partition_file_params,
    site_inputs,
    table_from_rows,
    table_upload,
)
from circulair.web.apps.atlas.services.sharing import (
    may_share,
    run_share_link_create,
    run_share_stop,
    run_share_with_organisation,
    share_link,
)
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.models import Job
from circulair.web.apps.geography import selectors as geo_sel
from circulair.web.apps.geography.models import Partition, PartitionMember, Region
from circulair.web.apps.knowledge.models import Record

__all__ = [
    "KBO_WEIGHTS",
    "UPLOAD_FIELDS",
    "AccountRequiredError",
    "File",
    "SiteFiles",
    "SiteInputs",
    "archetype_get",
    "candidates_parse",
    "demand_table_parse",
    "distances_parse",
    "extrapolate_job",
    "extrapolation_params",
    "kbo_demand",
    "kbo_options_check",
    "may_share",
    "partition_get",
    "preset_list",
    "run_again_longer",
    "run_share_link_create",
    "run_share_stop",
    "run_share_with_organisation",
    "run_start",
    "share_link",
    "site_inputs",
    "site_run",
    "site_start",
    "table_from_rows",
    "table_upload",
    "time_limit_check",
    "time_limit_max",
]


def archetype_get(slug: str, variant: str = "", *, field: str = "archetype") -> Archetype:
    """An archetype from the knowledge base, with a named variant's attributes applied."""
    rec = (
        Record.objects.filter(kind="facility_archetype", slug=slug)
        .prefetch_related("variants")
        .first()
    )
    if rec is None:
        known = ", ".join(
            Record.objects.filter(kind="facility_archetype").values_list("slug", flat=True)
        )
        raise InputError.coded(
            "archetype_unknown",
            gettext_noop("unknown archetype; expected one of: %(known)s"),
            field=field,
            value=slug,
            known=known,
        )
    attrs = dict(rec.attributes)
    if variant:
        v = next((v for v in rec.variants.all() if v.name == variant), None)
        if v is None:
            raise InputError.coded(
                "archetype_variant_unknown",
                gettext_noop("archetype '%(archetype)s' has no variant of this name"),
                field=field,
                value=variant,
                archetype=slug,
            )
        attrs.update(v.attributes)
    return Archetype(
        slug=slug,
        name=rec.name,
        area_m2=float(attrs["area_m2"]),
        throughput_t_per_year=attrs.get("throughput_t_per_year"),
    )


def partition_get(region: Region, slug: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Members and names of a stored partition's units."""
    part = Partition.objects.filter(region=region, slug=slug).first()
    if part is None:
        known = ", ".join(Partition.objects.filter(region=region).values_list("slug", flat=True))
        raise InputError.coded(
            "partition_unknown",
            gettext_noop(
                "unknown partition; expected one of: %(known)s (import one with "
                "'circulair geo import-partition')"
            ),
            field="partition",
            value=slug,
            known=known,
        )
    members: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for code, name, refnis in (
        PartitionMember.objects.filter(partition=part)
        .values_list("unit__code", "unit__name", "municipality__refnis")
        .order_by("unit__code", "id")
    ):
        members.setdefault(code, []).append(refnis)
        names[code] = name or code
    return members, names


def preset_list() -> list[Record]:
    return list(
        Record.objects.filter(kind="scaling_preset")
        .prefetch_related("relations__to_record", "citations__source")
        .order_by("order")
    )


def extrapolation_params(
    *,
    preset: str = "",
    partition: str = "",
    streams: int | None = None,
    partition_file: File | None = None,
    **custom: Any,
) -> dict[str, Any]:
    """Resolve a preset (plus overrides) into explicit parameters; raises InputError.

    ``partition_file`` (content, name) is a CSV ``refnis,unit`` used as is, not stored (the
    CLI's ``--partition-file``; the pages and the API import a partition, then name it)."""
    if partition_file is not None:
        members = partition_file_params(*partition_file)
        named = partition or Path(partition_file[1]).stem
        params = extrapolation_params(preset=preset, partition=named, streams=streams, **custom)
        return {**params, **members}
    if not preset:
        return {"partition": partition, "streams": streams or 1, **custom}
    rec = (
        Record.objects.filter(kind="scaling_preset", slug=preset)
        .prefetch_related("relations__to_record", "citations__source")
        .first()
    )
    if rec is None:
        known = ", ".join(r.slug for r in preset_list())
        raise InputError.coded(
            "preset_unknown",
            gettext_noop("unknown preset; expected one of: %(known)s"),
            field="preset",
            value=preset,
            known=known,
        )
    a = rec.attributes
    refs = {rel.role: rel.to_record.slug for rel in rec.relations.all()}
    part = a.get("partition", "")
    if part == "user":
        if not partition:
            raise InputError.coded(
                "partition_missing",
                gettext_noop(
                    "this preset needs a partition into catchment areas: import one "
                    "(refnis,unit) and choose it"
                ),
                field="partition",
            )
        part = partition
    elif partition:
        part = partition
    cite = [f"{c.source.code}:{c.line_start}-{c.line_end}" for c in rec.citations.all()]
    return {
        "preset": rec.slug,
        "title": rec.name_nl,
        "title_en": rec.name_en,
        "method": a["method"],
        "partition": part,
        "size_rule": a.get("size_rule", "uniform"),
        "streams": streams or a.get("streams", 1),
        "variant": a.get("archetype_variant", ""),
        "large": refs.get("large", ""),
        "small": refs.get("small", ""),
        "archetype": refs.get("archetype", ""),
        "fixed_count": a.get("fixed_count"),
        "count_overrides": {o["size"]: o["count"] for o in a.get("count_overrides", [])},
        "expected_ha": a.get("expected_ha"),
        "citations": cite,
    }


@jobs.register("atlas.extrapolate")
def extrapolate_job(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    region = geo_sel.region_get(params.get("region") or None)
    geo = geo_sel.region_geography(region)
    progress(0.2, "extrapolating")
    variant = params.get("variant", "")
    large = small = arch = None
    problems: list[Problem] = []
    for key in ("large", "small", "archetype"):
        if params.get(key):
            try:
                obj = archetype_get(params[key], variant, field=key)
            except InputError as e:
                problems.extend(e.problems)
                continue
            if key == "large":
                large = obj
            elif key == "small":
                small = obj
            else:
                arch = obj
    if problems:
        raise InputError(problems)
    members: dict[str, list[str]] | None = None
    names: dict[str, str] = {}
    if params.get("partition_members"):
        members = {u: list(ms) for u, ms in params["partition_members"].items()}
        names = dict(params.get("unit_names") or {})
    elif params.get("method", "per_unit") == "per_unit" and params.get("partition"):
        members, names = partition_get(region, params["partition"])
    result = run_extrapolation(
        geo,
        method=params.get("method", "per_unit"),
        partition=members,
        unit_names=names,
        large=large,
        small=small,
        archetype=arch,
        size_rule=params.get("size_rule", "central_city_large"),
        streams=int(params.get("streams") or 1),
        fixed_count=params.get("fixed_count"),
        count_overrides=params.get("count_overrides") or None,
    ).as_dict()
    result.update(
        {
            k: params.get(k)
            for k in ("preset", "title", "title_en", "expected_ha", "citations", "partition")
        }
    )
    return result


def preferred_types(archetype_slug: str) -> list[str]:
    """Type environments the knowledge base names as the archetype's preferred sites."""
    return list(
        Record.objects.filter(
            kind="type_environment",
            incoming__role="type_environments",
            incoming__from_record__kind="facility_archetype",
            incoming__from_record__slug=archetype_slug,
        ).values_list("slug", flat=True)
    )


def _siting_params(params: dict[str, Any]) -> SitingParams:
    fields = set(SitingParams.__dataclass_fields__)
    clean = {k: v for k, v in params.items() if k in fields and v not in (None, "")}
    if "fixed_open" in clean:
        clean["fixed_open"] = tuple(clean["fixed_open"])
    return SitingParams(**clean)


def site_params_check(params: dict[str, Any], *, candidates_file: bool) -> None:
    """Refuse, before a job exists, the settings the run would fail on (p, R, road factor,
    capacities, existing facilities): the form is then shown again with the values kept and
    the reason next to the field, instead of a failed run. The same ``check_params`` runs again
    in the job; here the candidate count is an upper bound (the municipalities, plus the
    existing facilities), so nothing valid is refused, and with a candidates file only the
    rules that need no candidates are applied."""
    prm = _siting_params(params)
    geo = geo_sel.region_geography(geo_sel.region_get(params.get("region") or None))
    if candidates_file:
        n, caps = 10**9, True
    else:
        central = prm.candidates == "central_cities"
        n = len(geo.central_cities() if central else geo.municipalities) + len(prm.fixed_open)
        caps = False
    check_params(prm, geo, n, candidate_capacities=caps)


def site_run(
    params: dict[str, Any], progress: jobs.Progress, files: SiteFiles | None = None
) -> dict[str, Any]:
    """Run a siting model on the stored geography, from the ``files`` given (the CLI) or the
    uploads ``params`` names (see :func:`~.inputs.site_inputs`); demand defaults to population,
    distances to great-circle × the road factor. A KBO run's result holds the locating counts
    (``kbo``)."""
    region = geo_sel.region_get(params.get("region") or None)
    geo = geo_sel.region_geography(region)
    arch = archetype_get(params["archetype"]) if params.get("archetype") else None
    prm = _siting_params(params)
    inputs = site_inputs(geo, params, files, progress)
    prefer = preferred_types(params["archetype"]) if params.get("archetype") else []
    result = run_siting(
        geo,
        prm,
        archetype=arch,
        demand=inputs.demand,
        candidates=inputs.candidates,
        preferred_types=prefer,
        distances=inputs.distances,
        progress=progress,
    ).as_dict()
    result["title"] = params.get("title") or f"{prm.model}"
    if inputs.kbo_counts is not None:
        result["kbo"] = dict(inputs.kbo_counts)
    return result


@jobs.register("atlas.site")
def site_job(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    return site_run(params, progress)


class AccountRequiredError(CirculairError):
    """A siting run needs an account: it can take minutes of a core, and its inputs are kept."""


def may_cancel(user: Any, job: Job) -> bool:
    """The run's starter and administrators may cancel it."""
    return permissions.can(user, "job.cancel", job)


def run_cancel(user: Any, job: Job) -> Job:
    """Cancel a run (queued: at once; running: at its next progress report)."""
    return jobs.cancel(job, user=user)


def is_trusted(user: Any) -> bool:
    """Administrators and the operator: the longer solver time limit."""
    return permissions.can(user, "atlas.run.long")


def time_limit_max(user: Any) -> int:
    """Solver seconds a siting run may take: ``CIRCULAIR_ATLAS_TIME_LIMIT_USER`` (300 s) for an
    account, ``..._STAFF`` (1,800 s) for staff and for callers without a user (tests, scripts)."""
    if is_trusted(user):
        return settings.CIRCULAIR_ATLAS_TIME_LIMIT_STAFF
    return settings.CIRCULAIR_ATLAS_TIME_LIMIT_USER


def time_limit_check(params: dict[str, Any], user: Any) -> None:
    """Refuse a time limit above the role's cap (naming it); default to the cap if lower."""
    cap = time_limit_max(user)
    asked = params.get("time_limit")
    if asked is None:
        params["time_limit"] = min(cap, int(SitingParams.time_limit or cap))
    elif asked > cap:
        raise InputError.coded(
            "time_limit_cap",
            gettext_noop("must be at most %(cap)s seconds for your account"),
            field="time_limit",
            value=asked,
            cap=cap,
        )


def run_again_longer(user: Any, job: Job) -> Job:
    """Start a stopped siting run again with the same inputs and twice its time limit (within
    the role's cap): what the run's page offers when a result is not proven. Its starter or an
    administrator may; a run already at the cap is refused, naming it."""
    permissions.require(user, "atlas.run.again", job)
    cap = time_limit_max(user)
    before = int(job.params.get("time_limit") or SitingParams.time_limit or cap)
    if before >= cap:
        raise InputError.coded(
            "time_limit_cap",
            gettext_noop(
                "this run already had the longest time limit your account allows (%(cap)s s)"
            ),
            field="time_limit",
            value=before,
            cap=cap,
        )
    params = {**job.params, "time_limit": min(cap, 2 * before), "again_of": job.pk}
    return run_start(kind=job.kind, params=params, user=user)


def _admit_siting(user: Any) -> Any:
    """Refuse a siting run over the per-account or the server-wide limit of active runs."""

    def admit(job: Job) -> None:
        cap = settings.CIRCULAIR_ATLAS_JOBS_MAX
        if jobs.active(kinds=["atlas.site"], before=job).count() > cap:
            raise jobs.JobLimitError(
                _(
                    "The server is already running its maximum of %(n)d siting runs "
                    "(CIRCULAIR_ATLAS_JOBS_MAX); try again when one has finished."
                )
                % {"n": cap},
                setting="CIRCULAIR_ATLAS_JOBS_MAX",
                limit=cap,
            )
        per_user = settings.CIRCULAIR_JOBS_PER_USER
        if (
            getattr(user, "is_authenticated", False)
            and jobs.active(kinds=["atlas.site"], before=job, user=user).count() > per_user
        ):
            raise jobs.JobLimitError(
                _(
                    "You already have %(n)d siting runs queued or running, the limit per account "
                    "(CIRCULAIR_JOBS_PER_USER); wait until one has finished."
                )
                % {"n": per_user},
                setting="CIRCULAIR_JOBS_PER_USER",
                limit=per_user,
            )

    return admit


def run_start(
    *, kind: str, params: dict[str, Any], user: Any = None, background: bool = True
) -> Job:
    """Start an atlas run as a job (validated up front where that is cheap).

    Extrapolations are cheap and run in the request, for anyone. Siting runs need an account
    (``AccountRequiredError`` for an anonymous ``user``; ``None`` is a trusted caller such as a
    test), a time limit within the role's cap, and room under the limits of active runs
    (``jobs.JobLimitError``, raised before the job starts; the refused row is deleted)."""
    if kind == "atlas.extrapolate":
        return jobs.submit(
            kind=kind, params=extrapolation_params(**params), user=user, background=False
        )
    if not permissions.can(user, "atlas.run.start"):
        raise AccountRequiredError(_("Log in to run a siting model."))
    params = dict(params)
    time_limit_check(params, user)
    bits = [
        str(params.get("model", "")),
        f"p={params['p']}" if params.get("p") else "",
        f"R={params['radius_km']:g} km" if params.get("radius_km") else "",
    ]
    params.setdefault("title", " ".join(b for b in bits if b))
    return jobs.submit(
        kind=kind, params=params, user=user, background=background, admit=_admit_siting(user)
    )


def site_start(
    *,
    params: dict[str, Any],
    uploads: dict[str, File] | None = None,
    user: Any = None,
    background: bool = True,
) -> Job:
    """Start a siting run from the pages or the API: the account and time limit are checked
    first, then each file of ``uploads`` (purpose -> (content, name), see ``UPLOAD_FIELDS``) is
    checked and kept, and the job reads them. Nothing is stored for a refused caller.

    ``sector_group`` and ``kbo_weight`` are checked (and kept) only with a KBO extract."""
    if not permissions.can(user, "atlas.run.start"):
        raise AccountRequiredError(_("Log in to run a siting model."))
    params = dict(params)
    uploads = dict(uploads or {})
    time_limit_check(params, user)
    site_params_check(params, candidates_file="candidates" in uploads)
    if "kbo" in uploads:
        kbo_options_check(
            str(params.get("sector_group") or ""), str(params.get("kbo_weight") or "count")
        )
    else:
        params.pop("sector_group", None)
        params.pop("kbo_weight", None)
    for purpose, (content, name) in uploads.items():
        params[f"{purpose}_upload"] = table_upload(
            purpose=purpose, content=content, file_name=name, user=user
        )
    return run_start(kind="atlas.site", params=params, user=user, background=background)
