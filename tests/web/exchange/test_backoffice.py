"""The back office: every model staff must be able to correct is in the admin (registered, or
an inline of a registered one), each list and form renders, and every model, field and app of
these apps has a translatable label (English msgid; the Dutch catalogue translates them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.text import capfirst

from circulair.web.apps.common.history import history_of
from circulair.web.apps.exchange.models import Listing, Match, Notification, SavedSearch
from circulair.web.apps.exchange.services import (
    listing_create,
    listing_hide,
    match_propose,
    saved_search_create,
)
from circulair.web.apps.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
)

pytestmark = pytest.mark.django_db
APPS = ["agenda", "geography", "knowledge", "monitor", "organisations", "scan", "exchange"]
PW = "a-long-test-password"


def _models() -> list[Any]:
    return [m for label in APPS for m in apps.get_app_config(label).get_models()]


def _registered() -> dict[Any, Any]:
    return {m: ma for m, ma in admin.site._registry.items() if m._meta.app_label in APPS}


@pytest.fixture
def data() -> dict[str, Any]:
    """At least one row of the exchange and organisation models, so that lists and forms
    render rows (the reference data fills geography, knowledge and monitor)."""
    seller, buyer = (Organisation.objects.create(name=n) for n in ("Sloop NV", "Hout BV"))
    alice, bob = (User.objects.create_user(n, email=f"{n}@example.org") for n in ("al", "bo"))
    Membership.objects.create(organisation=seller, user=alice)
    Membership.objects.create(organisation=buyer, user=bob)
    common = {"unit": "t", "available_from": dt.date(2026, 1, 1), "refnis": "24062"}
    offer = listing_create(
        user=alice,
        organisation=seller,
        data={"kind": "offer", "title": "Balken", "material": "wood-a", "quantity": 5.0}
        | common
        | {"available_to": dt.date(2026, 12, 31)},
        publish=True,
    )
    request = listing_create(
        user=bob,
        organisation=buyer,
        data={"kind": "request", "title": "Hout", "material": "wood", "quantity": 3.0}
        | common
        | {"available_to": dt.date(2026, 12, 31)},
        publish=True,
    )
    match_propose(user=bob, offer=offer, request=request)  # also a notification for alice
    saved_search_create(user=bob, kind="offer", material="wood")
    Invitation.objects.create(
        organisation=seller,
        email="new@example.org",
        token_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    JoinRequest.objects.create(organisation=seller, user=bob, message="Mag ik?")
    staff = User.objects.create_user("staff", password=PW, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    return {"client": client, "staff": staff, "offer": offer}


def test_every_model_is_in_the_back_office_and_every_page_renders(data: dict[str, Any]) -> None:
    registered = _registered()
    inlines = {i.model for ma in registered.values() for i in ma.inlines}
    assert {m.__name__ for m in _models() if m not in registered and m not in inlines} == set()
    assert {Listing, Match, SavedSearch, Notification} <= set(registered)
    c = data["client"]
    for model in registered:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        r = c.get(base)
        assert r.status_code == 200, (base, r.status_code)
        r = c.get(base, {"q": "a"} if registered[model].search_fields else {})
        assert r.status_code == 200, (base, "search")
        first = model.objects.order_by("pk").first()
        if first is not None:
            r = c.get(f"{base}{first.pk}/change/")
            assert r.status_code == 200, (base, first.pk, r.status_code)
        add = c.get(f"{base}add/").status_code
        assert add == (200 if registered[model].has_add_permission(_request(c)) else 403), base


def _request(client: Client) -> Any:
    """A request of the logged-in staff user (for the admins' permission hooks)."""
    req = RequestFactory().get("/admin/")
    req.user = User.objects.get(pk=client.session["_auth_user_id"])
    return req


def test_notifications_are_read_only_and_the_unhide_action_uses_the_service(
    data: dict[str, Any], grant_role: Any
) -> None:
    c, offer = data["client"], data["offer"]
    note = Notification.objects.first()
    assert note is not None
    before = note.text
    r = c.post(f"/admin/exchange/notification/{note.pk}/change/", {"text": "changed"})
    assert r.status_code == 403
    note.refresh_from_db()
    assert note.text == before
    # the moderation fields are read-only; the action makes a hidden listing visible again
    page = c.get(f"/admin/exchange/listing/{offer.pk}/change/").content.decode()
    assert 'name="hidden_reason"' not in page
    moderator = grant_role(User.objects.create_user("mod"), "catalogue_moderator")
    listing_hide(user=moderator, listing=offer, reason="dubbel")
    r = c.post(
        "/admin/exchange/listing/",
        {"action": "unhide", "_selected_action": [str(offer.pk)]},
        follow=True,
    )
    assert r.status_code == 200
    offer.refresh_from_db()
    assert not offer.is_hidden
    assert [ch.action for ch in history_of(offer)] == ["unhide", "hide"]
    assert history_of(offer).first().user == data["staff"]  # type: ignore[union-attr]


def test_models_fields_and_apps_have_translatable_labels() -> None:
    for model in _models():
        meta = model._meta
        for attr in ("verbose_name", "verbose_name_plural"):
            assert attr in meta.original_attrs, (model.__name__, attr)
            assert isinstance(getattr(meta, attr), Promise), (model.__name__, attr)
        for f in meta.get_fields():
            if getattr(f, "concrete", False) and not f.auto_created:
                assert isinstance(f.verbose_name, Promise), (model.__name__, f.name)
    for label in APPS:
        assert isinstance(apps.get_app_config(label).verbose_name, Promise), label
    with translation.override("en"):
        names = {
            m.__name__: (str(m._meta.verbose_name), str(m._meta.verbose_name_plural))
            for m in (Listing, Match, SavedSearch, Notification)
        }
    assert names == {
        "Listing": ("listing", "listings"),
        "Match": ("match", "matches"),
        "SavedSearch": ("saved search", "saved searches"),
        "Notification": ("notification", "notifications"),
    }


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_admin_index_names_apps_and_models_in_the_language(
    data: dict[str, Any], language: str
) -> None:
    c = data["client"]
    c.cookies["django_language"] = language
    page = c.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}"' in page
    with translation.override(language):
        for model in _registered():
            assert escape(capfirst(str(model._meta.verbose_name_plural))) in page, model
        for label in APPS:
            assert escape(str(apps.get_app_config(label).verbose_name)) in page, label
