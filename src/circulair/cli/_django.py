"""Bootstrapping Django for CLI commands."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
    import django

    django.setup()
