"""The console's Signing keys page (``/admin/signing-keys``): the service's Ed25519 keys of
``v1a`` signatures, read-only — each key's kid, created time and state (signing; retiring:
replaced by a rotation, still signing and published until its time; retired), from
:meth:`Keyring.listing <asyncevents_svc.signing.keyring.Keyring.listing>`, the list the
CLI's ``signing-keys list`` prints.

No API route serves this list (``GET /v1/signing-keys`` publishes only the keys that sign
now), so the page reads the keyring itself and asks for what the API keys page needs: a key
with ``admin``. Only public facts reach the page — the kid is the public key's RFC 7638
thumbprint; no private or public key material is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from asyncevents_svc.auth import scopes
from asyncevents_svc.auth.keys import KeyVerifier
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.signing.keyring import ActiveKey, Keyring, KeyState
from asyncevents_svc.web.client import ApiClient

if TYPE_CHECKING:
    from asyncevents_svc.console.app import Console


@dataclass(frozen=True)
class KeyRow:
    """One key as the page shows it: nothing private, times as the API writes them."""

    kid: str
    state: KeyState
    created_at: str | None
    retires_at: str | None

    @classmethod
    def of(cls, key: ActiveKey, state: KeyState) -> KeyRow:
        return cls(
            kid=key.kid,
            state=state,
            created_at=key.created_at.isoformat() if key.created_at else None,
            retires_at=key.retires_at.isoformat() if key.retires_at else None,
        )


class SigningKeyPage:
    def __init__(self, console: Console, keyring: Keyring, keys: KeyVerifier) -> None:
        self.console = console
        self.keyring = keyring
        self.keys = keys

    async def page(self, request: Request, api: ApiClient) -> Response:
        caller = await self.keys.verify(api.key)
        if caller is None or not scopes.allows(caller.scopes, scopes.ADMIN):
            return self.console.render(
                request,
                "message.html",
                status=403,
                title="Signing keys",
                message=f"The service's signing keys are shown to a key with the scope {scopes.ADMIN!r}.",
            )
        now = utcnow()
        rows = [KeyRow.of(key, key.state(now)) for key in await self.keyring.listing()]
        return self.console.render(
            request, "signing_keys.html", rows=rows, configured=self.keyring.configured is not None
        )


def routes(console: Console) -> list[Route]:
    page = SigningKeyPage(console, console.runtime.keyring, console.runtime.keys)
    return [Route("/signing-keys", console.signed_in(page.page), methods=["GET"])]
