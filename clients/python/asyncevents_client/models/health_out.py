from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.last_error_out import LastErrorOut


T = TypeVar("T", bound="HealthOut")


@_attrs_define
class HealthOut:
    """
    Attributes:
        attempts (int): Attempts in the window.
        deliveries (int): Deliveries created in the window that were counted.
        last_error (LastErrorOut | None): The receiver's last failed answer in the window.
        limited (bool): True: only the newest 10,000 deliveries were counted.
        since (datetime.datetime): The start of the window.
        subscription_id (int): The subscription's id.
        succeeded (int): Successful attempts in the window.
        success_rate (float | None): succeeded / attempts; null without attempts.
    """

    attempts: int
    deliveries: int
    last_error: LastErrorOut | None
    limited: bool
    since: datetime.datetime
    subscription_id: int
    succeeded: int
    success_rate: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_error_out import LastErrorOut  # noqa: PLC0415

        attempts = self.attempts

        deliveries = self.deliveries

        last_error: dict[str, Any] | None
        if isinstance(self.last_error, LastErrorOut):
            last_error = self.last_error.to_dict()
        else:
            last_error = self.last_error

        limited = self.limited

        since = self.since.isoformat()

        subscription_id = self.subscription_id

        succeeded = self.succeeded

        success_rate: float | None
        success_rate = self.success_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "deliveries": deliveries,
                "last_error": last_error,
                "limited": limited,
                "since": since,
                "subscription_id": subscription_id,
                "succeeded": succeeded,
                "success_rate": success_rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.last_error_out import LastErrorOut  # noqa: PLC0415

        d = dict(src_dict)
        attempts = d.pop("attempts")

        deliveries = d.pop("deliveries")

        def _parse_last_error(data: object) -> LastErrorOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_error_type_0 = LastErrorOut.from_dict(data)

                return last_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastErrorOut | None, data)

        last_error = _parse_last_error(d.pop("last_error"))

        limited = d.pop("limited")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        subscription_id = d.pop("subscription_id")

        succeeded = d.pop("succeeded")

        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))

        health_out = cls(
            attempts=attempts,
            deliveries=deliveries,
            last_error=last_error,
            limited=limited,
            since=since,
            subscription_id=subscription_id,
            succeeded=succeeded,
            success_rate=success_rate,
        )

        health_out.additional_properties = d
        return health_out

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
