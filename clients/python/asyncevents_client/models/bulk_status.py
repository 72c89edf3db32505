from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.bulk_status_status import BulkStatusStatus

T = TypeVar("T", bound="BulkStatus")


@_attrs_define
class BulkStatus:
    """
    Attributes:
        ids (list[int]): The subscriptions to change.
        status (BulkStatusStatus): The status to set.
    """

    ids: list[int]
    status: BulkStatusStatus

    def to_dict(self) -> dict[str, Any]:
        ids = self.ids

        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ids": ids,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ids = cast(list[int], d.pop("ids"))

        status = BulkStatusStatus(d.pop("status"))

        bulk_status = cls(
            ids=ids,
            status=status,
        )

        return bulk_status
