from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.page_count import PageCount
    from ..models.subscription_out import SubscriptionOut


T = TypeVar("T", bound="SubscriptionPage")


@_attrs_define
class SubscriptionPage:
    """
    Attributes:
        items (list[SubscriptionOut]): The items of this page.
        count (None | PageCount | Unset): With `count=true`: the rows that match.
        next_cursor (None | str | Unset): Pass as `cursor` for the next page.
    """

    items: list[SubscriptionOut]
    count: None | PageCount | Unset = UNSET
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.page_count import PageCount  # noqa: PLC0415

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        count: dict[str, Any] | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        elif isinstance(self.count, PageCount):
            count = self.count.to_dict()
        else:
            count = self.count

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
            }
        )
        if count is not UNSET:
            field_dict["count"] = count
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.page_count import PageCount  # noqa: PLC0415
        from ..models.subscription_out import SubscriptionOut  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = SubscriptionOut.from_dict(items_item_data)

            items.append(items_item)

        def _parse_count(data: object) -> None | PageCount | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                count_type_0 = PageCount.from_dict(data)

                return count_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PageCount | Unset, data)

        count = _parse_count(d.pop("count", UNSET))

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))

        subscription_page = cls(
            items=items,
            count=count,
            next_cursor=next_cursor,
        )

        subscription_page.additional_properties = d
        return subscription_page

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
