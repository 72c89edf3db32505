from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplayCount")


@_attrs_define
class ReplayCount:
    """
    Attributes:
        count (int): Deliveries that would be replayed.
        dry_run (bool | Unset): True: nothing was replayed, this is the count. Default: True.
        excluded_events (list[str] | None | Unset): Events whose deliveries are not counted (nor would be replayed)
            because the API key lacks their `<resources>`; absent when none are.
        more (bool | Unset): True when more than `count` deliveries match: counting stops at 10,000, so that a dry run
            costs what a page of the log costs; a replay sends every match. Default: False.
    """

    count: int
    dry_run: bool | Unset = True
    excluded_events: list[str] | None | Unset = UNSET
    more: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        dry_run = self.dry_run

        excluded_events: list[str] | None | Unset
        if isinstance(self.excluded_events, Unset):
            excluded_events = UNSET
        elif isinstance(self.excluded_events, list):
            excluded_events = self.excluded_events

        else:
            excluded_events = self.excluded_events

        more = self.more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
            }
        )
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if excluded_events is not UNSET:
            field_dict["excluded_events"] = excluded_events
        if more is not UNSET:
            field_dict["more"] = more

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        dry_run = d.pop("dry_run", UNSET)

        def _parse_excluded_events(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                excluded_events_type_0 = cast(list[str], data)

                return excluded_events_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        excluded_events = _parse_excluded_events(d.pop("excluded_events", UNSET))

        more = d.pop("more", UNSET)

        replay_count = cls(
            count=count,
            dry_run=dry_run,
            excluded_events=excluded_events,
            more=more,
        )

        replay_count.additional_properties = d
        return replay_count

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
