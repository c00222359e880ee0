"""The public cache shared through Redis by two real web servers (issue 16): a page one server
built is served by the other from the shared cache, and a change made through either server is
shown by both at once (the cache key holds the data version, read from the database on every
request). Two ``circulair serve`` processes on one database, a real Debian ``redis-server``
(``scripts/test`` starts one on 127.0.0.1:6379 when none runs)."""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest
from tests.support.platform import CLI, Platform, set_up

PASSWORD = "shared-cache-password-456"


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _redis_reachable() and os.environ.get("CI") != "true",
    reason="no Redis server on 127.0.0.1:6379 (scripts/test starts one; CI requires it)",
)


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str, str]]:
    data = tmp_path_factory.mktemp("shared-cache-var")
    # the SQLite and PostgreSQL suites run at once: each has its own Redis database
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    p = set_up(
        data,
        f"circulair_cache_{os.getpid()}",
        password=PASSWORD,
        CACHE_URL=f"redis://127.0.0.1:6379/{12 if on_postgres else 13}",
        PUBLIC_CACHE_SECONDS="600",
    )
    run = {"env": p.env, "check": True, "capture_output": True, "timeout": 300}
    subprocess.run(
        [*CLI, "manage", "shell", "-c", "from django.core.cache import cache; cache.clear()"],
        **run,
    )  # type: ignore[call-overload]
    for name in ("Metaalwerken Kortrijk", "Houtatelier Gent"):
        subprocess.run([*CLI, "org", "create", name], **run)  # type: ignore[call-overload]
    p.serve("web-b", main=False)
    b = p.last_url
    p.serve("web-a")
    yield p, p.url, b
    p.stop_all()


def _anonymous(url: str) -> str:
    """The page as an anonymous visitor gets it. Both servers are asked for the same public
    host, as behind the load balancer of a deployment (the host is part of the cache key)."""
    req = urllib.request.Request(
        url + "/agenda/signatories/", headers={"Accept-Language": "nl", "Host": "localhost"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read().decode()


def _sign(p: Platform, server: str, organisation: str) -> None:
    p.url, main = server, p.url
    try:
        code, body = p.api(
            "POST",
            "/api/v1/agenda/signatories/",
            {"organisation": organisation, "agenda": "maakindustrie", "year_signed": 2024},
        )
    finally:
        p.url = main
    assert code == 201, body


def test_a_page_built_by_one_server_is_served_by_the_other_and_a_change_shows_on_both(
    two: tuple[Platform, str, str],
) -> None:
    p, a, b = two
    _sign(p, a, "Metaalwerken Kortrijk")
    assert "Metaalwerken Kortrijk" in _anonymous(a)  # built by A, kept in Redis
    # A change the version does not cover (a name, straight in the database): server B, which
    # never built the page, serves A's copy from the shared cache.
    subprocess.run(
        [
            *CLI, "manage", "shell", "-c",
            "from circulair.web.apps.organisations.models import Organisation as O; "
            "O.objects.filter(name='Metaalwerken Kortrijk').update(name='Metaalbouw Kortrijk')",
        ],
        env=p.env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    from_b = _anonymous(b)
    assert "Metaalwerken Kortrijk" in from_b and "Metaalbouw Kortrijk" not in from_b
    # A change made through B (a new signatory: the register's version moves) is shown by A at
    # once, with the renamed organisation too: the page is built again.
    _sign(p, b, "Houtatelier Gent")
    from_a = _anonymous(a)
    assert "Houtatelier Gent" in from_a and "Metaalbouw Kortrijk" in from_a
    assert "Metaalwerken Kortrijk" not in from_a
    assert "Houtatelier Gent" in _anonymous(b)
