"""``{% load permissions %}`` … ``{% if user|can:"monitor.observations.import" %}``."""

from __future__ import annotations

from typing import Any

from django import template

from circulair.web.apps.common.permissions import can as _can

register = template.Library()


@register.filter
def can(user: Any, action: str) -> bool:
    return _can(user, action)
