"""Saving a model instance the one way: ``full_clean()`` first, Django's validation errors turned
into the project's :class:`InputError` (field and value named), inside the caller's transaction."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from circulair.core.errors import InputError, Problem

M = TypeVar("M", bound=models.Model)


def problems_of(error: ValidationError, obj: Any = None) -> list[Problem]:
    """A Django ``ValidationError`` as problems naming each field and its value."""
    if hasattr(error, "error_dict"):
        return [
            Problem(
                " ".join(str(m) for m in messages),
                field=None if f == "__all__" else f,
                value=getattr(obj, f, None) if obj is not None and f != "__all__" else None,
            )
            for f, messages in error.message_dict.items()
        ]
    return [Problem(str(m)) for m in error.messages]


def validated_save(obj: M, *, exclude: list[str] | None = None) -> M:
    """``full_clean()`` then ``save()``; a refusal is an :class:`InputError`."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as e:
        raise InputError(problems_of(e, obj)) from None
    obj.save()
    return obj


def validated_create(model: type[M], **fields: Any) -> M:
    """Build, validate and save one row (see :func:`validated_save`)."""
    return validated_save(model(**fields))
