from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AttemptOut")


@_attrs_define
class AttemptOut:
    """
    Attributes:
        duration_ms (float): How long the attempt took, in milliseconds.
        number (int): The attempt's number, from 1.
        response (None | str): The response body (capped) or the error; first, when this answer's `Retry-After` paused
            the subscription's sends (adaptive pacing), "subscription paused N s by Retry-After; ".
        retryable (bool): Whether a failure is retried.
        started_at (datetime.datetime): When the attempt started.
        status_code (int | None): The HTTP status the receiver answered.
        success (bool): Whether the receiver accepted it (a 2xx).
    """

    duration_ms: float
    number: int
    response: None | str
    retryable: bool
    started_at: datetime.datetime
    status_code: int | None
    success: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duration_ms = self.duration_ms

        number = self.number

        response: None | str
        response = self.response

        retryable = self.retryable

        started_at = self.started_at.isoformat()

        status_code: int | None
        status_code = self.status_code

        success = self.success

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "duration_ms": duration_ms,
                "number": number,
                "response": response,
                "retryable": retryable,
                "started_at": started_at,
                "status_code": status_code,
                "success": success,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duration_ms = d.pop("duration_ms")

        number = d.pop("number")

        def _parse_response(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response = _parse_response(d.pop("response"))

        retryable = d.pop("retryable")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))

        success = d.pop("success")

        attempt_out = cls(
            duration_ms=duration_ms,
            number=number,
            response=response,
            retryable=retryable,
            started_at=started_at,
            status_code=status_code,
            success=success,
        )

        attempt_out.additional_properties = d
        return attempt_out

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
