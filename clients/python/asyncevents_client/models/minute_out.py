from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MinuteOut")


@_attrs_define
class MinuteOut:
    """
    Attributes:
        at (datetime.datetime): The minute's start (UTC).
        dead (int): Failed attempts that were their delivery's last.
        delivered (int): Successful attempts in the minute.
        failed (int): Failed attempts to be retried.
    """

    at: datetime.datetime
    dead: int
    delivered: int
    failed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        dead = self.dead

        delivered = self.delivered

        failed = self.failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "dead": dead,
                "delivered": delivered,
                "failed": failed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        dead = d.pop("dead")

        delivered = d.pop("delivered")

        failed = d.pop("failed")

        minute_out = cls(
            at=at,
            dead=dead,
            delivered=delivered,
            failed=failed,
        )

        minute_out.additional_properties = d
        return minute_out

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
