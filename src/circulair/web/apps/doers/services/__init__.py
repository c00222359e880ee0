"""Writes of the doers catalogue: create, edit, publish, import, seeding from the knowledge base.

Permissions (checked here, so the web, the API and a crafted request meet the same rule):
- a member of an organisation creates cases for that organisation and edits its cases;
- a member submits its organisation's draft for review; catalogue moderators and administrators
  see and edit every case (also seeded ones, which have no organisation account) and are the
  only ones who publish (approve), send back with a remark, or archive (an editorial check);
  a member may withdraw its own organisation's published case back to draft;
- ``user=None`` is the command line, run by an operator of the platform itself.

Modules: ``access`` (who may write), ``validation`` (a case's fields), ``cases`` (writes of one
case), ``review`` (its status: submit, publish, send back, withdraw, archive, with the change
log and the e-mails), ``imports`` (CSV/XLSX), ``seeding`` (from the knowledge base) and
``search_index`` (indexed text, term rows, full-text triggers, rebuild). Every public name is
importable from this package.
"""

from circulair.web.apps.doers.services.access import can_edit, can_publish, is_staff, member_org_ids
from circulair.web.apps.doers.services.cases import case_create, case_image_add, case_update
from circulair.web.apps.doers.services.imports import IMPORT_COLUMNS, IMPORT_OPTIONAL, cases_import
from circulair.web.apps.doers.services.review import (
    MAX_REMARK,
    case_archive,
    case_publish,
    case_send_back,
    case_submit,
    case_unpublish,
)
from circulair.web.apps.doers.services.search_index import (
    TERM_BATCH,
    case_doc,
    case_search_text,
    case_terms_sync,
    index_marker,
    search_index_after_migrate,
    search_index_ensure,
    search_index_rebuild,
)
from circulair.web.apps.doers.services.seeding import SeedReport, cases_seed
from circulair.web.apps.doers.services.validation import MAX_LINKS, TEXT_FIELDS

__all__ = [
    "IMPORT_COLUMNS",
    "IMPORT_OPTIONAL",
    "MAX_LINKS",
    "MAX_REMARK",
    "TERM_BATCH",
    "TEXT_FIELDS",
    "SeedReport",
    "can_edit",
    "can_publish",
    "case_archive",
    "case_create",
    "case_doc",
    "case_image_add",
    "case_publish",
    "case_search_text",
    "case_send_back",
    "case_submit",
    "case_terms_sync",
    "case_unpublish",
    "case_update",
    "cases_import",
    "cases_seed",
    "index_marker",
    "is_staff",
    "member_org_ids",
    "search_index_after_migrate",
    "search_index_ensure",
    "search_index_rebuild",
]
