"""A request without a valid API key costs the event loop nothing that grows with its body:
the API, served by uvicorn as in production (the ``api_process`` fixture), answers
``/health/live`` at once while such requests are in flight."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

#: 64 KB that used to stall the event loop for tens of seconds before the key was looked
#: at: an unterminated string full of escaped quotes, behind enough brackets to be scanned.
HOSTILE = b"[" * 40 + b'"' + b'\\"' * 32_000

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def send_raw(base: str, path: str, content_type: str, body: bytes) -> Connection:
    """Write a whole request without a key; the connection its answer will come on."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    return reader, writer


async def status_of(connection: Connection) -> int:
    reader, _ = connection
    status_line = await reader.readline()
    await reader.read()  # the rest, until the server closes (Connection: close)
    return int(status_line.split()[1])


async def test_health_answers_in_well_under_a_second_while_unauthenticated_hostile_bodies_are_in_flight(
    api_process: str,
) -> None:
    in_flight = [
        await send_raw(api_process, "/V1/async_event", "text/plain", HOSTILE),
        await send_raw(api_process, "/v1/events", "application/json", HOSTILE),
    ]
    try:
        async with httpx.AsyncClient(base_url=api_process, timeout=5) as client:
            started = time.perf_counter()
            try:
                health = await client.get("/health/live")
            except httpx.TimeoutException:
                pytest.fail("/health/live did not answer within 5 s")
            took = time.perf_counter() - started

        assert health.status_code == 200
        assert took < 1.0, f"/health/live took {took:.2f} s"
        async with asyncio.timeout(10):
            assert [await status_of(connection) for connection in in_flight] == [401, 401]
    finally:
        for _, writer in in_flight:
            writer.close()
