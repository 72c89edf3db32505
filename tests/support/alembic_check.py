"""``alembic check`` against a scratch PostgreSQL database: fails if the models changed
without a migration. Run by ``make migrations-check`` (part of ``make test``)."""

from __future__ import annotations

import asyncio
import uuid

from alembic import command

from asyncevents_svc.db.migrate import alembic_config
from tests.support.backend import PG_ADMIN, admin_sql


def main() -> None:
    name = f"asyncevents_check_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        config = alembic_config(f"{base}/{name}")
        command.upgrade(config, "head")
        command.check(config)
        print("alembic check: models and migrations agree")
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
