"""Writes of the agenda register. Every write checks the role, validates the whole input, saves in
a transaction and writes the change to the platform's change log (who, when, field old → new).

Roles (see ``selectors``): administrators (staff) may do everything; the lead of an agenda manages
its signatories, commitment, programmes and bottleneck statuses; a member of an organisation
creates and edits only that organisation's actions. ``user=None`` is the command line, run by an
operator of the platform itself. A refused write raises ``PermissionDenied`` (HTTP 403).
"""

from circulair.web.apps.agenda.services.actions import (
    ACTION_COLUMNS,
    ACTION_FIELDS,
    ACTION_REQUIRED,
    action_check,
    action_create,
    action_transition,
    action_update,
    actions_export,
    actions_import,
)
from circulair.web.apps.agenda.services.backoffice import (
    admin_change_log,
    admin_delete_log,
    record_snapshot,
)
from circulair.web.apps.agenda.services.checks import (
    organisation_ref,
    parse_figures,
)
from circulair.web.apps.agenda.services.evaluation import (
    manufacturer_share_record,
)
from circulair.web.apps.agenda.services.imports import actions_import_start
from circulair.web.apps.agenda.services.programmes import (
    bottleneck_create,
    bottleneck_set_status,
    programme_advance,
    programme_create,
    programme_update,
)
from circulair.web.apps.agenda.services.signatories import (
    MAX_ACTIONS_PER_YEAR,
    SIGNATORY_COLUMNS,
    agenda_commitment_set,
    agenda_lead_add,
    signatories_export,
    signatories_import,
    signatory_create,
    signatory_update,
    work_path_create,
)

__all__ = [
    "ACTION_COLUMNS",
    "ACTION_FIELDS",
    "ACTION_REQUIRED",
    "MAX_ACTIONS_PER_YEAR",
    "SIGNATORY_COLUMNS",
    "action_check",
    "action_create",
    "action_transition",
    "action_update",
    "actions_export",
    "actions_import",
    "actions_import_start",
    "admin_change_log",
    "admin_delete_log",
    "agenda_commitment_set",
    "agenda_lead_add",
    "bottleneck_create",
    "bottleneck_set_status",
    "manufacturer_share_record",
    "organisation_ref",
    "parse_figures",
    "programme_advance",
    "programme_create",
    "programme_update",
    "record_snapshot",
    "signatories_export",
    "signatories_import",
    "signatory_create",
    "signatory_update",
    "work_path_create",
]
