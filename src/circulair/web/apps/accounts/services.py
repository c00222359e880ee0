"""Accounts: the rules django-allauth asks us about, and a person's profile.

Sign-up is closed: people join through an organisation's invitation (organisations services),
which creates the account with the invited, already confirmed, address. allauth's own mails
(password reset, e-mail confirmation) are rendered in the recipient's language, their links
built from ``SITE_URL``, and sent through the platform's one mail path."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.common.mail import language_of, message_queue, site_url


def login_attempt_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failed logins under: what the person typed as their login
    (allauth's ``login`` field, a user name or an e-mail address; ``username`` for Basic auth)."""
    creds = credentials or {}
    post = getattr(request, "POST", {}) or {}
    name = (
        creds.get("username")
        or creds.get("email")
        or post.get("login")
        or post.get("username")
        or ""
    )
    return str(name).strip().lower()


def profile_of(user: Any) -> Profile:
    """The user's profile, created with the defaults on first use."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user: Any, first_name: str, last_name: str, profile: Profile) -> Profile:
    """Save a person's name and their profile (the form has validated both)."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["first_name", "last_name"])
    profile.full_clean()
    profile.save()
    return profile


class AccountAdapter(DefaultAccountAdapter):
    """django-allauth's hooks for Circulair."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # by invitation only (organisations app)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = context.get("request")
        origin = request.build_absolute_uri("/").rstrip("/") if request is not None else None
        ctx = dict(context)
        for key, value in context.items():  # links from the one configured site address
            if origin and isinstance(value, str) and value.startswith(origin + "/"):
                ctx[key] = site_url(value[len(origin) :])
        ctx["current_site"] = SimpleNamespace(name="Circulair", domain=urlsplit(site_url()).netloc)
        user = ctx.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        with translation.override(language_of(user)):
            msg = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, kind in getattr(msg, "alternatives", []) if kind == "text/html"), None
        )
        message_queue(subject=str(msg.subject), text=str(msg.body), html=html, to=list(msg.to))


def account_create(*, username: str, email: str, password: str) -> Any:
    """A new account made by the operator (``circulair org add-member --create-user``); the
    password is checked against the site's password rules first."""
    user = get_user_model()(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
