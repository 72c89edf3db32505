from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.delivery_out import DeliveryOut
    from ..models.skipped_subscription import SkippedSubscription


T = TypeVar("T", bound="EventOut")


@_attrs_define
class EventOut:
    """An event with its resolved payload and every delivery and attempt.

    Attributes:
        arguments (Any): The named arguments the event was published with.
        deliveries (list[DeliveryOut]): One delivery per matching subscription.
        dispatched_at (datetime.datetime | None): When the event was fanned out to its subscriptions.
        error (None | str): Why the payload could not be resolved (status `failed`).
        event_name (str): The event's name, as declared in `events.xml`.
        id (UUID): The event's id.
        payload (Any): The resolved payload each delivery sends as `data`.
        received_at (datetime.datetime): When the service stored the event.
        source (str): Where the event came from: `api`, `amqp` (Magento's queue) or `test` (a test send).
        status (str): `accepted`, then `dispatched` once each matching subscription has its delivery, or `failed` when
            the payload could not be resolved (see `error`).
        store_id (int): The Magento store the event belongs to (0: all stores).
        deliver_at (datetime.datetime | None | Unset): Its scheduled send, if it had one.
        expires_at (datetime.datetime | None | Unset): Its deliveries' deadline (from `expires_at`, `ttl` or its type's
            `ttl`).
        skipped (list[SkippedSubscription] | Unset): Subscriptions whose payload filter this event did not match.
    """

    arguments: Any
    deliveries: list[DeliveryOut]
    dispatched_at: datetime.datetime | None
    error: None | str
    event_name: str
    id: UUID
    payload: Any
    received_at: datetime.datetime
    source: str
    status: str
    store_id: int
    deliver_at: datetime.datetime | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    skipped: list[SkippedSubscription] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        arguments = self.arguments

        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)

        dispatched_at: None | str
        if isinstance(self.dispatched_at, datetime.datetime):
            dispatched_at = self.dispatched_at.isoformat()
        else:
            dispatched_at = self.dispatched_at

        error: None | str
        error = self.error

        event_name = self.event_name

        id = str(self.id)

        payload = self.payload

        received_at = self.received_at.isoformat()

        source = self.source

        status = self.status

        store_id = self.store_id

        deliver_at: None | str | Unset
        if isinstance(self.deliver_at, Unset):
            deliver_at = UNSET
        elif isinstance(self.deliver_at, datetime.datetime):
            deliver_at = self.deliver_at.isoformat()
        else:
            deliver_at = self.deliver_at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        skipped: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.skipped, Unset):
            skipped = []
            for skipped_item_data in self.skipped:
                skipped_item = skipped_item_data.to_dict()
                skipped.append(skipped_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "arguments": arguments,
                "deliveries": deliveries,
                "dispatched_at": dispatched_at,
                "error": error,
                "event_name": event_name,
                "id": id,
                "payload": payload,
                "received_at": received_at,
                "source": source,
                "status": status,
                "store_id": store_id,
            }
        )
        if deliver_at is not UNSET:
            field_dict["deliver_at"] = deliver_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if skipped is not UNSET:
            field_dict["skipped"] = skipped

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_out import DeliveryOut  # noqa: PLC0415
        from ..models.skipped_subscription import SkippedSubscription  # noqa: PLC0415

        d = dict(src_dict)
        arguments = d.pop("arguments")

        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in _deliveries:
            deliveries_item = DeliveryOut.from_dict(deliveries_item_data)

            deliveries.append(deliveries_item)

        def _parse_dispatched_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dispatched_at_type_0 = datetime.datetime.fromisoformat(data)

                return dispatched_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        dispatched_at = _parse_dispatched_at(d.pop("dispatched_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        event_name = d.pop("event_name")

        id = UUID(d.pop("id"))

        payload = d.pop("payload")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        source = d.pop("source")

        status = d.pop("status")

        store_id = d.pop("store_id")

        def _parse_deliver_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deliver_at_type_0 = datetime.datetime.fromisoformat(data)

                return deliver_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deliver_at = _parse_deliver_at(d.pop("deliver_at", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        _skipped = d.pop("skipped", UNSET)
        skipped: list[SkippedSubscription] | Unset = UNSET
        if _skipped is not UNSET:
            skipped = []
            for skipped_item_data in _skipped:
                skipped_item = SkippedSubscription.from_dict(skipped_item_data)

                skipped.append(skipped_item)

        event_out = cls(
            arguments=arguments,
            deliveries=deliveries,
            dispatched_at=dispatched_at,
            error=error,
            event_name=event_name,
            id=id,
            payload=payload,
            received_at=received_at,
            source=source,
            status=status,
            store_id=store_id,
            deliver_at=deliver_at,
            expires_at=expires_at,
            skipped=skipped,
        )

        event_out.additional_properties = d
        return event_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
