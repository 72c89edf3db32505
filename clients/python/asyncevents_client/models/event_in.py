from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_in_arguments import EventInArguments


T = TypeVar("T", bound="EventIn")


@_attrs_define
class EventIn:
    """One event to publish.

    Attributes:
        event_name (str): The event's name, as declared in `events.xml`.
        application (None | str | Unset): Publish to this application only (its uid): only its matching subscriptions
            get deliveries. Without it, every application's do -- except for a key bound to an application, whose events
            always go to its own application only (naming another is a 422).
        arguments (EventInArguments | Unset): Named arguments of the event's service method.
        deliver_at (datetime.datetime | None | Unset): Scheduled send: deliveries start at this moment (± the
            scheduler's poll interval), at most 30 days ahead (past or now: at once). No offset: UTC.
        expires_at (datetime.datetime | None | Unset): Deadline: a delivery not delivered by then ends `expired`, with
            no further attempt. After now and after `deliver_at`. No offset: UTC.
        id (None | str | Unset): Idempotency key; the same as the `Idempotency-Key` header.
        store_id (int | Unset): The Magento store the event belongs to (0: all stores). Default: 0.
        ttl (int | None | Unset): Deadline in seconds from `deliver_at` (or from now), instead of `expires_at`; without
            either, the event type's `ttl` from the catalogue applies, if it has one.
    """

    event_name: str
    application: None | str | Unset = UNSET
    arguments: EventInArguments | Unset = UNSET
    deliver_at: datetime.datetime | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    id: None | str | Unset = UNSET
    store_id: int | Unset = 0
    ttl: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event_name = self.event_name

        application: None | str | Unset
        if isinstance(self.application, Unset):
            application = UNSET
        else:
            application = self.application

        arguments: dict[str, Any] | Unset = UNSET
        if not isinstance(self.arguments, Unset):
            arguments = self.arguments.to_dict()

        deliver_at: None | str | Unset
        if isinstance(self.deliver_at, Unset):
            deliver_at = UNSET
        elif isinstance(self.deliver_at, datetime.datetime):
            deliver_at = self.deliver_at.isoformat()
        else:
            deliver_at = self.deliver_at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        store_id = self.store_id

        ttl: int | None | Unset
        if isinstance(self.ttl, Unset):
            ttl = UNSET
        else:
            ttl = self.ttl

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_name": event_name,
            }
        )
        if application is not UNSET:
            field_dict["application"] = application
        if arguments is not UNSET:
            field_dict["arguments"] = arguments
        if deliver_at is not UNSET:
            field_dict["deliver_at"] = deliver_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if id is not UNSET:
            field_dict["id"] = id
        if store_id is not UNSET:
            field_dict["store_id"] = store_id
        if ttl is not UNSET:
            field_dict["ttl"] = ttl

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_in_arguments import EventInArguments  # noqa: PLC0415

        d = dict(src_dict)
        event_name = d.pop("event_name")

        def _parse_application(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        application = _parse_application(d.pop("application", UNSET))

        _arguments = d.pop("arguments", UNSET)
        arguments: EventInArguments | Unset
        if isinstance(_arguments, Unset):
            arguments = UNSET
        else:
            arguments = EventInArguments.from_dict(_arguments)

        def _parse_deliver_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deliver_at_type_0 = datetime.datetime.fromisoformat(data)

                return deliver_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deliver_at = _parse_deliver_at(d.pop("deliver_at", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        store_id = d.pop("store_id", UNSET)

        def _parse_ttl(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl = _parse_ttl(d.pop("ttl", UNSET))

        event_in = cls(
            event_name=event_name,
            application=application,
            arguments=arguments,
            deliver_at=deliver_at,
            expires_at=expires_at,
            id=id,
            store_id=store_id,
            ttl=ttl,
        )

        return event_in
