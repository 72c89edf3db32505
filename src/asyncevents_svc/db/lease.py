"""Leases: how a worker holds a row it claimed (an event to fan out, a delivery to send).

One definition for both queues. A claim writes ``locked_until`` = now + the lease; while it
lies ahead no other worker takes the row, and if the worker dies the row comes back once the
lease has run out. A worker that will not finish the work sets it back to NULL (a release).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Mapped

from asyncevents_svc.db.types import utcnow


@dataclass(frozen=True)
class Lease:
    """A lease of ``seconds`` (``worker.lease_seconds``)."""

    seconds: float

    def until(self, now: datetime | None = None) -> datetime:
        """When a lease taken at ``now`` (default: the current time) runs out."""
        return (now or utcnow()) + timedelta(seconds=self.seconds)


def lease_free(locked_until: Mapped[datetime | None], now: datetime) -> ColumnElement[bool]:
    """No worker holds the row: never leased, or its lease has run out."""
    return or_(locked_until.is_(None), locked_until < now)
