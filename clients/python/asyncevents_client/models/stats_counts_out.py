from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatsCountsOut")


@_attrs_define
class StatsCountsOut:
    """
    Attributes:
        attempts (int): Attempts made in the period (delivered + failed + dead).
        dead (int): Failed attempts that were their delivery's last (dead letters).
        delivered (int): Attempts that succeeded.
        failed (int): Failed attempts whose delivery will be retried.
        mean_ms (float | None): Mean attempt duration; null without attempts.
        success_rate (float | None): delivered / attempts; null without attempts.
        expired (int | Unset): Deliveries that passed their deadline (`expires_at`) undelivered in the period: not
            attempts (an expiring delivery's last failed attempt is in `failed`). Default: 0.
    """

    attempts: int
    dead: int
    delivered: int
    failed: int
    mean_ms: float | None
    success_rate: float | None
    expired: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        dead = self.dead

        delivered = self.delivered

        failed = self.failed

        mean_ms: float | None
        mean_ms = self.mean_ms

        success_rate: float | None
        success_rate = self.success_rate

        expired = self.expired

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "dead": dead,
                "delivered": delivered,
                "failed": failed,
                "mean_ms": mean_ms,
                "success_rate": success_rate,
            }
        )
        if expired is not UNSET:
            field_dict["expired"] = expired

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        dead = d.pop("dead")

        delivered = d.pop("delivered")

        failed = d.pop("failed")

        def _parse_mean_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_ms = _parse_mean_ms(d.pop("mean_ms"))

        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))

        expired = d.pop("expired", UNSET)

        stats_counts_out = cls(
            attempts=attempts,
            dead=dead,
            delivered=delivered,
            failed=failed,
            mean_ms=mean_ms,
            success_rate=success_rate,
            expired=expired,
        )

        stats_counts_out.additional_properties = d
        return stats_counts_out

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
