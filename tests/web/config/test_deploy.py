"""The deployment files ask the CLI for what the README documents: every command in the image
and the compose file is a real `circulair` command with options it accepts, and the services a
regional platform needs are there (web, set-up, PostgreSQL, Redis). CI builds no image (minutes,
root); ``deploy/check-image`` builds it and runs these commands against real servers, and is
checked here to run the image's own commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
import yaml

from circulair.cli.main import app

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _accepts(argv: list[str]) -> None:
    """``argv`` (starting with ``circulair``) parses against the real CLI: the command exists
    and every option is one it takes, with a valid value."""
    assert argv[0] == "circulair", argv
    group: Any = typer.main.get_command(app)
    cmd = group.commands[argv[1]]
    ctx = cmd.make_context(argv[1], list(argv[2:]), resilient_parsing=False)
    assert ctx.command.name == argv[1]


def test_compose_has_the_services_of_a_regional_platform() -> None:
    services = _compose()["services"]
    assert set(services) == {"setup", "web", "worker", "db", "cache"}
    assert services["worker"]["command"] == ["circulair", "worker"]
    assert "--no-worker" in services["web"]["command"]  # the jobs run in the worker service
    web = services["web"]
    assert web["environment"]["CACHE_URL"] == "redis://cache:6379/1"
    assert web["environment"]["DATABASE_URL"].startswith("postgres://circulair:")
    assert web["environment"]["DATABASE_URL"].endswith("@db:5432/circulair")
    assert set(web["depends_on"]) == {"db", "cache"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["cache"]["image"].startswith("redis:7")


def test_every_command_is_a_real_cli_command() -> None:
    services = _compose()["services"]
    _accepts(services["setup"]["command"])
    _accepts(services["web"]["command"])
    _accepts(services["worker"]["command"])
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    cmd = yaml.safe_load(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))  # type: ignore[union-attr]
    _accepts(cmd)
    assert cmd == services["web"]["command"]  # the image's default is the compose web service
    assert "ENV CIRCULAIR_MODE=production" in dockerfile
    assert "/health/" in dockerfile


def test_the_documented_steps_name_the_files_and_commands() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for needle in (
        "deploy/compose.yaml",
        "run --rm setup",
        "circulair setup",
        "/health/",
        "pg_dump",
        "SECRET_KEY",
        "CACHE_URL",
        "SITE_URL",
        "check --deploy",
    ):
        assert needle in guide, needle
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/deploy.md" in readme
    env = (DEPLOY / "env.example").read_text(encoding="utf-8")
    keys = {line.split("=", 1)[0] for line in env.splitlines() if "=" in line}
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "POSTGRES_PASSWORD"} <= keys


def test_the_image_check_runs_the_images_own_commands() -> None:
    script = (DEPLOY / "check-image").read_text(encoding="utf-8")
    services = _compose()["services"]
    serve = re.search(r"^run (circulair serve .*?) >", script.replace("\\\n", " "), re.M | re.S)
    assert serve is not None
    argv = serve.group(1).replace('"$PORT"', "8000").split()
    assert argv == services["web"]["command"]
    assert "run circulair setup" in script and services["setup"]["command"] == [
        "circulair",
        "setup",
    ]
    assert "run circulair worker" in script
    assert '-f "$WORK/context/deploy/Dockerfile"' in script  # the compose file's own build
    assert services["web"]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
