from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BulkStatusResult")


@_attrs_define
class BulkStatusResult:
    """
    Attributes:
        not_found (list[int]): The ids that match no subscription.
        updated (list[int]): The subscriptions changed.
    """

    not_found: list[int]
    updated: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        not_found = self.not_found

        updated = self.updated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "not_found": not_found,
                "updated": updated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        not_found = cast(list[int], d.pop("not_found"))

        updated = cast(list[int], d.pop("updated"))

        bulk_status_result = cls(
            not_found=not_found,
            updated=updated,
        )

        bulk_status_result.additional_properties = d
        return bulk_status_result

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
