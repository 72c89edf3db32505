"""Running the service as a real process from tests: ``asyncevents-svc serve`` on its own
(the ``serve`` fixture), or ``asyncevents-svc api`` on the test run's backend
(``api_process``, beside an in-loop worker when a test needs deliveries)."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from asyncevents_svc.settings import Settings
from tests.support import processes
from tests.support.processes import ROOT, without_settings

Start = Callable[..., subprocess.Popen[bytes]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[tuple[str, Start]]:
    """Start ``serve`` with no settings but a fresh data dir and port (and the test catalogue)."""
    port = free_port()
    env = without_settings(
        ASYNCEVENTS_DATA_DIR=str(tmp_path / "var"),
        ASYNCEVENTS_PORT=str(port),
        ASYNCEVENTS_EVENTS_FILE=str(ROOT / "tests" / "data" / "events.xml"),
        ASYNCEVENTS_WORKER__POLL_INTERVAL="0.2",
        ASYNCEVENTS_SECURITY__RECIPIENT_ALLOWLIST="127.0.0.1/32",
    )
    processes: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> subprocess.Popen[bytes]:
        with open(tmp_path / "serve.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "asyncevents_svc.cli", "serve"],
                cwd=ROOT,
                env={**env, **extra},
                stdout=log,
                stderr=log,
            )
        processes.append(process)
        return process

    yield f"http://127.0.0.1:{port}", start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 30)


@pytest.fixture
async def api_process(settings: Settings) -> AsyncIterator[str]:
    """``asyncevents-svc api`` with the run's settings on a free loopback port; its base URL
    once it answers."""
    served = settings.model_copy(update={"port": free_port(), "host": "127.0.0.1"})
    process = processes.start("api", served)
    base = f"http://127.0.0.1:{served.port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=2) as client:
            await until_answers(
                client,
                "/health/live",
                alive=lambda: process.poll() is None,
                explain=lambda: processes.log_of("api", served).read_text(),
            )
        yield base
    finally:
        await stop(process)


async def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL: a process stuck in C code does not run its signal handlers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.to_thread(process.wait, 10)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait, 10)


async def until_up(base: str, key: str | None = None) -> httpx.AsyncClient:
    """A client to ``base`` (with ``key``, if given) once its ``/health/ready`` answers."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    client = httpx.AsyncClient(base_url=base, timeout=10, headers=headers)
    await until_answers(client, "/health/ready")
    return client


async def until_answers(
    client: httpx.AsyncClient,
    path: str,
    *,
    timeout: float = 30.0,
    alive: Callable[[], bool] = lambda: True,
    explain: Callable[[], str] = lambda: "",
) -> None:
    """GET ``path`` every 0.1 s until it answers 200 (a process we started is up).

    Fails after ``timeout`` seconds, or at once when ``alive()`` says the process exited;
    ``explain()`` (its log, say) goes into the failure."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if (await client.get(path)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert alive(), f"exited before {path} answered:\n{explain()}"
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not answer 200 within {timeout} s:\n{explain()}")
        await asyncio.sleep(0.1)
