"""A person's own settings: the language the platform speaks to them in and which e-mails they
want. Sign-in, passwords and e-mail addresses are django-allauth's (``account`` app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What an e-mail is about: each can be switched off in the profile."""

    EXCHANGE = "exchange", _("exchange: matches and saved searches")
    MEMBERSHIP = "membership", _("organisation: invitations, requests to join, roles")
    MODERATION = "moderation", _("moderation: drafts to review, decisions on your drafts")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    notify_exchange = models.BooleanField(Topic.EXCHANGE.label, default=True)
    notify_membership = models.BooleanField(Topic.MEMBERSHIP.label, default=True)
    notify_moderation = models.BooleanField(Topic.MODERATION.label, default=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, topic: str) -> bool:
        """Does this person want e-mail about ``topic`` (a :class:`Topic`)?"""
        return bool(getattr(self, f"notify_{Topic(topic).value}"))
