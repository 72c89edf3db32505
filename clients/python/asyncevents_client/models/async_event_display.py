from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AsyncEventDisplay")


@_attrs_define
class AsyncEventDisplay:
    """A subscription as the module shows it. Never the token, nor the notifier key.

    Attributes:
        event_name (str): The event's name, as declared in `events.xml`.
        recipient_url (str): Where deliveries are sent (for the `http` notifier, an HTTPS URL).
        status (bool): true = active, false = disabled.
        store_id (int): The Magento store the event belongs to (0: all stores).
        subscribed_at (str): UTC `YYYY-MM-DD HH:MM:SS`; the create response uses ATOM (`YYYY-MM-DDTHH:MM:SS+00:00`), as
            the module's does.
        subscription_id (int): The subscription's id.
    """

    event_name: str
    recipient_url: str
    status: bool
    store_id: int
    subscribed_at: str
    subscription_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_name = self.event_name

        recipient_url = self.recipient_url

        status = self.status

        store_id = self.store_id

        subscribed_at = self.subscribed_at

        subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_name": event_name,
                "recipient_url": recipient_url,
                "status": status,
                "store_id": store_id,
                "subscribed_at": subscribed_at,
                "subscription_id": subscription_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_name = d.pop("event_name")

        recipient_url = d.pop("recipient_url")

        status = d.pop("status")

        store_id = d.pop("store_id")

        subscribed_at = d.pop("subscribed_at")

        subscription_id = d.pop("subscription_id")

        async_event_display = cls(
            event_name=event_name,
            recipient_url=recipient_url,
            status=status,
            store_id=store_id,
            subscribed_at=subscribed_at,
            subscription_id=subscription_id,
        )

        async_event_display.additional_properties = d
        return async_event_display

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
