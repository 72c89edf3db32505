"""The console's in-process tests share one signed-in client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

#: A form post's content type (the console's forms are urlencoded).
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def console(app: FastAPI, admin_headers: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """The console, signed in with an admin key (the sign-in lands on the overview)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        key = admin_headers["Authorization"].removeprefix("Bearer ")
        signed_in = await client.post("/admin/login", data={"key": key}, headers=FORM)
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/admin/overview"
        yield client
