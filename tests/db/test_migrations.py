"""Migrations on a database that already holds events: what was stored keeps its meaning."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.db.engine import session_factory
from asyncevents_svc.db.migrate import upgrade
from asyncevents_svc.db.models import ApiKey, Attempt, Base, Delivery, Event, ReplayJob, Subscription
from asyncevents_svc.db.types import JsonColumn, UtcDateTime, utcnow
from asyncevents_svc.events import idempotency, service
from tests.support.backend import PG_ADMIN, SQLITE, TEST_EVENTS, admin_sql

# The events table as revision 0009 left it (the models describe head).
EVENTS_0009 = sa.table(
    "events",
    sa.column("id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("arguments", JsonColumn),
    sa.column("store_id", sa.Integer()),
    sa.column("idempotency_key", sa.String()),
    sa.column("source", sa.String()),
    sa.column("status", sa.String()),
    sa.column("received_at", UtcDateTime()),
)


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database on this run's backend."""
    if SQLITE:
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"asyncevents_migrations_{uuid.uuid4().hex[:8]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        yield f"{base}/{name}"
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def event_row(key: str | None, source: str = "http") -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "name": "example.ping",
        "arguments": {"n": 1},
        "store_id": 0,
        "idempotency_key": key,
        "source": source,
        "status": "dispatched",
        "received_at": utcnow(),
    }


async def test_scoping_idempotency_keys_keeps_the_keys_of_stored_events(empty_database: str) -> None:
    # Alembic's env runs its own event loop: migrate from a thread, as `migrate` does.
    await asyncio.to_thread(upgrade, empty_database, "0009")
    engine = create_async_engine(empty_database)
    try:
        http, magento, unkeyed = event_row("order-1"), event_row("amqp:m-9", "amqp"), event_row(None)
        async with engine.begin() as connection:
            await connection.execute(sa.insert(EVENTS_0009), [http, magento, unkeyed])

        await asyncio.to_thread(upgrade, empty_database, "head")

        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.text("SELECT id, idempotency_scope, idempotency_key FROM events ORDER BY idempotency_key")
            )
            kept = {str(key): scope for _, scope, key in rows}
        assert kept == {"order-1": "legacy", "amqp:m-9": "magento", "None": None}

        catalogue = load_catalogue([TEST_EVENTS])
        redelivered = service.prepare(
            catalogue,
            name="example.ping",
            arguments={"n": 1},
            store_id=0,
            key="amqp:m-9",
            scope=idempotency.MAGENTO,
        )
        same_key_now = service.prepare(
            catalogue, name="example.ping", arguments={"n": 1}, store_id=0, key="order-1", scope="key:x"
        )
        async with session_factory(engine)() as session:
            again, fresh = await service.store(session, [redelivered, same_key_now])
            await session.commit()
        assert isinstance(again, service.StoredEvent)
        assert (again.id, again.duplicate) == (magento["id"], True)  # a redelivered message stays one event
        assert isinstance(fresh, service.StoredEvent)
        assert fresh.duplicate is False  # a caller's key never matches a key of unknown origin
    finally:
        await engine.dispose()


#: Columns of today's tables that revision 0011 did not have yet.
AFTER_0011 = {
    "application_id",  # 0012
    "signature",  # subscriptions, 0022
    # subscriptions, 0025
    "verification_started_at",
    "verification_due_at",
    "verification_attempts",
    "verification_last_at",
    "verification_error",
    "verified_at",
    "ordering",  # subscriptions, 0023
    "ordering_key",  # subscriptions and deliveries, 0023
    "ordered_at",  # deliveries, 0023
    "deliver_at",  # events, 0024
    "expires_at",  # events and deliveries, 0024
}


def before_applications(model: type[Base]) -> sa.TableClause:
    """``model``'s table as revision 0011 left it: without ``application_id`` (0012 adds it
    to every table that has one now) nor the columns later revisions added."""
    columns = [sa.column(c.name, c.type) for c in model.__table__.columns if c.name not in AFTER_0011]
    return sa.table(model.__tablename__, *columns)


async def test_applications_put_everything_that_exists_in_default_and_change_nothing_else(
    empty_database: str,
) -> None:
    await asyncio.to_thread(upgrade, empty_database, "0011")
    engine = create_async_engine(empty_database)
    now = utcnow()
    event_id, delivery_id, job_id, key_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows: dict[type[Base], dict[str, object]] = {
        Subscription: {
            "id": 7,
            "event_name": "example.ping",
            "recipient_url": "https://example.com/h",
            "token_encrypted": "t",
            "metadata": "http",
            "status": "active",
            "store_id": 0,
            "payload_format": "data",
            "subscribed_at": now,
            "modified": now,
        },
        Event: {**event_row("order-1"), "id": event_id, "idempotency_scope": "key:x"},
        Delivery: {
            "id": delivery_id,
            "event_id": event_id,
            "subscription_id": 7,
            "notifier": "http",
            "status": "dead",
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
        },
        ReplayJob: {
            "id": job_id,
            "criteria": {"status": ["dead"]},
            "status": "done",
            "total": 1,
            "processed": 1,
            "replayed": 1,
            "created_at": now,
        },
        ApiKey: {
            "id": key_id,
            "name": "erp",
            "prefix": "0123456789ab",
            "key_hash": "h",
            "scopes": ["deliveries:read"],
            "created_at": now,
        },
    }
    try:
        async with engine.begin() as connection:
            for model, row in rows.items():
                await connection.execute(sa.insert(before_applications(model)).values(**row))
            await connection.execute(
                sa.insert(before_applications(Attempt)).values(
                    delivery_id=delivery_id,
                    number=1,
                    started_at=now,
                    duration_ms=1.0,
                    success=False,
                    retryable=False,
                )
            )

        models: list[type[Base]] = [*rows, Attempt]

        async def snapshot() -> dict[str, list[tuple[object, ...]]]:
            found: dict[str, list[tuple[object, ...]]] = {}
            async with engine.connect() as connection:
                for model in models:
                    table = before_applications(model)
                    query = sa.select(*table.columns)
                    found[table.name] = [tuple(row) for row in await connection.execute(query)]
            return found

        before = await snapshot()
        assert all(len(found) == 1 for found in before.values()), before
        await asyncio.to_thread(upgrade, empty_database, "head")
        after = await snapshot()

        assert after == before  # every column that existed keeps every value
        async with engine.connect() as connection:
            owners = {}
            for table in ("subscriptions", "deliveries", "events", "replay_jobs", "api_keys"):
                query = sa.text(f"SELECT application_id FROM {table}")  # noqa: S608 - fixed names
                owners[table] = (await connection.execute(query)).scalars().all()
            applications = (await connection.execute(sa.text("SELECT id, uid FROM applications"))).all()
        assert owners == {
            "subscriptions": [1],
            "deliveries": [1],
            "events": [None],  # published to every application, as before
            "replay_jobs": [None],  # an operator's job
            "api_keys": [None],  # an operator key: it keeps reaching everything
        }
        assert [tuple(a) for a in applications] == [(1, "default")]
    finally:
        await engine.dispose()


@pytest.mark.postgres  # fillfactor is a PostgreSQL storage setting
async def test_deliveries_keep_a_fifth_of_each_page_free_so_a_lease_is_a_hot_update(
    empty_database: str,
) -> None:
    """A claim's lease changes no indexed column: with room in the page PostgreSQL writes
    the new version beside the old one and touches none of the table's indexes."""
    await asyncio.to_thread(upgrade, empty_database)
    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as connection:
            options = await connection.scalar(
                sa.text("SELECT reloptions FROM pg_class WHERE relname = 'deliveries'")
            )
    finally:
        await engine.dispose()
    assert options == ["fillfactor=80"]
