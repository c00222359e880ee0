"""Reads of accounts (the command line names people by their user name)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def user_named(username: str) -> Any:
    """The account with this user name, or None."""
    return get_user_model().objects.filter(username=username).first()
