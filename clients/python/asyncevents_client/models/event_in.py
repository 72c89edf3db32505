from __future__ import annotations

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
        id (None | str | Unset): Idempotency key; the same as the `Idempotency-Key` header.
        store_id (int | Unset): The Magento store the event belongs to (0: all stores). Default: 0.
    """

    event_name: str
    application: None | str | Unset = UNSET
    arguments: EventInArguments | Unset = UNSET
    id: None | str | Unset = UNSET
    store_id: int | Unset = 0

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

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        store_id = self.store_id

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
        if id is not UNSET:
            field_dict["id"] = id
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

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

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        store_id = d.pop("store_id", UNSET)

        event_in = cls(
            event_name=event_name,
            application=application,
            arguments=arguments,
            id=id,
            store_id=store_id,
        )

        return event_in
