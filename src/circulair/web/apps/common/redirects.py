"""Where a form may send the user next: only to a path on this site (no open redirect)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: Any, default: str) -> str:
    """The request's ``next`` (POST, then GET) when it stays on this site, else ``default``.

    ``//evil.example/`` and ``https://evil.example/`` are refused: Django's own check, with the
    request's host as the only allowed one and HTTPS required when the request was secure.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return str(target)
    return default


def redirect_next(request: Any, default: str) -> Any:
    """``redirect`` to :func:`safe_next` (``default`` may be a URL name)."""
    return redirect(safe_next(request, default))
