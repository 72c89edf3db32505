"""Bodies of the Magento-compatible routes: ``asyncEvent`` in, ``AsyncEventDisplay`` out.

The input accepts every field of the module's ``AsyncEventInterface`` (snake_case or
camelCase, as Magento's input processor does); unknown fields are refused, as Magento
refuses a property without a setter. Limits match the native API (``/v1``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from asyncevents_svc.db.models import Subscription
from asyncevents_svc.subscriptions.schemas import (
    EventNameField,
    RecipientField,
    StoreField,
    TokenField,
)
from asyncevents_svc.subscriptions.status import SubscriptionStatus


def _printable(value: str) -> str:
    """Refuse control characters (PostgreSQL cannot store NUL; none belong in a URL)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


Recipient = Annotated[RecipientField, AfterValidator(_printable)]
#: The notifier key. Empty means "not given", as in the module (``if ($newMetadata)``).
Metadata = Annotated[
    str,
    Field(max_length=64, description="Notifier key (`GET /v1/notifiers`).", examples=["http"]),
]


class _AsyncEventBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subscription_id: int | None = Field(
        None, description="Ignored: a POST creates a new id, a PUT uses the id in the path."
    )
    subscribed_at: str | None = Field(None, max_length=64, description="Ignored: set by the service.")


class AsyncEventCreate(_AsyncEventBase):
    """``asyncEvent`` of ``POST /V1/async_event``.

    As in the module a new subscription is always active (a ``status`` sent is ignored).
    Without ``verification_token`` one is generated, and, as the module's response carries
    no token, it is not shown: create through ``POST /v1/subscriptions`` to receive it.
    """

    event_name: EventNameField
    recipient_url: Recipient
    verification_token: TokenField | None = None
    metadata: Metadata | None = Field(None, description="Notifier key; default `http`.")
    store_id: StoreField = 0
    status: bool | None = Field(None, description="Ignored: new subscriptions are active.")


class AsyncEventUpdate(_AsyncEventBase):
    """``asyncEvent`` of ``PUT /V1/async_event/{id}``: only ``status`` and ``metadata`` apply.

    As in the module, ``event_name``, ``recipient_url``, ``verification_token`` and
    ``store_id`` are accepted but not changed (use ``PATCH /v1/subscriptions/{id}``). Unlike
    the module, a PUT without ``status`` leaves the status as it is.
    """

    status: bool | None = None
    metadata: Metadata | None = None
    event_name: str | None = Field(None, max_length=255)
    recipient_url: str | None = Field(None, max_length=2048)
    verification_token: str | None = Field(None, max_length=512)
    store_id: int | None = None


def magento_datetime(moment: datetime) -> str:
    """Magento's ``Y-m-d H:i:s`` (UTC), as its MySQL ``datetime`` column reads back."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def atom_datetime(moment: datetime) -> str:
    """PHP's ``DateTimeInterface::ATOM`` (UTC), what the module's create response carries."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


class AsyncEventDisplay(BaseModel):
    """A subscription as the module shows it. Never the token, nor the notifier key."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subscription_id": 1,
                    "event_name": "sales.order.created",
                    "recipient_url": "https://example.com/order_created",
                    "status": True,
                    "subscribed_at": "2024-01-01 10:00:00",
                    "store_id": 0,
                }
            ]
        }
    )

    subscription_id: int
    event_name: str
    recipient_url: str
    status: bool = Field(description="true = active, false = disabled.")
    subscribed_at: str = Field(
        description="UTC `YYYY-MM-DD HH:MM:SS`; the create response uses ATOM "
        "(`YYYY-MM-DDTHH:MM:SS+00:00`), as the module's does."
    )
    store_id: int

    @classmethod
    def of(cls, sub: Subscription, *, created: bool = False) -> AsyncEventDisplay:
        stamp = atom_datetime if created else magento_datetime
        return cls(
            subscription_id=sub.id,
            event_name=sub.event_name,
            recipient_url=sub.recipient_url,
            status=sub.status == SubscriptionStatus.ACTIVE,
            subscribed_at=stamp(sub.subscribed_at),
            store_id=sub.store_id,
        )


class FilterEcho(BaseModel):
    field: str
    value: str | None = None
    condition_type: str | None = None


class FilterGroupEcho(BaseModel):
    filters: list[FilterEcho]


class SortOrderEcho(BaseModel):
    field: str
    direction: str | None = None


class SearchCriteriaEcho(BaseModel):
    """The search as understood; keys that were not sent are left out, as in Magento."""

    filter_groups: list[FilterGroupEcho]
    sort_orders: list[SortOrderEcho] | None = None
    page_size: int | None = None
    current_page: int | None = None


class AsyncEventSearchResults(BaseModel):
    items: list[AsyncEventDisplay]
    search_criteria: SearchCriteriaEcho
    total_count: int = Field(description="Matches across all pages.")


class MagentoError(BaseModel):
    """Magento's error body: substitute ``parameters`` into the ``%`` placeholders."""

    message: str = Field(examples=["Async event with subscription ID %1 does not exist"])
    parameters: list[Any] | dict[str, Any] = Field(examples=[[42]])


def request_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a POST/PUT (the body is parsed by hand, see router)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["asyncEvent"],
                        "properties": {
                            "asyncEvent": model.model_json_schema(),
                            "checkResources": {
                                "type": "boolean",
                                "description": "Accepted for compatibility and ignored: "
                                "resource checks always apply.",
                            },
                        },
                    },
                    "examples": {
                        "subscribe": {
                            "value": {
                                "asyncEvent": {
                                    "event_name": "sales.order.created",
                                    "recipient_url": "https://example.com/order_created",
                                    "verification_token": "fv38u07Wdh$R@mRd",
                                    "metadata": "http",
                                }
                            }
                        }
                        if model is AsyncEventCreate
                        else {"value": {"asyncEvent": {"status": False}}}
                    },
                }
            },
        }
    }
