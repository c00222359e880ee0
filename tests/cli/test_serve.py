"""``circulair serve`` as scripts/start runs it: gunicorn with DEBUG off (the site's own error
pages, static files and case images still served, a secret key kept across restarts) and
``--dev`` for DEBUG on."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from circulair.web.config.settings import STATICFILES_DIRS

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Language": "en"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@contextmanager
def _serving(data: Path, *flags: str) -> Iterator[str]:
    """``circulair serve --skip-setup`` on a free port (no database is needed for what is read)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SECRET_KEY", "DEBUG", "CIRCULAIR_MODE", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        CIRCULAIR_DATA_DIR=str(data),
        PYTHONPATH=os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
    )
    port = _free_port()
    log = data.parent / f"serve-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "circulair.cli.main",
                "serve",
                "--skip-setup",
                "--port",
                str(port),
                "--workers",
                "1",
                "--threads",
                "1",
                *flags,
            ],
            env=env,
            cwd=data.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/static/css/circulair.css", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start:\n" + log.read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_runs_with_debug_off_and_keeps_its_secret(tmp_path: Path) -> None:
    data = tmp_path / "var"
    (data / "media" / "doers").mkdir(parents=True)
    png = b"\x89PNG\r\n\x1a\n-a-case-image"
    (data / "media" / "doers" / "case.png").write_bytes(png)
    css = (STATICFILES_DIRS[0] / "css" / "circulair.css").read_bytes()
    with _serving(data) as url:
        assert _get(url + "/static/css/circulair.css") == (200, css)
        assert _get(url + "/media/doers/case.png") == (200, png)
        status, body = _get(url + "/no-such-page/")
        page = body.decode()
        assert status == 404 and "<h1>Page not found</h1>" in page
        assert "URLconf" not in page and "api/v1/" not in page
    kept = data / "secret_key"
    key = kept.read_bytes()
    assert len(key) == 67 and stat.S_IMODE(kept.stat().st_mode) == 0o600
    with _serving(data) as url:
        assert _get(url + "/static/css/circulair.css")[0] == 200
    assert kept.read_bytes() == key


def test_serve_dev_turns_debug_on(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir()
    with _serving(data, "--dev") as url:
        status, body = _get(url + "/no-such-page/")
    assert status == 404 and "Using the URLconf defined in" in body.decode()
