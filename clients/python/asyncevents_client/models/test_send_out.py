from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TestSendOut")


@_attrs_define
class TestSendOut:
    """
    Attributes:
        delivery_id (UUID): Its one delivery: follow it at `/v1/deliveries/{id}`.
        event_id (UUID): The test event (`source` is `test` in its trace).
        event_name (str): The event's name, as declared in `events.xml`.
        payload (Any): The catalogue's example payload that is sent.
    """

    delivery_id: UUID
    event_id: UUID
    event_name: str
    payload: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivery_id = str(self.delivery_id)

        event_id = str(self.event_id)

        event_name = self.event_name

        payload = self.payload

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delivery_id": delivery_id,
                "event_id": event_id,
                "event_name": event_name,
                "payload": payload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delivery_id = UUID(d.pop("delivery_id"))

        event_id = UUID(d.pop("event_id"))

        event_name = d.pop("event_name")

        payload = d.pop("payload")

        test_send_out = cls(
            delivery_id=delivery_id,
            event_id=event_id,
            event_name=event_name,
            payload=payload,
        )

        test_send_out.additional_properties = d
        return test_send_out

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
