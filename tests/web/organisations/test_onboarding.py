"""Onboarding (issue 14): invitations by e-mail with a role (one use, expiry), requests to join
that an owner decides, members and roles managed by owners, platform roles by administrators.
Mail goes through a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from circulair.core.errors import InputError
from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.common.history import history_of
from circulair.web.apps.organisations import services
from circulair.web.apps.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
)

pytestmark = pytest.mark.django_db
PW = "a-long-test-password"
LINK = re.compile(r"https://circulair\.test/org/invitations/([\w-]+)/")


@pytest.fixture
def alfa() -> dict[str, Any]:
    org = Organisation.objects.create(name="Alfa Recycling NV")
    owner = User.objects.create_user("olga", email="olga@alfa.test", password=PW)
    member = User.objects.create_user("mo", email="mo@alfa.test", password=PW)
    stranger = User.objects.create_user("sam", email="sam@else.test", password=PW)
    Membership.objects.create(organisation=org, user=owner, role="owner")
    Membership.objects.create(organisation=org, user=member, role="member")
    return {"org": org, "owner": owner, "member": member, "stranger": stranger}


def _client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_owner_invites_and_the_link_makes_an_account_once(
    alfa: dict[str, Any], mailbox: Any
) -> None:
    r = _client(alfa["owner"]).post(
        f"/org/{alfa['org'].pk}/invite/",
        {"email": "Nora@Alfa.test", "role": "member", "language": "nl"},
    )
    assert r.status_code == 302
    [msg] = mailbox.to("nora@alfa.test")
    assert (
        msg["Subject"]
        == "[Circulair] Uitnodiging om lid te worden van Alfa Recycling NV op Circulair"
    )
    text, html = mailbox.text(msg), mailbox.html(msg)
    token = LINK.search(text).group(1)  # absolute, from SITE_URL
    assert f"https://circulair.test/org/invitations/{token}/" in html
    assert "olga" in text and "14" in text
    inv = Invitation.objects.get()
    assert token not in inv.token_hash and len(inv.token_hash) == 64  # only the hash is stored
    # the invitee follows the link, chooses a name and a password, and is in
    c = Client()
    page = c.get(f"/org/invitations/{token}/")
    assert page.status_code == 200 and "nora@alfa.test" in page.content.decode()
    r = c.post(f"/org/invitations/{token}/", {"username": "nora", "password": "Zonnebloem-2026!"})
    assert r.status_code == 302 and r["Location"] == f"/org/{alfa['org'].pk}/"
    nora = User.objects.get(username="nora")
    assert nora.email == "nora@alfa.test" and nora.check_password("Zonnebloem-2026!")
    assert nora.emailaddress_set.get().verified  # the link reached the address
    assert Membership.objects.get(user=nora).role == "member"
    assert int(c.session["_auth_user_id"]) == nora.pk
    # the inviter hears of it
    assert any("nora" in m["Subject"] for m in mailbox.to("olga@alfa.test"))
    # a second use is refused
    again = Client().post(
        f"/org/invitations/{token}/", {"username": "eve", "password": "Zonnebloem-2026!"}
    )
    assert again.status_code == 410 and not User.objects.filter(username="eve").exists()
    assert [c.action for c in history_of(alfa["org"])][:2] == ["join", "invite"]


def test_invitation_refuses_expired_revoked_weak_and_taken(
    alfa: dict[str, Any], mailbox: Any
) -> None:
    inv, token = services.invitation_create(
        user=alfa["owner"], organisation=alfa["org"], email="x@y.test"
    )
    with pytest.raises(InputError) as e:
        services.invitation_accept(token=token, username="mo", password="short")
    fields = {p.field for p in e.value.problems}
    assert fields == {"username", "password"}  # name taken, password too weak: both reported
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(InputError, match="expired"):
        services.invitation_accept(token=token, username="xavier", password="Zonnebloem-2026!")
    inv2, token2 = services.invitation_create(
        user=alfa["owner"], organisation=alfa["org"], email="z@y.test"
    )
    services.invitation_revoke(user=alfa["owner"], invitation=inv2)
    with pytest.raises(InputError, match="withdrawn"):
        services.invitation_accept(token=token2, username="zed", password="Zonnebloem-2026!")
    with pytest.raises(InputError, match="not valid"):
        services.invitation_accept(token="forged", username="zed", password="Zonnebloem-2026!")
    with pytest.raises(InputError, match="already a member"):
        services.invitation_create(
            user=alfa["owner"], organisation=alfa["org"], email="MO@alfa.test"
        )
    with pytest.raises(InputError) as bad:
        services.invitation_create(
            user=alfa["owner"], organisation=alfa["org"], email="nope", role="king"
        )
    assert {p.field for p in bad.value.problems} == {"email", "role"}
    assert not User.objects.filter(username__in=["xavier", "zed"]).exists()
    # coded, and read in the reader's language (issue 15)
    from django.utils import translation

    from circulair.web.apps.common.texts import problem_text

    with translation.override("nl"):
        said = [problem_text(p) for p in bad.value.problems]
    assert said == [
        "veld 'email': geen e-mailadres (gekregen: 'nope')",
        "veld 'role': onbekende rol; verwacht een van owner, member (gekregen: 'king')",
    ]


def test_only_owners_and_administrators_manage_members(alfa: dict[str, Any], mailbox: Any) -> None:
    org = alfa["org"]
    for who in ("member", "stranger"):
        r = _client(alfa[who]).post(
            f"/org/{org.pk}/invite/", {"email": "a@b.test", "role": "owner", "language": "en"}
        )
        assert r.status_code == 403
    assert not Invitation.objects.exists() and mailbox.messages == []
    mo = Membership.objects.get(user=alfa["member"])
    assert (
        _client(alfa["member"]).post(f"/org/members/{mo.pk}/role/", {"role": "owner"}).status_code
        == 403
    )
    assert Membership.objects.get(pk=mo.pk).role == "member"
    assert _client(alfa["stranger"]).post(f"/org/members/{mo.pk}/remove/").status_code == 403
    # a stranger sees the organisation, not its members
    page = _client(alfa["stranger"]).get(f"/org/{org.pk}/").content.decode()
    assert "Alfa Recycling NV" in page and 'id="members"' not in page and "mo@alfa.test" not in page
    # an administrator may, without being a member
    admin = User.objects.create_user("root", password=PW, is_staff=True)
    r = _client(admin).post(f"/org/members/{mo.pk}/role/", {"role": "owner"})
    assert r.status_code == 302 and Membership.objects.get(pk=mo.pk).role == "owner"


def test_an_organisation_keeps_one_owner(alfa: dict[str, Any]) -> None:
    olga = Membership.objects.get(user=alfa["owner"])
    with pytest.raises(InputError, match="at least one owner"):
        services.member_role_set(user=alfa["owner"], membership=olga, role="member")
    with pytest.raises(InputError, match="at least one owner"):
        services.member_remove(user=alfa["owner"], membership=olga)
    mo = Membership.objects.get(user=alfa["member"])
    services.member_remove(user=alfa["member"], membership=mo)  # a member may leave
    assert not Membership.objects.filter(pk=mo.pk).exists()


def test_request_to_join_reaches_the_owner_who_decides(alfa: dict[str, Any], mailbox: Any) -> None:
    Profile.objects.create(user=alfa["owner"], language="en")
    sam = _client(alfa["stranger"])
    r = sam.post(f"/org/{alfa['org'].pk}/join/", {"message": "We collect pallets in Gent."})
    assert r.status_code == 302
    [to_owner] = mailbox.to("olga@alfa.test")
    assert to_owner["Subject"] == "[Circulair] sam asks to join Alfa Recycling NV"  # her language
    assert f"https://circulair.test/org/{alfa['org'].pk}/" in mailbox.text(to_owner)
    assert "pallets in Gent" in mailbox.text(to_owner)
    with pytest.raises(InputError, match="already waiting"):
        services.join_request_create(user=alfa["stranger"], organisation=alfa["org"])
    req = JoinRequest.objects.get()
    assert (
        _client(alfa["member"]).post(f"/org/requests/{req.pk}/decide/", {"accept": "1"}).status_code
        == 403
    )
    r = _client(alfa["owner"]).post(f"/org/requests/{req.pk}/decide/", {"accept": "1"})
    assert r.status_code == 302
    assert Membership.objects.get(user=alfa["stranger"]).role == "member"
    [to_sam] = mailbox.to("sam@else.test")
    assert (
        to_sam["Subject"] == "[Circulair] U bent nu lid van Alfa Recycling NV"
    )  # no profile: Dutch


def test_preferences_silence_membership_mail(alfa: dict[str, Any], mailbox: Any) -> None:
    Profile.objects.create(user=alfa["owner"], notify_membership=False)
    services.join_request_create(user=alfa["stranger"], organisation=alfa["org"])
    assert mailbox.to("olga@alfa.test") == []


def test_administrators_grant_platform_roles(alfa: dict[str, Any]) -> None:
    url = "/org/roles/"
    assert _client(alfa["owner"]).get(url).status_code == 403
    assert _client().get(url).status_code == 302  # to the login
    admin = User.objects.create_superuser("root", password=PW)
    c = _client(admin)
    r = c.post(url, {"username": "mo", "role": "catalogue_moderator", "granted": "1"})
    assert r.status_code == 302
    assert alfa["member"].groups.filter(name="catalogue_moderator").exists()
    page = c.get(url).content.decode()
    assert re.search(r'data-role="catalogue_moderator".*?mo', page, re.S)
    c.post(url, {"username": "mo", "role": "catalogue_moderator", "granted": "0"})
    assert not alfa["member"].groups.filter(name="catalogue_moderator").exists()
    assert [ch.changes for ch in history_of(alfa["member"]).order_by("pk")] == [
        {"catalogue_moderator": [False, True]},
        {"catalogue_moderator": [True, False]},
    ]
