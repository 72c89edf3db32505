"""compose.yaml ends with a usable service: the admin key of ``.env`` opens the API.

The ``.env`` is written by the commands docs/deployment.md gives; compose.yaml's environment
is resolved from it as Compose interpolates (``${VAR}``, ``${VAR:-default}``,
``${VAR:?error}``), and ``migrate`` then ``api`` run with that environment against a real
PostgreSQL. Only the addresses that name Compose's services (``postgres``, ``rabbitmq``) and
what a container sets itself (port, data folder) are replaced.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]

from tests.support.backend import PG_ADMIN, admin_sql
from tests.support.processes import ROOT, without_settings
from tests.support.serving import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(Exception):
    """A ``${VAR:?message}`` whose variable is unset or empty: Compose refuses to start."""


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        found = dotenv.get(match["name"], "")
        if found:
            return found
        if match["op"] == ":?":
            raise MissingVariable(f"{match['name']}: {match['arg']}")
        return match["arg"] or ""

    return VARIABLE.sub(one, value)


def compose_environment(role: str, dotenv: dict[str, str]) -> dict[str, str]:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    environment = compose["services"][role]["environment"]
    return {name: interpolate(str(value), dotenv) for name, value in environment.items()}


def documented_env_commands() -> list[str]:
    """The lines of docs/deployment.md's Compose block that append to ``.env``."""
    text = DEPLOYMENT_DOC.read_text()
    block = text[text.index("## Docker Compose") :].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.endswith(">> .env")]


def read_dotenv(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs}


@pytest.fixture
def dotenv(tmp_path: Path) -> dict[str, str]:
    commands = documented_env_commands()
    assert len(commands) == 2, "the encryption key and the admin key"
    for command in commands:
        subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True, timeout=30)
    return read_dotenv(tmp_path / ".env")


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"asyncevents_compose_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def container_env(
    role: str, dotenv: dict[str, str], database_url: str, tmp_path: Path, port: int
) -> dict[str, str]:
    environment = compose_environment(role, dotenv)
    assert "@postgres:5432/" in environment["ASYNCEVENTS_DATABASE_URL"]
    environment |= {
        "ASYNCEVENTS_DATABASE_URL": database_url,
        "ASYNCEVENTS_BROKER_URL": "",  # the database queue: this test is about the key
        "ASYNCEVENTS_DATA_DIR": str(tmp_path / "var"),
        "ASYNCEVENTS_HOST": "127.0.0.1",
        "ASYNCEVENTS_PORT": str(port),
    }
    return without_settings(**environment)


def start_api(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "asyncevents_svc.cli", "api"], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def until_live(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/health/live", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the API did not answer: {log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def test_compose_refuses_to_start_without_an_admin_key_in_dotenv(dotenv: dict[str, str]) -> None:
    without_key = {k: v for k, v in dotenv.items() if k != "ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY"}

    with pytest.raises(MissingVariable, match=r"^ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY: set an admin key"):
        compose_environment("api", without_key)


def test_every_role_gets_the_same_environment_from_dotenv(dotenv: dict[str, str]) -> None:
    environments = [compose_environment(role, dotenv) for role in ("migrate", "api", "worker")]

    assert environments[0] == environments[1] == environments[2]
    assert environments[0]["ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY"] == dotenv["ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY"]


def test_the_api_started_with_composes_environment_accepts_the_admin_key_of_dotenv(
    dotenv: dict[str, str], scratch_database: str, tmp_path: Path
) -> None:
    key = dotenv["ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "api.log"
    migrate = subprocess.run(
        [sys.executable, "-m", "asyncevents_svc.cli", "migrate"],
        cwd=ROOT,
        env=container_env("migrate", dotenv, scratch_database, tmp_path, port),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    env = container_env("api", dotenv, scratch_database, tmp_path, port)

    for _ in range(2):  # the second start finds the key and creates nothing
        process = start_api(env, log)
        try:
            until_live(base, process, log)
            keys = httpx.get(f"{base}/v1/keys", headers={"Authorization": f"Bearer {key}"}, timeout=5)
            wrong = httpx.get(
                f"{base}/v1/keys", headers={"Authorization": f"Bearer {key[:-4]}abcd"}, timeout=5
            )
        finally:
            stop(process)

        assert keys.status_code == 200, keys.text
        assert [(k["name"], k["scopes"]) for k in keys.json()["items"]] == [("bootstrap", ["admin"])]
        assert wrong.status_code == 401
    assert key not in log.read_text() + migrate.stdout + migrate.stderr
    assert log.read_text().count("bootstrap_admin_key_created") == 1
