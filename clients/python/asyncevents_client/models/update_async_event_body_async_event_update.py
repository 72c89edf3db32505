from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateAsyncEventBodyAsyncEventUpdate")


@_attrs_define
class UpdateAsyncEventBodyAsyncEventUpdate:
    """``asyncEvent`` of ``PUT /V1/async_event/{id}``: only ``status`` and ``metadata`` apply.

    As in the module, ``event_name``, ``recipient_url``, ``verification_token`` and
    ``store_id`` are accepted but not changed (use ``PATCH /v1/subscriptions/{id}``). Unlike
    the module, a PUT without ``status`` leaves the status as it is.

        Attributes:
            event_name (None | str | Unset):
            metadata (None | str | Unset):
            recipient_url (None | str | Unset):
            status (bool | None | Unset):
            store_id (int | None | Unset):
            subscribed_at (None | str | Unset): Ignored: set by the service.
            subscription_id (int | None | Unset): Ignored: a POST creates a new id, a PUT uses the id in the path.
            verification_token (None | str | Unset):
    """

    event_name: None | str | Unset = UNSET
    metadata: None | str | Unset = UNSET
    recipient_url: None | str | Unset = UNSET
    status: bool | None | Unset = UNSET
    store_id: int | None | Unset = UNSET
    subscribed_at: None | str | Unset = UNSET
    subscription_id: int | None | Unset = UNSET
    verification_token: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event_name: None | str | Unset
        if isinstance(self.event_name, Unset):
            event_name = UNSET
        else:
            event_name = self.event_name

        metadata: None | str | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        else:
            metadata = self.metadata

        recipient_url: None | str | Unset
        if isinstance(self.recipient_url, Unset):
            recipient_url = UNSET
        else:
            recipient_url = self.recipient_url

        status: bool | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        store_id: int | None | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
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

        field_dict.update({})
        if event_name is not UNSET:
            field_dict["event_name"] = event_name
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if recipient_url is not UNSET:
            field_dict["recipient_url"] = recipient_url
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

        def _parse_event_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_name = _parse_event_name(d.pop("event_name", UNSET))

        def _parse_metadata(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_recipient_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recipient_url = _parse_recipient_url(d.pop("recipient_url", UNSET))

        def _parse_status(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_store_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))

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

        update_async_event_body_async_event_update = cls(
            event_name=event_name,
            metadata=metadata,
            recipient_url=recipient_url,
            status=status,
            store_id=store_id,
            subscribed_at=subscribed_at,
            subscription_id=subscription_id,
            verification_token=verification_token,
        )

        return update_async_event_body_async_event_update
