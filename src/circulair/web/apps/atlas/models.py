"""Who else may see a siting run: one organisation's members, and whoever holds its link.

A siting run is private to its creator (see :mod:`.selectors`); its owner may share it with
one organisation they belong to and/or by a link. One row per shared run holds both; stopping
to share deletes the row. The link's token is never stored: only its SHA-256 hash, so a
database copy does not hand out the links.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.common.models import Job


def share_token_hash(token: str) -> str:
    """The stored form of a share link's token (hex SHA-256)."""
    return hashlib.sha256(token.encode()).hexdigest()


class RunShare(models.Model):
    """How one atlas run is shared (a run without a row is shared with nobody)."""

    job = models.OneToOneField(
        Job, on_delete=models.CASCADE, related_name="atlas_share", verbose_name=_("run")
    )
    # SET_NULL: a deleted organisation takes its members' access with it, not the link.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared with organisation"),
    )
    token_hash = models.CharField(
        _("link (hash of its token)"), max_length=64, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared by"),
    )
    created_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shared run")
        verbose_name_plural = _("shared runs")

    def __str__(self) -> str:
        return f"{self.job} → {self.organisation or '-'}{' + link' if self.token_hash else ''}"

    @property
    def has_link(self) -> bool:
        return bool(self.token_hash)
