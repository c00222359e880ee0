"""Bootstrapping Django for CLI commands."""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django; the CLI speaks English unless CIRCULAIR_CLI_LANGUAGE says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(os.environ.get("CIRCULAIR_CLI_LANGUAGE", "en"))
