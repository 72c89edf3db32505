from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateAsyncEventBodyAsyncEventCreate")


@_attrs_define
class CreateAsyncEventBodyAsyncEventCreate:
    """``asyncEvent`` of ``POST /V1/async_event``.

    As in the module a new subscription is always active (a ``status`` sent is ignored).
    Without ``verification_token`` one is generated, and, as the module's response carries
    no token, it is not shown: create through ``POST /v1/subscriptions`` to receive it.

        Attributes:
            event_name (str): An event name from the catalogue, or a pattern (`sales.order.*`, `*.created`, `*`).
            recipient_url (str):
            metadata (None | str | Unset): Notifier key; default `http`.
            status (bool | None | Unset): Ignored: new subscriptions are active.
            store_id (int | Unset): 0 = all stores; otherwise only that store's events. Default: 0.
            subscribed_at (None | str | Unset): Ignored: set by the service.
            subscription_id (int | None | Unset): Ignored: a POST creates a new id, a PUT uses the id in the path.
            verification_token (None | str | Unset):
    """

    event_name: str
    recipient_url: str
    metadata: None | str | Unset = UNSET
    status: bool | None | Unset = UNSET
    store_id: int | Unset = 0
    subscribed_at: None | str | Unset = UNSET
    subscription_id: int | None | Unset = UNSET
    verification_token: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event_name = self.event_name

        recipient_url = self.recipient_url

        metadata: None | str | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        else:
            metadata = self.metadata

        status: bool | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        store_id = self.store_id

        subscribed_at: None | str | Unset
        if isinstance(self.subscribed_at, Unset):
            subscribed_at = UNSET
        else:
            subscribed_at = self.subscribed_at

        subscription_id: int | None | Unset
        if isinstance(self.subscription_id, Unset):
            subscription_id = UNSET
        else:
            subscription_id = self.subscription_id

        verification_token: None | str | Unset
        if isinstance(self.verification_token, Unset):
            verification_token = UNSET
        else:
            verification_token = self.verification_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_name": event_name,
                "recipient_url": recipient_url,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if status is not UNSET:
            field_dict["status"] = status
        if store_id is not UNSET:
            field_dict["store_id"] = store_id
        if subscribed_at is not UNSET:
            field_dict["subscribed_at"] = subscribed_at
        if subscription_id is not UNSET:
            field_dict["subscription_id"] = subscription_id
        if verification_token is not UNSET:
            field_dict["verification_token"] = verification_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_name = d.pop("event_name")

        recipient_url = d.pop("recipient_url")

        def _parse_metadata(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_status(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        store_id = d.pop("store_id", UNSET)

        def _parse_subscribed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subscribed_at = _parse_subscribed_at(d.pop("subscribed_at", UNSET))

        def _parse_subscription_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id", UNSET))

        def _parse_verification_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verification_token = _parse_verification_token(d.pop("verification_token", UNSET))

        create_async_event_body_async_event_create = cls(
            event_name=event_name,
            recipient_url=recipient_url,
            metadata=metadata,
            status=status,
            store_id=store_id,
            subscribed_at=subscribed_at,
            subscription_id=subscription_id,
            verification_token=verification_token,
        )

        return create_async_event_body_async_event_create
