"""Offers and requests of secondary materials, proposed matches, deals and notifications."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from circulair.core.exchange.taxonomy import load_taxonomy

#: The longest reason a moderator may give for hiding a listing.
HIDDEN_REASON_MAX = 1000


class Listing(models.Model):
    class Kind(models.TextChoices):
        OFFER = "offer", _("offer")
        REQUEST = "request", _("request")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        MATCHED = "matched", _("matched")
        CLOSED = "closed", _("closed")
        EXPIRED = "expired", _("expired")

    class Route(models.TextChoices):
        REUSE = "reuse", _("reuse")
        REPAIR = "repair", _("repair")
        REMANUFACTURE = "remanufacture", _("remanufacture")
        RECYCLE = "recycle", _("recycle")
        RECOVER = "recover", _("recover")

    class Unit(models.TextChoices):
        T = "t", "t"
        M3 = "m3", "m³"
        PIECES = "pieces", _("pieces")

    class Frequency(models.TextChoices):
        ONCE = "once", _("one-off")
        PER_YEAR = "per_year", _("per year")

    kind = models.CharField(_("offer or request"), max_length=8, choices=Kind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="listings",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    material = models.CharField(_("material"), max_length=80)
    ewc = models.CharField(_("List of Waste code"), max_length=12, blank=True)
    hazardous = models.BooleanField(_("hazardous"), default=False)
    route = models.CharField(
        _("intended route"), max_length=16, choices=Route.choices, default=Route.RECYCLE
    )
    quantity = models.FloatField(_("quantity"))
    remaining = models.FloatField(_("remaining"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.T)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(_("available until"))
    quality = models.CharField(_("quality / specification"), max_length=100, blank=True)
    certified = models.BooleanField(_("certified"), default=False)
    accepts_hazardous = models.BooleanField(
        _("accepts hazardous material (requests)"), default=False
    )
    municipality = models.ForeignKey(
        "geography.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    radius_km = models.FloatField(_("search radius (km, requests)"), default=50)
    price_eur = models.DecimalField(
        _("price (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    primary_km = models.FloatField(
        _("distance to the nearest primary-material supplier (km, requests)"),
        null=True,
        blank=True,
        help_text=_("Used to report the t·km a match avoids."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # No index: never filtered by; only a deleted account's SET NULL reads it (one scan), and
    # every imported listing would pay for its upkeep.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by a catalogue moderator: the listing leaves every public channel; its own
    # organisation still sees it, with the reason (``services.moderation``).
    hidden_at = models.DateTimeField(_("hidden by a moderator at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
        db_index=False,  # as created_by
    )
    hidden_reason = models.TextField(
        _("reason for hiding"), blank=True, max_length=HIDDEN_REASON_MAX
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "kind", "material"])]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Match(models.Model):
    """A proposed pairing of an offer and a request; accepted, it becomes a deal."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    offer = models.ForeignKey(
        Listing, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="offer_matches"
    )
    request = models.ForeignKey(
        Listing, verbose_name=_("request"), on_delete=models.CASCADE, related_name="request_matches"
    )
    proposed_by = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("proposed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    quantity = models.FloatField(_("quantity"))
    distance_km = models.FloatField(_("distance (km)"))
    score = models.FloatField(_("score"), default=0)
    #: How ``score`` was made, kept at the proposal (the listings change afterwards):
    #: ``{"distance_km": public km, "parts": [{"code", "value", "weight"}, ...]}``; empty for
    #: matches proposed before it was kept.
    score_parts = models.JSONField(_("score parts"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.request_id} ({self.status})"

    @property
    def counterparty_id(self) -> int:
        return (
            self.request.organisation_id
            if self.proposed_by_id == self.offer.organisation_id
            else self.offer.organisation_id
        )


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    #: What happened (a key of :data:`NOTICES`) and its parameters: the text is rendered in
    #: the reader's language when it is shown (:meth:`message`).
    code = models.CharField(_("code"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    #: The text as first written, in the recipient's language (kept for the e-mail and for
    #: notifications from before codes were stored).
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    read = models.BooleanField(_("read"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def message(self) -> str:
        """The notice in the active language (its stored text when it has no known code)."""
        if self.code not in NOTICES:
            return self.text
        return notice_text(self.code, self.params)


#: The exchange's notices (in-app and e-mail) by code; parameters named in :data:`_LABELLED`
#: are stored as codes and shown as their label in the reader's language.
NOTICES: dict[str, Any] = {
    "new_listing": _("New %(kind)s for %(material)s: %(title)s (%(place)s)"),
    "new_listings": _(
        "%(count)s new listings for %(material)s (%(kind)s), among them %(title)s (%(place)s)"
    ),
    "proposed": _("%(org)s proposes a match: %(offer)s → %(request)s (%(quantity)s %(unit)s)"),
    "decided": _("Match %(status)s: %(offer)s → %(request)s"),
    "hidden": _("A moderator hid your listing %(title)s: %(reason)s"),
    "unhidden": _("A moderator made your listing %(title)s visible again."),
}
_LABELLED: dict[str, Any] = {
    "kind": Listing.Kind,
    "status": Match.Status,
    "unit": Listing.Unit,
}


def material_name(code: str, language: str | None = None) -> str:
    """A taxonomy code's full name in ``language`` (default: the active one); an unknown code
    (a node since removed from the taxonomy) is shown as it is rather than lost."""
    tax = load_taxonomy()
    if code not in tax:
        return code
    return tax.node(code).name(language or get_language() or settings.LANGUAGE_CODE)


def notice_text(code: str, params: dict[str, Any]) -> str:
    """The notice ``code`` with ``params``, in the active language: labelled codes as their
    label, a material code as the material's name, a quantity in the locale's number format."""
    shown = {}
    for k, v in params.items():
        choices = _LABELLED.get(k)
        if choices is not None and v in choices.values:
            shown[k] = str(choices(v).label)
        elif k == "material":
            shown[k] = material_name(str(v))
        elif k == "quantity" and _is_number(v):
            plain = f"{float(v):.6f}".rstrip("0").rstrip(".")  # "6", "6.5": no "6.0"
            shown[k] = number_format(Decimal(plain), use_l10n=True)
        else:
            shown[k] = str(v)
    return str(NOTICES[code] % shown)


def _is_number(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


class SavedSearch(models.Model):
    """A user's standing question: tell me when a listing like this is published."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    kind = models.CharField(_("offer or request"), max_length=8, choices=Listing.Kind.choices)
    material = models.CharField(_("material"), max_length=80)
    municipality = models.ForeignKey(
        "geography.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    radius_km = models.FloatField(_("radius (km)"), default=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
