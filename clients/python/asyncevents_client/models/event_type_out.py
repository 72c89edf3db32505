from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_type_out_arguments_schema import EventTypeOutArgumentsSchema
    from ..models.event_type_out_payload_schema import EventTypeOutPayloadSchema


T = TypeVar("T", bound="EventTypeOut")


@_attrs_define
class EventTypeOut:
    """
    Attributes:
        arguments_schema (EventTypeOutArgumentsSchema): JSON Schema of the event's arguments.
        description (str): What the event means (the catalogue's `<description>`).
        example_payload (Any): The catalogue's `<example>`, else the schema's first `examples` entry, else one made up
            from `payload_schema`; a test send (`POST /v1/subscriptions/{id}/test`) delivers it.
        method (str): The service method called with the arguments.
        name (str): The event's name.
        payload_schema (EventTypeOutPayloadSchema): The payload's JSON schema: the catalogue's `<schema>` (draft
            2020-12) when it declares one, else as far as the service says (`{}`: any JSON).
        resources (list[str]): The ACL resources a key needs to subscribe to this event.
        service_class (str): The service class that resolves the payload.
        payload_validated (bool | Unset): Whether every payload is validated against `payload_schema` before fan-out
            (the catalogue declares a `<schema>`): a payload that does not match fails its event, no delivery is made.
            Default: False.
    """

    arguments_schema: EventTypeOutArgumentsSchema
    description: str
    example_payload: Any
    method: str
    name: str
    payload_schema: EventTypeOutPayloadSchema
    resources: list[str]
    service_class: str
    payload_validated: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        arguments_schema = self.arguments_schema.to_dict()

        description = self.description

        example_payload = self.example_payload

        method = self.method

        name = self.name

        payload_schema = self.payload_schema.to_dict()

        resources = self.resources

        service_class = self.service_class

        payload_validated = self.payload_validated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "arguments_schema": arguments_schema,
                "description": description,
                "example_payload": example_payload,
                "method": method,
                "name": name,
                "payload_schema": payload_schema,
                "resources": resources,
                "service_class": service_class,
            }
        )
        if payload_validated is not UNSET:
            field_dict["payload_validated"] = payload_validated

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_type_out_arguments_schema import EventTypeOutArgumentsSchema  # noqa: PLC0415
        from ..models.event_type_out_payload_schema import EventTypeOutPayloadSchema  # noqa: PLC0415

        d = dict(src_dict)
        arguments_schema = EventTypeOutArgumentsSchema.from_dict(d.pop("arguments_schema"))

        description = d.pop("description")

        example_payload = d.pop("example_payload")

        method = d.pop("method")

        name = d.pop("name")

        payload_schema = EventTypeOutPayloadSchema.from_dict(d.pop("payload_schema"))

        resources = cast(list[str], d.pop("resources"))

        service_class = d.pop("service_class")

        payload_validated = d.pop("payload_validated", UNSET)

        event_type_out = cls(
            arguments_schema=arguments_schema,
            description=description,
            example_payload=example_payload,
            method=method,
            name=name,
            payload_schema=payload_schema,
            resources=resources,
            service_class=service_class,
            payload_validated=payload_validated,
        )

        event_type_out.additional_properties = d
        return event_type_out

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
