from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PortalSessionCreate")


@_attrs_define
class PortalSessionCreate:
    """
    Attributes:
        resources (list[str] | None | Unset): The catalogue `<resources>` the portal's key holds (so the consumer may
            subscribe to the events they guard). Omitted: every resource of the catalogue.
    """

    resources: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        resources: list[str] | None | Unset
        if isinstance(self.resources, Unset):
            resources = UNSET
        elif isinstance(self.resources, list):
            resources = self.resources

        else:
            resources = self.resources

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if resources is not UNSET:
            field_dict["resources"] = resources

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_resources(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                resources_type_0 = cast(list[str], data)

                return resources_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        resources = _parse_resources(d.pop("resources", UNSET))

        portal_session_create = cls(
            resources=resources,
        )

        return portal_session_create
