from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_list_item_status import DeliveryListItemStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="DeliveryListItem")


@_attrs_define
class DeliveryListItem:
    """
    Attributes:
        attempt_count (int): Attempts made so far.
        created_at (datetime.datetime): When it was created.
        event_id (UUID): The event delivered.
        event_name (str): The event's name, as declared in `events.xml`.
        first_attempt_at (datetime.datetime | None): When the first attempt was made.
        id (UUID): The delivery's id, sent as `webhook-id`.
        last_attempt_at (datetime.datetime | None): When the last attempt was made.
        last_status_code (int | None): The HTTP status of the last attempt's answer.
        next_attempt_at (datetime.datetime | None): When the next attempt is due (none once delivered or dead).
        notifier (str): The notifier that sends it.
        status (DeliveryListItemStatus): `pending`, `delivered`, `retrying` or `dead`.
        subscription_id (int): The subscription's id.
        summary (str): A one-line summary of the last attempt.
        expires_at (datetime.datetime | None | Unset): The deadline: not delivered by then, it ends `expired` (null:
            none).
        scheduled_for (datetime.datetime | None | Unset): A scheduled send (the event's `deliver_at`) not started yet:
            when it starts.
    """

    attempt_count: int
    created_at: datetime.datetime
    event_id: UUID
    event_name: str
    first_attempt_at: datetime.datetime | None
    id: UUID
    last_attempt_at: datetime.datetime | None
    last_status_code: int | None
    next_attempt_at: datetime.datetime | None
    notifier: str
    status: DeliveryListItemStatus
    subscription_id: int
    summary: str
    expires_at: datetime.datetime | None | Unset = UNSET
    scheduled_for: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempt_count = self.attempt_count

        created_at = self.created_at.isoformat()

        event_id = str(self.event_id)

        event_name = self.event_name

        first_attempt_at: None | str
        if isinstance(self.first_attempt_at, datetime.datetime):
            first_attempt_at = self.first_attempt_at.isoformat()
        else:
            first_attempt_at = self.first_attempt_at

        id = str(self.id)

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        last_status_code: int | None
        last_status_code = self.last_status_code

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        notifier = self.notifier

        status = self.status.value

        subscription_id = self.subscription_id

        summary = self.summary

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        scheduled_for: None | str | Unset
        if isinstance(self.scheduled_for, Unset):
            scheduled_for = UNSET
        elif isinstance(self.scheduled_for, datetime.datetime):
            scheduled_for = self.scheduled_for.isoformat()
        else:
            scheduled_for = self.scheduled_for

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempt_count": attempt_count,
                "created_at": created_at,
                "event_id": event_id,
                "event_name": event_name,
                "first_attempt_at": first_attempt_at,
                "id": id,
                "last_attempt_at": last_attempt_at,
                "last_status_code": last_status_code,
                "next_attempt_at": next_attempt_at,
                "notifier": notifier,
                "status": status,
                "subscription_id": subscription_id,
                "summary": summary,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if scheduled_for is not UNSET:
            field_dict["scheduled_for"] = scheduled_for

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt_count = d.pop("attempt_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        event_id = UUID(d.pop("event_id"))

        event_name = d.pop("event_name")

        def _parse_first_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_attempt_at = _parse_first_attempt_at(d.pop("first_attempt_at"))

        id = UUID(d.pop("id"))

        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("last_attempt_at"))

        def _parse_last_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        notifier = d.pop("notifier")

        status = DeliveryListItemStatus(d.pop("status"))

        subscription_id = d.pop("subscription_id")

        summary = d.pop("summary")

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

        def _parse_scheduled_for(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scheduled_for_type_0 = datetime.datetime.fromisoformat(data)

                return scheduled_for_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        scheduled_for = _parse_scheduled_for(d.pop("scheduled_for", UNSET))

        delivery_list_item = cls(
            attempt_count=attempt_count,
            created_at=created_at,
            event_id=event_id,
            event_name=event_name,
            first_attempt_at=first_attempt_at,
            id=id,
            last_attempt_at=last_attempt_at,
            last_status_code=last_status_code,
            next_attempt_at=next_attempt_at,
            notifier=notifier,
            status=status,
            subscription_id=subscription_id,
            summary=summary,
            expires_at=expires_at,
            scheduled_for=scheduled_for,
        )

        delivery_list_item.additional_properties = d
        return delivery_list_item

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
