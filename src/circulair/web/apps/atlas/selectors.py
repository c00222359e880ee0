"""Reads of atlas runs, and who may see which run (exports are in :mod:`.presenters`).

Who sees a run:

- a siting run (``atlas.site``) only its creator, and superusers: its inputs can be a
  planner's own demand points or candidate sites. Anyone else is answered 404, as if it did not
  exist, so ids cannot be probed. Staff who are not superusers are ordinary users here: being
  able to open the admin is no reason to read planners' demand tables.
- a study preset (``atlas.extrapolate``) everyone, whoever started it: its inputs are the
  cited presets and a partition every visitor can pick, so its result holds nothing private.

Every list (recent runs, compare, the API) holds exactly the runs its reader may open, and
reading it first fails the jobs whose worker stopped (``jobs.reap_stale``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.permissions import is_administrator
from circulair.web.apps.geography.models import Municipality, Region
from circulair.web.apps.knowledge.models import Record

KINDS = ("atlas.extrapolate", "atlas.site")
PUBLIC_KINDS = ("atlas.extrapolate",)


def run_list(user: Any = None) -> QuerySet[Job]:
    """The atlas runs ``user`` may see (anonymous or ``None``: the public ones), newest first."""
    jobs.reap_stale()
    qs = Job.objects.filter(kind__in=KINDS)
    if not is_administrator(user):
        mine = Q(created_by=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        qs = qs.filter(Q(kind__in=PUBLIC_KINDS) | mine)
    return qs.order_by("-created_at")


def run_get(pk: int, user: Any = None) -> Job:
    """One run ``user`` may see; ``Job.DoesNotExist`` for another's private run."""
    return run_list(user).get(pk=pk)


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
