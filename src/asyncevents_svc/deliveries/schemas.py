"""Bodies of the delivery trace routes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel


class AttemptOut(BaseModel):
    number: int
    started_at: datetime
    duration_ms: float
    success: bool
    retryable: bool
    status_code: int | None
    response: str | None


class DeliveryOut(BaseModel):
    """One event going to one subscription; ``id`` is the ``webhook-id`` header."""

    id: uuid.UUID
    event_id: uuid.UUID
    subscription_id: int
    notifier: str
    status: str
    status_reason: str | None
    attempt_count: int
    next_attempt_at: datetime | None
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    created_at: datetime
    attempts: list[AttemptOut]
