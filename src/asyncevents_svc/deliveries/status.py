"""A delivery's status, defined once (the database keeps the plain string; a
``StrEnum`` member compares equal to it, so stored values and the wire format are unchanged)."""

from __future__ import annotations

from enum import StrEnum


class DeliveryStatus(StrEnum):
    """In the order the API, the CLI and the search language list them."""

    PENDING = "pending"  # waiting for its first attempt, or replayed
    DELIVERED = "delivered"
    RETRYING = "retrying"  # an attempt failed; the next one is scheduled
    DEAD = "dead"  # dead-lettered: not retryable, or out of retries
    CANCELLED = "cancelled"  # its subscription was disabled or deleted
    EXPIRED = "expired"  # not delivered by its deadline (expires_at): no further attempt


#: Still to be sent: the scheduler claims these when due.
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
#: Finished: a replay may start them again; retention may delete them.
FINISHED = (
    DeliveryStatus.DELIVERED,
    DeliveryStatus.DEAD,
    DeliveryStatus.CANCELLED,
    DeliveryStatus.EXPIRED,
)


class ReplayJobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AttemptOutcome(StrEnum):
    """One attempt's result, the ``result`` label of the ``asyncevents_attempts`` metric."""

    SUCCESS = "success"
    FAILURE = "failure"
