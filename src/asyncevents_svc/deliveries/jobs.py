"""A send job: one attempt of one delivery, with everything the notifier needs.

Made where a delivery is leased to this worker (the fan-out's insert, the scheduler's
claim) and handed to the worker's dispatcher.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asyncevents_svc.db.models import Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.policy import SendPolicy


@dataclass(frozen=True)
class SendJob:
    delivery_id: uuid.UUID
    event_id: uuid.UUID
    event_name: str
    store_id: int
    subscription_id: int
    notifier: str
    recipient: str
    token_encrypted: str
    payload: Any
    attempt: int  # 1-based number of the attempt about to be made
    chain_offset: int = 0  # attempts before the current chain (see Delivery.chain_offset)
    previous_token_encrypted: str | None = None  # still valid during a rotation overlap
    policy: SendPolicy = field(default_factory=SendPolicy)  # the subscription's delivery policy
    trace_context: str | None = None  # the event's traceparent: attempts join its trace
    ordering_key: str | None = None  # an ordered delivery's line (deliveries/ordering.py)
    expires_at: datetime | None = None  # the delivery's deadline: no attempt after it

    @property
    def retries_done(self) -> int:
        """Retries already made in this chain before this attempt."""
        return self.attempt - self.chain_offset - 1

    @classmethod
    def to(
        cls,
        sub: Subscription,
        *,
        delivery_id: uuid.UUID,
        event_id: uuid.UUID,
        event_name: str,
        store_id: int,
        payload: Any,
        attempt: int,
        chain_offset: int = 0,
        trace_context: str | None = None,
        ordering_key: str | None = None,
        expires_at: datetime | None = None,
    ) -> SendJob:
        """The job for sending to ``sub`` now (with its previous token while that is valid)."""
        expires = sub.previous_token_expires_at
        previous = sub.previous_token_encrypted if expires is not None and expires > utcnow() else None
        return cls(
            delivery_id=delivery_id,
            event_id=event_id,
            event_name=event_name,
            store_id=store_id,
            subscription_id=sub.id,
            notifier=sub.notifier,
            recipient=sub.recipient_url,
            token_encrypted=sub.token_encrypted,
            payload=payload,
            attempt=attempt,
            chain_offset=chain_offset,
            previous_token_encrypted=previous,
            policy=SendPolicy.of(sub),
            trace_context=trace_context,
            ordering_key=ordering_key,
            expires_at=expires_at,
        )
