"""The market-wide allocation as a background job (issue 16): finding candidates among every
open listing and solving the transport problem takes seconds to minutes on a national market,
which must not hold a web process. An operator starts it from ``/exchange/allocation/`` (or runs
``circulair exchange match`` in a shell of its own); the page shows the latest finished run."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.models import Job
from circulair.web.apps.exchange import selectors

KIND = selectors.ALLOCATION_KIND


def allocation_start(*, user: Any) -> Job:
    """Queue one allocation over the whole market; a run already queued or running is returned
    instead of a second one (they would compute the same thing)."""
    permissions.require(user, "exchange.allocation.run")
    running = selectors.allocation_running()
    if running is not None:
        return running
    return jobs.submit(kind=KIND, params={}, user=user)


def allocation_outcome(result: dict[str, Any]) -> str:
    """The sentence a finished run ends with, in the reader's language."""
    n = len(result.get("rows", []))
    return ngettext(
        "%(n)d transfer proposed from %(pairs)d candidate pairs.",
        "%(n)d transfers proposed from %(pairs)d candidate pairs.",
        n,
    ) % {"n": n, "pairs": result.get("pairs", 0)}


@jobs.register(KIND, title=gettext_lazy("Allocation of the market"), outcome=allocation_outcome)
def allocation_run(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    """The worker's side: the allocation of every open listing, kept as the job's result."""
    return {**selectors.allocation(progress=progress), "url": reverse("exchange:allocation")}
