"""Stopping and starting this machine's PostgreSQL and RabbitMQ, as an outage does."""

from __future__ import annotations

import asyncio
import os
import subprocess


def _pg_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


async def _run(*command: str, timeout: float = 120) -> None:
    done = await asyncio.to_thread(
        subprocess.run, list(command), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)}: {done.stdout}{done.stderr}"


async def postgres_stop() -> None:
    await _run(*_pg_cluster(), "stop", "-m", "fast")


async def postgres_start() -> None:
    await _run(*_pg_cluster(), "start")
    for _ in range(60):
        ready = await asyncio.to_thread(subprocess.run, ["pg_isready", "-h", "127.0.0.1", "-q"], check=False)
        if ready.returncode == 0:
            return
        await asyncio.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


async def rabbitmq_stop() -> None:
    await _run("rabbitmqctl", "stop_app")


async def rabbitmq_start() -> None:
    await _run("rabbitmqctl", "start_app")
    await _run("rabbitmqctl", "await_startup", "--timeout", "120")
