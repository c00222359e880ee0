"""The HTTP API keeps its published contract: schemathesis generates requests from
``/api/schema/`` for every operation (valid and invalid ones) and sends them to the Django app
in-process (WSGI), anonymously and as a member of two organisations (a business and a
government), with every check schemathesis has: no server error, every answer and its status
documented, valid input accepted, invalid input refused, authentication enforced.

Runs in the test database (reference data loaded once per session; each operation's test is
rolled back), with a bounded number of examples per operation (``CIRCULAIR_CONTRACT_EXAMPLES``,
default below) so the whole run stays within a few minutes.
"""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

EXAMPLES = int(os.environ.get("CIRCULAIR_CONTRACT_EXAMPLES", "10"))
MEMBER = "contract-member"
PASSWORD = "a-long-contract-password"


#: Operations whose input names other records (knowledge-base slugs, one's organisations,
#: presets, partitions) or has rules across fields (``preset`` for mode ``extrapolate``;
#: ``unit`` with ``partition``; a file's content): a schema-valid request can rightly be
#: refused with a 400 naming the problem, so positive_data_acceptance also expects a 400 here.
#: Everywhere else a schema-valid request must not get a 400.
DATA_RULES = [
    ("POST|PATCH", r"^/api/v1/agenda/(actions|signatories|programmes|bottlenecks)/"),
    ("POST", r"^/api/v1/atlas/runs/$"),
    ("POST|PATCH", r"^/api/v1/doers/cases/"),
    ("POST", r"^/api/v1/exchange/(listings|matches)/$"),
    ("GET", r"^/api/v1/municipalities/(geojson/)?$"),
    ("POST", r"^/api/v1/(monitor/observations|partitions)/import/$"),
    ("POST", r"^/api/v1/scan/responses/"),
]
_POSITIVE_OR_400 = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]

CONFIG = schemathesis.Config.from_dict(
    {
        # Django refuses a NUL character in any text input (a 400); no API takes one.
        "generation": {"allow-x00": False},
        "operations": [
            {
                "include-method-regex": f"^({methods})$",
                "include-path-regex": path,
                "checks": {"positive_data_acceptance": {"expected-statuses": _POSITIVE_OR_400}},
            }
            for methods, path in DATA_RULES
        ],
    }
)


def _load_schema() -> Any:
    """The schema ``/api/schema/`` serves, sent to the WSGI app in-process. Built at collection
    time (no database needed) so that every operation is its own test."""
    from drf_spectacular.generators import SchemaGenerator

    from circulair.web.config.wsgi import application

    loaded = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
    )
    loaded.app = application
    return loaded


@pytest.fixture(autouse=True)
def _keep_connection() -> Any:
    """Requests go straight to the WSGI app (not Django's test client): keep Django from closing
    the database connection after each request, as the test client does, or PostgreSQL loses
    the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def member(db: Any, settings: Any) -> Any:
    """A user who belongs to a business and a government organisation. Basic auth checks the
    password on every request: a fast hasher keeps PBKDF2 from taking most of the run."""
    from django.contrib.auth.models import User

    from circulair.web.apps.organisations.models import Membership, Organisation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user(MEMBER, password=PASSWORD)
    for name, side in (
        ("Kwist NV", Organisation.Side.BUSINESS),
        ("Gemeente Kwist", Organisation.Side.GOVERNMENT),
    ):
        org = Organisation.objects.create(name=name, side=side)
        Membership.objects.create(organisation=org, user=user)
    return user


class MemberAuth:
    """HTTP Basic auth as the member: the right password, so the login throttle (django-axes)
    never counts a failure; no session, so no CSRF token is needed."""

    def get(self, case: Any, ctx: Any) -> str:
        return base64.b64encode(f"{MEMBER}:{PASSWORD}".encode()).decode()

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Basic {data}"}


schema = _load_schema()
# No shrinking: a failure is reported as found (shrinking re-sends many requests).
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_api_contract_anonymous(case: Any) -> None:
    case.call_and_validate()


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
@schema.auth(MemberAuth, refresh_interval=None)
@pytest.mark.django_db
def test_api_contract_member(case: Any, member: Any) -> None:
    case.call_and_validate()
