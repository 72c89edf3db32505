from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_item_result_status import BatchItemResultStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_item_result_error_type_0 import BatchItemResultErrorType0


T = TypeVar("T", bound="BatchItemResult")


@_attrs_define
class BatchItemResult:
    """The outcome of one batch item, in request order.

    Attributes:
        index (int): The item's position in the request, from 0.
        status (BatchItemResultStatus): The item's own status: 202 accepted, or the status of its problem.
        duplicate (bool | Unset): True when this id/key was seen before (nothing new stored). Default: False.
        error (BatchItemResultErrorType0 | None | Unset): problem+json of a refused item.
        id (None | Unset | UUID): The accepted event's id.
    """

    index: int
    status: BatchItemResultStatus
    duplicate: bool | Unset = False
    error: BatchItemResultErrorType0 | None | Unset = UNSET
    id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_item_result_error_type_0 import BatchItemResultErrorType0  # noqa: PLC0415

        index = self.index

        status = self.status.value

        duplicate = self.duplicate

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, BatchItemResultErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "status": status,
            }
        )
        if duplicate is not UNSET:
            field_dict["duplicate"] = duplicate
        if error is not UNSET:
            field_dict["error"] = error
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_item_result_error_type_0 import BatchItemResultErrorType0  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        status = BatchItemResultStatus(d.pop("status"))

        duplicate = d.pop("duplicate", UNSET)

        def _parse_error(data: object) -> BatchItemResultErrorType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = BatchItemResultErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchItemResultErrorType0 | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                id_type_0 = UUID(data)

                return id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        id = _parse_id(d.pop("id", UNSET))

        batch_item_result = cls(
            index=index,
            status=status,
            duplicate=duplicate,
            error=error,
            id=id,
        )

        batch_item_result.additional_properties = d
        return batch_item_result

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
