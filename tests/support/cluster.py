"""The service as production runs it — one API process and worker processes, each its own
``asyncevents-svc`` process — on a database and broker names of its own.

The settings are production's except for shorter clocks, so a scenario takes seconds:
a 10 s delivery lease (default 60 s), a 5 s sweep (30 s), the module's n² retry
ladder (unless a scenario passes its own ``retry`` group) instead of the day-long default.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
from cryptography.fernet import Fernet

from asyncevents_svc.settings import BrokerSettings, Settings
from tests.support.backend import AMQP_URL, PG_ADMIN, TEST_EVENTS, admin_sql
from tests.support.processes import log_of, run_cli, start
from tests.support.serving import free_port, until_answers

ADMIN_KEY = "ae_13fcfacfd145_IHZ9rQzbIaAmtyp4TQ9Aq3de1_BIxZC-6DmrKABCTKY"
PG_BASE = PG_ADMIN.rsplit("/", 1)[0]


def cluster_settings(
    name: str, transport: str, data_dir: Path, events_file: Path, groups: dict[str, Any]
) -> Settings:
    base = PG_BASE.replace("postgresql://", "postgresql+asyncpg://")
    names = BrokerSettings(
        exchange=f"asyncevents.{name}",
        events_queue=f"asyncevents.{name}.events",
        magento_exchange=f"magento.{name}",
        magento_queue=f"event.trigger.{name}",
        consume_magento=False,
    )
    return Settings.model_validate(
        {
            "env": "test",
            "database_url": f"{base}/{name}",
            "broker_url": AMQP_URL if transport == "rabbitmq" else None,
            "events_file": [events_file],
            "encryption_key": Fernet.generate_key().decode(),
            "data_dir": data_dir,
            "port": free_port(),
            "bootstrap_admin_key": ADMIN_KEY,
            "broker": names.model_dump(),
            "security": {"recipient_allowlist": ["127.0.0.1/32"]},
            "retry": {"schedule": "ladder"},
            **groups,
        }
    )


@dataclass
class Cluster:
    transport: str  # "rabbitmq" or "dbqueue"
    data_dir: Path
    # settings over these defaults: {"worker": {...}}, {"log_format": "json"}
    groups: dict[str, Any] = field(default_factory=dict)
    events_file: Path = TEST_EVENTS
    name: str = field(default_factory=lambda: f"asyncevents_cluster_{uuid.uuid4().hex[:10]}")
    api: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.settings = cluster_settings(
            self.name, self.transport, self.data_dir, self.events_file, self.groups
        )
        self.base_url = f"http://127.0.0.1:{self.settings.port}"

    async def create(self) -> None:
        """A fresh database, migrated by the real ``migrate`` command."""
        await admin_sql(f'CREATE DATABASE "{self.name}"')
        done = await asyncio.to_thread(run_cli, self.settings, "migrate")
        assert done.returncode == 0, done.stderr

    async def drop(self) -> None:
        await admin_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.transport == "rabbitmq":
            names = self.settings.broker
            connection = await aio_pika.connect(AMQP_URL)
            async with connection:
                channel = await connection.channel()
                await channel.queue_delete(names.events_queue)
                await channel.exchange_delete(names.exchange)

    def start_api(self) -> None:
        self.api = start("api", self.settings)

    def start_worker(self) -> None:
        self.workers.append(start("worker", self.settings))

    def kill_api(self) -> None:
        assert self.api is not None
        self.api.send_signal(signal.SIGKILL)
        self.api.wait(10)

    def kill_worker(self, index: int = 0) -> None:
        worker = self.workers.pop(index)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

    async def until_ready(self, timeout: float = 30.0) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as client:
            await until_answers(client, "/health/ready", timeout=timeout, explain=self.logs)

    async def stop(self) -> None:
        for process in [*self.workers, *([self.api] if self.api else [])]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, *([self.api] if self.api else [])]:
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self, tail: int = 40) -> str:
        out = []
        for command in ("api", "worker"):
            path = log_of(command, self.settings)
            if path.exists():
                lines = path.read_text(errors="replace").splitlines()[-tail:]
                out.append(f"--- {command} log (last {tail} lines)\n" + "\n".join(lines))
        return "\n".join(out)

    async def fetch(self, sql: str) -> list[asyncpg.Record]:
        """Rows of a query on the cluster's database (for tallies, not for the service)."""
        connection = await asyncpg.connect(f"{PG_BASE}/{self.name}")
        try:
            return list(await connection.fetch(sql))
        finally:
            await connection.close()

    async def count(self, sql: str) -> int:
        [row] = await self.fetch(sql)
        return int(row[0])

    async def delivery_statuses(self) -> dict[str, int]:
        rows = await self.fetch("SELECT status, count(*) AS n FROM deliveries GROUP BY status")
        return {row["status"]: row["n"] for row in rows}
