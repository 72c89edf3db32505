from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.period import Period

if TYPE_CHECKING:
    from ..models.backlog_out import BacklogOut
    from ..models.minute_out import MinuteOut
    from ..models.stats_counts_out import StatsCountsOut
    from ..models.worst_endpoint_out import WorstEndpointOut


T = TypeVar("T", bound="DeliveryStatsOut")


@_attrs_define
class DeliveryStatsOut:
    """
    Attributes:
        backlog (BacklogOut):
        minutes (list[MinuteOut]): Every minute of the period, oldest first (60 or 1,440).
        period (Period):
        since (datetime.datetime): The first minute counted (UTC).
        totals (StatsCountsOut):
        until (datetime.datetime): The end of the period (UTC): the time of the request.
        worst_endpoints (list[WorstEndpointOut]): Up to 5 subscriptions with the most failed attempts, most first (with
            subscription_id: that one, if it had failed attempts).
    """

    backlog: BacklogOut
    minutes: list[MinuteOut]
    period: Period
    since: datetime.datetime
    totals: StatsCountsOut
    until: datetime.datetime
    worst_endpoints: list[WorstEndpointOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        backlog = self.backlog.to_dict()

        minutes = []
        for minutes_item_data in self.minutes:
            minutes_item = minutes_item_data.to_dict()
            minutes.append(minutes_item)

        period = self.period.value

        since = self.since.isoformat()

        totals = self.totals.to_dict()

        until = self.until.isoformat()

        worst_endpoints = []
        for worst_endpoints_item_data in self.worst_endpoints:
            worst_endpoints_item = worst_endpoints_item_data.to_dict()
            worst_endpoints.append(worst_endpoints_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "backlog": backlog,
                "minutes": minutes,
                "period": period,
                "since": since,
                "totals": totals,
                "until": until,
                "worst_endpoints": worst_endpoints,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backlog_out import BacklogOut  # noqa: PLC0415
        from ..models.minute_out import MinuteOut  # noqa: PLC0415
        from ..models.stats_counts_out import StatsCountsOut  # noqa: PLC0415
        from ..models.worst_endpoint_out import WorstEndpointOut  # noqa: PLC0415

        d = dict(src_dict)
        backlog = BacklogOut.from_dict(d.pop("backlog"))

        minutes = []
        _minutes = d.pop("minutes")
        for minutes_item_data in _minutes:
            minutes_item = MinuteOut.from_dict(minutes_item_data)

            minutes.append(minutes_item)

        period = Period(d.pop("period"))

        since = datetime.datetime.fromisoformat(d.pop("since"))

        totals = StatsCountsOut.from_dict(d.pop("totals"))

        until = datetime.datetime.fromisoformat(d.pop("until"))

        worst_endpoints = []
        _worst_endpoints = d.pop("worst_endpoints")
        for worst_endpoints_item_data in _worst_endpoints:
            worst_endpoints_item = WorstEndpointOut.from_dict(worst_endpoints_item_data)

            worst_endpoints.append(worst_endpoints_item)

        delivery_stats_out = cls(
            backlog=backlog,
            minutes=minutes,
            period=period,
            since=since,
            totals=totals,
            until=until,
            worst_endpoints=worst_endpoints,
        )

        delivery_stats_out.additional_properties = d
        return delivery_stats_out

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
