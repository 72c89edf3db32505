"""Endpoint health: subscriptions disabled automatically, and the event that says so.

After each batch of attempts (in the recorder's transaction):

* a success clears the subscription's ``failing_since``; the first failure after one sets it;
* a subscription whose endpoint answered **410 Gone** (``endpoint_health.disable_on_gone``),
  or whose deliveries have all failed since longer than ``endpoint_health.disable_after``,
  is set ``disabled`` with ``disabled_reason`` and ``disabled_at``; its queued deliveries
  are then cancelled by the scheduler with that status as the reason;
* with ``endpoint_health.publish_event``, an operational event ``subscription.disabled`` is
  stored in the same transaction, so it exists exactly when the subscription was disabled.
  It is part of the catalogue (:func:`operational_events`): operators subscribe to it like
  to any other event; only the service publishes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.catalogue.model import EventType
from asyncevents_svc.catalogue.services import PassthroughBinding
from asyncevents_svc.db.models import Event, Subscription
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.settings import EndpointHealthSettings
from asyncevents_svc.subscriptions.status import SubscriptionStatus

DISABLED_EVENT = "subscription.disabled"
GONE = 410


def operational_events() -> list[EventType]:
    """The events the service publishes about itself."""
    return [
        EventType(
            name=DISABLED_EVENT,
            service_class="asyncevents.passthrough",
            method="arguments",
            resources=(),
            binding=PassthroughBinding(),
            source="built-in (endpoint_health.publish_event)",
            internal=True,
        )
    ]


@dataclass(frozen=True)
class AttemptSummary:
    """What endpoint health needs to know of one attempt."""

    subscription_id: int
    success: bool
    status_code: int | None


def _describe(seconds: float) -> str:
    days, hours = seconds / 86400, seconds / 3600
    if days >= 1:
        return f"{days:g} days"
    return f"{hours:g} hours" if hours >= 1 else f"{seconds:g} s"


async def after_attempts(
    session: AsyncSession, attempts: list[AttemptSummary], settings: EndpointHealthSettings, now: datetime
) -> list[uuid.UUID]:
    """Update endpoint health for a batch of attempts; returns the ids of the operational
    events stored for subscriptions disabled now (the caller dispatches them after commit)."""
    succeeded = {a.subscription_id for a in attempts if a.success}
    failed = {a.subscription_id for a in attempts if not a.success} - succeeded
    gone = (
        {a.subscription_id for a in attempts if a.status_code == GONE} if settings.disable_on_gone else set()
    )
    # A success ends a failing streak; the first failure after a success starts one.
    column = Subscription.failing_since
    for subs, since in ((succeeded, None), (failed, now)):
        if subs:
            await session.execute(
                update(Subscription)
                .where(Subscription.id.in_(subs), column.is_not(None) if since is None else column.is_(None))
                .values(failing_since=since)
                .execution_options(synchronize_session=False)
            )
    disabled = await _disable(session, gone, "the endpoint answered 410 Gone", now)
    if failed and settings.disable_after > 0:
        cutoff = now - timedelta(seconds=settings.disable_after)
        reason = f"every delivery failed for {_describe(settings.disable_after)}"
        disabled += await _disable(session, failed - gone, reason, now, Subscription.failing_since <= cutoff)
    if not disabled or not settings.publish_event:
        return []
    ids = [uuid.uuid4() for _ in disabled]
    events = [
        {
            "id": event_id,
            "name": DISABLED_EVENT,
            "arguments": {
                "subscription_id": row.id,
                "event_name": row.event_name,
                "recipient_url": row.recipient_url,
                "reason": row.disabled_reason,
                "disabled_at": now.isoformat(),
            },
            "store_id": 0,
            # To the subscription's own application only: its recipient is its tenant's business.
            "application_id": row.application_id,
            "source": "service",
            "status": EventStatus.ACCEPTED,
            "received_at": now,
        }
        for event_id, row in zip(ids, disabled, strict=True)
    ]
    await session.execute(insert(Event), events)
    return ids


async def _disable(
    session: AsyncSession, ids: set[int], reason: str, now: datetime, *conditions: Any
) -> list[Any]:
    if not ids:
        return []
    rows = await session.execute(
        update(Subscription)
        .where(Subscription.id.in_(ids), Subscription.status == SubscriptionStatus.ACTIVE, *conditions)
        .values(status=SubscriptionStatus.DISABLED, disabled_reason=reason, disabled_at=now, modified=now)
        .returning(
            Subscription.id,
            Subscription.event_name,
            Subscription.recipient_url,
            Subscription.disabled_reason,
            Subscription.application_id,
        )
        .execution_options(synchronize_session=False)
    )
    return list(rows)
