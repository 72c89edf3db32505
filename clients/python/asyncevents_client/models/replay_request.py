from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.replay_request_status_item import ReplayRequestStatusItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplayRequest")


@_attrs_define
class ReplayRequest:
    """Which deliveries to replay; every given criterion must hold.

    Attributes:
        application (None | str | Unset): Only this application's deliveries (its uid): an operator key's filter. A key
            bound to an application replays that application's only, without naming it.
        dry_run (bool | Unset): Only count what would be replayed. Default: False.
        event_name (None | str | Unset): Only deliveries of this event (a name or a `*` pattern).
        q (None | str | Unset): A search query, as for `GET /v1/deliveries`.
        since (datetime.datetime | None | Unset): The start of the window.
        status (list[ReplayRequestStatusItem] | Unset): Defaults to dead letters only.
        subscription_id (int | None | Unset): The subscription's id.
        until (datetime.datetime | None | Unset): The end of the window.
    """

    application: None | str | Unset = UNSET
    dry_run: bool | Unset = False
    event_name: None | str | Unset = UNSET
    q: None | str | Unset = UNSET
    since: datetime.datetime | None | Unset = UNSET
    status: list[ReplayRequestStatusItem] | Unset = UNSET
    subscription_id: int | None | Unset = UNSET
    until: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        application: None | str | Unset
        if isinstance(self.application, Unset):
            application = UNSET
        else:
            application = self.application

        dry_run = self.dry_run

        event_name: None | str | Unset
        if isinstance(self.event_name, Unset):
            event_name = UNSET
        else:
            event_name = self.event_name

        q: None | str | Unset
        if isinstance(self.q, Unset):
            q = UNSET
        else:
            q = self.q

        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        status: list[str] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = []
            for status_item_data in self.status:
                status_item = status_item_data.value
                status.append(status_item)

        subscription_id: int | None | Unset
        if isinstance(self.subscription_id, Unset):
            subscription_id = UNSET
        else:
            subscription_id = self.subscription_id

        until: None | str | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, datetime.datetime):
            until = self.until.isoformat()
        else:
            until = self.until

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if application is not UNSET:
            field_dict["application"] = application
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if event_name is not UNSET:
            field_dict["event_name"] = event_name
        if q is not UNSET:
            field_dict["q"] = q
        if since is not UNSET:
            field_dict["since"] = since
        if status is not UNSET:
            field_dict["status"] = status
        if subscription_id is not UNSET:
            field_dict["subscription_id"] = subscription_id
        if until is not UNSET:
            field_dict["until"] = until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_application(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        application = _parse_application(d.pop("application", UNSET))

        dry_run = d.pop("dry_run", UNSET)

        def _parse_event_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_name = _parse_event_name(d.pop("event_name", UNSET))

        def _parse_q(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        q = _parse_q(d.pop("q", UNSET))

        def _parse_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        _status = d.pop("status", UNSET)
        status: list[ReplayRequestStatusItem] | Unset = UNSET
        if _status is not UNSET:
            status = []
            for status_item_data in _status:
                status_item = ReplayRequestStatusItem(status_item_data)

                status.append(status_item)

        def _parse_subscription_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id", UNSET))

        def _parse_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.datetime.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        replay_request = cls(
            application=application,
            dry_run=dry_run,
            event_name=event_name,
            q=q,
            since=since,
            status=status,
            subscription_id=subscription_id,
            until=until,
        )

        return replay_request
