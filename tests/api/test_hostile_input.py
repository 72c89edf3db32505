"""Hostile input: body size and JSON depth limits, strict JSON, security headers, no stack
traces, and the length/size limits of request models and query parameters."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from asyncevents_svc.api.jsonscan import json_depth_exceeds
from asyncevents_svc.app import create_app
from asyncevents_svc.cli.serve import banner
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import SecuritySettings, Settings
from tests.support.processes import ROOT
from tests.support.rows import assert_no_event_stored

LIMIT = 2048  # bytes, in the ``limited`` app
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
API_HEADERS = {
    **SECURITY_HEADERS,
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}
JSON = {"content-type": "application/json"}


def client(app: FastAPI, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://api.test")


@pytest.fixture
async def limited(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The API with a 2 KiB body limit (and the default depth limit of 32)."""
    small = settings.model_copy(
        update={"security": settings.security.model_copy(update={"max_body_bytes": LIMIT})}
    )
    async with client(create_app(small, runtime)) as api:
        yield api


def event_body(size: int) -> bytes:
    """A valid ``example.ping`` event padded with spaces to exactly ``size`` bytes."""
    body = json.dumps({"event_name": "example.ping", "arguments": {"n": 1}}).encode()
    return body + b" " * (size - len(body))


Receive = Callable[[], Awaitable[dict[str, Any]]]


async def unread() -> dict[str, Any]:
    raise AssertionError("the body must not be read")


async def empty_body() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def post_unread(app: FastAPI, content_length: bytes) -> list[MutableMapping[str, Any]]:
    """``POST /v1/events`` with this ``Content-Length`` and a body that fails the test if the
    app reads it; returns the messages the app sent."""
    return await post_raw(app, [(b"host", b"api.test"), (b"content-length", content_length)], unread)


async def post_raw(
    app: FastAPI, headers: list[tuple[bytes, bytes]], receive: Receive
) -> list[MutableMapping[str, Any]]:
    """``POST /v1/events`` straight into the ASGI app, with exactly these headers (no client
    library to fix them up) and ``receive`` for the body; returns the messages it sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/events",
        "raw_path": b"/v1/events",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("api.test", 80),
    }
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def nested(depth: int) -> Any:
    """``depth`` arrays inside one another: ``nested(2) == [[]]``."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def assert_problem(response: httpx.Response, status: int, loc: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    if loc is not None:
        assert problem["errors"][0]["loc"] == loc, problem
    return problem


# --- body size -------------------------------------------------------------------------


async def test_a_content_length_over_the_limit_is_413(
    limited: httpx.AsyncClient, admin_headers: dict[str, str], runtime: Runtime
) -> None:
    response = await limited.post("/v1/events", content=event_body(LIMIT + 1), headers=admin_headers | JSON)

    problem = assert_problem(response, 413)
    assert problem["type"].endswith("/payload-too-large")
    assert str(LIMIT) in problem["detail"]
    await assert_no_event_stored(limited, runtime, admin_headers)


async def test_the_content_length_is_refused_before_a_byte_is_read(
    settings: Settings, runtime: Runtime
) -> None:
    sent = await post_unread(create_app(settings, runtime), content_length=str(10**12).encode())

    assert sent[0]["status"] == 413


async def test_a_chunked_body_is_counted_and_reading_stops_past_the_limit(
    limited: httpx.AsyncClient, admin_headers: dict[str, str], runtime: Runtime
) -> None:
    pulled = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(64):
            pulled += 1
            yield b" " * 512

    response = await limited.post("/v1/events", content=chunks(), headers=admin_headers | JSON)

    assert_problem(response, 413)
    assert pulled == LIMIT // 512 + 1  # the chunk that crossed the limit, and no more
    await assert_no_event_stored(limited, runtime, admin_headers)


async def test_a_chunked_body_within_the_limit_reaches_the_route(
    limited: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = event_body(LIMIT)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 300):
            yield body[start : start + 300]

    response = await limited.post("/v1/events", content=chunks(), headers=admin_headers | JSON)

    assert response.status_code == 202, response.text


async def test_a_body_of_exactly_the_limit_is_accepted(
    limited: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await limited.post("/v1/events", content=event_body(LIMIT), headers=admin_headers | JSON)

    assert response.status_code == 202, response.text


async def test_magento_routes_answer_413_in_magentos_shape(
    limited: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await limited.post("/V1/async_event", content=b" " * (LIMIT + 1), headers=admin_headers | JSON)

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"message": "The request body is larger than %1 bytes.", "parameters": [LIMIT]}


async def test_an_invalid_content_length_is_400(settings: Settings, runtime: Runtime) -> None:
    sent = await post_raw(create_app(settings, runtime), [(b"content-length", b"-1")], empty_body)

    assert sent[0]["status"] == 400


# --- JSON depth and strictness ---------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "limit", "exceeds"),
    [
        (b"{}", 1, False),
        (b"[[]]", 1, True),
        (b"[[]]", 2, False),
        (b'{"a": {"b": [1, {"c": 2}]}}', 4, False),
        (b'{"a": {"b": [1, {"c": 2}]}}', 3, True),
        (b'["[[[[[[[[", "{{{{{{{{"]', 1, False),  # brackets in strings do not count
        (b'["\\"[[[[[", "\\\\", [[]]]', 3, False),  # nor after escaped quotes
        (b'["\\"[[[[[", "\\\\", [[]]]', 2, True),
        (b"[]" * 1000, 1, False),  # wide is fine, only deep counts
        (b"[" * 100_000, 32, True),
        (b'[["x", "[[[', 2, True),  # an unterminated string hides nothing after its quote
        (b'[["x\\\\", "\\"[[[', 2, True),  # nor after an escaped backslash, nor with escaped quotes
        (b'["[[[[", [[]], "', 3, False),  # a stray last quote does not unhide a closed string
        (b'"' * 5 + b"[[[", 2, True),  # odd quotes: the last one opens an unterminated string
    ],
)
def test_json_depth_counts_brackets_outside_strings(body: bytes, limit: int, exceeds: bool) -> None:
    assert json_depth_exceeds(body, limit) is exceeds


#: Bodies that made the old string-stripping expression restart at every quote and scan
#: to the end each time (quadratic): unterminated strings full of escaped quotes.
QUADRATIC_BEFORE: dict[str, Callable[[int], bytes]] = {
    "escaped-quotes": lambda n: b"[" * 40 + b'"' + b'\\"' * (n // 2),
    "escaped-quotes-in-text": lambda n: b"[" * 40 + b'"' + b'a\\"' * (n // 3),
    "brackets-and-escapes-in-a-string": lambda n: b"[" * 40 + b'"' + b'[\\"' * (n // 3),
}


def seconds_per_call(body: bytes, limit: int = 32, budget: float = 0.05) -> float:
    """The best of three averages of ``json_depth_exceeds(body)``, each over ``budget`` seconds."""
    best = float("inf")
    for _ in range(3):
        calls, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < budget or not calls:
            json_depth_exceeds(body, limit)
            calls += 1
        best = min(best, elapsed / calls)
    return best


@pytest.mark.parametrize("shape", QUADRATIC_BEFORE)
def test_the_depth_check_takes_time_linear_in_the_body(shape: str) -> None:
    small, large = QUADRATIC_BEFORE[shape](8_000), QUADRATIC_BEFORE[shape](32_000)

    ratio = seconds_per_call(large) / seconds_per_call(small)

    assert ratio < 8, f"4 x the body took {ratio:.1f} x the time (linear: about 4, quadratic: 16)"


#: Run in a child process, so that a check that never ends fails the test instead of
#: freezing it (a C-level regular expression ignores pytest's timeout).
FIVE_MB_CHECK = """
import json, sys, time
from asyncevents_svc.api.jsonscan import json_depth_exceeds
M = 5_000_000
shapes = {
    "escaped quotes in an unterminated string": b"[" * 40 + b'"' + b'\\\\"' * (M // 2 - 21),
    "escaped quotes in a closed string": b'["' + b'\\\\"' * (M // 2 - 2) + b'"]',
    "quotes only": b'"' * M,
    "odd quotes": b'"' * (M - 1),
    "brackets between quotes": b'"["[' * (M // 4),
    "empty strings": b"[" + b'"",' * (M // 3 - 1) + b'""]',
    "open brackets": b"[" * M,
    "backslashes": b"[" * 40 + b"\\\\" * (M // 2 - 20),
}
times = {}
for name, body in shapes.items():
    started = time.perf_counter()
    json_depth_exceeds(body, 32)
    times[name] = time.perf_counter() - started
print(json.dumps(times))
"""


def test_a_5_mb_body_of_any_hostile_shape_is_checked_in_well_under_a_second_each() -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", FIVE_MB_CHECK],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("checking eight 5 MB bodies took more than 60 s")
    times: dict[str, float] = json.loads(done.stdout)

    slow = {name: round(seconds, 2) for name, seconds in times.items() if seconds > 1.0}
    assert not slow, slow


async def test_a_content_length_of_thousands_of_digits_is_413_not_500_and_leading_zeros_are_no_size(
    settings: Settings, runtime: Runtime, limited: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    # int() refuses more than 4300 digits (a ValueError, which was a 500)
    sent = await post_unread(create_app(settings, runtime), content_length=b"9" * 5000)
    body = event_body(100)
    zeros = await limited.post(
        "/v1/events", content=body, headers=admin_headers | JSON | {"content-length": "0" * 40 + "100"}
    )

    assert sent[0]["status"] == 413
    assert zeros.status_code == 202, zeros.text


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/events", {}),
        ("/v1/events", {"Authorization": "Bearer ae_000000000000_not-a-key"}),
        ("/v1/subscriptions", {"Authorization": "Basic dXNlcjpwYXNz"}),
    ],
    ids=["no-key", "unknown-key", "not-bearer"],
)
async def test_without_a_valid_key_a_hostile_json_body_is_never_read_the_answer_is_401(
    anonymous: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> None:
    # Deep, not strict JSON and an unterminated string of escapes: each used to be scanned
    # or parsed (a 422, or seconds of event loop) before the key was looked at.
    for body in (b"[" * 200_000, b'{"x": NaN}', b"[" * 40 + b'"' + b'\\"' * 2_000):
        response = await anonymous.post(path, content=body, headers=headers | JSON)

        assert_problem(response, 401)


async def test_without_a_key_a_magento_route_answers_401_in_magentos_shape_before_the_body(
    anonymous: httpx.AsyncClient,
) -> None:
    body = b"[" * 40 + b'"' + b'\\"' * 2_000

    response = await anonymous.post("/V1/async_event", content=body, headers={"content-type": "text/plain"})

    assert response.status_code == 401
    assert set(response.json()) == {"message", "parameters"}


async def test_json_deeper_than_the_limit_is_422_naming_body(
    api: httpx.AsyncClient, admin_headers: dict[str, str], runtime: Runtime
) -> None:
    body = {"event_name": "example.ping", "arguments": {"deep": nested(32)}}  # 34 levels

    response = await api.post("/v1/events", json=body, headers=admin_headers)

    problem = assert_problem(response, 422, loc="body")
    assert "deeper than 32" in problem["detail"]
    await assert_no_event_stored(api, runtime, admin_headers)


async def test_json_at_the_depth_limit_is_accepted(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"event_name": "example.ping", "arguments": {"deep": nested(30)}}  # 32 levels

    response = await api.post("/v1/events", json=body, headers=admin_headers)

    assert response.status_code == 202, response.text


async def test_json_nested_beyond_pythons_recursion_limit_is_422_not_500(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await api.post("/v1/events", content=b"[" * 200_000, headers=admin_headers | JSON)

    assert_problem(response, 422, loc="body")


async def test_brackets_inside_strings_do_not_count(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"event_name": "example.ping", "arguments": {"text": "[{" * 500}}

    response = await api.post("/v1/events", json=body, headers=admin_headers)

    assert response.status_code == 202, response.text


async def test_deep_json_without_a_content_type_is_refused_too(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    # FastAPI parses a body without Content-Type as JSON, so the scan must cover it.
    response = await api.post("/v1/subscriptions", content=b"[" * 100 + b"]" * 100, headers=admin_headers)

    assert_problem(response, 422, loc="body")


async def test_magento_routes_refuse_deep_json_with_their_400(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"asyncEvent": {"event_name": "example.ping", "recipient_url": nested(40)}}

    response = await api.post("/V1/async_event", json=body, headers=admin_headers)

    assert response.status_code == 400
    assert response.json() == {
        "message": 'Invalid value of "%1": %2',
        "parameters": ["body", "JSON nested deeper than 32 levels"],
    }


@pytest.mark.parametrize(
    "body",
    [
        b'{"event_name": "example.ping", "arguments": {"x": NaN}}',
        b'{"event_name": "example.ping", "arguments": {"x": -Infinity}}',
        b'{"event_name": "example.ping", "arguments": {"x": 1e400}}',
        b'{"event_name": "example.ping", "arguments": {"x": "\\ud800"}}',
        b'{"event_name": "example.ping", "id": "\\udfff"}',
        b'{"event_name": "example.ping", "arguments": {"x": "\xff"}}',
    ],
    ids=["nan", "infinity", "overflow", "lone-surrogate", "lone-surrogate-key", "not-utf8"],
)
async def test_json_python_accepts_but_nothing_can_store_is_422_not_500(
    api: httpx.AsyncClient, admin_headers: dict[str, str], runtime: Runtime, body: bytes
) -> None:
    response = await api.post("/v1/events", content=body, headers=admin_headers | JSON)

    problem = assert_problem(response, 422, loc="body")
    assert problem["detail"].startswith("body: not valid JSON")
    await assert_no_event_stored(api, runtime, admin_headers)


async def test_lone_surrogates_in_a_subscription_are_422_not_500(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = (
        b'{"event_name": "example.ping", "recipient_url": "https://example.com/", "description": "\\ud800"}'
    )

    response = await api.post("/v1/subscriptions", content=body, headers=admin_headers | JSON)

    assert_problem(response, 422, loc="body")


async def test_a_syntax_error_names_the_body(api: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await api.post("/v1/events", content=b'{"event_name": ', headers=admin_headers | JSON)

    assert_problem(response, 422, loc="body")


async def test_json_with_a_byte_order_mark_is_still_accepted(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await api.post(
        "/v1/events", content=b"\xef\xbb\xbf" + event_body(80), headers=admin_headers | JSON
    )

    assert response.status_code == 202, response.text


# --- security headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/health/live"),
        ("GET", "/openapi.json"),
        ("GET", "/v1/event-types"),
        ("GET", "/v1/events/00000000-0000-0000-0000-000000000000"),  # 404 problem
        ("GET", "/v1/subscriptions?limit=0"),  # 422 problem
        ("GET", "/no/such/route"),
        ("GET", "/V1/async_event/1"),  # Magento 404
        ("DELETE", "/v1/subscriptions/1"),  # 404
    ],
)
async def test_api_responses_carry_the_security_headers(
    api: httpx.AsyncClient, admin_headers: dict[str, str], method: str, path: str
) -> None:
    response = await api.request(method, path, headers=admin_headers)

    assert {name: response.headers.get(name) for name in API_HEADERS} == API_HEADERS


async def test_refusals_by_the_limits_carry_the_security_headers(
    limited: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await limited.post("/v1/events", content=b" " * (LIMIT + 1), headers=admin_headers | JSON)

    assert response.status_code == 413
    assert {name: response.headers.get(name) for name in API_HEADERS} == API_HEADERS


async def test_unauthenticated_answers_carry_the_security_headers(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/v1/subscriptions")

    assert response.status_code == 401
    assert {name: response.headers.get(name) for name in API_HEADERS} == API_HEADERS


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_docs_pages_allow_only_their_own_origin(
    api: httpx.AsyncClient, admin_headers: dict[str, str], path: str
) -> None:
    response = await api.get(path, headers=admin_headers)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; script-src 'self'")
    assert "http" not in policy  # no CDN: the assets are served from /docs/assets
    assert "cache-control" not in response.headers


async def test_hsts_is_sent_over_https_only_with_the_configured_value(
    settings: Settings, runtime: Runtime
) -> None:
    preload = "max-age=63072000; includeSubDomains; preload"
    changed = settings.model_copy(update={"security": settings.security.model_copy(update={"hsts": preload})})
    seen: dict[str, list[str | None]] = {}
    for name, app in (("default", create_app(settings, runtime)), ("changed", create_app(changed, runtime))):
        for base in ("https://api.test", "http://api.test"):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=base) as api:
                answers = [
                    await api.get("/health/live"),
                    await api.get("/v1/subscriptions"),
                    await api.get("/docs"),
                ]
            seen[f"{name} {base[:5]}"] = [a.headers.get("strict-transport-security") for a in answers]

    assert seen == {
        "default https": ["max-age=31536000"] * 3,
        "default http:": [None] * 3,
        "changed https": [preload] * 3,
        "changed http:": [None] * 3,
    }


@pytest.mark.parametrize("value", ["max-age=60\r\nSet-Cookie: x=1", "max-age=-1", "includeSubDomains"])
def test_an_hsts_setting_that_is_not_hsts_directives_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="max-age=<seconds>"):
        SecuritySettings(hsts=value)


async def test_with_docs_turned_off_the_documentation_paths_answer_404_problems(
    settings: Settings, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    closed = settings.model_copy(update={"security": settings.security.model_copy(update={"docs": False})})

    async with client(create_app(closed, runtime)) as api:
        answers = {
            path: await api.get(path, headers=admin_headers)
            for path in ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
        }
        still_served = await api.get("/v1/event-types", headers=admin_headers)

    for response in answers.values():
        assert_problem(response, 404)
    assert still_served.status_code == 200
    assert "/docs" not in banner(closed, None)
    assert "/docs" in banner(settings, None)


async def test_a_header_a_route_sets_itself_is_kept(settings: Settings, runtime: Runtime) -> None:
    app = create_app(settings, runtime)

    @app.get("/v1/cacheable")
    async def cacheable() -> Any:
        from fastapi.responses import JSONResponse

        return JSONResponse({}, headers={"Cache-Control": "max-age=60"})

    async with client(app) as api:
        response = await api.get("/v1/cacheable")

    assert response.headers["cache-control"] == "max-age=60"
    assert response.headers["x-frame-options"] == "DENY"


# --- no stack traces -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/boom", "/V1/boom"])
async def test_an_unexpected_exception_is_a_500_without_a_trace(
    settings: Settings, runtime: Runtime, admin_headers: dict[str, str], path: str
) -> None:
    app = create_app(settings, runtime)

    async def boom() -> None:
        raise RuntimeError("secret-internal-detail in /srv/app/module.py")

    app.add_api_route(path, boom)

    async with client(app, raise_app_exceptions=False) as api:
        response = await api.get(path, headers=admin_headers)

    assert response.status_code == 500
    for leak in ("Traceback", "secret-internal-detail", "RuntimeError", "module.py", 'File "', "line "):
        assert leak not in response.text
    assert {name: response.headers.get(name) for name in API_HEADERS} == API_HEADERS
    if path.startswith("/V1"):
        assert response.json() == {
            "message": "an unexpected error occurred; it has been logged",
            "parameters": [],
        }
    else:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "an unexpected error occurred; it has been logged"


# --- length and size limits of request models and parameters --------------------------


async def test_bulk_status_refuses_ids_beyond_the_id_column(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"ids": [1, 2**31], "status": "disabled"}

    response = await api.post("/v1/subscriptions/bulk-status", json=body, headers=admin_headers)

    assert_problem(response, 422, loc="ids.1")  # was a 500 (integer out of range in PostgreSQL)


async def test_a_replay_takes_at_most_four_statuses(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"status": ["dead"] * 5, "dry_run": True}

    response = await api.post("/v1/replays", json=body, headers=admin_headers)

    assert_problem(response, 422, loc="status")  # 40,000 of them were a 503 (too many SQL parameters)


async def test_the_delivery_list_takes_at_most_five_statuses(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await api.get("/v1/deliveries", params=[("status", "dead")] * 6, headers=admin_headers)

    assert_problem(response, 422, loc="status")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/deliveries", {"event_name": "a\x00b"}),
        ("/v1/deliveries", {"q": "event_name:a\x00b"}),
        ("/v1/subscriptions", {"event_name": "a\x00b"}),
        ("/v1/subscriptions", {"metadata": "a\x00b"}),
    ],
)
async def test_query_filters_refuse_nul_with_a_422_not_a_500(
    api: httpx.AsyncClient, admin_headers: dict[str, str], path: str, params: dict[str, str]
) -> None:
    response = await api.get(path, params=params, headers=admin_headers)

    [name] = params
    assert_problem(response, 422, loc=name)


@pytest.mark.parametrize("field", ["event_name", "q"])
async def test_replay_criteria_refuse_nul_with_a_422_not_a_500(
    api: httpx.AsyncClient, admin_headers: dict[str, str], field: str
) -> None:
    response = await api.post("/v1/replays", json={field: "a\x00b", "dry_run": True}, headers=admin_headers)

    assert_problem(response, 422, loc=field)


@pytest.mark.parametrize(
    ("since", "expected"),
    [("2020-01-01T00:00:00", 200), ("9999-12-31T23:59:59-01:00", 422), ("0001-01-01T00:00:00+01:00", 422)],
    ids=["naive-is-utc", "past-the-end-in-utc", "before-the-start-in-utc"],
)
async def test_replay_and_list_times_are_read_as_utc_and_refused_out_of_range(
    api: httpx.AsyncClient, admin_headers: dict[str, str], since: str, expected: int
) -> None:
    replay = await api.post("/v1/replays", json={"since": since, "dry_run": True}, headers=admin_headers)
    listed = await api.get("/v1/deliveries", params={"since": since}, headers=admin_headers)

    assert (replay.status_code, listed.status_code) == (expected, expected), replay.text  # were 500s
    if expected == 422:
        assert_problem(replay, 422, loc="since")
        assert_problem(listed, 422, loc="since")


async def test_the_idempotency_key_header_refuses_control_characters(
    api: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await api.post(
        "/v1/events",
        json={"event_name": "example.ping"},
        headers=admin_headers | {"Idempotency-Key": "key\x01"},
    )

    assert_problem(response, 422, loc="Idempotency-Key")


@pytest.mark.parametrize(
    ("field", "size"),
    [("event_name", 256), ("recipient_url", 2049), ("verification_token", 513), ("subscribed_at", 65)],
)
async def test_magento_update_bounds_the_fields_it_ignores(
    api: httpx.AsyncClient, admin_headers: dict[str, str], field: str, size: int
) -> None:
    response = await api.put(
        "/V1/async_event/1", json={"asyncEvent": {field: "x" * size}}, headers=admin_headers
    )

    assert response.status_code == 400
    assert response.json()["parameters"][0] == f"asyncEvent.{field}"


async def test_a_key_lookup_that_failed_before_the_body_fails_the_gate_too_not_a_422(
    settings: Settings, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    """The database goes away for the middleware's key lookup and is back for the gate's:
    the body was withheld, so the request must get the outage's 503, never a 422 for a body
    it did send (the fault suite's PostgreSQL restart found this)."""
    working = runtime.sessions
    calls = 0

    def away_once() -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        return working()

    runtime.keys.sessions = away_once  # type: ignore[assignment]
    body = {"events": [{"event_name": "example.ping", "arguments": {}}]}
    async with client(create_app(settings, runtime)) as http:
        response = await http.post("/v1/events/batch", json=body, headers=admin_headers)
        again = await http.post("/v1/events/batch", json=body, headers=admin_headers)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert again.status_code == 202  # the database is back: the same request is accepted
