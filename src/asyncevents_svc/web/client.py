"""The public API, called in-process with the signed-in key.

The console and the portal render pages; every read and every change goes through the same
routes, validation and scope checks as any API client, so a page can do exactly what its
key may do (a portal's key: its application's objects only), and its errors are the API's
problem+json, shown beside the fields they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog
from starlette.types import ASGIApp


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def problem(self) -> str:
        """The problem's detail, for a message at the top of a page."""
        if isinstance(self.body, dict):
            return str(self.body.get("detail") or self.body.get("title") or self.body)
        return str(self.body)

    @property
    def errors(self) -> dict[str, str]:
        """Field errors of a 422, by field (``errors[].loc``)."""
        if not isinstance(self.body, dict):
            return {}
        return {
            str(e.get("loc", "")).split(".")[0]: str(e.get("msg", "")) for e in self.body.get("errors", [])
        }


@dataclass
class ApiClient:
    """The API as the signed-in browser: its key, and its address (so the API counts what
    it does against that address, not against the server's own)."""

    app: ASGIApp
    key: str
    client: tuple[str, int] | None = None
    _headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self._headers = {"Authorization": f"Bearer {self.key}"}

    async def call(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Answer:
        transport = httpx.ASGITransport(app=self.app, client=self.client or ("127.0.0.1", 0))
        headers = self._headers
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if isinstance(request_id, str):  # the page's own id: its API calls log under it
            headers = {**headers, "X-Request-ID": request_id}
        async with httpx.AsyncClient(transport=transport, base_url="http://web.internal") as client:
            response = await client.request(method, path, params=params, json=json, headers=headers)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text
        return Answer(response.status_code, body)

    async def get(self, path: str, **params: Any) -> Answer:
        return await self.call("GET", path, params={k: v for k, v in params.items() if v not in (None, "")})

    async def post(self, path: str, json: Any) -> Answer:
        return await self.call("POST", path, json=json)

    async def patch(self, path: str, json: Any) -> Answer:
        return await self.call("PATCH", path, json=json)

    async def delete(self, path: str) -> Answer:
        return await self.call("DELETE", path)
