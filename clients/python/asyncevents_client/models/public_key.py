from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicKey")


@_attrs_define
class PublicKey:
    """One public Ed25519 key (RFC 8037 OKP JWK); never a private member.

    Attributes:
        alg (Literal['EdDSA']): The algorithm: `EdDSA`.
        crv (Literal['Ed25519']): The curve: `Ed25519`.
        kid (str): The key's RFC 7638 thumbprint (SHA-256, base64url).
        kty (Literal['OKP']): The key type: `OKP` (RFC 8037).
        use (Literal['sig']): What the key is for: `sig`, signatures.
        x (str): The 32-byte public key, base64url without padding.
    """

    alg: Literal["EdDSA"]
    crv: Literal["Ed25519"]
    kid: str
    kty: Literal["OKP"]
    use: Literal["sig"]
    x: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        alg = self.alg

        crv = self.crv

        kid = self.kid

        kty = self.kty

        use = self.use

        x = self.x

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "alg": alg,
                "crv": crv,
                "kid": kid,
                "kty": kty,
                "use": use,
                "x": x,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        alg = cast(Literal["EdDSA"], d.pop("alg"))
        if alg != "EdDSA":
            raise ValueError(f"alg must match const 'EdDSA', got '{alg}'")

        crv = cast(Literal["Ed25519"], d.pop("crv"))
        if crv != "Ed25519":
            raise ValueError(f"crv must match const 'Ed25519', got '{crv}'")

        kid = d.pop("kid")

        kty = cast(Literal["OKP"], d.pop("kty"))
        if kty != "OKP":
            raise ValueError(f"kty must match const 'OKP', got '{kty}'")

        use = cast(Literal["sig"], d.pop("use"))
        if use != "sig":
            raise ValueError(f"use must match const 'sig', got '{use}'")

        x = d.pop("x")

        public_key = cls(
            alg=alg,
            crv=crv,
            kid=kid,
            kty=kty,
            use=use,
            x=x,
        )

        public_key.additional_properties = d
        return public_key

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
