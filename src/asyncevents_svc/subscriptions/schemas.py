"""Request and response bodies of the native subscription API (``/v1/subscriptions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from asyncevents_svc.textchecks import Line, Text

Status = Literal["active", "disabled"]
EventNameField = Annotated[
    str,
    Field(
        min_length=1,
        max_length=255,
        pattern=r"^[a-zA-Z0-9._*-]+$",
        description="An event name from the catalogue, or a pattern (`sales.order.*`, `*.created`, `*`).",
        examples=["sales.order.created"],
    ),
]
RecipientField = Annotated[
    Line,
    Field(min_length=1, max_length=2048, examples=["https://example.com/order_created"]),
]
TokenField = Annotated[
    SecretStr,
    Field(
        min_length=8,
        max_length=512,
        description="HMAC key for the signatures. Write-only: never returned.",
        examples=["fv38u07Wdh$R@mRd"],
    ),
]
NotifierField = Annotated[
    Line,
    Field(
        min_length=1,
        max_length=64,
        description="Notifier key (`GET /v1/notifiers`).",
        examples=["http"],
    ),
]
StoreField = Annotated[
    int,
    Field(ge=0, le=2_147_483_647, description="0 = all stores; otherwise only that store's events."),
]
DescriptionField = Annotated[Text, Field(max_length=1000)]


class SubscriptionCreate(BaseModel):
    """A new subscription. Omit ``verification_token`` to have one generated (returned once)."""

    model_config = ConfigDict(extra="forbid")

    event_name: EventNameField
    recipient_url: RecipientField
    verification_token: TokenField | None = None
    metadata: NotifierField = "http"
    status: Status = "active"
    store_id: StoreField = 0
    description: DescriptionField | None = None


class SubscriptionUpdate(BaseModel):
    """A partial update; ``verification_token`` rotates the token."""

    model_config = ConfigDict(extra="forbid")

    event_name: EventNameField | None = None
    recipient_url: RecipientField | None = None
    verification_token: TokenField | None = None
    metadata: NotifierField | None = None
    status: Status | None = None
    store_id: StoreField | None = None
    description: DescriptionField | None = None


class SubscriptionOut(BaseModel):
    """A subscription as the API shows it (never the token)."""

    subscription_id: int
    event_name: str
    recipient_url: str
    metadata: str
    status: Status
    store_id: int
    description: str | None
    subscribed_at: datetime
    modified: datetime


class SubscriptionCreated(SubscriptionOut):
    """The create response: carries the token only when the service generated it."""

    verification_token: str | None = Field(
        None, description="The generated token, shown this once. Absent when you supplied one."
    )


class SubscriptionPage(BaseModel):
    items: list[SubscriptionOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class BulkStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(min_length=1, max_length=1000)
    status: Status


class BulkStatusResult(BaseModel):
    updated: list[int]
    not_found: list[int]
