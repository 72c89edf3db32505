"""The command line as uvicorn's users expect it, run as a real process: --version, options
that override the environment, a bad setting in one line (exit 2, no traceback), help
without markup that lists the scopes, keys create --expires, and --help in well under a
second."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from asyncevents_svc import __version__
from asyncevents_svc.auth.scopes import ALL
from asyncevents_svc.settings import Settings
from tests.support import processes
from tests.support.serving import free_port, until_answers

COMMAND = Path(sys.executable).parent / "asyncevents-svc"  # the installed console script


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return processes.run_cli_bare(*args, env=env or {})


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The error of a command that must fail as a bad setting does: exit 2, one line."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_help_takes_well_under_a_second() -> None:
    """The installed command, best of three (the machine is shared): 2.2 s before the
    service's modules were imported by the verbs only and the version read only when asked."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run([str(COMMAND), "--help"], capture_output=True, text=True, check=False)
        timings.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
    print(f"asyncevents-svc --help: {', '.join(f'{t:.3f}' for t in timings)} s")
    assert min(timings) < 1.0, timings


def test_version_prints_the_package_version() -> None:
    done = subprocess.run([str(COMMAND), "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"asyncevents-svc {__version__}\n")
    assert __version__ != "0+unknown"


def every_help() -> list[tuple[str, ...]]:
    commands = [
        "serve",
        "api",
        "worker",
        "migrate",
        "subscriptions",
        "deliveries",
        "replay",
        "rotate-encryption-key",
        "cleanup",
        "completion",
    ]
    keys = [("keys", action) for action in ("create", "list", "revoke")]
    return [(), *[(c,) for c in commands], ("keys",), *keys]


def test_help_has_no_markup_and_keys_create_lists_the_scopes() -> None:
    for command in every_help():
        done = run(*command, "--help")
        assert done.returncode == 0, (command, done.stderr)
        assert "`" not in done.stdout, (command, done.stdout)
        assert done.stdout.startswith("usage: asyncevents-svc"), command
    create = run("keys", "create", "--help").stdout
    scopes = create.split("scopes:\n", 1)[1]
    listed = [line.split()[0] for line in scopes.splitlines() if line.startswith("  ") and line.split()]
    assert set(ALL) <= set(listed), listed
    assert "--expires" in create


@pytest.mark.parametrize(
    ("args", "env", "names", "says"),
    [
        (("api",), {"ASYNCEVENTS_PORT": "abc"}, "ASYNCEVENTS_PORT", "integer (got 'abc')"),
        (
            ("migrate",),
            {"ASYNCEVENTS_DATABASE_URL": "postgres://svc:hunter2@db.internal/events"},
            "ASYNCEVENTS_DATABASE_URL",
            "postgresql+asyncpg://",
        ),
        (
            ("migrate",),
            {"ASYNCEVENTS_DATABASE_URL": "postgresql://svc:hunter2@db.internal/events"},
            "ASYNCEVENTS_DATABASE_URL",
            "not postgresql://",
        ),
        (("worker",), {"ASYNCEVENTS_LOG_LEVEL": "loud"}, "ASYNCEVENTS_LOG_LEVEL", "DEBUG, INFO"),
        (("worker",), {"ASYNCEVENTS_HTTP__TIMEOUT": "-1"}, "ASYNCEVENTS_HTTP__TIMEOUT", "greater than 0"),
        (
            ("worker",),
            {"ASYNCEVENTS_AMQP_NOTIFIER__PASSWORDS": '{"svc@mq:5672": hunter2'},
            "ASYNCEVENTS_AMQP_NOTIFIER__",
            "not valid JSON",
        ),
        (("api", "--port", "abc"), {}, "--port", "'abc' is not a port"),
        (("serve", "--log-level", "loud"), {}, "--log-level", "invalid choice"),
        (("worker", "--log-format", "xml"), {}, "--log-format", "invalid choice"),
        (("keys", "create", "--name", "x", "--scope", "admin", "--expires", "soon"), {}, "--expires", "30d"),
        (
            ("keys", "create", "--name", "x", "--scope", "admin", "--expires", "2020-01-01"),
            {},
            "--expires",
            "not in the future",
        ),
    ],
)
def test_a_bad_setting_or_option_is_one_line_naming_it_with_exit_code_2(
    args: tuple[str, ...], env: dict[str, str], names: str, says: str, tmp_path: Path
) -> None:
    line = one_line_error(run(*args, env={"ASYNCEVENTS_DATA_DIR": str(tmp_path), **env}))
    assert names in line, line
    assert says in line, line
    assert "hunter2" not in line  # a URL's password is never echoed
    assert list(tmp_path.iterdir()) == [], "nothing was started"


@pytest.mark.parametrize("command", ["api", "serve"])
def test_a_taken_port_is_one_line_naming_the_option_and_the_variable(
    command: str, taken_port: int, tmp_path: Path
) -> None:
    env = {"ASYNCEVENTS_DATA_DIR": str(tmp_path), "ASYNCEVENTS_PORT": str(taken_port)}
    line = one_line_error(run(command, env=env))
    assert f"cannot listen on 127.0.0.1:{taken_port}: address already in use" in line
    assert "--port" in line
    assert "ASYNCEVENTS_PORT" in line
    assert list(tmp_path.iterdir()) == [], "serve stops before it migrates"


def started(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``asyncevents-svc ARGV`` in the background, its output into ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "asyncevents_svc.cli", *argv],
            cwd=processes.ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )


async def test_options_override_the_environment(settings: Settings, taken_port: int, tmp_path: Path) -> None:
    """ASYNCEVENTS_PORT names a taken port, ASYNCEVENTS_LOG_LEVEL hides info lines and
    ASYNCEVENTS_ACCESS_LOG turns the access log off: the api started with --port, --host,
    --log-level and --access-log answers on the option's port and logs what only the
    options show (the listening line, and one access line per request with its id)."""
    port = free_port()
    env = {**processes.settings_env(settings), "ASYNCEVENTS_PORT": str(taken_port)}
    env.update(
        ASYNCEVENTS_LOG_LEVEL="ERROR", ASYNCEVENTS_LOG_FORMAT="console", ASYNCEVENTS_ACCESS_LOG="false"
    )
    argv = ["api", "--host", "127.0.0.1", "--port", str(port), "--log-level", "info", "--log-format", "json"]
    argv.append("--access-log")
    log = tmp_path / "api.log"
    process = started(argv, env, log)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await until_answers(client, "/health/live", alive=lambda: process.poll() is None)
    finally:
        await asyncio.to_thread(processes.terminate, process)
    lines = [json.loads(line) for line in log.read_text().splitlines()]  # --log-format json
    listening = [line for line in lines if line["event"] == "api listening"]
    # an info line, below the variable's ERROR
    assert [line["url"] for line in listening] == [f"http://127.0.0.1:{port}"], lines
    requests = [line for line in lines if line["event"] == "request" and line["path"] == "/health/live"]
    assert requests, lines
    assert all(re.fullmatch("[0-9a-f]{32}", line["request_id"]) for line in requests), lines


async def test_the_proxy_options_override_the_environment(settings: Settings, tmp_path: Path) -> None:
    """Behind a proxy, as with uvicorn: the variables trust no proxy here, the options trust
    the loopback one, so its X-Forwarded-For is the client the log names; --root-path is the
    prefix the OpenAPI document gives."""
    port = free_port()
    env = {
        **processes.settings_env(settings),
        "ASYNCEVENTS_LOG_FORMAT": "json",
        "ASYNCEVENTS_LOG_LEVEL": "INFO",
    }
    env.update(
        ASYNCEVENTS_ACCESS_LOG="true",
        ASYNCEVENTS_PROXY_HEADERS="false",
        ASYNCEVENTS_FORWARDED_ALLOW_IPS="10.9.9.9",
    )
    argv = ["api", "--port", str(port), "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1/32"]
    argv += ["--root-path", "/webhooks"]
    log = tmp_path / "api.log"
    process = started(argv, env, log)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await until_answers(client, "/health/live", alive=lambda: process.poll() is None)
            await client.get("/health/live", headers={"X-Forwarded-For": "203.0.113.9"})
            document = (await client.get("/openapi.json")).json()
    finally:
        await asyncio.to_thread(processes.terminate, process)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    # uvicorn puts the root path in front of the path (as ASGI has it), as a proxy sends it
    live = [line for line in lines if line["event"] == "request" and line["path"].endswith("/health/live")]
    clients = [line["client"] for line in live]
    assert clients[-1] == "203.0.113.9", lines
    assert {"url": "/webhooks"} in document.get("servers", []), document.get("servers")


@pytest.mark.embedded
async def test_serve_takes_its_port_and_data_dir_from_the_options(tmp_path: Path, taken_port: int) -> None:
    port = free_port()
    env = processes.without_settings(
        ASYNCEVENTS_DATA_DIR=str(tmp_path / "from-env"),
        ASYNCEVENTS_PORT=str(taken_port),
        ASYNCEVENTS_EVENTS_FILE=str(processes.ROOT / "tests" / "data" / "events.xml"),
    )
    argv = ["serve", "--port", str(port), "--data-dir", str(tmp_path / "from-option")]
    process = started(argv, env, tmp_path / "serve.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await until_answers(client, "/health/ready", alive=lambda: process.poll() is None)
    finally:
        assert await asyncio.to_thread(processes.terminate, process) == 0
    assert (tmp_path / "from-option" / "asyncevents.db").exists()
    assert not (tmp_path / "from-env").exists()
    assert f"SQLite in {tmp_path / 'from-option'}/" in (tmp_path / "serve.log").read_text()


async def test_keys_create_expires_sets_the_expiry_and_an_expired_key_gets_401(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    def create(*args: str) -> dict[str, str]:
        done = processes.run_cli(settings, "keys", "create", "--name", "n", "--json", *args)
        assert done.returncode == 0, done.stderr
        created: dict[str, str] = json.loads(done.stdout)
        return created

    before = datetime.now(UTC)
    month = await asyncio.to_thread(create, "--scope", "subscriptions:read", "--expires", "30d")
    dated = await asyncio.to_thread(create, "--scope", "subscriptions:read", "--expires", "2099-01-31")
    forever = await asyncio.to_thread(create, "--scope", "subscriptions:read")
    # Long enough for the CLI process to exit on a busy machine (it took 3.5 s) before the
    # first call, short enough to wait for.
    soon = await asyncio.to_thread(create, "--scope", "subscriptions:read", "--expires", "10s")
    expires = datetime.fromisoformat(soon["expires_at"])

    in_a_month = datetime.fromisoformat(month["expires_at"]) - before
    assert timedelta(days=30) <= in_a_month < timedelta(days=30, minutes=1)
    assert datetime.fromisoformat(dated["expires_at"]) == datetime(2099, 1, 31, tzinfo=UTC)
    assert forever["expires_at"] is None

    async def get(key: str) -> int:
        answer = await api.get("/v1/subscriptions", headers={"Authorization": f"Bearer {key}"})
        return answer.status_code

    assert await get(soon["key"]) == 200  # valid until its expiry
    deadline = time.monotonic() + 30
    while (code := await get(soon["key"])) == 200 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert code == 401
    assert datetime.now(UTC) >= expires, "refused only once expired"
    assert (await get(month["key"]), await get(forever["key"])) == (200, 200)

    listed = await asyncio.to_thread(processes.run_cli, settings, "keys", "list", "--json")
    states = {row["id"]: row["state"] for row in json.loads(listed.stdout)}
    assert (states[soon["id"]], states[month["id"]]) == ("expired", "active")
