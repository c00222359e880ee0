"""API plumbing shared by every app: pagination and JSON error bodies.

Every error body has the same shape::

    {"error": {"status": 400, "message": "...", "fields": {"kind": ["..."]}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from circulair.core.errors import InputError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


def _fields(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {str(k): v for k, v in detail.items()}
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InputError):
        body = {"status": 400, "message": str(exc),
                "problems": [p.as_dict() for p in exc.problems]}
        return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = _fields(detail)
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        message = str(detail["detail"])
        fields = {}
    elif isinstance(exc, exceptions.ValidationError):
        message = "Invalid input: " + "; ".join(
            f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in fields.items()) if fields else "Invalid input: " + str(detail)
    elif isinstance(exc, Http404):
        message = str(exc) or "Not found."
    else:
        message = str(detail)
    response.data = {"error": {"status": response.status_code, "message": message,
                               "fields": fields}}
    return response


def json_404(request: HttpRequest, path: str = "") -> JsonResponse:
    return JsonResponse({"error": {"status": 404, "message": f"No API endpoint at {request.path}",
                                   "fields": {}}}, status=404)
