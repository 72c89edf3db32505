"""The console's API-keys page over ``GET/POST/DELETE /v1/keys``: every key (name, scopes,
prefix, application, created, expires, last used, revoked), a form to create one (scopes,
an optional expiry and application) whose key is shown on the response page once — never
stored, logged, or put in a URL — and a revoke button behind a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from asyncevents_svc.auth import scopes
from asyncevents_svc.console.flash import Flash
from asyncevents_svc.web.client import ApiClient
from asyncevents_svc.web.forms import first, form_fields

if TYPE_CHECKING:
    from asyncevents_svc.console.app import Console

#: The scopes offered on the form, with what each lets a key do.
SCOPES = [(name, scopes.MEANING[name]) for name in scopes.ALL]


class KeyPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def keys(
        self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200, values: Any = None
    ) -> Response:
        answer = await api.get("/v1/keys")
        return self.console.render(
            request,
            "keys.html",
            status=status,
            alert=alert,
            answer=answer,
            scopes=SCOPES,
            values=values or {"name": "", "scopes": [], "expires_at": "", "application": ""},
        )

    async def create(self, request: Request, api: ApiClient) -> Response:
        fields = await form_fields(request)
        values = {
            "name": first(fields, "name"),
            "scopes": [s for s in fields.get("scopes", []) if s],
            "expires_at": first(fields, "expires_at"),
            "application": first(fields, "application"),
        }
        body = {k: v for k, v in values.items() if v not in ("", [])}
        body.setdefault("scopes", [])
        answer = await api.post("/v1/keys", body)
        if not answer.ok:
            return await self.keys(
                request, api, alert=f"Not created: {answer.problem}", status=answer.status, values=values
            )
        # The key is in this response only: rendered here, never redirected with, never logged.
        return self.console.render(request, "key_created.html", key=answer.body)

    async def revoke(self, request: Request, api: ApiClient) -> Response:
        answer = await api.delete(f"/v1/keys/{request.path_params['key_id']}")
        if not answer.ok:
            return await self.keys(request, api, alert=f"Not revoked: {answer.problem}", status=answer.status)
        return self.console.back("/keys", Flash.KEY_REVOKED)


def routes(console: Console) -> list[Route]:
    pages, s = KeyPages(console), console.signed_in
    return [
        Route("/keys", s(pages.keys), methods=["GET"]),
        Route("/keys", s(pages.create, post=True), methods=["POST"]),
        Route("/keys/{key_id:uuid}/revoke", s(pages.revoke, post=True), methods=["POST"]),
    ]
