"""A send job: one attempt of one delivery, with everything the notifier needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any


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

    @property
    def retries_done(self) -> int:
        """Retries already made in this chain before this attempt."""
        return self.attempt - self.chain_offset - 1
