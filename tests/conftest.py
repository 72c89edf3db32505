"""Shared fixtures: a real database, real RabbitMQ names, the API, a worker and a loopback
receiver. Nothing here skips: without PostgreSQL or RabbitMQ the tests fail.

``ASYNCEVENTS_TEST_BACKEND`` picks the backend the whole suite runs on:
``postgres-rabbitmq`` (default), ``postgres-dbqueue`` or ``sqlite-dbqueue``. Tests that only
make sense on one backend carry the markers ``rabbitmq`` or ``postgres``; ``make test``
deselects them explicitly for the other backends.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aio_pika
import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from asyncevents_svc.app import create_app
from asyncevents_svc.auth.keys import create_key
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.db.migrate import upgrade
from asyncevents_svc.logging import configure_logging
from asyncevents_svc.messaging.dbqueue import LocalPublisher
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import BrokerSettings, Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.aws import bus, moto_url, moto_with_auth_url, proxy
from tests.support.backend import AMQP_URL, BACKEND, PG_ADMIN, SQLITE, TEST_EVENTS, admin_sql
from tests.support.browser import chromium
from tests.support.receiver import Receiver, serve_receiver
from tests.support.serving import api_process, serve

RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
TABLES = (
    "attempt_minutes",
    "attempts",
    "deliveries",
    "events",
    "subscriptions",
    "replay_jobs",
    "web_sessions",
    "api_keys",
    "signing_keys",
)
#: Every application but the migration's ``default`` goes too.
OTHER_APPLICATIONS = "DELETE FROM applications WHERE id <> 1"

configure_logging("WARNING")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``worker`` every test that runs an in-loop worker; tests that start a worker
    process carry the marker themselves. The postgres-dbqueue run repeats only these: the
    rest does not depend on the transport and already ran on PostgreSQL."""
    for item in items:
        if {"worker", "start_worker"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.worker)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this test run, migrated to head, dropped at the end."""
    if SQLITE:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        upgrade(url)
        yield url
        return
    name = f"asyncevents_test_{RUN_ID}"
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    upgrade(url)
    yield url
    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def broker_names() -> Iterator[BrokerSettings]:
    """Queue and exchange names of our own, so parallel runs never share messages."""
    names = BrokerSettings(
        exchange=f"asyncevents.test.{RUN_ID}",
        events_queue=f"asyncevents.test.{RUN_ID}.events",
        magento_exchange=f"magento.test.{RUN_ID}",
        magento_queue=f"event.trigger.test.{RUN_ID}",
    )
    yield names
    if BACKEND != "postgres-rabbitmq":
        return

    async def cleanup() -> None:
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            channel = await connection.channel()
            for queue in (names.events_queue, names.magento_queue):
                await channel.queue_delete(queue)
            for exchange in (names.exchange, names.magento_exchange):
                await channel.exchange_delete(exchange)

    asyncio.run(cleanup())


@pytest.fixture(scope="session")
def settings(
    database_url: str, broker_names: BrokerSettings, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        broker_url=None if BACKEND.endswith("dbqueue") else AMQP_URL,
        events_file=[TEST_EVENTS],
        encryption_key=Fernet.generate_key().decode(),
        data_dir=tmp_path_factory.mktemp("data"),
        broker=broker_names,
        worker={"poll_interval": 0.2, "sweep_after": 3.0, "shutdown_grace": 5.0},
        # The module's ladder (~55 s in all), so that a test's failing delivery dies in seconds.
        retry={"schedule": "ladder"},
        # The receivers live on loopback; env "test" has no development exemption.
        security={"recipient_allowlist": ["127.0.0.1/32"]},
    )


@pytest.fixture(scope="session")
def catalogue(settings: Settings) -> Catalogue:
    """The test catalogue, loaded once per run (every runtime a test builds shares it)."""
    return load_catalogue(settings.events_file)


async def empty_tables(connection: AsyncConnection) -> None:
    """Delete every row and restart the id sequences: on a few rows, DELETE in foreign-key
    order costs a fraction of TRUNCATE's per-table locking and file swaps (about 20 ms
    against 75 ms a test on PostgreSQL)."""
    for table in TABLES:
        await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    await connection.execute(text(OTHER_APPLICATIONS))
    if SQLITE:
        # Ids start again at 1 for each test, as PostgreSQL's sequences do below.
        await connection.execute(
            text("DELETE FROM sqlite_sequence WHERE name IN ('applications', 'subscriptions')")
        )
    else:
        # Every sequence starts again at 1; the applications' after the default's id.
        restart = (
            "SELECT setval(c.oid, 1, c.relname = 'applications_id_seq') FROM pg_class c WHERE c.relkind = 'S'"
        )
        await connection.execute(text(restart))


@pytest.fixture
async def runtime(settings: Settings, catalogue: Catalogue) -> AsyncIterator[Runtime]:
    """A fresh runtime on empty tables."""
    rt = build_runtime(settings, catalogue=catalogue)
    async with rt.engine.begin() as connection:
        await empty_tables(connection)
    if settings.broker_url is None:
        # As in `serve`: an ingest wakes the in-loop worker's database queue at once.
        rt.publisher = LocalPublisher()
    yield rt
    await rt.close()  # again if the app's lifespan closed it: stops what tests started without one


@pytest.fixture
async def admin_headers(runtime: Runtime) -> dict[str, str]:
    """Headers of a caller holding every scope (a real admin key in the database)."""
    async with runtime.sessions() as session:
        _, key = await create_key(session, name="tests", scopes=["admin"])
        await session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def app(settings: Settings, runtime: Runtime) -> AsyncIterator[FastAPI]:
    """The app with its lifespan running."""
    application = create_app(settings, runtime)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the in-process app that sends no API key."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test"
    ) as client:
        yield client


@pytest.fixture
async def api(app: FastAPI, admin_headers: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the in-process app, authenticated with an admin key."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://api.test", headers=admin_headers
    ) as client:
        yield client


@pytest.fixture
async def start_worker(
    settings: Settings, catalogue: Catalogue
) -> AsyncIterator[Callable[..., Awaitable[Worker]]]:
    """Start in-loop workers with changed settings: ``await start_worker(retry={...})``."""
    started: list[tuple[Worker, Runtime]] = []

    async def start(**changes: Any) -> Worker:
        changed = settings.model_copy(
            update={k: getattr(settings, k).model_copy(update=v) for k, v in changes.items()}
        )
        rt = build_runtime(changed, catalogue=catalogue)
        running = Worker(rt)
        await running.start()
        started.append((running, rt))
        return running

    yield start
    for running, rt in started:
        await running.stop()
        await rt.close()


@pytest.fixture
async def worker(runtime: Runtime, settings: Settings) -> AsyncIterator[Worker]:
    """A worker running in this event loop against the real broker and database.

    Hints left in the queues by earlier tests name events that no longer exist; the
    worker acknowledges and skips them.
    """
    running = Worker(runtime)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as rec:
        yield rec


# Fixtures kept beside what they start: `serve` (a real `asyncevents-svc serve` process) and
# `api_process` (`asyncevents-svc api` on this run's backend) in tests/support/serving.py;
# Chromium for the browser tests in tests/support/browser.py; moto's server, a bus and the
# PutEvents proxy in tests/support/aws.py.
__all__ = ["api_process", "bus", "chromium", "moto_url", "moto_with_auth_url", "proxy", "serve"]
