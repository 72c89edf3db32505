from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ApplicationCreate")


@_attrs_define
class ApplicationCreate:
    """
    Attributes:
        name (str): A name for people.
        uid (str): Your own stable alias: a letter, then letters, digits, `_` or `-` (64 at most).
    """

    name: str
    uid: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        uid = self.uid

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "uid": uid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        uid = d.pop("uid")

        application_create = cls(
            name=name,
            uid=uid,
        )

        return application_create
