"""The one way a verb opens the database: settings → engine → session factory → dispose.

An operator verb is a short process of its own, so it builds its engine from the settings
(no :class:`~asyncevents_svc.runtime.Runtime`: no catalogue, notifiers or broker it does not
use) and closes it on the way out, whatever happened, so no connection outlives the verb.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asyncevents_svc.db.engine import SessionFactory, create_engine, session_factory
from asyncevents_svc.settings import Settings


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[SessionFactory]:
    """Sessions on the configured database for one verb; the engine is disposed after it."""
    engine = create_engine(settings)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
