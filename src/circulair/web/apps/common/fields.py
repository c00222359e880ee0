"""Numeric fields for forms and the API that apply the one rule of :mod:`circulair.core.numbers`.

Use these instead of Django's and DRF's ``FloatField``: those accept ``1e300`` (forms) or
``NaN``/``inf``/``1e400`` (DRF), which then break every computation that reads the value.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from rest_framework import serializers

from circulair.core.numbers import MAX_ABS, number_problem
from circulair.web.apps.common.texts import problem_message


class FiniteFloatField(serializers.FloatField):
    """DRF float that refuses NaN, ±infinity and magnitudes above ``MAX_ABS``."""

    default_error_messages = {
        "not_finite": "Must be a finite number (not NaN or infinity).",
        "too_large": f"Must be at most {MAX_ABS:g} in size.",
    }

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, str) and data.strip().lower().lstrip("+-") in {
            "nan",
            "inf",
            "infinity",
        }:
            self.fail("not_finite")
        value = super().to_internal_value(data)
        problem = number_problem(value, field=self.field_name or "")
        if problem is not None:
            self.fail("too_large" if problem.code == "number_too_large" else "not_finite")
        return value


class FiniteFloatFormField(forms.FloatField):
    """Form float with the same rule (Django's refuses NaN/inf but not ``1e300``)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and abs(value) > MAX_ABS:
            raise ValidationError(f"Must be at most {MAX_ABS:g} in size.", code="too_large")


def query_int(
    params: Any,
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """An integer query parameter within range, or ``serializers.ValidationError`` naming it."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    problem = number_problem(raw, field=name, minimum=minimum, maximum=maximum, integer=True)
    if problem is not None:
        got = gettext("got %(value)s") % {"value": repr(raw)}
        raise serializers.ValidationError({name: [f"{problem_message(problem)} ({got})"]})
    return int(float(raw))


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    """Fill a choice field's options at run time (a form's fields are typed as plain ``Field``)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"field {name!r} of {type(form).__name__} is not a choice field")
    field.choices = choices
