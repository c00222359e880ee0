"""API plumbing shared by every app: pagination, JSON error bodies and their schema.

Every error body has the same shape::

    {"error": {"status": 400, "message": "...", "fields": {"kind": ["..."]}}}

(import errors add ``problems``, one per bad row; a failed atlas run adds ``run``).
:class:`AutoSchema` documents that body for the error statuses every operation can answer.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from circulair.core.errors import InputError
from circulair.core.numbers import MAX_ABS
from circulair.web.apps.common.fields import FiniteFloatField
from circulair.web.apps.common.models import Job
from circulair.web.apps.common.texts import input_error_text, job_summary, problem_json


class Pagination(PageNumberPagination):
    """``?page=`` (from 1; past the last page a 404) and ``?page_size=`` (1 to 1000; anything
    else a 400, never silently the default; empty: the default)."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"a whole number from 1 to {self.max_page_size}"]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_query_param:
                p["schema"] = {"type": "integer", "minimum": 1}
            elif p["name"] == self.page_size_query_param:
                p["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return params


class _StrictIntegerField(forms.IntegerField):
    """A number filter's value: a whole number (the schema says integer; ``0.5`` is a 400)."""


class _StrictBooleanField(forms.Field):
    """A boolean filter's value: ``true`` or ``false`` (also ``True``/``False``/``1``/``0``);
    anything else is a 400, not silently "no filter"."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise DjangoValidationError("expected true or false", code="invalid")


class FilterBackend(DjangoFilterBackend):
    """django-filter, strict about the types the schema documents: number filters take whole
    numbers only, boolean filters ``true`` or ``false`` only."""

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        fs = super().get_filterset(request, queryset, view)
        if fs is None:
            return None
        for f in fs.filters.values():
            if isinstance(f, django_filters.NumberFilter):
                f.field_class = _StrictIntegerField
            elif isinstance(f, django_filters.BooleanFilter):
                f.field_class = _StrictBooleanField
            else:
                continue
            f.__dict__.pop("_field", None)
        return fs


ERROR_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "message", "fields"],
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {},
            "description": "per input field, what is wrong with it",
        },
        "problems": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": {}},
            "description": "an import's or a run's problems, one per bad row",
        },
        "run": {"type": "integer", "description": "the failed atlas run"},
    },
}


@extend_schema_field(ERROR_BODY_SCHEMA)
class _ErrorBodyField(serializers.JSONField):
    pass


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    error = _ErrorBodyField()


#: Error statuses every API operation documents (403 also for missing or wrong credentials:
#: the session authentication comes first, and it sends no challenge, so DRF answers 403).
ERROR_STATUSES = {
    "400": "Invalid input (query parameters or body); ``fields`` names the bad ones.",
    "403": "Not logged in, wrong credentials, or not allowed.",
    "404": "No such object (or not visible to you), or no such page.",
}
#: … and those with a request body.
BODY_ERROR_STATUSES = {"415": "Unsupported media type of the request body."}


def _auto_schema_class() -> type:
    """:class:`AutoSchema`, built on first use: drf-spectacular's ``openapi`` module imports
    DRF's generic views, which import this module (the default pagination class)."""
    # not at the top: an import cycle through DRF's generic views (see the docstring)
    from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

    class AutoSchema(SpectacularAutoSchema):
        """drf-spectacular's schema plus the error answers (:data:`ERROR_STATUSES`) with the
        :class:`ErrorSerializer` body, unless the view documents that status itself."""

        def _get_parameters(self) -> list[dict[str, Any]]:
            """Every query parameter of this API reads an empty value as absent (django-filter,
            the paging, the views' own parameters): ``allowEmptyValue`` says so."""
            params: list[dict[str, Any]] = super()._get_parameters()
            for p in params:
                if p.get("in") == "query":
                    p["allowEmptyValue"] = True
            return params

        def _map_serializer_field(
            self, field: Any, direction: Any, bypass_extensions: bool = False
        ) -> dict[str, Any]:
            """Finite float fields document their bounds (``MAX_ABS``; above 0 when the field
            says ``positive``): a value the field refuses is outside the schema."""
            schema: dict[str, Any] = super()._map_serializer_field(
                field, direction, bypass_extensions
            )
            if isinstance(field, FiniteFloatField) and schema.get("type") == "number":
                schema["maximum"] = min(schema.get("maximum", MAX_ABS), MAX_ABS)
                schema["minimum"] = max(schema.get("minimum", -MAX_ABS), -MAX_ABS)
                if getattr(field, "positive", False):
                    schema["minimum"] = max(schema["minimum"], 0)
                    schema["exclusiveMinimum"] = schema["minimum"] == 0
            return schema

        def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
            responses: dict[str, Any] = super()._get_response_bodies(direction)
            codes = dict(ERROR_STATUSES)
            if self.method in ("POST", "PUT", "PATCH"):
                codes.update(BODY_ERROR_STATUSES)
            for code, description in codes.items():
                if code not in responses:
                    responses[code] = self._get_response_for_code(
                        OpenApiResponse(ErrorSerializer, description=description),
                        code,
                        direction=direction,
                    )
            return responses

    return AutoSchema


def __getattr__(name: str) -> Any:
    if name == "AutoSchema":
        cls = _auto_schema_class()
        globals()["AutoSchema"] = cls
        return cls
    raise AttributeError(name)


def _fields(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {str(k): v for k, v in detail.items()}
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InputError):
        body = {
            "status": 400,
            "message": input_error_text(exc),  # the request's language, as each problem's
            "fields": {},
            "problems": [problem_json(p) for p in exc.problems],
        }
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
        message = (
            "Invalid input: "
            + "; ".join(
                f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in fields.items()
            )
            if fields
            else "Invalid input: " + str(detail)
        )
    elif isinstance(exc, Http404):
        message = str(exc) or "Not found."
    else:
        message = str(detail)
    response.data = {
        "error": {"status": response.status_code, "message": message, "fields": fields}
    }
    return response


@csrf_exempt  # any method gets the JSON 404, never the CSRF failure page
def json_404(request: HttpRequest, path: str = "") -> JsonResponse:
    return JsonResponse(
        {"error": {"status": 404, "message": f"No API endpoint at {request.path}", "fields": {}}},
        status=404,
    )


class JobSerializer(serializers.ModelSerializer):
    """A job as its page tells it, in the request's language (``title``, ``phase``,
    ``outcome``, each problem's ``message``); ``result`` is the handler's own (numbers, ids,
    the ``url`` of the page it leads to)."""

    title = serializers.SerializerMethodField()
    phase = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    problem_count = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "progress",
            "phase",
            "attempts",
            "created_at",
            "finished_at",
            "outcome",
            "url",
            "result",
            "error",
            "problems",
            "problem_count",
        ]

    def _summary(self, job: Job) -> dict[str, Any]:
        cache = self.context.setdefault("summaries", {})
        if job.pk not in cache:
            cache[job.pk] = job_summary(job)
        return dict(cache[job.pk])

    def get_title(self, job: Job) -> str:
        return str(self._summary(job)["title"])

    def get_phase(self, job: Job) -> str:
        return str(self._summary(job)["phase"])

    def get_outcome(self, job: Job) -> str:
        return str(self._summary(job)["outcome"])

    def get_url(self, job: Job) -> str:
        return str(self._summary(job)["next_url"])

    def get_problems(self, job: Job) -> list[dict[str, Any]]:
        return list(self._summary(job)["problems_json"])

    def get_problem_count(self, job: Job) -> int:
        return int(self._summary(job)["problem_count"])

    def get_error(self, job: Job) -> str:
        return str((job.error or {}).get("message", "")) if job.status == Job.Status.FAILED else ""
