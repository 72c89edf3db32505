"""``alembic check`` against a scratch PostgreSQL database: fails if the models changed
without a migration. Run by ``make migrations-check`` (part of ``make test``)."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg
from alembic import command

from asyncevents_svc.db.migrate import alembic_config

ADMIN = os.environ.get("ASYNCEVENTS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main() -> None:
    name = f"asyncevents_check_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        base = ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        config = alembic_config(f"{base}/{name}")
        command.upgrade(config, "head")
        command.check(config)
        print("alembic check: models and migrations agree")
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
