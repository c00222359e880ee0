"""One structured log line per request (logger ``circulair.request``).

Why here and not in gunicorn's access log: the line carries the same fields under every server
(gunicorn, the test server, a container) and goes through the platform's logging configuration,
so ``LOG_FORMAT=json`` makes every request, job and error one JSON object per line for the log
collector, with the user's id and the time the view took.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

log = logging.getLogger("circulair.request")


class RequestLogMiddleware:
    """Log method, path, status, duration (ms), response size and user id of each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        t0 = time.perf_counter()
        response = self.get_response(request)
        ms = round((time.perf_counter() - t0) * 1000, 1)
        user = getattr(request, "user", None)
        size = len(response.content) if not response.streaming else None
        log.info(
            "%s %s %d %.1fms",
            request.method,
            request.path,
            response.status_code,
            ms,
            extra={
                "event": "request",
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": ms,
                "bytes": size,
                "user": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
