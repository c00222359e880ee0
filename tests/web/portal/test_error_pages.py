"""The platform's own 403, 404 and 500 pages (DEBUG off), in Dutch and English; static files
are still served with DEBUG off."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from circulair.web.config.settings import STATICFILES_DIRS

pytestmark = pytest.mark.django_db


def _nl(msgid: str) -> str:
    """The Dutch catalogue's text for a msgid (the msgid itself until it is translated)."""
    with translation.override("nl"):
        return translation.gettext(msgid)


@pytest.mark.parametrize(
    ("lang", "nav", "title"),
    [("en", "Municipalities", "Page not found"), ("nl", "Gemeenten", "Pagina niet gevonden")],
)
def test_missing_page_is_the_sites_404_not_djangos(
    settings: Any, lang: str, nav: str, title: str
) -> None:
    settings.DEBUG = False
    resp = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=lang)
    body = resp.content.decode()
    assert resp.status_code == 404
    assert f'<html lang="{lang}">' in body
    assert f"<h1>{title}</h1>" in body
    assert f"<title>{title} · Circulair</title>" in body
    # the site's layout (navigation in the visitor's language), not Django's technical page
    assert f'">{nav}</a>' in body and 'data-error="404"' in body
    # Django's DEBUG page: "Using the URLconf defined in circulair.web.config.urls, Django
    # tried these URL patterns, in this order: ..."
    assert "URLconf" not in body and "URL patterns" not in body
    assert "circulair.web.config.urls" not in body and "api/v1/" not in body
    there = {"en": "There is no page at this address", "nl": "Er is geen pagina op dit adres"}
    assert there[lang] in body


def test_unknown_record_gets_the_same_404_page(settings: Any) -> None:
    settings.DEBUG = False
    resp = Client().get("/kb/work_agenda/nope/", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 404 and "<h1>Page not found</h1>" in resp.content.decode()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_403_page_offers_a_login_to_anonymous_visitors(lang: str) -> None:
    request = RequestFactory().get("/agenda/actions/1/edit/")
    request.user = AnonymousUser()
    with translation.override(lang):
        resp = defaults.permission_denied(request, PermissionDenied("internal reason"))
        title, login = translation.gettext("Access denied"), translation.gettext("Log in")
    body = resp.content.decode()
    assert resp.status_code == 403
    assert f"<h1>{title}</h1>" in body and f'<html lang="{lang}">' in body
    assert f'href="/accounts/login/?next=/agenda/actions/1/edit/">{login}</a>' in body
    assert "internal reason" not in body
    assert login == {"en": "Log in", "nl": "Aanmelden"}[lang]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_500_page_stands_alone(lang: str, django_assert_num_queries: Any) -> None:
    """Rendered as Django does after an error: no context processors, no database."""
    request = RequestFactory().get("/")
    with translation.override(lang), django_assert_num_queries(0):
        resp = defaults.server_error(request)
        title = translation.gettext("Something went wrong")
    body = resp.content.decode()
    assert resp.status_code == 500
    assert f"<h1>{title}</h1>" in body and f'<html lang="{lang}">' in body
    assert '<link rel="stylesheet" href="/static/css/circulair.css">' in body
    if lang == "en":
        assert "The server could not complete your request." in body


def test_static_files_are_served_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    resp = Client().get("/static/css/circulair.css")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/css")
    shipped = (STATICFILES_DIRS[0] / "css" / "circulair.css").read_bytes()
    assert b"".join(resp.streaming_content) == shipped
