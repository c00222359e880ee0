"""Bootstrapping Django for CLI commands.

Why the CLI's commands import Django and the web apps inside their functions, after
:func:`setup`: ``circulair`` imports every command module when it starts (``main.py`` registers
each group), and the apps' models can only be imported once Django has been set up (the app
registry; ``AppRegistryNotReady`` otherwise). Set-up costs about a second, so commands that need
no database (``--help``, ``version``, ``data validate``) start without it. Pure Python
(``circulair.core``) is imported at the top of the command modules.
"""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django; the CLI speaks English unless CIRCULAIR_CLI_LANGUAGE says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circulair.web.config.settings")
    # here, not at the top: importing a command module must not load Django (see above)
    import django
    from django.utils import translation

    django.setup()
    translation.activate(os.environ.get("CIRCULAIR_CLI_LANGUAGE") or "en")
