"""Large action imports as background jobs: a file of tens of thousands of actions takes
minutes to check and write, which must not hold a web process (issue 16). The worker runs the
same all-or-nothing :func:`~circulair.web.apps.agenda.services.actions.actions_import`, as the
account that uploaded the file and with its memberships."""

from __future__ import annotations

from typing import IO, Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.web.apps.agenda.services.actions import actions_import
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.tables import Source
from circulair.web.apps.common.uploads import import_job, import_start

KIND = "agenda.import"


def actions_import_start(*, user: Any, content: Source, file_name: str) -> Job:
    """Queue the import of a large actions file; ``/jobs/<id>/`` follows it. Who may import
    which organisation's actions is checked row by row by the import itself, as in a request."""
    return import_start(KIND, content=content, file_name=file_name, user=user)


def actions_import_outcome(result: dict[str, Any]) -> str:
    """The sentence a finished import ends with, in the reader's language."""
    return _("Imported %(n)d rows.") % {"n": result.get("rows", 0)}


@import_job(KIND, title=gettext_lazy("Import of actions"), outcome=actions_import_outcome)
def actions_import_run(
    stream: IO[bytes], params: dict[str, Any], user: Any, progress: jobs.Progress
) -> dict[str, Any]:
    """The worker's side: the same import; the result is the count and the actions' list."""
    n = actions_import(
        user=user, content=stream, file_name=str(params["file_name"]), progress=progress
    ).count()
    return {"rows": n, "url": reverse("agenda:actions")}
