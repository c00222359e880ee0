"""The flows tests' world: two companies with a member each, and an analyst."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.organisations.models import Membership, Organisation

PASSWORD = "a-long-test-password"


@pytest.fixture
def world(grant_role: Any) -> dict[str, Any]:
    leuven = Municipality.objects.get(refnis="24062")
    a = Organisation.objects.create(name="Metaal A", nace_code="25110", municipality=leuven)
    b = Organisation.objects.create(name="Bouw B", nace_code="41200")
    users = {n: User.objects.create_user(n, password=PASSWORD) for n in ("ma", "mb", "analyst")}
    Membership.objects.create(organisation=a, user=users["ma"], role="member")
    Membership.objects.create(organisation=b, user=users["mb"], role="member")
    grant_role(users["analyst"], "analyst")
    return {"a": a, "b": b, **users}
