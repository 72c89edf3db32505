"""``GET /v1/signing-keys``: the public halves of the service's Ed25519 keys, as a JWKS.

Public (no API key): a receiver verifies ``v1a`` signatures with these keys alone. Only the
public members of each JWK (RFC 8037) are ever built (:func:`~asyncevents_svc.notifiers.
ed25519.public_jwk`), so no private part can reach the response. During a key rotation's
overlap the set holds the new key and the one it replaces; a receiver tries each.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from asyncevents_svc.api.deps import RuntimeDep
from asyncevents_svc.api.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["signing keys"], responses=problem_responses(503))

#: How long a receiver (or a cache in front of the API) may keep the set: well inside any
#: sensible rotation overlap, so a new key is seen before the old one retires.
MAX_AGE = 300

EXAMPLE_KEY = {
    "kty": "OKP",
    "crv": "Ed25519",
    "x": "KIDi9nHKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg",
    "kid": "Zy8f8l4LQd5o7x2Rr3b8n3jFQp1kq3XvWc9sVh3mX1E",
    "use": "sig",
    "alg": "EdDSA",
}


class PublicKey(BaseModel):
    """One public Ed25519 key (RFC 8037 OKP JWK); never a private member."""

    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str = Field(description="The 32-byte public key, base64url without padding.")
    kid: str = Field(description="The key's RFC 7638 thumbprint (SHA-256, base64url).")
    use: Literal["sig"]
    alg: Literal["EdDSA"]


class SigningKeySet(BaseModel):
    """The keys that sign `v1a` signatures now, the newest first."""

    keys: list[PublicKey]


@router.get(
    "/signing-keys",
    operation_id="listSigningKeys",
    response_model=SigningKeySet,
    responses={200: {"content": {"application/json": {"example": {"keys": [EXAMPLE_KEY]}}}}},
)
async def list_signing_keys(runtime: RuntimeDep, response: Response) -> SigningKeySet:
    """The public keys that verify `v1a` webhook signatures (a JWK Set; no key needed).

    A delivery's `webhook-signature` carries one `v1a,<base64>` per key listed here: it
    verifies with any one of them. The first key is made on first use."""
    response.headers["cache-control"] = f"public, max-age={MAX_AGE}"
    return SigningKeySet.model_validate(await runtime.keyring.jwks())
