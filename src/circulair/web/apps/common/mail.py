"""E-mail to people: one way to write, address and send it, whoever sends it.

A message is rendered in its recipient's language (their profile's, else the one given, else the
platform's), as plain text and HTML, with absolute links built from the one configured
``SITE_URL``; it is skipped when the recipient switched its topic off; it is sent by a background
job (kind ``mail.send``), so a slow mail server never holds a page."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from circulair.web.apps.common import jobs

log = logging.getLogger(__name__)


def site_url(path: str = "") -> str:
    """An absolute link: ``SITE_URL`` + ``path`` (a path such as ``/exchange/matches/2/``)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else f"/{path}")


def language_of(user: Any, default: str | None = None) -> str:
    """The language a person reads the platform in: their profile's, else ``default``."""
    profile = getattr(user, "profile", None) if user is not None else None
    lang = getattr(profile, "language", None) or default or settings.LANGUAGE_CODE
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def wants(user: Any, topic: str | None) -> bool:
    """Does the recipient want mail about ``topic``? (None: a mail they asked for, always.)"""
    if topic is None or user is None:
        return True
    profile = getattr(user, "profile", None)
    return profile is None or profile.wants(topic)


def mail_render(template: str, context: dict[str, Any], *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``mail/<template>`` in ``language``."""
    ctx = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = " ".join(render_to_string(f"mail/{template}_subject.txt", ctx).split())
        text = render_to_string(f"mail/{template}.txt", ctx).strip() + "\n"
        html = render_to_string(f"mail/{template}.html", ctx)
    return subject, text, html


def mail_send(
    template: str,
    context: dict[str, Any],
    *,
    user: Any = None,
    email: str = "",
    topic: str | None = None,
    language: str | None = None,
) -> bool:
    """Queue one e-mail to ``user`` (or to a bare ``email`` address, e.g. an invitation);
    returns False when there is nobody to send to or they switched the topic off."""
    address = email or (getattr(user, "email", "") if user is not None else "")
    if not address or not wants(user, topic):
        return False
    subject, text, html = mail_render(
        template, {**context, "recipient": user}, language=language_of(user, language)
    )
    message_queue(subject=subject, text=text, html=html, to=[address])
    return True


def message_queue(*, subject: str, text: str, html: str | None, to: list[str]) -> None:
    """Hand a rendered message to the background job that sends it."""
    jobs.submit(
        kind="mail.send",
        params={"subject": subject, "text": text, "html": html, "to": to},
    )


@jobs.register("mail.send", private=True)
def _send(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    subject = params["subject"]
    msg = EmailMultiAlternatives(
        subject if subject.startswith(prefix) else prefix + subject,
        params["text"],
        settings.DEFAULT_FROM_EMAIL,
        params["to"],
    )
    if params.get("html"):
        msg.attach_alternative(params["html"], "text/html")
    msg.send()
    log.info("mail sent to %d recipient(s): %s", len(params["to"]), subject)
    return {"sent": len(params["to"])}
