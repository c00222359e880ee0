"""Real platform processes for tests and benchmarks: a set-up data folder and database, web
servers (``circulair serve --no-worker``) and ``circulair worker`` processes started on demand, and
a small API client. Used by tests/web/common/test_worker.py and benchmarks/bench_scale.py, so both
start and talk to the platform the same way."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "circulair.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(name: str) -> str:
    """A fresh PostgreSQL database on the server the test run uses, or "" for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return ""
    import psycopg

    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def set_up(data: Path, name: str, *, password: str, **extra: str) -> Platform:
    """A platform in ``data`` on a fresh database (PostgreSQL ``name`` when the run uses it):
    ``circulair setup``, an ``admin`` superuser with ``password``, and ``extra`` environment."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CIRCULAIR_DATA_DIR=str(data),
        CIRCULAIR_MODE="development",
        DJANGO_SUPERUSER_PASSWORD=password,
        **extra,
    )
    if url := database_url(name):
        env["DATABASE_URL"] = url
    run: dict[str, Any] = {"env": env, "check": True, "capture_output": True, "timeout": 300}
    subprocess.run([*CLI, "setup"], **run)
    subprocess.run(
        [*CLI, "manage", "createsuperuser", "--noinput", "--username", "admin",
         "--email", "admin@example.org"], **run,
    )  # fmt: skip
    return Platform(data, env, password=password)


class Platform:
    """A set-up data folder and database, with web servers and workers started on demand."""

    def __init__(self, data: Path, env: dict[str, str], *, password: str) -> None:
        self.data = data
        self.env = env
        self.password = password
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.url = ""
        self.last_url = ""

    def start(self, *args: str, name: str, **env: str) -> subprocess.Popen[bytes]:
        log = (self.data / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [*CLI, *args], env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        return proc

    def serve(
        self, name: str = "web", *, main: bool = True, port: int = 0, workers: int = 1
    ) -> subprocess.Popen[bytes]:
        """A web server without a worker (``circulair serve --no-worker``), set-up included."""
        port = port or free_port()
        proc = self.start(
            "serve", "--no-worker", "--port", str(port), "--workers", str(workers), name=name
        )
        url = f"http://127.0.0.1:{port}"
        self.last_url = url
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{url}/health/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (503 while a check fails is an answer too)
            except OSError:
                assert proc.poll() is None, (self.data / f"{name}.log").read_text()
                time.sleep(0.3)
        else:
            raise AssertionError("the web server did not start")
        if main:  # the one the tests' API calls go to
            self.url = url
        return proc

    def stop_workers(self) -> None:
        """Stop the workers a test started (a live one would take the next test's jobs)."""
        for p in self.workers:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        self.workers.clear()

    def worker(self, name: str = "worker", **env: str) -> subprocess.Popen[bytes]:
        self.workers.append(
            proc := self.start("worker", "--interval", "0.2", "--worker-id", name, name=name, **env)
        )
        return proc

    def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        auth = base64.b64encode(f"admin:{self.password}".encode()).decode()
        req = urllib.request.Request(
            self.url + path,
            method=method,
            data=raw
            if raw is not None
            else json.dumps(body).encode()
            if body is not None
            else None,
            headers={
                "Authorization": f"Basic {auth}",
                "Content-Type": content_type,
                "Accept-Language": "en",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def multipart(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, Any]:
        boundary = "----circulair-test-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        for k, (name, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        return self.api(
            "POST",
            path,
            raw=b"".join(parts) + f"--{boundary}--\r\n".encode(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    def run(self, pk: int) -> dict[str, Any]:
        code, body = self.api("GET", f"/api/v1/atlas/runs/{pk}/")
        assert code == 200, body
        return dict(body)

    def wait(self, pk: int, until: Callable[[dict[str, Any]], bool], timeout: float = 90) -> Any:
        deadline = time.time() + timeout
        while time.time() < deadline:
            run = self.run(pk)
            if until(run):
                return run
            time.sleep(0.3)
        last = {k: v for k, v in self.run(pk).items() if k not in ("result", "params")}
        raise AssertionError(f"run {pk} never reached the state; last: {last}")

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
