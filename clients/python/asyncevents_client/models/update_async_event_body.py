from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.update_async_event_body_async_event_update import UpdateAsyncEventBodyAsyncEventUpdate


T = TypeVar("T", bound="UpdateAsyncEventBody")


@_attrs_define
class UpdateAsyncEventBody:
    """
    Attributes:
        async_event (UpdateAsyncEventBodyAsyncEventUpdate): ``asyncEvent`` of ``PUT /V1/async_event/{id}``: only
            ``status`` and ``metadata`` apply.

            As in the module, ``event_name``, ``recipient_url``, ``verification_token`` and
            ``store_id`` are accepted but not changed (use ``PATCH /v1/subscriptions/{id}``). Unlike
            the module, a PUT without ``status`` leaves the status as it is.
        check_resources (bool | Unset): Accepted for compatibility and ignored: resource checks always apply.
    """

    async_event: UpdateAsyncEventBodyAsyncEventUpdate
    check_resources: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        async_event = self.async_event.to_dict()

        check_resources = self.check_resources

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "asyncEvent": async_event,
            }
        )
        if check_resources is not UNSET:
            field_dict["checkResources"] = check_resources

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.update_async_event_body_async_event_update import UpdateAsyncEventBodyAsyncEventUpdate  # noqa: PLC0415

        d = dict(src_dict)
        async_event = UpdateAsyncEventBodyAsyncEventUpdate.from_dict(d.pop("asyncEvent"))

        check_resources = d.pop("checkResources", UNSET)

        update_async_event_body = cls(
            async_event=async_event,
            check_resources=check_resources,
        )

        update_async_event_body.additional_properties = d
        return update_async_event_body

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
