"""Request and response bodies of the native subscription API (``/v1/subscriptions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from asyncevents_svc.deliveries.policy import PLAIN_POLICY_FIELDS
from asyncevents_svc.subscriptions.status import SubscriptionStatus
from asyncevents_svc.textchecks import Line, Text, json_without_nul
from asyncevents_svc.types import PageCount

# The API's spelling of SubscriptionStatus (a Literal: OpenAPI lists the values inline):
# every status is shown; "unverified" is the service's to set, never the caller's.
ShownStatus = Literal["active", "disabled", "unverified"]
Status = Literal["active", "disabled"]
if set(get_args(ShownStatus)) != set(SubscriptionStatus):  # pragma: no cover - a developer's slip
    raise TypeError(f"{ShownStatus} does not list the statuses {list(SubscriptionStatus)}")
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
FilterField = Annotated[
    dict[str, Any],
    AfterValidator(json_without_nul),
    Field(
        description="Only events whose resolved payload matches get a delivery: `path` plus one of "
        "`eq`, `ne`, `in`, `exists`, `gt`, `gte`, `lt`, `lte`, combined with `and`/`or` "
        '(docs/api.md, "Payload filters"). On PATCH, `null` removes the filter.',
        examples=[{"and": [{"path": "status", "eq": "paid"}, {"path": "total", "gte": 100}]}],
    ),
]
HeadersField = Annotated[
    dict[
        Annotated[str, Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", max_length=64)],
        Annotated[Line, Field(max_length=4096)],
    ],
    Field(
        max_length=20,
        description="Extra request headers (e.g. a receiver's own auth). Write-only: stored "
        "encrypted; only `header_names` is shown. Our own headers cannot be replaced.",
        examples=[{"Authorization": "Bearer receiver-secret"}],
    ),
]
TimeoutField = Annotated[
    float, Field(gt=0, le=120, description="Seconds for the whole request (default: `HTTP__TIMEOUT`).")
]
RetryScheduleField = Annotated[
    list[Annotated[float, Field(gt=0, le=604_800)]],
    Field(
        min_length=1,
        max_length=50,
        description="Seconds to wait before each retry (default: the service's retry policy).",
        examples=[[5, 60, 600, 3600]],
    ),
]
MaxRetriesField = Annotated[
    int,
    Field(ge=0, le=50, description="Retries after the first attempt (default: the schedule's length)."),
]
MaxInFlightField = Annotated[
    int,
    Field(
        ge=1,
        le=1000,
        description="Sends at once to this subscription, per worker process "
        "(default: `WORKER__MAX_IN_FLIGHT_PER_SUBSCRIPTION`).",
    ),
]
#: The slowest rate limit: one request every 100 s. The rate limiter's window is 1/rate, and
#: a delivery may wait a window for its permit; 1e-300 parked deliveries for ever.
MIN_RATE_LIMIT = 0.01
RateLimitField = Annotated[
    float,
    Field(
        ge=MIN_RATE_LIMIT,
        le=10_000,
        description="Requests per second to this subscription, all workers together (0.5 = one "
        "every two seconds; at least 0.01, one every 100 s). Deliveries wait their turn; none is "
        "dropped.",
    ),
]
ApplicationField = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="The uid of the application the subscription belongs to. A key bound to an "
        "application creates in it without naming it (naming another is a 422); an operator key "
        "creates in `default` unless it names one.",
        examples=["erp"],
    ),
]
#: What an update may set back to the default with ``null``.
POLICY_FIELDS = ("filter", "headers", *PLAIN_POLICY_FIELDS)
PayloadFormat = Literal["data", "cloudevents"]
PayloadFormatField = Annotated[
    PayloadFormat,
    Field(
        description='`data`: the module\'s `{"data": payload}`; `cloudevents`: a CloudEvents 1.0 '
        "structured-mode JSON event (`application/cloudevents+json`).",
    ),
]

SignatureScheme = Literal["v1", "v1a", "both"]
SignatureField = Annotated[
    SignatureScheme,
    Field(
        description="What `webhook-signature` carries (Standard Webhooks): `v1`, HMAC-SHA256 with the "
        "verification token; `v1a`, Ed25519 with the service's signing key, verified with its public "
        "key from `GET /v1/signing-keys`; `both`, the two space-separated (`v1,… v1a,…`). "
        "`x-magento-signature` (HMAC) is sent in every case.",
        examples=["v1a"],
    ),
]

Ordering = Literal["none", "fifo"]
OrderingField = Annotated[
    Ordering,
    Field(
        description="`fifo`: deliveries one at a time, in the order the events were accepted, per "
        '`ordering_key` (README, "Ordering"); a failing delivery holds the ones behind it until it '
        "is delivered, dead or cancelled. `none`: concurrent, in no set order.",
        examples=["fifo"],
    ),
]
OrderingKeyField = Annotated[
    Line,
    Field(
        min_length=1,
        max_length=255,
        description="With `fifo` only: a payload path (a filter's syntax, e.g. `entity_id` or "
        "`order.customer_id`) whose value makes the key: order per key, keys in parallel. Without "
        "it, or for a payload without the path, one key for the whole subscription. On PATCH, "
        "`null` removes it.",
        examples=["entity_id"],
    ),
]


class DeliveryPolicy(BaseModel):
    """How deliveries to one subscription are made; each field left out (or ``null``) means
    the service's setting."""

    model_config = ConfigDict(extra="forbid")

    headers: HeadersField | None = None
    timeout: TimeoutField | None = None
    retry_schedule: RetryScheduleField | None = None
    max_retries: MaxRetriesField | None = None
    max_in_flight: MaxInFlightField | None = None
    rate_limit: RateLimitField | None = None


class SubscriptionCreate(DeliveryPolicy):
    """A new subscription. Omit ``verification_token`` to have one generated (returned once)."""

    model_config = ConfigDict(extra="forbid")

    event_name: EventNameField
    recipient_url: RecipientField
    verification_token: TokenField | None = None
    metadata: NotifierField = "http"
    status: Status = "active"
    store_id: StoreField = 0
    description: DescriptionField | None = None
    filter: FilterField | None = None
    payload_format: PayloadFormatField = "data"
    signature: SignatureField = "v1"
    ordering: OrderingField = "none"
    ordering_key: OrderingKeyField | None = None
    application: ApplicationField | None = None


class SubscriptionUpdate(DeliveryPolicy):
    """A partial update; ``verification_token`` rotates the token. ``null`` for `filter`,
    `ordering_key` or a
    delivery-policy field (`headers`, `timeout`, `retry_schedule`, `max_retries`,
    `max_in_flight`, `rate_limit`) removes it (back to the service's default)."""

    model_config = ConfigDict(extra="forbid")

    event_name: EventNameField | None = None
    recipient_url: RecipientField | None = None
    verification_token: TokenField | None = None
    metadata: NotifierField | None = None
    status: Status | None = None
    store_id: StoreField | None = None
    description: DescriptionField | None = None
    filter: FilterField | None = None
    payload_format: PayloadFormatField | None = None
    signature: SignatureField | None = None
    ordering: OrderingField | None = None
    ordering_key: OrderingKeyField | None = None


class VerificationOut(BaseModel):
    """Where the endpoint's verification stands (``security.verify_endpoints``); the challenge
    itself is never shown."""

    state: Literal["pending", "expired", "verified", "stopped"] = Field(
        description="`pending`: challenges are being sent; `expired`: none was echoed in time, "
        "send it again (`POST /v1/subscriptions/{id}/verification`); `verified`: the current "
        "recipient echoed one; `stopped`: disabled before it was verified (enabling it starts again)."
    )
    started_at: datetime | None = Field(description="When the current round of challenges began.")
    attempts: int = Field(description="Challenges sent in the current round.")
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When the next challenge goes, at the latest.")
    last_error: str | None = Field(description="Why the last challenge did not verify it.")
    verified_at: datetime | None = Field(description="When the current recipient echoed a challenge.")


class SubscriptionOut(BaseModel):
    """A subscription as the API shows it (never the token)."""

    subscription_id: int
    application: str = Field(description="The uid of the application it belongs to.")
    event_name: str
    recipient_url: str
    metadata: str
    status: ShownStatus = Field(
        description="`unverified`: waiting for its endpoint to echo a challenge "
        "(`verification`); it gets no deliveries meanwhile."
    )
    store_id: int
    description: str | None
    filter: dict[str, Any] | None
    payload_format: PayloadFormat
    signature: SignatureScheme
    ordering: Ordering
    ordering_key: str | None
    header_names: list[str] = Field(description="Names of the custom headers; their values are never shown.")
    timeout: float | None
    retry_schedule: list[float] | None
    max_retries: int | None
    max_in_flight: int | None
    rate_limit: float | None
    disabled_reason: str | None = Field(
        description="Why the service disabled it (410 Gone, or failing for too long); null otherwise."
    )
    disabled_at: datetime | None
    verification: VerificationOut | None = Field(
        None, description="Its endpoint's verification; null when none was ever asked of it."
    )
    subscribed_at: datetime
    modified: datetime


class SubscriptionUpdated(SubscriptionOut):
    """The PATCH response: the subscription, and the custom headers the change removed."""

    dropped_headers: list[str] = Field(
        default_factory=list,
        description="Names of the custom headers this update removed. Custom headers usually "
        "carry the receiver's own credentials, so they do not follow the subscription to a new "
        "`recipient_url` or `metadata` (notifier): a change of either drops them, unless the same "
        "request sets `headers` (or `null`). Empty when nothing was dropped.",
    )


class SubscriptionCreated(SubscriptionOut):
    """The create response: carries the token only when the service generated it."""

    verification_token: str | None = Field(
        None, description="The generated token, shown this once. Absent when you supplied one."
    )


class SubscriptionPage(BaseModel):
    items: list[SubscriptionOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")
    count: PageCount | None = Field(None, description="With `count=true`: the rows that match.")


class BulkStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(min_length=1, max_length=1000)
    status: Status


class BulkStatusResult(BaseModel):
    updated: list[int]
    not_found: list[int]
