from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BacklogOut")


@_attrs_define
class BacklogOut:
    """
    Attributes:
        estimated (bool): True: a count above 10,000 is PostgreSQL's estimate.
        pending (int): Deliveries due for their first attempt.
        retrying (int): Deliveries waiting for a retry.
        scheduler_lag_seconds (float): How long the oldest due work has waited (the service's, as /health/ready).
    """

    estimated: bool
    pending: int
    retrying: int
    scheduler_lag_seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        estimated = self.estimated

        pending = self.pending

        retrying = self.retrying

        scheduler_lag_seconds = self.scheduler_lag_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "estimated": estimated,
                "pending": pending,
                "retrying": retrying,
                "scheduler_lag_seconds": scheduler_lag_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        estimated = d.pop("estimated")

        pending = d.pop("pending")

        retrying = d.pop("retrying")

        scheduler_lag_seconds = d.pop("scheduler_lag_seconds")

        backlog_out = cls(
            estimated=estimated,
            pending=pending,
            retrying=retrying,
            scheduler_lag_seconds=scheduler_lag_seconds,
        )

        backlog_out.additional_properties = d
        return backlog_out

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
