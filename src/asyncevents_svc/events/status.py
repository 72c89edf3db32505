"""An event's status, defined once (stored as the plain string, which a ``StrEnum`` member
equals)."""

from __future__ import annotations

from enum import StrEnum


class EventStatus(StrEnum):
    ACCEPTED = "accepted"  # stored, not yet fanned out
    DISPATCHED = "dispatched"  # fanned out: its deliveries exist
    FAILED = "failed"  # its payload could not be resolved (or the message could not be an event)
