"""Running Alembic from code (the ``migrate`` command and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from asyncevents_svc import bundled
from asyncevents_svc.db.private_files import private_sqlite


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration in code (no ``alembic.ini`` needed): the migrations the
    package carries (:mod:`asyncevents_svc.bundled`), whatever the working directory."""
    config = Config()
    config.set_main_option("script_location", str(bundled.migrations()))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    private_sqlite(database_url)  # created 0600 before SQLite opens it (db/private_files.py)
    command.upgrade(alembic_config(database_url), revision)
