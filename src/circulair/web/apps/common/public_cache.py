"""What anonymous visitors are shown, built once per data version, language and URL.

Why: a list, search or evaluation page costs 30-100 ms of CPU to build (queries, then Django
template rendering), which on a 2-core server caps throughput far below what public traffic
needs. Anonymous visitors all see the same published data, so their pages and API answers are
kept and reused:

- The key holds the data's *version* (read from the database on every request: the doers
  catalogue version, the agenda register's latest change-log id), so a change made anywhere is
  served at once. What the version does not cover (organisation names, the knowledge base,
  which change with data loads) is at most ``PUBLIC_CACHE_SECONDS`` old (default 60 s;
  ``0`` turns the cache off, as the benchmarks do to measure the uncached cost).
- Never cached: logged-in users, requests carrying a session, flash messages or an
  ``Authorization`` header, anything but GET/HEAD, answers other than 200, downloads, and
  answers that set cookies.
- One thread per process builds a missing answer; the others wait for it (a popular URL
  whose entry expires is not built by every thread at once).
- A page's CSRF tokens (the language switch is a POST form) are replaced by a placeholder when
  kept, and every visitor gets a token of its own when the page is served.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language
from rest_framework.response import Response

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
_PLACEHOLDER = "@@circulair-csrf-token@@"
T = TypeVar("T")


def seconds() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 60))


def cacheable(request: HttpRequest) -> bool:
    """An anonymous, cookie-less (but for CSRF/language) GET without credentials."""
    if seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if getattr(getattr(request, "user", None), "is_authenticated", False):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


_flights: dict[str, threading.Lock] = {}
_flights_guard = threading.Lock()


def _flight(key: str) -> threading.Lock:
    """The lock of one cache key in this process (the table is emptied when it grows large;
    a thread still holding an old lock only makes one more build possible)."""
    with _flights_guard:
        lock = _flights.get(key)
        if lock is None:
            if len(_flights) > 10_000:
                _flights.clear()
            lock = _flights[key] = threading.Lock()
        return lock


def _key(kind: str, version: object, request: HttpRequest) -> str:
    raw = repr((kind, version, get_language(), request.get_host(), request.get_full_path()))
    return "public:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(
    version: Callable[[], object],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator of a function view: anonymous answers kept per ``version()`` (see above)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not cacheable(request):
                return view(request, *args, **kwargs)
            key = _key("page", version(), request)
            hit = cache.get(key)
            if hit is None:
                with _flight(key):
                    hit = cache.get(key)
                    if hit is None:
                        return _build_page(key, view, request, *args, **kwargs)
            content, content_type = hit
            if _PLACEHOLDER in content:
                content = content.replace(_PLACEHOLDER, get_token(request))
            return HttpResponse(content, content_type=content_type)

        return wrapped

    return decorate


def _build_page(
    key: str, view: Callable[..., HttpResponse], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Run the view; keep its answer when every visitor may be shown it (see the module)."""
    response = view(request, *args, **kwargs)
    render = getattr(response, "render", None)
    if render is not None and not getattr(response, "is_rendered", True):
        render()
    content_type = response.get("Content-Type", "")
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Content-Disposition")
        and content_type.startswith(("text/html", "application/json"))
    ):
        text = response.content.decode(response.charset)
        cache.set(key, (_CSRF.sub(rf"\g<1>{_PLACEHOLDER}\g<2>", text), content_type), seconds())
    return response


def cached(key: str, timeout: int, build: Callable[[], T]) -> T:
    """``build()`` kept in the cache under ``key`` for ``timeout`` seconds; one thread per
    process builds it while the others wait (a costly entry that expires is not rebuilt by
    every thread at once)."""
    found = cache.get(key)
    if found is None:
        with _flight(key):
            found = cache.get(key)
            if found is None:
                found = build()
                cache.set(key, found, timeout)
    return found


def public_data(request: HttpRequest, kind: str, version: object, build: Callable[[], T]) -> T:
    """``build()`` for this request, reused for anonymous visitors of the same URL, language
    and data version (an API answer's data, before rendering)."""
    if not cacheable(request):
        return build()
    return cached(_key(kind, version, request), seconds(), build)


class PublicListMixin:
    """DRF viewset mixin: the anonymous answers of ``list`` kept per ``public_version()``."""

    def public_version(self) -> object:
        raise NotImplementedError

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        parent = super()
        data = public_data(
            request,
            type(self).__name__,
            self.public_version(),
            lambda: parent.list(request, *args, **kwargs).data,  # type: ignore[attr-defined]
        )
        return Response(data)
