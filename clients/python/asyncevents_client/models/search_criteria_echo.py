from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.filter_group_echo import FilterGroupEcho
    from ..models.sort_order_echo import SortOrderEcho


T = TypeVar("T", bound="SearchCriteriaEcho")


@_attrs_define
class SearchCriteriaEcho:
    """The search as understood; keys that were not sent are left out, as in Magento.

    Attributes:
        filter_groups (list[FilterGroupEcho]): Groups of filters: AND-ed, the filters of a group OR-ed.
        current_page (int | None | Unset): The page, from 1.
        page_size (int | None | Unset): Items per page.
        sort_orders (list[SortOrderEcho] | None | Unset): The sort orders.
    """

    filter_groups: list[FilterGroupEcho]
    current_page: int | None | Unset = UNSET
    page_size: int | None | Unset = UNSET
    sort_orders: list[SortOrderEcho] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        filter_groups = []
        for filter_groups_item_data in self.filter_groups:
            filter_groups_item = filter_groups_item_data.to_dict()
            filter_groups.append(filter_groups_item)

        current_page: int | None | Unset
        if isinstance(self.current_page, Unset):
            current_page = UNSET
        else:
            current_page = self.current_page

        page_size: int | None | Unset
        if isinstance(self.page_size, Unset):
            page_size = UNSET
        else:
            page_size = self.page_size

        sort_orders: list[dict[str, Any]] | None | Unset
        if isinstance(self.sort_orders, Unset):
            sort_orders = UNSET
        elif isinstance(self.sort_orders, list):
            sort_orders = []
            for sort_orders_type_0_item_data in self.sort_orders:
                sort_orders_type_0_item = sort_orders_type_0_item_data.to_dict()
                sort_orders.append(sort_orders_type_0_item)

        else:
            sort_orders = self.sort_orders

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "filter_groups": filter_groups,
            }
        )
        if current_page is not UNSET:
            field_dict["current_page"] = current_page
        if page_size is not UNSET:
            field_dict["page_size"] = page_size
        if sort_orders is not UNSET:
            field_dict["sort_orders"] = sort_orders

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.filter_group_echo import FilterGroupEcho  # noqa: PLC0415
        from ..models.sort_order_echo import SortOrderEcho  # noqa: PLC0415

        d = dict(src_dict)
        filter_groups = []
        _filter_groups = d.pop("filter_groups")
        for filter_groups_item_data in _filter_groups:
            filter_groups_item = FilterGroupEcho.from_dict(filter_groups_item_data)

            filter_groups.append(filter_groups_item)

        def _parse_current_page(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        current_page = _parse_current_page(d.pop("current_page", UNSET))

        def _parse_page_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page_size = _parse_page_size(d.pop("page_size", UNSET))

        def _parse_sort_orders(data: object) -> list[SortOrderEcho] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                sort_orders_type_0 = []
                _sort_orders_type_0 = data
                for sort_orders_type_0_item_data in _sort_orders_type_0:
                    sort_orders_type_0_item = SortOrderEcho.from_dict(sort_orders_type_0_item_data)

                    sort_orders_type_0.append(sort_orders_type_0_item)

                return sort_orders_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SortOrderEcho] | None | Unset, data)

        sort_orders = _parse_sort_orders(d.pop("sort_orders", UNSET))

        search_criteria_echo = cls(
            filter_groups=filter_groups,
            current_page=current_page,
            page_size=page_size,
            sort_orders=sort_orders,
        )

        search_criteria_echo.additional_properties = d
        return search_criteria_echo

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
