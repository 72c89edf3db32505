from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.async_event_display import AsyncEventDisplay
    from ..models.search_criteria_echo import SearchCriteriaEcho


T = TypeVar("T", bound="AsyncEventSearchResults")


@_attrs_define
class AsyncEventSearchResults:
    """
    Attributes:
        items (list[AsyncEventDisplay]): The items of this page.
        search_criteria (SearchCriteriaEcho): The search as understood; keys that were not sent are left out, as in
            Magento.
        total_count (int): Matches across all pages.
    """

    items: list[AsyncEventDisplay]
    search_criteria: SearchCriteriaEcho
    total_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        search_criteria = self.search_criteria.to_dict()

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "search_criteria": search_criteria,
                "total_count": total_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.async_event_display import AsyncEventDisplay  # noqa: PLC0415
        from ..models.search_criteria_echo import SearchCriteriaEcho  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = AsyncEventDisplay.from_dict(items_item_data)

            items.append(items_item)

        search_criteria = SearchCriteriaEcho.from_dict(d.pop("search_criteria"))

        total_count = d.pop("total_count")

        async_event_search_results = cls(
            items=items,
            search_criteria=search_criteria,
            total_count=total_count,
        )

        async_event_search_results.additional_properties = d
        return async_event_search_results

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
