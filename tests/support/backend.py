"""Which backend this test run uses, and where its servers are.

Read from the environment once, at import: ``ASYNCEVENTS_TEST_BACKEND`` picks
``postgres-rabbitmq`` (default), ``postgres-dbqueue`` or ``sqlite-dbqueue``. Kept here rather
than in ``tests/conftest.py`` because tests, the cluster helper and the benchmark import
these names, and a conftest is pytest's to load, not a module to import from.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg

PG_ADMIN = os.environ.get("ASYNCEVENTS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("ASYNCEVENTS_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")
TEST_EVENTS = Path(__file__).resolve().parents[1] / "data" / "events.xml"
BACKEND = os.environ.get("ASYNCEVENTS_TEST_BACKEND", "postgres-rabbitmq")
if BACKEND not in ("postgres-rabbitmq", "postgres-dbqueue", "sqlite-dbqueue"):
    raise RuntimeError(f"unknown ASYNCEVENTS_TEST_BACKEND {BACKEND!r}")
SQLITE = BACKEND.startswith("sqlite")


async def admin_sql(sql: str) -> None:
    """Run ``sql`` as the PostgreSQL administrator (creating and dropping databases)."""
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()
