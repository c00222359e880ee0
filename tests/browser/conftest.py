"""Browser tests: a real server (gunicorn, started by ``circulair serve`` on a fresh SQLite
database set up by ``circulair setup``) driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CIRCULAIR_CHROMIUM", "/usr/bin/chromium")
ADMIN_PASSWORD = "browser-test-password-123"
USER_PASSWORD = "exchange-user-password-456"
SERVER: dict[str, Any] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, smtp_session: Any) -> Iterator[str]:
    """The server sends its mail to the session's real SMTP server (``browser_mailbox``)."""
    data = tmp_path_factory.mktemp("browser-var")
    port = _free_port()
    smtp_host, smtp_port, _box = smtp_session
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CIRCULAIR_DATA_DIR=str(data),
        CIRCULAIR_MODE="development",
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_host,
        EMAIL_PORT=str(smtp_port),
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    cli = [sys.executable, "-m", "circulair.cli.main"]
    subprocess.run([*cli, "setup"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(
        [
            *cli,
            "manage",
            "createsuperuser",
            "--noinput",
            "--username",
            "admin",
            "--email",
            "admin@example.org",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [*cli, "serve", "--skip-setup", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    SERVER.update(env=env, cli=cli)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2).read()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(
                    "server did not start:\n" + Path(data / "server.log").read_text()
                ) from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser_mailbox(smtp_session: Any) -> Any:
    """What the live server has sent (a real SMTP server; read with ``wait_for``)."""
    return smtp_session[2]


@pytest.fixture(scope="session")
def admin_password() -> str:
    return ADMIN_PASSWORD


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nl-BE")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def exchange_users(live_url: str) -> dict[str, str]:
    """Two companies with one member each, made with the CLI on the live server's database."""
    env = {**SERVER["env"], "CIRCULAIR_NEW_USER_PASSWORD": USER_PASSWORD}
    cli = SERVER["cli"]
    for org, user, refnis in (
        ("Sloopbedrijf Leuven", "seller", "24062"),
        ("Schrijnwerkerij Gent", "buyer", "44021"),
    ):
        subprocess.run(
            [*cli, "org", "create", org, "--refnis", refnis],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [*cli, "org", "add-member", org, user, "--create-user"],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return {"seller": USER_PASSWORD, "buyer": USER_PASSWORD}


@pytest.fixture(scope="session")
def run_cli(live_url: str) -> Any:
    """Run a ``circulair`` command against the live server's database (new users get
    USER_PASSWORD); returns the completed process."""
    env = {**SERVER["env"], "CIRCULAIR_NEW_USER_PASSWORD": USER_PASSWORD}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*SERVER["cli"], *args],
            env=env,
            check=True,
            text=True,
            capture_output=True,
            timeout=120,
        )

    return run


@pytest.fixture(scope="session")
def user_password() -> str:
    return USER_PASSWORD


@pytest.fixture(scope="session")
def agenda_member(live_url: str) -> tuple[str, str]:
    """A manufacturer that signed the manufacturing agenda, with one member (made with the CLI)."""
    env = {**SERVER["env"], "CIRCULAIR_NEW_USER_PASSWORD": USER_PASSWORD}
    cli = SERVER["cli"]
    org = "Metaalwerken Kortrijk"
    for args in (
        ["org", "create", org, "--refnis", "34022", "--nace", "25.110", "--employee-class", "4"],
        ["org", "add-member", org, "maker", "--create-user"],
        ["agenda", "sign", org, "--agenda", "maakindustrie", "--year", "2024"],
    ):
        subprocess.run([*cli, *args], env=env, check=True, capture_output=True, timeout=120)
    return "maker", USER_PASSWORD
