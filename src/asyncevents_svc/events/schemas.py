"""Bodies of the ingest and event routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from asyncevents_svc.deliveries.schemas import DeliveryOut
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.textchecks import Line, json_without_nul
from asyncevents_svc.types import PageCount, UtcDatetime

# The API's spelling of the statuses (a Literal, so that OpenAPI lists the values inline,
# as the delivery statuses are); it must stay the same set as the StrEnum, the definition.
EventStatusName = Literal["accepted", "dispatched", "failed"]
if set(get_args(EventStatusName)) != set(EventStatus):  # pragma: no cover - a developer's slip
    raise TypeError(f"{EventStatusName} does not list the statuses {tuple(EventStatus)}")

ClientId = Annotated[
    Line,
    Field(
        min_length=1,
        max_length=255,
        description=(
            "Idempotency key, unique per API key (per application for a key bound to one): a"
            " repeat of the same event returns the first"
            " result, the same key with a different event is a 409."
        ),
    ),
]


class EventIn(BaseModel):
    """One event to publish."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"event_name": "sales.order.created", "arguments": {"id": 42}, "store_id": 0}]
        },
    )

    event_name: str = Field(min_length=1, max_length=255, pattern=r"^[a-zA-Z0-9._-]+$")
    arguments: Annotated[dict[str, Any], AfterValidator(json_without_nul)] = Field(
        default_factory=dict, description="Named arguments of the event's service method."
    )
    store_id: int = Field(0, ge=0, le=2_147_483_647)
    id: ClientId | None = None
    application: Line | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="Publish to this application only (its uid): only its matching subscriptions "
        "get deliveries. Without it, every application's do -- except for a key bound to an "
        "application, whose events always go to its own application only (naming another is a 422).",
        examples=["erp"],
    )
    deliver_at: UtcDatetime | None = Field(
        None,
        description="Scheduled send: deliveries start at this moment (± the scheduler's poll "
        "interval), at most 30 days ahead (past or now: at once). No offset: UTC.",
    )
    expires_at: UtcDatetime | None = Field(
        None,
        description="Deadline: a delivery not delivered by then ends `expired`, with no further "
        "attempt. After now and after `deliver_at`. No offset: UTC.",
    )
    ttl: int | None = Field(
        None,
        ge=1,
        le=2_592_000,
        description="Deadline in seconds from `deliver_at` (or from now), instead of `expires_at`; "
        "without either, the event type's `ttl` from the catalogue applies, if it has one.",
    )


class EventAccepted(BaseModel):
    """The event is committed: it will be delivered even if a process dies now."""

    id: uuid.UUID
    event_name: str
    status: str
    received_at: datetime
    duplicate: bool = Field(description="True when this id/key was seen before (nothing new stored).")


class EventBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=1000)


class BatchItemResult(BaseModel):
    """The outcome of one batch item, in request order."""

    index: int
    status: Literal[202, 404, 409, 422]
    id: uuid.UUID | None = None
    duplicate: bool = False
    error: dict[str, Any] | None = Field(None, description="problem+json of a refused item.")


class EventBatchResult(BaseModel):
    accepted: int
    rejected: int
    results: list[BatchItemResult]


class SkippedSubscription(BaseModel):
    """A subscription of this event's name that got no delivery, and why."""

    subscription_id: int
    reason: str


class EventOut(BaseModel):
    """An event with its resolved payload and every delivery and attempt."""

    id: uuid.UUID
    event_name: str
    arguments: Any
    store_id: int
    status: str
    error: str | None
    payload: Any
    source: str
    received_at: datetime
    dispatched_at: datetime | None
    deliver_at: datetime | None = Field(None, description="Its scheduled send, if it had one.")
    expires_at: datetime | None = Field(
        None, description="Its deliveries' deadline (from `expires_at`, `ttl` or its type's `ttl`)."
    )
    deliveries: list[DeliveryOut]
    skipped: list[SkippedSubscription] = Field(
        default_factory=list, description="Subscriptions whose payload filter this event did not match."
    )


class EventPage(BaseModel):
    """A page of ``GET /v1/events``, newest first."""

    items: list[EventOut]
    next_cursor: str | None
    count: PageCount | None = Field(None, description="With `count=true`: the rows that match.")
