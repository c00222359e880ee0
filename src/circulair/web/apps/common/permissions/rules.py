"""Who may do what on the platform: every rule, in one table.

Each action names the grants that allow it; a user may perform it when any grant allows. The
operator at the machine (``user`` None: the command line, seeding) may do everything. Pages,
the API, services, exports and the command line ask :func:`~.can` / :func:`~.require`, and
read their rows through :func:`~.restrict`, which turns the same grants into a database filter.
``docs/permissions.md`` is generated from this table (the permission-matrix test checks it).

An administrator (an active staff or superuser account) holds every platform role, but is not
a member of any organisation: in the exchange, proposals and decisions are the parties' own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.common.permissions.grants import (
    Administrator,
    All,
    Anyone,
    CreatorOf,
    Grant,
    HasRole,
    LeadOf,
    MemberOf,
    Not,
    OwnerOf,
    SignedIn,
    Where,
)
from circulair.web.apps.common.permissions.roles import Role


@dataclass(frozen=True)
class Rule:
    action: str
    what: str  # the action in a few words (the table's second column)
    grants: tuple[Grant, ...]
    refusal: str | Promise  # said to someone the rule refuses
    model: str = ""  # "app.Model" whose rows restrict() filters ("" for a plain action)
    distinct: bool = False  # a grant follows a to-many link: rows may come twice


_PUBLIC_LISTING = ("published", "matched")
_SHOWN = Q(hidden_at__isnull=True)
_ADMIN = Administrator()
_MODERATOR = HasRole(Role.CATALOGUE_MODERATOR)
_COORDINATOR = HasRole(Role.SCAN_COORDINATOR)
_EDITOR = HasRole(Role.MONITOR_EDITOR)
_ORG = MemberOf("organisation", "members of its organisation")
_IS_ORG = MemberOf("", "its members")

_RULES = (
    # --- official data -----------------------------------------------------------------------
    Rule(
        "monitor.observations.import",
        "import and approve official indicator figures",
        (_EDITOR,),
        _("This needs the role monitor_editor or an administrator."),
    ),
    Rule(
        "monitor.batch.decide",
        "approve or reject a pending import (four eyes)",
        (
            All(
                (
                    _EDITOR,
                    Where(Q(status="pending"), "pending", lambda b: b.status == "pending"),
                    Not(CreatorOf(), "not its importer"),
                )
            ),
        ),
        _(
            "You imported these figures yourself: another monitor editor or an "
            "administrator must approve or reject them."
        ),
        model="monitor.ImportBatch",
    ),
    Rule(
        "geography.population.import",
        "import population figures",
        (_EDITOR,),
        _("This needs the role monitor_editor or an administrator."),
    ),
    Rule(
        "geography.partition.import",
        "import a partition (catchment areas) of a region",
        (HasRole(Role.GEOGRAPHY_EDITOR),),
        _("This needs the role geography_editor or an administrator."),
    ),
    Rule(
        "geography.boundaries.import",
        "import official municipality boundaries of a region",
        (HasRole(Role.GEOGRAPHY_EDITOR),),
        _("This needs the role geography_editor or an administrator."),
    ),
    # --- agenda ------------------------------------------------------------------------------
    Rule(
        "agenda.action.view",
        "see an action",
        (
            Where(Q(public=True), "everyone, when public", lambda a: a.public),
            _ORG,
            LeadOf("agenda", "leads of its agenda"),
            _ADMIN,
        ),
        _("You cannot see this action."),
        model="agenda.Action",
    ),
    Rule(
        "agenda.action.edit",
        "edit an action",
        (_ORG, _ADMIN),
        _("Only members of the action's organisation may edit it."),
        model="agenda.Action",
    ),
    Rule(
        "agenda.organisation.act",
        "act for an organisation in the agenda (actions, commitments, obstacles)",
        (_IS_ORG, _ADMIN),
        _("You are not a member of this organisation."),
        model="organisations.Organisation",
    ),
    Rule(
        "agenda.lead",
        "lead an agenda (signatories, programmes, bottlenecks, evaluation)",
        (LeadOf("", "its leads"), _ADMIN),
        _("Only the agenda's lead or an administrator may do this."),
        model="knowledge.Record",
    ),
    Rule(
        "agenda.leads.name",
        "name an agenda's leads",
        (_ADMIN,),
        _("Only an administrator names agenda leads."),
    ),
    # --- doers -------------------------------------------------------------------------------
    Rule(
        "doers.case.view",
        "see a case",
        (
            Where(
                Q(status="published"), "everyone, when published", lambda c: c.status == "published"
            ),
            _MODERATOR,
            _ORG,
            CreatorOf(),
        ),
        _("You cannot see this case."),
        model="doers.Case",
    ),
    Rule("doers.case.create", "add a draft case", (SignedIn(),), _("Sign in to add a case.")),
    Rule(
        "doers.case.edit",
        "edit a case",
        (_MODERATOR, _ORG),
        _("Only members of the case's organisation or a catalogue moderator may edit it."),
        model="doers.Case",
    ),
    Rule(
        "doers.case.decide",
        "publish, send back or archive a case; the review queue",
        (_MODERATOR,),
        _("Only catalogue moderators and administrators review drafts."),
    ),
    Rule(
        "doers.case.any_organisation",
        "file a case for any organisation or none",
        (_ADMIN,),
        _("You are not a member of this organisation."),
    ),
    # --- exchange ----------------------------------------------------------------------------
    Rule(
        "exchange.listing.view",
        "see a listing",
        (
            Where(
                Q(status__in=_PUBLIC_LISTING) & _SHOWN,
                "everyone, when published and shown",
                lambda x: x.status in _PUBLIC_LISTING and x.hidden_at is None,
            ),
            All(
                (
                    _MODERATOR,
                    Where(
                        Q(status__in=_PUBLIC_LISTING),
                        "published",
                        lambda x: x.status in _PUBLIC_LISTING,
                    ),
                )
            ),
            _ORG,
            All(
                (
                    Where(_SHOWN, "shown", lambda x: x.hidden_at is None),
                    MemberOf("offer_matches__request__organisation", "parties of its matches"),
                )
            ),
            All(
                (
                    Where(_SHOWN, "shown", lambda x: x.hidden_at is None),
                    MemberOf("request_matches__offer__organisation", "parties of its matches"),
                )
            ),
        ),
        _("You cannot see this listing."),
        model="exchange.Listing",
        distinct=True,
    ),
    Rule(
        "exchange.listing.exact_location",
        "see a listing's exact location and address",
        (
            _ORG,
            MemberOf(
                "offer_matches__request__organisation",
                "parties of an accepted match",
                (("offer_matches__status", "accepted"),),
            ),
            MemberOf(
                "request_matches__offer__organisation",
                "parties of an accepted match",
                (("request_matches__status", "accepted"),),
            ),
        ),
        _(
            "Only the listing's organisation and the other party of an accepted match see "
            "its exact location."
        ),
        model="exchange.Listing",
        distinct=True,
    ),
    Rule(
        "exchange.organisation.act",
        "act for a company in the exchange (listings, proposals, saved searches)",
        (_IS_ORG,),
        _("You are not a member of this organisation."),
        model="organisations.Organisation",
    ),
    Rule(
        "exchange.listing.edit",
        "edit a listing; see its ranked counterparts",
        (_ORG,),
        _("Only the listing's organisation may do this."),
        model="exchange.Listing",
    ),
    Rule(
        "exchange.listing.moderate",
        "hide a listing, with a reason, and show it again",
        (_MODERATOR,),
        _("Only a catalogue moderator or an administrator can do this."),
    ),
    Rule(
        "exchange.allocation.run",
        "compute the allocation of the whole market and read it (exact places)",
        (_MODERATOR,),
        _("Only a catalogue moderator or an administrator can do this."),
    ),
    Rule(
        "exchange.match.party",
        "see a match and act on it",
        (
            MemberOf("offer__organisation", "members of the offering organisation"),
            MemberOf("request__organisation", "members of the requesting organisation"),
        ),
        _("Only the parties of a match can see it and act on it."),
        model="exchange.Match",
    ),
    # --- atlas -------------------------------------------------------------------------------
    Rule("atlas.preset.run", "run a cited study preset", (Anyone(),), ""),
    Rule(
        "atlas.run.start", "start a siting run", (SignedIn(),), _("Sign in to start a siting run.")
    ),
    Rule(
        "atlas.run.view",
        "see a run (and: whoever holds its share link)",
        (
            Where(
                Q(kind="atlas.extrapolate"),
                "everyone, for a study preset",
                lambda j: j.kind == "atlas.extrapolate",
            ),
            CreatorOf(),
            MemberOf("atlas_share__organisation", "members of the organisation it is shared with"),
            _ADMIN,
        ),
        _("You cannot see this run."),
        model="common.Job",
    ),
    Rule(
        "job.view",
        "see a background job's progress and outcome (an import, a report)",
        (CreatorOf(), _ADMIN),
        _("You cannot see this job."),
        model="common.Job",
    ),
    Rule(
        "job.cancel",
        "cancel a background job (a siting run, an import, a report)",
        (CreatorOf(), _ADMIN),
        _("Only the person who started this job, or an administrator, may cancel it."),
        model="common.Job",
    ),
    Rule(
        "atlas.run.again",
        "start a stopped run again with a longer time limit",
        (CreatorOf(), _ADMIN),
        _("Only the person who started this run may start it again."),
        model="common.Job",
    ),
    Rule(
        "atlas.run.share",
        "share a run with an organisation or by link; stop sharing",
        (CreatorOf(), _ADMIN),
        _("Only the person who started this run may share it."),
        model="common.Job",
    ),
    Rule(
        "atlas.run.long",
        "give a run more than 300 s",
        (_ADMIN,),
        _("Only an administrator may give a run this long."),
    ),
    # --- flows -------------------------------------------------------------------------------
    Rule(
        "flows.dataset.view",
        "see a flow dataset and its flows",
        (
            Where(
                Q(organisation__isnull=True),
                "everyone, for public statistics",
                lambda d: d.organisation_id is None,
            ),
            _ORG,
            HasRole(Role.ANALYST),
        ),
        _("Only the organisation's members and analysts see a company's flows."),
        model="flows.Dataset",
    ),
    Rule(
        "flows.register.import",
        "import a waste register for an organisation",
        (_IS_ORG,),
        _("Only members of an organisation import its waste register."),
        model="organisations.Organisation",
    ),
    Rule(
        "flows.statistics.import",
        "import public flow statistics (municipal household waste)",
        (HasRole(Role.ANALYST), _EDITOR),
        _("This needs the role analyst or monitor_editor, or an administrator."),
    ),
    Rule(
        "flows.dataset.delete",
        "remove a flow dataset",
        (_ORG, CreatorOf(), _ADMIN),
        _("Only the organisation's members or the importer may remove this dataset."),
        model="flows.Dataset",
    ),
    # --- scan --------------------------------------------------------------------------------
    Rule(
        "scan.response.view",
        "see a government's scan",
        (_ORG, _COORDINATOR),
        _("You cannot see this scan."),
        model="scan.Response",
    ),
    Rule(
        "scan.response.answer",
        "answer and submit a government's scan",
        (_ORG,),
        _("Only members of this government answer and submit its scan; you can read it."),
        model="scan.Response",
    ),
    Rule(
        "scan.organisation.act",
        "start a scan for a government",
        (_IS_ORG,),
        _("You are not a member of this organisation."),
        model="organisations.Organisation",
    ),
    Rule(
        "scan.network.follow",
        "follow every government's scans (coordination overview)",
        (_COORDINATOR,),
        _("Only scan coordinators and administrators follow the network."),
    ),
    Rule(
        "scan.survey.import",
        "import a survey export (rounds of many governments)",
        (_COORDINATOR,),
        _("Only scan coordinators and administrators import survey exports."),
    ),
    Rule(
        "scan.network.unmasked",
        "see the network's small groups unmasked",
        (HasRole(Role.ANALYST), _COORDINATOR),
        _("Only analysts, scan coordinators and administrators see small groups."),
    ),
    # --- organisations, uploads, platform ----------------------------------------------------
    Rule(
        "organisations.members.manage",
        "manage an organisation's members, invitations and requests to join",
        (OwnerOf("", "its owners"), _ADMIN),
        _("Only an owner of this organisation or an administrator may do this."),
        model="organisations.Organisation",
    ),
    Rule(
        "platform.roles.grant",
        "grant and take away platform roles",
        (_ADMIN,),
        _("Only an administrator may grant platform roles."),
    ),
    Rule(
        "common.upload.view",
        "download an uploaded file",
        (CreatorOf(), _ADMIN),
        _("You cannot see this file."),
        model="common.Upload",
    ),
)

RULES: dict[str, Rule] = {r.action: r for r in _RULES}
assert len(RULES) == len(_RULES), "an action is defined twice"
