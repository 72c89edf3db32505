"""The processes of ``bench/scale.py``: the real ``asyncevents-svc api`` and ``worker`` on a
filled database (database queue, so the workers claim from the full ``events`` table), the
loopback receiver of ``bench/receiver.py`` and the load generator of ``bench/loadgen.py``."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
EVENTS = Path(__file__).with_name("scale_events.xml")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def service_env(database_url: str, encryption_key: str, data_dir: Path, port: int) -> dict[str, str]:
    """The ``ASYNCEVENTS_*`` environment of the service processes (database queue, no broker).
    Retention is off in the worker: the bench times retention itself, on a copy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASYNCEVENTS_")}
    env.update(
        {
            "ASYNCEVENTS_ENV": "test",
            "ASYNCEVENTS_DATABASE_URL": database_url,
            "ASYNCEVENTS_BROKER_URL": "",
            "ASYNCEVENTS_EVENTS_FILE": str(EVENTS),
            "ASYNCEVENTS_DATA_DIR": str(data_dir),
            "ASYNCEVENTS_ENCRYPTION_KEY": encryption_key,
            "ASYNCEVENTS_LOG_LEVEL": "WARNING",
            "ASYNCEVENTS_HOST": "127.0.0.1",
            "ASYNCEVENTS_PORT": str(port),
            "ASYNCEVENTS_SECURITY__RECIPIENT_ALLOWLIST": "127.0.0.1/32",
            "ASYNCEVENTS_RETENTION__DAYS": "0",
        }
    )
    return env


@dataclass
class Service:
    """``asyncevents-svc`` processes started from the repository root, logs in ``data_dir``."""

    env: dict[str, str]
    data_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ASYNCEVENTS_PORT']}"

    def start(self, command: str) -> None:
        with open(self.data_dir / f"{command}.log", "ab") as log:
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "asyncevents_svc.cli", command],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=log,
                )
            )

    async def until_live(self, timeout: float = 60.0) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as client:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    if (await client.get("/health/live")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"the API did not start:\n{self.logs()}")

    async def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def logs(self, tail: int = 30) -> str:
        out = []
        for path in sorted(self.data_dir.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-tail:]
            out.append(f"--- {path.name}\n" + "\n".join(lines))
        return "\n".join(out)


async def start_receiver(work: Path) -> tuple[asyncio.subprocess.Process, str]:
    port_file = work / "receiver.port"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.receiver", str(port_file), cwd=ROOT
    )
    await until(lambda: port_file.exists() and port_file.read_text() != "")
    return process, f"http://127.0.0.1:{port_file.read_text()}"


async def receiver_stats(receiver_url: str, prefix: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=receiver_url) as client:
        result: dict[str, Any] = (await client.get(f"/_stats?prefix={prefix}")).json()
        return result


async def loadgen(url: str, key: str, event: str, events: int, rate: float) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        url,
        key,
        "--event",
        event,
        "--events",
        str(events),
        "--rate",
        str(rate),
        "--concurrency",
        "16",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError("load generator failed")
    result: dict[str, Any] = orjson.loads(out)
    refused = {s: n for s, n in result["statuses"].items() if s not in {"200", "202"}}
    if refused:
        raise RuntimeError(f"the API refused part of the load: {refused}")
    return result


async def until(check: Callable[[], bool | Awaitable[bool]], timeout: float = 30.0) -> None:
    """Poll ``check`` (a function or a coroutine function) until it is true."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.2)
