"""Database tests run against a test database holding the shipped reference data, loaded once
per session; each test runs in a transaction that is rolled back."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from circulair.web.apps.portal.services import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def user(db: Any) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create_user("planner", password="a-long-test-password")


@pytest.fixture(autouse=True)
def _jobs_inline(settings: Any) -> None:
    """Jobs run in the request: a test's transaction is invisible to another thread."""
    settings.CIRCULAIR_JOBS_INLINE = True
