from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stats_counts_out import StatsCountsOut
    from ..models.stats_error_out import StatsErrorOut


T = TypeVar("T", bound="WorstEndpointOut")


@_attrs_define
class WorstEndpointOut:
    """
    Attributes:
        counts (StatsCountsOut):
        last_error (None | StatsErrorOut): Its newest failed attempt; null if none is kept.
        subscription_id (int): The subscription (the endpoint) counted.
    """

    counts: StatsCountsOut
    last_error: None | StatsErrorOut
    subscription_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stats_error_out import StatsErrorOut  # noqa: PLC0415

        counts = self.counts.to_dict()

        last_error: dict[str, Any] | None
        if isinstance(self.last_error, StatsErrorOut):
            last_error = self.last_error.to_dict()
        else:
            last_error = self.last_error

        subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "counts": counts,
                "last_error": last_error,
                "subscription_id": subscription_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stats_counts_out import StatsCountsOut  # noqa: PLC0415
        from ..models.stats_error_out import StatsErrorOut  # noqa: PLC0415

        d = dict(src_dict)
        counts = StatsCountsOut.from_dict(d.pop("counts"))

        def _parse_last_error(data: object) -> None | StatsErrorOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_error_type_0 = StatsErrorOut.from_dict(data)

                return last_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StatsErrorOut, data)

        last_error = _parse_last_error(d.pop("last_error"))

        subscription_id = d.pop("subscription_id")

        worst_endpoint_out = cls(
            counts=counts,
            last_error=last_error,
            subscription_id=subscription_id,
        )

        worst_endpoint_out.additional_properties = d
        return worst_endpoint_out

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
