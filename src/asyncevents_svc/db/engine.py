"""Engine and session factory, created by the app lifespan or the worker, never at import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from asyncevents_svc.db.private_files import private_data_dir, private_sqlite
from asyncevents_svc.settings import Settings

SessionFactory = async_sessionmaker[AsyncSession]


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    """WAL lets readers work beside the one writer; busy_timeout waits for the lock instead of
    failing; foreign keys make ON DELETE CASCADE work as on PostgreSQL."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(settings: Settings) -> AsyncEngine:
    """An async engine for ``settings.database_url`` (PostgreSQL, or the embedded SQLite file)."""
    url = settings.database_url
    if url.startswith("sqlite"):
        # Before the first connection: SQLite's -wal and -shm take the database file's mode.
        private_data_dir(settings.data_dir)
        private_sqlite(url)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A fixed pool: overflow connections are closed on return whenever the pool is full, so
    # under steady load they would be opened (a PostgreSQL backend forked) and closed per
    # request. No pre-ping (a round trip per checkout): a connection that died with a
    # database restart raises a disconnect error, SQLAlchemy then invalidates the whole
    # pool, and that one request gets a 503.
    return create_async_engine(url, pool_size=settings.database_pool_size, max_overflow=0)


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)
