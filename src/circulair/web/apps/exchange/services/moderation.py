"""A moderator hides a listing, with a reason its owner is told, and may make it visible again.

Only a catalogue moderator or an administrator may (:func:`selectors.moderation.can_moderate`);
who sees a hidden listing is the one rule of :mod:`..selectors.moderation`. Both writes go to
the platform's change log; the owner's members get an in-app notice, and for a hidden listing
an e-mail with the reason and a link to it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from circulair.core.errors import InputError, gettext_noop
from circulair.web.apps.accounts.models import Topic
from circulair.web.apps.common import permissions
from circulair.web.apps.common.history import change_record
from circulair.web.apps.common.mail import language_of, mail_send, site_url
from circulair.web.apps.exchange.models import (
    HIDDEN_REASON_MAX,
    Listing,
    Notification,
    notice_text,
)


def _moderator(user: Any) -> None:
    permissions.require(user, "exchange.listing.moderate")


def _reason(reason: Any) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InputError.coded(
            "reason_missing",
            gettext_noop("give the reason, shown to the listing's owner"),
            field="reason",
        )
    if len(text) > HIDDEN_REASON_MAX:
        raise InputError.coded(
            "text_too_long",
            gettext_noop("at most %(n)s characters"),
            field="reason",
            value=len(text),
            n=HIDDEN_REASON_MAX,
        )
    return text


def _locked(listing: Listing) -> Listing:
    """The stored listing, locked until the end of the transaction: two moderators acting at
    once do not both hide it (the caller's instance is the one updated and returned)."""
    return Listing.objects.select_for_update().get(pk=listing.pk)


def _tell_owner(listing: Listing, notice: str, *, mail: bool) -> None:
    """An in-app notice to every member of the listing's organisation, and the e-mail
    ``listing_hidden`` when ``mail`` (skipped for those who switched exchange mail off)."""
    path = f"/exchange/listings/{listing.pk}/"
    params = {"title": listing.title, "reason": listing.hidden_reason}
    for user in listing.organisation.members.all():
        with translation.override(language_of(user)):
            text = notice_text(notice, params)
        Notification.objects.create(
            user=user, code=notice, params=params, text=text[:300], url=path
        )
        if mail:
            mail_send(
                "listing_hidden",
                {"title": listing.title, "reason": listing.hidden_reason, "link": site_url(path)},
                user=user,
                topic=Topic.EXCHANGE,
            )


@transaction.atomic
def listing_hide(*, user: Any, listing: Listing, reason: str) -> Listing:
    """Hide ``listing`` from everyone but its own organisation (and moderators), with the
    reason its owner is shown (required, at most :data:`HIDDEN_REASON_MAX` characters)."""
    _moderator(user)
    text = _reason(reason)
    if _locked(listing).is_hidden:
        raise InputError.coded(
            "listing_hidden", gettext_noop("this listing is already hidden"), field="hidden"
        )
    listing.hidden_at, listing.hidden_by, listing.hidden_reason = timezone.now(), user, text
    listing.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    change_record(listing, "hide", {"hidden": [False, True], "hidden_reason": ["", text]}, user)
    _tell_owner(listing, "hidden", mail=True)
    return listing


@transaction.atomic
def listing_unhide(*, user: Any, listing: Listing) -> Listing:
    """Make a hidden listing visible again (its reason is kept in the change log)."""
    _moderator(user)
    stored = _locked(listing)
    if not stored.is_hidden:
        raise InputError.coded(
            "listing_not_hidden", gettext_noop("this listing is not hidden"), field="hidden"
        )
    old = stored.hidden_reason
    listing.hidden_at, listing.hidden_by, listing.hidden_reason = None, None, ""
    listing.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    change_record(listing, "unhide", {"hidden": [True, False], "hidden_reason": [old, ""]}, user)
    _tell_owner(listing, "unhidden", mail=False)
    return listing
