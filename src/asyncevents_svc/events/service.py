"""Ingest: validate an event against the catalogue, then store it durably.

The event row is committed before the caller answers 202; the broker hint comes after and
may be lost (the worker's sweep finds the event anyway). Idempotency: the client ``id`` or
``Idempotency-Key`` is stored in a unique column, so a repeat inserts nothing and answers
with the original event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.db.dialect import insert_ignoring_conflicts
from asyncevents_svc.db.models import Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import ValidationFailed


@dataclass(frozen=True)
class NewEvent:
    """A validated event, ready to insert."""

    id: uuid.UUID
    name: str
    arguments: dict[str, Any]
    store_id: int
    idempotency_key: str | None
    source: str = "http"
    status: str = "accepted"
    error: str | None = None
    trace_context: str | None = None  # the accepting request's traceparent (tracing on)


@dataclass(frozen=True)
class StoredEvent:
    id: uuid.UUID
    name: str
    status: str
    received_at: datetime
    duplicate: bool


def normalise_key(key: str | None) -> tuple[str | None, uuid.UUID]:
    """The stored key and the event id: a UUID key is canonicalised and becomes the id."""
    if key is None:
        return None, uuid.uuid4()
    try:
        as_uuid = uuid.UUID(key)
    except ValueError:
        return key, uuid.uuid4()
    return str(as_uuid), as_uuid


def prepare(
    catalogue: Catalogue,
    *,
    name: str,
    arguments: dict[str, Any],
    store_id: int,
    key: str | None,
    source: str = "http",
    trace_context: str | None = None,
) -> NewEvent:
    """Check the name (404) and arguments (422) now, at ingest, not in the worker."""
    event_type = catalogue.get(name)
    if event_type.internal:
        raise ValidationFailed("event_name", f"{name!r} is published by the service itself")
    event_type.binding.check_arguments(arguments)
    stored_key, event_id = normalise_key(key)
    return NewEvent(event_id, name, arguments, store_id, stored_key, source, trace_context=trace_context)


async def store(session: AsyncSession, events: list[NewEvent]) -> list[StoredEvent]:
    """Insert the events in one statement; repeats of a known key return the original."""
    if not events:
        return []
    now = utcnow()
    rows = [
        {
            "id": e.id,
            "name": e.name,
            "arguments": e.arguments,
            "store_id": e.store_id,
            "idempotency_key": e.idempotency_key,
            "source": e.source,
            "status": e.status,
            "error": e.error,
            "trace_context": e.trace_context,
            "received_at": now,
        }
        for e in events
    ]
    # Parameters apart from the statement, so its compiled form is cached; SQLAlchemy still
    # sends one multi-row INSERT ("insertmanyvalues").
    statement = insert_ignoring_conflicts(session, Event).returning(Event.id)
    inserted = set((await session.scalars(statement, rows)).all())
    keys = [e.idempotency_key for e in events if e.id not in inserted and e.idempotency_key]
    originals: dict[str, Event] = {}
    if keys:
        found = await session.scalars(select(Event).where(Event.idempotency_key.in_(keys)))
        originals = {ev.idempotency_key: ev for ev in found if ev.idempotency_key}
    results: list[StoredEvent] = []
    claimed: set[uuid.UUID] = set()
    for e in events:
        if e.id in inserted and e.id not in claimed:
            claimed.add(e.id)
            results.append(StoredEvent(e.id, e.name, e.status, now, duplicate=False))
            continue
        original = originals.get(e.idempotency_key or "")
        if original is None:  # the same key twice in this very batch: the first one won
            results.append(StoredEvent(e.id, e.name, e.status, now, duplicate=True))
        else:
            results.append(
                StoredEvent(original.id, original.name, original.status, original.received_at, True)
            )
    return results
