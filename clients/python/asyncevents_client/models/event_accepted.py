from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EventAccepted")


@_attrs_define
class EventAccepted:
    """The event is committed: it will be delivered even if a process dies now.

    Attributes:
        duplicate (bool): True when this id/key was seen before (nothing new stored).
        event_name (str): The event's name, as declared in `events.xml`.
        id (UUID): The event's id: follow it with `GET /v1/events/{id}`.
        received_at (datetime.datetime): When the service stored the event.
        status (str): The event's status: `accepted` until fanned out to its subscriptions.
    """

    duplicate: bool
    event_name: str
    id: UUID
    received_at: datetime.datetime
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duplicate = self.duplicate

        event_name = self.event_name

        id = str(self.id)

        received_at = self.received_at.isoformat()

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "duplicate": duplicate,
                "event_name": event_name,
                "id": id,
                "received_at": received_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duplicate = d.pop("duplicate")

        event_name = d.pop("event_name")

        id = UUID(d.pop("id"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        status = d.pop("status")

        event_accepted = cls(
            duplicate=duplicate,
            event_name=event_name,
            id=id,
            received_at=received_at,
            status=status,
        )

        event_accepted.additional_properties = d
        return event_accepted

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
