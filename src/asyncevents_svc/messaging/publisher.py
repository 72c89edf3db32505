"""Publishing "event ready" hints after an event is committed.

A hint only wakes a worker up sooner: the event row is already durable, and the worker's
sweep finds any event whose hint was lost. So publishing never fails an ingest request.
"""

from __future__ import annotations

import uuid
from typing import Protocol


class EventPublisher(Protocol):
    async def publish_ready(self, event_ids: list[uuid.UUID]) -> None:
        """Tell a worker these committed events are ready; must not raise."""

    def problem(self) -> str | None:
        """Why hints cannot be published now (for ``/health/ready``), or None when they can."""

    async def close(self) -> None: ...


class NullPublisher:
    """No broker: workers find new events by polling the database."""

    async def publish_ready(self, event_ids: list[uuid.UUID]) -> None:
        return None

    def problem(self) -> str | None:
        return None

    async def close(self) -> None:
        return None
