"""Reads of atlas runs, and who may see which run (exports are in :mod:`.presenters`).

Who sees a run (one rule, :func:`run_list`, behind every page, export, compare, recent list
and the API):

- a study preset (``atlas.extrapolate``) everyone, whoever started it: its inputs are the
  cited presets and a partition every visitor can pick, so its result holds nothing private.
- a siting run (``atlas.site``) its creator and administrators
  (rule ``atlas.run.view`` in ``common.permissions``); and, once its owner shares
  it (:class:`~.models.RunShare`), the members of the organisation it is shared with, and
  whoever opens its share link (``/atlas/shared/<token>/``: the token is in the path, not in
  a parameter; the API does not take it). Anyone else is answered 404, as if it did not exist,
  so ids cannot be probed; a wrong or replaced token is the same 404.

Every list (recent runs, compare, the API) holds exactly the runs its reader may open (the rule
is a database filter: no other run is fetched), and reading it first fails the jobs whose worker
stopped (``jobs.reap_stale``). A token opens its one run, never a list.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from circulair.web.apps.atlas.models import RunShare, share_token_hash
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.models import Job
from circulair.web.apps.geography.models import Municipality, Region
from circulair.web.apps.knowledge.models import Record

KINDS = ("atlas.extrapolate", "atlas.site")
PUBLIC_KINDS = ("atlas.extrapolate",)
#: Longest token a share link may carry (``secrets.token_urlsafe(32)`` is 43 characters).
TOKEN_MAX = 100


def _visible(user: Any, token: str = "") -> Q | None:
    """The rule ``atlas.run.view`` as a filter (None: every run), and the share link's run."""
    rule = permissions.rows(user, "atlas.run.view")
    if rule is True:
        return None
    out = Q(pk__in=[]) if rule is False else rule
    if token and len(token) <= TOKEN_MAX:
        out |= Q(atlas_share__token_hash=share_token_hash(token))
    return out  # type: ignore[return-value]


def run_list(user: Any = None) -> QuerySet[Job]:
    """The atlas runs ``user`` may see (anonymous or ``None``: the public ones), newest first."""
    jobs.reap_stale()
    qs = Job.objects.filter(kind__in=KINDS)
    rule = _visible(user)
    if rule is not None:
        qs = qs.filter(rule)
    return qs.order_by("-created_at", "-pk")


def without_failed(runs: QuerySet[Job]) -> QuerySet[Job]:
    """``runs`` less the failed and cancelled ones: what "recent runs" and "compare" offer.

    Why: a failed run has no result to look at or compare, so offering it is a surprise; it
    stays in "My runs", marked as failed, with its reason on its own page. This filters a
    list already restricted by :func:`run_list`; it decides nothing about who sees what."""
    return runs.exclude(status__in=[Job.Status.FAILED, Job.Status.CANCELLED])


def run_get(pk: int, user: Any = None) -> Job:
    """One run ``user`` may see; ``Job.DoesNotExist`` for another's private run."""
    return run_list(user).get(pk=pk)


def run_by_token(token: str, user: Any = None) -> Job:
    """The run a share link's ``token`` opens; ``Job.DoesNotExist`` for a wrong, replaced or
    withdrawn token, exactly as for a missing run."""
    if not token or len(token) > TOKEN_MAX:
        raise Job.DoesNotExist
    jobs.reap_stale()
    rule = _visible(user, token)
    qs = Job.objects.filter(kind__in=KINDS, atlas_share__token_hash=share_token_hash(token))
    return (qs.filter(rule) if rule is not None else qs).get()


def runs_mine(user: Any) -> QuerySet[Job]:
    """The runs ``user`` started, newest first, with how each is shared ("My runs")."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return run_list(user).filter(created_by=user).select_related("atlas_share__organisation")


def runs_shared_with(user: Any) -> QuerySet[Job]:
    """Others' siting runs shared with an organisation of ``user``, newest first."""
    orgs = permissions.member_org_ids(user)
    if not orgs:
        return Job.objects.none()
    return (
        run_list(user)
        .filter(kind="atlas.site", atlas_share__organisation_id__in=orgs)
        .exclude(created_by=user)
        .select_related("created_by", "atlas_share__organisation")
    )


def run_share_of(job: Job) -> RunShare | None:
    """How ``job`` is shared (None: with nobody)."""
    return RunShare.objects.select_related("organisation").filter(job=job).first()


def municipality_points(region: Region) -> list[tuple[float, float]]:
    """(lon, lat) of the region's municipalities: the grey background of a run's map."""
    return list(Municipality.objects.filter(region=region).values_list("lon", "lat"))


def sector_groups() -> dict[str, list[str]]:
    """NACE sector groups of the knowledge base: slug -> annex codes (KBO demand)."""
    return {
        r.slug: [str(c["code"]) for c in r.attributes.get("codes", [])]
        for r in Record.objects.filter(kind="nace_sector_group").order_by("order", "slug")
    }


def sector_group_choices() -> list[tuple[str, str]]:
    """(slug, Dutch name) of the NACE sector groups, for the siting form."""
    qs = Record.objects.filter(kind="nace_sector_group").order_by("order", "slug")
    return list(qs.values_list("slug", "name_nl"))


def type_environment_slugs() -> list[str]:
    """Slugs of the type environments a candidate site may name."""
    return list(Record.objects.filter(kind="type_environment").values_list("slug", flat=True))
