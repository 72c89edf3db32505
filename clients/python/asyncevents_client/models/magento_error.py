from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.magento_error_parameters_type_1 import MagentoErrorParametersType1


T = TypeVar("T", bound="MagentoError")


@_attrs_define
class MagentoError:
    """Magento's error body: substitute ``parameters`` into the ``%`` placeholders.

    Attributes:
        message (str): Magento's phrase, with `%1`/`%name` placeholders.
        parameters (list[Any] | MagentoErrorParametersType1): The values of the placeholders in `message`.
    """

    message: str
    parameters: list[Any] | MagentoErrorParametersType1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        parameters: dict[str, Any] | list[Any]
        if isinstance(self.parameters, list):
            parameters = self.parameters

        else:
            parameters = self.parameters.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "parameters": parameters,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.magento_error_parameters_type_1 import MagentoErrorParametersType1  # noqa: PLC0415

        d = dict(src_dict)
        message = d.pop("message")

        def _parse_parameters(data: object) -> list[Any] | MagentoErrorParametersType1:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                parameters_type_0 = cast(list[Any], data)

                return parameters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            parameters_type_1 = MagentoErrorParametersType1.from_dict(data)

            return parameters_type_1

        parameters = _parse_parameters(d.pop("parameters"))

        magento_error = cls(
            message=message,
            parameters=parameters,
        )

        magento_error.additional_properties = d
        return magento_error

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
