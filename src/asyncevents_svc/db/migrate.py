"""Running Alembic from code (the ``migrate`` command and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from asyncevents_svc.db.private_files import private_sqlite


def _project_root() -> Path:
    """The folder holding ``alembic.ini``: the source checkout, else the working directory
    (the container image copies ``alembic.ini`` and ``migrations/`` into its workdir)."""
    checkout = Path(__file__).resolve().parents[3]
    return checkout if (checkout / "alembic.ini").exists() else Path.cwd()


def alembic_config(database_url: str) -> Config:
    root = _project_root()
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    private_sqlite(database_url)  # created 0600 before SQLite opens it (db/private_files.py)
    command.upgrade(alembic_config(database_url), revision)
