"""The permission model itself: every rule's test agrees with its database filter for every
persona and object of the matrix world, the operator may do everything, and exact answers for
the rules whose grants combine (listing visibility, exact locations, four eyes)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.utils import translation

from circulair.web.apps.common import permissions
from circulair.web.apps.exchange.services import listing_hide, match_decide, match_propose

pytestmark = pytest.mark.django_db


def _people(world: dict[str, Any], make: Any) -> dict[str, Any]:
    analyst = make.user("analyst")
    analyst.groups.add(Group.objects.get_or_create(name="analyst")[0])
    inactive = make.user("inactive_admin", is_staff=True, is_superuser=True, is_active=False)
    return {
        "anonymous": AnonymousUser(),
        **world["users"],
        "analyst": analyst,
        "inactive": inactive,
    }


def _rows(rule: permissions.Rule) -> Any:
    model = apps.get_model(rule.model)
    qs = model.objects.all()
    if rule.model == "knowledge.Record":
        qs = qs.filter(kind="work_agenda")
    return qs.order_by("pk")


@pytest.fixture
def market(world: dict[str, Any], make: Any) -> dict[str, Any]:
    """Beside the world's proposed match: a deal (accepted), a draft and a hidden listing."""
    u = world["users"]
    offer2 = make.listing(u["member_a"], world["a"], title="Stenen")
    req2 = make.listing(u["member_b"], world["b"], kind="request", title="Gezocht: stenen")
    deal = match_propose(user=u["member_b"], offer=offer2, request=req2)
    match_decide(user=u["member_a"], match=deal, accept=True)
    draft = make.listing(u["member_b"], world["b"], title="Kladje")
    draft.status = "draft"
    draft.save(update_fields=["status"])
    hidden = make.listing(u["member_b"], world["b"], title="Verborgen")
    listing_hide(user=u["moderator"], listing=hidden, reason="dubbel")
    return {"offer2": offer2, "req2": req2, "draft": draft, "hidden": hidden}


def test_every_rule_answers_the_same_as_its_filter(
    world: dict[str, Any], market: Any, make: Any
) -> None:
    people = _people(world, make)
    checked = 0
    for rule in permissions.RULES.values():
        if not rule.model:
            continue
        rows = list(_rows(rule)[:40])
        assert rows, rule.action
        for name, user in people.items():
            seen = set(
                permissions.restrict(user, rule.action, _rows(rule)).values_list("pk", flat=True)
            )
            for obj in rows:
                allowed = permissions.can(user, rule.action, obj)
                assert allowed == (obj.pk in seen), (rule.action, name, obj.pk)
                checked += 1
    assert checked > 1000


def test_the_operator_may_do_everything_and_rules_are_named(world: dict[str, Any]) -> None:
    for rule in permissions.RULES.values():
        assert permissions.can(None, rule.action)
        if rule.model:
            qs = _rows(rule)
            assert permissions.restrict(None, rule.action, qs).count() == qs.count()
    with pytest.raises(KeyError, match="no permission rule for action 'nope'"):
        permissions.can(None, "nope")
    with pytest.raises(TypeError, match=r"agenda\.action\.view restricts agenda\.Action"):
        permissions.restrict(None, "agenda.action.view", apps.get_model("doers.Case").objects.all())


def test_inactive_administrators_and_anonymous_visitors_hold_nothing(world: Any, make: Any) -> None:
    people = _people(world, make)
    for who in ("anonymous", "inactive"):
        assert [r for r in permissions.RULES if permissions.can(people[who], r)] == [
            "atlas.preset.run"
        ], who


def test_listing_visibility_and_exact_locations(
    world: dict[str, Any], market: Any, make: Any
) -> None:
    u = _people(world, make)
    offer, request = world["offer"], world["match"].request
    view = "exchange.listing.view"

    def seen(who: str) -> set[str]:
        qs = permissions.restrict(u[who], view, apps.get_model("exchange.Listing").objects.all())
        return set(qs.values_list("title", flat=True))

    market["offer2"].refresh_from_db()
    assert market["offer2"].status == "closed"  # the deal took all of it: no longer public
    public = {offer.title, request.title}
    deal = {"Stenen", "Gezocht: stenen"}
    assert seen("anonymous") == public
    assert seen("member_a") == public | deal  # its own offer, and the deal's request
    assert seen("member_b") == public | deal | {"Kladje", "Verborgen"}  # its own, hidden too
    assert seen("moderator") == public | {"Verborgen"}  # hidden ones, but no drafts or deals
    assert seen("administrator") == public | {"Verborgen"}
    assert seen("scan_coordinator") == public

    exact = "exchange.listing.exact_location"
    assert permissions.can(u["member_a"], exact, offer)  # its own
    assert not permissions.can(u["member_b"], exact, offer)  # a proposal buys nothing
    assert permissions.can(u["member_b"], exact, market["offer2"])  # the deal's other party
    assert permissions.can(u["member_a"], exact, market["req2"])
    assert not permissions.can(u["administrator"], exact, market["offer2"])  # not a party
    assert not permissions.can(u["anonymous"], exact, offer)


def test_four_eyes_on_a_pending_import(world: dict[str, Any], make: Any) -> None:
    u = _people(world, make)
    batch = world["batch"]  # imported by the monitor editor
    decide = "monitor.batch.decide"
    assert not permissions.can(u["monitor_editor"], decide, batch)  # not one's own
    assert permissions.can(u["administrator"], decide, batch)
    assert not permissions.can(u["member_a"], decide, batch)
    second = make.user("second_editor", "monitor_editor")
    assert permissions.can(second, decide, batch)
    batch.status = "approved"
    batch.save(update_fields=["status"])
    assert not permissions.can(second, decide, batch)  # decided: nobody decides again


def test_the_refusal_is_the_rules_message_in_the_language_of_the_moment(world: Any) -> None:
    args = (world["users"]["member_b"], "agenda.action.edit", world["action"])
    with translation.override("en"), pytest.raises(PermissionDenied) as en:
        permissions.require(*args)
    assert str(en.value) == "Only members of the action's organisation may edit it."
    with translation.override("nl"), pytest.raises(PermissionDenied) as nl:
        permissions.require(*args)
    assert str(nl.value) == "Alleen leden van de organisatie van deze actie mogen ze bewerken."
