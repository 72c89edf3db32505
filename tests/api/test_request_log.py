"""Every request has an id (``X-Request-ID`` in and out) and, unless turned off, one access
log line carrying it; so does every line logged while the request runs."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI

from asyncevents_svc.app import create_app
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings

NEW_ID = re.compile(r"[0-9a-f]{32}")


def lines(caplog: pytest.LogCaptureFixture, event: str) -> list[dict[str, Any]]:
    """The structured lines named ``event`` (structlog hands the formatter a dict)."""
    return [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == event]


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="asyncevents_svc.access")
    return caplog


async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


async def test_each_answer_carries_a_new_request_id(anonymous: httpx.AsyncClient) -> None:
    first = await anonymous.get("/health/live")
    second = await anonymous.get("/health/live")

    assert NEW_ID.fullmatch(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_callers_request_id_is_kept_and_logged(
    anonymous: httpx.AsyncClient, access: pytest.LogCaptureFixture
) -> None:
    response = await anonymous.get("/health/live", headers={"X-Request-ID": "checkout-42:a.b_c"})

    assert response.headers.get_list("x-request-id") == ["checkout-42:a.b_c"]
    [line] = lines(access, "request")
    assert line["request_id"] == "checkout-42:a.b_c"
    assert line["method"] == "GET"
    assert line["path"] == "/health/live"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["client"] == "127.0.0.1"


@pytest.mark.parametrize("given", ["a b", "x" * 129, "id\u00e9", "line\\nforged", "<script>", ""], ids=repr)
async def test_an_unusable_request_id_is_replaced(anonymous: httpx.AsyncClient, given: str) -> None:
    response = await anonymous.get("/health/live", headers={b"X-Request-ID": given.encode("utf-8")})

    assert NEW_ID.fullmatch(response.headers["x-request-id"])


async def test_refusals_are_logged_with_their_status_and_no_secret(
    anonymous: httpx.AsyncClient, access: pytest.LogCaptureFixture
) -> None:
    token = "ae_13fcfacfd145_NotAKeyAtAll000000000000000000000000000000"
    response = await anonymous.get(
        "/v1/subscriptions?q=data.customer_email:roni@example.com",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 401
    [line] = lines(access, "request")
    assert line["status"] == 401
    assert line["path"] == "/v1/subscriptions"  # never the query string
    logged = repr(access.records)
    assert token not in logged
    assert "roni@example.com" not in logged


async def test_lines_logged_during_a_request_carry_its_id(
    settings: Settings, runtime: Runtime, access: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, runtime)

    @app.get("/boom")
    async def boom() -> None:
        structlog.get_logger("asyncevents_svc.test").warning("about_to_fail")
        raise RuntimeError("boom")

    async for client in client_of(app):
        response = await client.get("/boom", headers={"X-Request-ID": "trace-me"})

    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-me"
    assert [line["request_id"] for line in lines(access, "about_to_fail")] == ["trace-me"]
    assert [line["request_id"] for line in lines(access, "unhandled_error")] == ["trace-me"]
    [line] = lines(access, "request")
    assert (line["status"], line["request_id"]) == (500, "trace-me")


async def test_the_access_log_can_be_turned_off_and_the_id_stays(
    settings: Settings, runtime: Runtime, access: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings.model_copy(update={"access_log": False}), runtime)

    async for client in client_of(app):
        response = await client.get("/health/live")

    assert NEW_ID.fullmatch(response.headers["x-request-id"])
    assert lines(access, "request") == []


async def test_a_console_page_and_its_api_calls_share_one_id(
    app: FastAPI, admin_headers: dict[str, str], access: pytest.LogCaptureFixture
) -> None:
    key = admin_headers["Authorization"].removeprefix("Bearer ")
    async for console in client_of(app):
        form = {"content-type": "application/x-www-form-urlencoded"}
        assert (await console.post("/admin/login", data={"key": key}, headers=form)).status_code == 303
        access.clear()
        page = await console.get("/admin/subscriptions", headers={"X-Request-ID": "page-7"})

    assert page.status_code == 200
    logged = lines(access, "request")
    paths = [line["path"] for line in logged]
    assert "/v1/subscriptions" in paths
    assert "/admin/subscriptions" in paths
    assert {line["request_id"] for line in logged} == {"page-7"}
