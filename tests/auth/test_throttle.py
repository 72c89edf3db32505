"""Failed authentications are budgeted per client address: past the budget (20, refilled over
a minute) that address gets 429 with Retry-After on every authenticated path — native /v1,
Magento /V1 (in Magento's shape), /metrics, a worker's own /metrics and the console's
sign-in — at no database cost, while the same valid key from another address works at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from asyncevents_svc.app import create_app
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import start_metrics_server
from tests.support.keys import bearer, key_with
from tests.support.serving import free_port

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.9"
BUDGET = 20  # the default ASYNCEVENTS_SECURITY__AUTH_FAILURE_BUDGET
FORM = {"content-type": "application/x-www-form-urlencoded"}


def wrong(n: int) -> dict[str, str]:
    """A well-formed key that exists nowhere (so verifying it costs a lookup)."""
    return {"Authorization": f"Bearer ae_{n:012x}_{'x' * 43}"}


@asynccontextmanager
async def from_address(app: FastAPI, host: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the in-process app whose requests come from ``host``."""
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements sent to the database meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def burst(client: httpx.AsyncClient, headers: list[dict[str, str]]) -> list[int]:
    """The status codes of one request per entry of ``headers``, all sent at once."""
    answers = await asyncio.gather(*(client.get("/v1/subscriptions", headers=h) for h in headers))
    return [answer.status_code for answer in answers]


def throttled_settings(settings: Settings, **security: Any) -> Settings:
    return settings.model_copy(update={"security": settings.security.model_copy(update=security)})


@asynccontextmanager
async def app_with(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings, build_runtime(settings))
    async with application.router.lifespan_context(application):
        yield application


async def test_wrong_keys_past_the_budget_get_429_without_a_lookup_and_elsewhere_a_key_works(
    app: FastAPI, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    fresh = await key_with(runtime, "admin")  # valid, never used yet: not in any cache
    async with from_address(app, ATTACKER) as attacker, from_address(app, ELSEWHERE) as elsewhere:
        for n in range(BUDGET):
            assert (await attacker.get("/v1/subscriptions", headers=wrong(n))).status_code == 401

        with statements(runtime.engine) as sent:
            refused = await attacker.get("/v1/subscriptions", headers=wrong(BUDGET))
            valid_from_there = await attacker.get("/v1/subscriptions", headers=bearer(fresh))
            metrics = await attacker.get("/metrics", headers=wrong(BUDGET + 1))
        assert sent == [], "a throttled attempt costs no database work"

        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert 1 <= int(refused.headers["retry-after"]) <= 3  # one failure more every 3 s
        assert refused.json()["status"] == 429
        assert "too many failed authentication attempts" in refused.json()["detail"].lower()
        assert valid_from_there.status_code == 429  # an uncached key waits there too
        assert metrics.status_code == 429

        assert (await elsewhere.get("/v1/subscriptions", headers=bearer(fresh))).status_code == 200
        assert (await elsewhere.get("/v1/subscriptions", headers=admin_headers)).status_code == 200


async def test_a_burst_with_one_valid_uncached_key_is_never_throttled(app: FastAPI, runtime: Runtime) -> None:
    """Found by make bench: 32 concurrent first requests with the bootstrap key got 429s,
    each having taken a token before the one shared lookup answered."""
    fresh = await key_with(runtime, "admin")  # valid, never used yet: not in any cache
    async with from_address(app, ATTACKER) as attacker:
        codes = await burst(attacker, [bearer(fresh)] * (3 * BUDGET))
        assert codes == [200] * (3 * BUDGET)
        # and the budget is whole: a wrong key after the burst is a 401, not a 429
        assert (await attacker.get("/v1/subscriptions", headers=wrong(0))).status_code == 401


async def test_a_burst_of_one_wrong_key_repeated_counts_every_request_against_the_budget(
    app: FastAPI, runtime: Runtime
) -> None:
    async with from_address(app, ATTACKER) as attacker:
        with statements(runtime.engine) as sent:
            codes = await burst(attacker, [wrong(1)] * (3 * BUDGET))
    assert codes.count(401) == BUDGET
    assert codes.count(429) == 2 * BUDGET
    assert len(sent) <= 1, "requests joining one lookup cost no query"


async def test_a_burst_of_300_wrong_keys_at_once_costs_at_most_the_budget_in_lookups(
    app: FastAPI, runtime: Runtime
) -> None:
    async with from_address(app, ATTACKER) as attacker:
        with statements(runtime.engine) as sent:
            codes = await burst(attacker, [wrong(n) for n in range(300)])
    assert codes.count(401) == BUDGET
    assert codes.count(429) == 300 - BUDGET
    assert len(sent) <= BUDGET


async def test_the_budget_refills_one_failure_at_a_time(settings: Settings, runtime: Runtime) -> None:
    async with (
        app_with(throttled_settings(settings, auth_failure_budget=2, auth_failure_window=2.0)) as app,
        from_address(app, ATTACKER) as attacker,
    ):
        assert [(await attacker.get("/v1/keys", headers=wrong(n))).status_code for n in (1, 2)] == [401, 401]
        refused = await attacker.get("/v1/keys", headers=wrong(3))
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"  # one token back per second

        async with asyncio.timeout(5):
            while (answer := await attacker.get("/v1/keys", headers=wrong(4))).status_code == 429:
                await asyncio.sleep(0.1)
        assert answer.status_code == 401  # one more try was allowed...
        assert (await attacker.get("/v1/keys", headers=wrong(5))).status_code == 429  # ...one only


async def test_the_magento_routes_answer_429_in_magentos_shape(app: FastAPI) -> None:
    async with from_address(app, ATTACKER) as attacker:
        for n in range(BUDGET):
            assert (await attacker.get("/V1/async_event/1", headers=wrong(n))).status_code == 401
        refused = await attacker.get("/rest/V1/async_events?searchCriteria=", headers=wrong(BUDGET))

    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert refused.json() == {
        "message": "Too many failed authentication attempts from this address; retry in %1 seconds.",
        "parameters": [wait],
    }


async def test_the_console_sign_in_shares_the_budget_and_shows_its_page_with_retry_after(
    app: FastAPI, admin_headers: dict[str, str]
) -> None:
    key = admin_headers["Authorization"].removeprefix("Bearer ")
    async with from_address(app, ATTACKER) as attacker, from_address(app, ELSEWHERE) as elsewhere:
        for n in range(BUDGET // 2):  # half the budget spent on the API...
            assert (await attacker.get("/v1/subscriptions", headers=wrong(n))).status_code == 401
        for n in range(BUDGET // 2):  # ...half on the console
            signed = await attacker.post("/admin/login", data={"key": f"guess-{n}"}, headers=FORM)
            assert signed.status_code == 401
        refused = await attacker.post("/admin/login", data={"key": key}, headers=FORM)

        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 3
        assert refused.headers["content-type"].startswith("text/html")
        assert "Too many failed sign-ins from this address" in refused.text
        assert "set-cookie" not in refused.headers

        accepted = await elsewhere.post("/admin/login", data={"key": key}, headers=FORM)
        assert accepted.status_code == 303
        assert (await elsewhere.get("/admin/subscriptions")).status_code == 200


async def test_many_addresses_cannot_grow_the_table_past_its_cap(settings: Settings) -> None:
    capped = throttled_settings(settings, auth_failure_budget=1, auth_failure_clients=2)
    async with app_with(capped) as app:
        async with from_address(app, ATTACKER) as first:
            assert (await first.get("/v1/keys", headers=wrong(1))).status_code == 401
            assert (await first.get("/v1/keys", headers=wrong(2))).status_code == 429
        for host in ("192.0.2.1", "192.0.2.2"):  # two more addresses push the oldest out
            async with from_address(app, host) as other:
                assert (await other.get("/v1/keys", headers=wrong(3))).status_code == 401
        async with from_address(app, ATTACKER) as first:
            assert (await first.get("/v1/keys", headers=wrong(4))).status_code == 401


async def test_a_worker_metrics_server_throttles_through_the_same_verifier(
    settings: Settings, runtime: Runtime
) -> None:
    port = free_port()
    changed = throttled_settings(settings, auth_failure_budget=3).model_copy(
        update={"worker": settings.worker.model_copy(update={"metrics_port": port})}
    )
    worker_runtime = build_runtime(changed)
    server = await start_metrics_server(worker_runtime)
    assert server is not None
    scraper = await key_with(runtime, "metrics:read")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            codes = [(await client.get("/metrics", headers=wrong(n))).status_code for n in range(3)]
            refused = await client.get("/metrics", headers=bearer(scraper))
    finally:
        await server.cleanup()
        await worker_runtime.close()
    assert codes == [401, 401, 401]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20
