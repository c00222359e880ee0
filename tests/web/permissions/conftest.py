"""A small world for the permission matrix: two businesses (A with an owner and a member, B
with a member), a local government, one holder of each platform role, an administrator, and one
object of every kind the pages and the API address by id or slug."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from circulair.web.apps.agenda import services as agenda_services
from circulair.web.apps.agenda.models import Signatory
from circulair.web.apps.atlas.services.sharing import run_share_link_create
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.doers import services as doers_services
from circulair.web.apps.exchange.services import listing_create, match_propose
from circulair.web.apps.flows.models import Dataset as FlowDataset
from circulair.web.apps.flows.models import Flow, FlowTotal
from circulair.web.apps.geography.models import Partition
from circulair.web.apps.knowledge.models import Record, Source
from circulair.web.apps.monitor.models import ImportBatch, Indicator, Observation, Target
from circulair.web.apps.organisations import services as org_services
from circulair.web.apps.organisations.models import JoinRequest, Membership, Organisation
from circulair.web.apps.scan.models import QuestionnaireVersion
from circulair.web.apps.scan.services import response_start

PW = "a-long-test-password"
ME = "monitor_editor"
PERSONAS = (
    "anonymous",
    "member_a",
    "member_b",
    "owner_a",
    "agenda_lead",
    "monitor_editor",
    "moderator",
    "scan_coordinator",
    "administrator",
)


def _user(name: str, *roles: str, **kw: Any) -> User:
    u = User.objects.create_user(name, email=f"{name}@matrix.test", password=PW, **kw)
    for r in roles:
        u.groups.add(Group.objects.get_or_create(name=r)[0])
    return u


def _listing(user: User, org: Organisation, **kw: Any) -> Any:
    today = timezone.localdate()
    data = {
        "kind": "offer",
        "title": "Houten balken",
        "material": "wood-a",
        "quantity": 10.0,
        "unit": "t",
        "available_from": today,
        "available_to": today + dt.timedelta(days=90),
        "route": "reuse",
        "refnis": "24062",
        "address": "Vaartstraat 1",
        **kw,
    }
    return listing_create(user=user, organisation=org, data=data, publish=True)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    a = Organisation.objects.create(name="Alfa NV")
    b = Organisation.objects.create(name="Bravo BV")
    gov = org_services.organisation_create(name="Gemeente Leuven", side="overheid", refnis="24062")
    u = {
        "member_a": _user("member_a"),
        "member_b": _user("member_b"),
        "owner_a": _user("owner_a"),
        "agenda_lead": _user("agenda_lead"),
        "monitor_editor": _user("monitor_editor", "monitor_editor", "geography_editor"),
        "moderator": _user("moderator", "catalogue_moderator"),
        "scan_coordinator": _user("scan_coordinator", "scan_coordinator"),
        "administrator": _user("administrator", is_staff=True, is_superuser=True),
    }
    Membership.objects.create(organisation=a, user=u["member_a"], role="member")
    Membership.objects.create(organisation=a, user=u["owner_a"], role="owner")
    Membership.objects.create(organisation=b, user=u["member_b"], role="member")
    Membership.objects.create(organisation=gov, user=u["member_a"], role="member")
    agenda = Record.objects.get(kind="work_agenda", slug="maakindustrie")
    agenda_services.agenda_lead_add(user=None, agenda=agenda, lead=u["agenda_lead"])
    action = agenda_services.action_create(
        user=u["member_a"],
        organisation=a,
        data={"title": "Private action of A", "agenda": "maakindustrie", "status": "planned"},
    )
    signatory = Signatory.objects.create(organisation=a, agenda=agenda, year_signed=2024)
    programme = agenda_services.programme_create(
        user=u["agenda_lead"],
        data={"name": "Call", "kind": "gerichte-call", "agenda": "maakindustrie", "year": 2025},
    )
    bottleneck = agenda_services.bottleneck_create(
        user=u["member_a"],
        data={"title": "Permit takes long", "agenda": "maakindustrie", "policy_level": "regional"},
        reported_by=a,
    )
    offer = _listing(u["member_a"], a)
    request = _listing(
        u["member_b"], b, kind="request", title="Gezocht: hout", material="wood", quantity=6.0
    )
    match = match_propose(user=u["member_b"], offer=offer, request=request)
    case = doers_services.case_create(
        user=u["member_a"], data={"title": "Draft of A", "summary": "s", "organisation": a.pk}
    )
    response = response_start(user=u["member_a"], organisation=gov, year=2025)
    run = Job.objects.create(
        kind="atlas.site", params={}, status=Job.Status.DONE, created_by=u["member_a"]
    )
    share_token = run_share_link_create(user=u["member_a"], job=run)
    upload = upload_keep(purpose="test", name="a.csv", content=b"a\n1\n", user=u["member_a"])
    inv, token = org_services.invitation_create(
        user=u["owner_a"], organisation=a, email="new@matrix.test"
    )
    join = JoinRequest.objects.create(organisation=a, user=u["member_b"])
    fig = {"indicator": "rmc", "region": "VLG", "year": 2018, "value": 460.0, "unit": "Mt"}
    batch = ImportBatch.objects.create(  # waiting under the four-eyes rule for a second editor
        upload=upload_keep(purpose="observations", name="fix.csv", content=b"x\n", user=u[ME]),
        figures=[{**fig, "source": "matrix", "note": ""}],
        created_by=u[ME],
    )
    flows = FlowDataset.objects.create(  # member_a's organisation's waste register
        kind="register", name="Register of A", organisation=a, rows=1, tonnes=2.0
    )
    Flow.objects.create(
        dataset=flows,
        year=2024,
        waste_code="15 01 01",
        chapter="15",
        material="cardboard",
        tonnes=2.0,
        treatment="R3",
        rung="r8-recycle",
        family="recovery",
        line=2,
    )
    FlowTotal.objects.create(
        dataset=flows,
        year=2024,
        chapter="15",
        material="cardboard",
        treatment="R3",
        rung="r8-recycle",
        tonnes=2.0,
        flows=1,
    )
    return {
        "users": u,
        "a": a,
        "flows": flows,
        "b": b,
        "gov": gov,
        "action": action,
        "signatory": signatory,
        "programme": programme,
        "bottleneck": bottleneck,
        "offer": offer,
        "match": match,
        "case": case,
        "response": response,
        "run": run,
        "upload": upload,
        "share_token": share_token,
        "invitation": inv,
        "token": token,
        "join": join,
        "batch": batch,
        "membership_a": Membership.objects.get(organisation=a, user=u["member_a"]),
        "indicator": Indicator.objects.order_by("pk").first(),
        "target": Target.objects.order_by("pk").first(),
        "observation": Observation.objects.order_by("pk").first(),
        "record": Record.objects.get(kind="work_agenda", slug="maakindustrie"),
        "questionnaire": QuestionnaireVersion.objects.order_by("pk").first(),
        "source": Source.objects.order_by("pk").values_list("code", flat=True).first(),
        "partition": Partition.objects.order_by("pk").values_list("slug", flat=True).first(),
    }


@pytest.fixture
def make() -> Any:
    """The world's builders, for tests that add people or listings to it."""
    from types import SimpleNamespace

    return SimpleNamespace(user=_user, listing=_listing)
