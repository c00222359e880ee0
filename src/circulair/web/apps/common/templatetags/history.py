"""``{% load history %}`` … ``{% for h in history|history_entries %}``: a record's change log as
sentences in the reader's language (built by :func:`common.history.history_entries`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from circulair.web.apps.common.history import history_entries as _entries
from circulair.web.apps.common.models import Change

register = template.Library()


@register.filter
def history_entries(changes: Iterable[Change]) -> list[dict[str, Any]]:
    return _entries(changes)
