from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MinuteOut")


@_attrs_define
class MinuteOut:
    """
    Attributes:
        at (datetime.datetime): The minute's start (UTC).
        dead (int): Failed attempts that were their delivery's last.
        delivered (int): Successful attempts in the minute.
        failed (int): Failed attempts to be retried.
        expired (int | Unset): Deliveries that expired in the minute. Default: 0.
    """

    at: datetime.datetime
    dead: int
    delivered: int
    failed: int
    expired: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        dead = self.dead

        delivered = self.delivered

        failed = self.failed

        expired = self.expired

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
        if expired is not UNSET:
            field_dict["expired"] = expired

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        dead = d.pop("dead")

        delivered = d.pop("delivered")

        failed = d.pop("failed")

        expired = d.pop("expired", UNSET)

        minute_out = cls(
            at=at,
            dead=dead,
            delivered=delivered,
            failed=failed,
            expired=expired,
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
