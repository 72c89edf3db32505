"""Bodies of the delivery trace and replay routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from asyncevents_svc.deliveries.status import FINISHED, DeliveryStatus, ReplayJobStatus
from asyncevents_svc.textchecks import Line, Text
from asyncevents_svc.types import PageCount, UtcDatetime

# The API's spelling of the statuses (a Literal, so that OpenAPI lists the values inline as
# it always has); each must stay the same set as its StrEnum, which is the definition.
DeliveryStatusName = Literal["pending", "delivered", "retrying", "dead", "cancelled", "expired"]
Replayable = Literal["delivered", "dead", "cancelled", "expired"]
ReplayJobStatusName = Literal["pending", "running", "done", "failed"]
for _literal, _enum in (
    (DeliveryStatusName, tuple(DeliveryStatus)),
    (Replayable, FINISHED),
    (ReplayJobStatusName, tuple(ReplayJobStatus)),
):
    if set(get_args(_literal)) != set(_enum):  # pragma: no cover - a developer's slip
        raise TypeError(f"{_literal} does not list the statuses {_enum}")


class AttemptOut(BaseModel):
    number: int
    started_at: datetime
    duration_ms: float
    success: bool
    retryable: bool
    status_code: int | None
    response: str | None = Field(
        description="The response body (capped) or the error; first, when this answer's "
        "`Retry-After` paused the subscription's sends (adaptive pacing), "
        '"subscription paused N s by Retry-After; ".'
    )


class DeliveryOut(BaseModel):
    """One event going to one subscription; ``id`` is the ``webhook-id`` header."""

    id: uuid.UUID
    event_id: uuid.UUID
    subscription_id: int
    notifier: str
    status: DeliveryStatusName
    status_reason: str | None
    summary: str = Field(description='In the module\'s words: "Delivered with 2 retries".')
    attempt_count: int
    next_attempt_at: datetime | None
    scheduled_for: datetime | None = Field(
        None, description="A scheduled send (the event's `deliver_at`) not started yet: when it starts."
    )
    expires_at: datetime | None = Field(
        None, description="The deadline: not delivered by then, it ends `expired` (null: none)."
    )
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    created_at: datetime
    attempts: list[AttemptOut]


class DeliveryListItem(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_name: str
    subscription_id: int
    notifier: str
    status: DeliveryStatusName
    summary: str
    attempt_count: int
    last_status_code: int | None
    created_at: datetime
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    scheduled_for: datetime | None = Field(
        None, description="A scheduled send (the event's `deliver_at`) not started yet: when it starts."
    )
    expires_at: datetime | None = Field(
        None, description="The deadline: not delivered by then, it ends `expired` (null: none)."
    )


class DeliveryPage(BaseModel):
    items: list[DeliveryListItem]
    next_cursor: str | None
    count: PageCount | None = Field(None, description="With `count=true`: the rows that match.")


class DeliveryDetail(DeliveryOut):
    event_name: str
    payload: Any


class ReplayAccepted(BaseModel):
    id: uuid.UUID
    status: DeliveryStatusName


def _dead_letters() -> list[Replayable]:
    return [DeliveryStatus.DEAD.value]


class ReplayRequest(BaseModel):
    """Which deliveries to replay; every given criterion must hold."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"status": ["dead"], "event_name": "sales.order.created", "dry_run": True}]
        },
    )

    status: list[Replayable] = Field(
        default_factory=_dead_letters,
        min_length=1,
        max_length=4,
        description="Defaults to dead letters only.",
    )
    event_name: Line | None = Field(None, max_length=255)
    subscription_id: int | None = Field(None, ge=1, le=2_147_483_647)
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None
    q: Text | None = Field(None, max_length=1000, description="A search query, as for `GET /v1/deliveries`.")
    application: Line | None = Field(
        None,
        max_length=64,
        description="Only this application's deliveries (its uid): an operator key's filter. A key "
        "bound to an application replays that application's only, without naming it.",
    )
    dry_run: bool = Field(False, description="Only count what would be replayed.")


class ReplayCount(BaseModel):
    dry_run: Literal[True] = True
    count: int
    more: bool = Field(
        False,
        description="True when more than `count` deliveries match: counting stops at 10,000, so "
        "that a dry run costs what a page of the log costs; a replay sends every match.",
    )
    excluded_events: list[str] | None = Field(
        None,
        description="Events whose deliveries are not counted (nor would be replayed) because the "
        "API key lacks their `<resources>`; absent when none are.",
    )


class ReplayJobOut(BaseModel):
    id: uuid.UUID
    status: ReplayJobStatusName
    criteria: dict[str, Any]
    total: int
    processed: int
    replayed: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None
