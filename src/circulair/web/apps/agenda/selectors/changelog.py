"""The register's version: the id of the latest change to any agenda record in the platform's
change log (every service write records one)."""

from __future__ import annotations

from circulair.web.apps.common.history import history_latest_id


def register_version() -> int:
    """Id of the latest change to the register (every service write logs one)."""
    return history_latest_id("agenda")
