"""An event's timing: when its deliveries start (``deliver_at``) and their deadline
(``expires_at``, or ``ttl`` seconds, or the event type's ``ttl`` from ``events.xml``).

Checked at ingest, each refusal a 422 naming its field:

* ``ttl`` and ``expires_at`` together: one deadline, said once;
* ``deliver_at`` more than :data:`MAX_SCHEDULE` ahead (a scheduled send is a short wait,
  not a calendar); one in the past (or now) means now and is stored as none;
* ``expires_at`` not after now, or not after ``deliver_at``: it could never be met.

A ``ttl`` (the event's, else its type's) counts from when the deliveries may start:
``deliver_at`` if there is one, else now. The deadline is stored as a moment; the
deliveries copy it at fan-out (docs/guarantees.md, "Deadlines and scheduled sends").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import ValidationFailed

MAX_SCHEDULE = timedelta(days=30)
MAX_TTL = 30 * 86400  # seconds, for an event's ttl and an event type's


@dataclass(frozen=True)
class Timing:
    deliver_at: datetime | None = None  # None: at once
    expires_at: datetime | None = None  # None: no deadline


NO_TIMING = Timing()


def resolve(
    *,
    deliver_at: datetime | None,
    expires_at: datetime | None,
    ttl: float | None,
    default_ttl: float | None,
    now: datetime | None = None,
) -> Timing:
    """The event's timing, or a :class:`ValidationFailed` naming the field at fault."""
    if deliver_at is None and expires_at is None and ttl is None and default_ttl is None:
        return NO_TIMING  # the common case costs four comparisons
    now = now or utcnow()
    if ttl is not None and expires_at is not None:
        raise ValidationFailed("ttl", "give a ttl or an expires_at, not both")
    if deliver_at is not None:
        if deliver_at > now + MAX_SCHEDULE:
            raise ValidationFailed("deliver_at", f"may be at most {MAX_SCHEDULE.days} days ahead")
        if deliver_at <= now:
            deliver_at = None  # due already: sent now
    start = deliver_at or now
    if expires_at is not None:
        if expires_at <= now:
            raise ValidationFailed("expires_at", "is in the past")
        if deliver_at is not None and expires_at <= deliver_at:
            raise ValidationFailed("expires_at", "must be after deliver_at")
    else:
        seconds = ttl if ttl is not None else default_ttl
        if seconds is not None:
            expires_at = start + timedelta(seconds=seconds)
    return Timing(deliver_at, expires_at)
