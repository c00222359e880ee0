"""Accounts on django-allauth (issue 14): sign-in by name or address, password reset by a real
e-mail with an absolute link, no open sign-up, a profile with language and preferences."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from circulair.web.apps.accounts.models import Profile

pytestmark = pytest.mark.django_db
PW = "a-long-test-password"


def test_sign_in_by_name_or_address_and_out(client: Client) -> None:
    User.objects.create_user("ann", email="ann@x.test", password=PW)
    r = client.post("/accounts/login/", {"login": "ann@x.test", "password": PW})
    assert r.status_code == 302 and client.session.get("_auth_user_id")
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    r = client.post("/accounts/login/", {"login": "ann", "password": PW})
    assert r.status_code == 302 and client.session.get("_auth_user_id")


def test_sign_up_is_closed(client: Client) -> None:
    r = client.post(
        "/accounts/signup/",
        {"username": "eve", "email": "eve@x.test", "password1": PW, "password2": PW},
    )
    assert not User.objects.filter(username="eve").exists()
    assert (
        r.status_code == 200 and "closed" in r.content.decode().lower()
    ) or "gesloten" in r.content.decode().lower()


def test_password_reset_end_to_end(mailbox: Any, settings: Any) -> None:
    User.objects.create_user("ann", email="ann@x.test", password=PW)
    settings.ALLOWED_HOSTS = ["*"]  # even behind a proxy that passes any Host on …
    c = Client(HTTP_HOST="evil.example")  # … a forged Host never reaches the link
    r = c.post("/accounts/password/reset/", {"email": "ann@x.test"})
    assert r.status_code == 302
    [msg] = mailbox.to("ann@x.test")
    text = mailbox.text(msg)
    assert "evil.example" not in text
    link = re.search(r"https://circulair\.test(/accounts/password/reset/key/\S+/)", text).group(1)
    c = Client()
    r = c.get(link, follow=True)
    form_url = r.redirect_chain[-1][0] if r.redirect_chain else link
    r = c.post(form_url, {"password1": "Nieuw-Wachtwoord-77", "password2": "Nieuw-Wachtwoord-77"})
    assert r.status_code == 302
    assert User.objects.get(username="ann").check_password("Nieuw-Wachtwoord-77")
    fresh = Client()
    fresh.post("/accounts/login/", {"login": "ann", "password": "Nieuw-Wachtwoord-77"})
    assert fresh.session.get("_auth_user_id")
    # no mail to an address nobody has (and no word of it on the page)
    Client().post("/accounts/password/reset/", {"email": "nobody@x.test"})
    assert (
        mailbox.to("nobody@x.test") == []
        or "unknown" in mailbox.text(mailbox.to("nobody@x.test")[0]).lower()
    )


def test_profile_saves_name_language_and_preferences(client: Client) -> None:
    ann = User.objects.create_user("ann", email="ann@x.test", password=PW)
    client.force_login(ann)
    assert client.get("/accounts/profile/").status_code == 200
    r = client.post(
        "/accounts/profile/",
        {"first_name": "Ann", "last_name": "Peeters", "language": "en", "notify_exchange": "on"},
    )
    assert r.status_code == 302
    ann.refresh_from_db()
    p = Profile.objects.get(user=ann)
    assert (ann.first_name, ann.last_name, p.language) == ("Ann", "Peeters", "en")
    assert (p.notify_exchange, p.notify_membership, p.notify_moderation) == (True, False, False)
    # her language from now on, without choosing it in this browser
    fresh = Client()
    fresh.force_login(ann)
    page = fresh.get("/accounts/profile/").content.decode()
    assert "Your profile" in page
    assert Client().get("/accounts/profile/").status_code == 302
