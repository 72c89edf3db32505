"""A full run's logs and database contain no token or API key in plain text."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = pytest.mark.embedded

BOOTSTRAP = "ae_25c9a73b6c65_on7NZIIpT_BhU9UzOWHqjVSIx7n3IOQ-iMz_mpG-8l4"
TOKENS = ["first-token-must-not-leak-0001", "second-token-must-not-leak-0002"]
HEADER_SECRET = "Bearer custom-header-must-not-leak-0003"


async def test_no_secret_appears_in_logs_or_in_the_database(
    serve: tuple[str, Start], receiver: Receiver, tmp_path: Path
) -> None:
    base, start = serve
    process = start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=BOOTSTRAP, ASYNCEVENTS_LOG_LEVEL="DEBUG")
    admin = await until_up(base, BOOTSTRAP)
    created = (await admin.post("/v1/keys", json={"name": "pub", "scopes": ["events:publish"]})).json()
    publisher_key = created["key"]
    sub = await admin.post(
        "/v1/subscriptions",
        json={
            "event_name": "sales.order.created",
            "recipient_url": f"{receiver.url}/flaky/1",
            "verification_token": TOKENS[0],
            "headers": {"Authorization": HEADER_SECRET},
        },
    )
    generated = (
        await admin.post(
            "/v1/subscriptions", json={"event_name": "example.ping", "recipient_url": f"{receiver.url}/ok"}
        )
    ).json()["verification_token"]
    await admin.patch(
        f"/v1/subscriptions/{sub.json()['subscription_id']}", json={"verification_token": TOKENS[1]}
    )
    publisher = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {publisher_key}"})
    for n in range(3):
        assert (
            await publisher.post(
                "/v1/events", json={"event_name": "sales.order.created", "arguments": {"id": n}}
            )
        ).status_code == 202
    assert (
        await publisher.post("/v1/events", json={"event_name": "example.ping", "arguments": {}})
    ).status_code == 202
    # /flaky/1 fails its very first request only: 3 orders + 1 retry, and the ping.
    await receiver.wait_for(5, timeout=30)
    await admin.get("/v1/deliveries")
    await publisher.aclose()
    await admin.aclose()
    process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(process.wait, 30) == 0

    assert all(r.headers["authorization"] == HEADER_SECRET for r in receiver.on("/flaky/1"))
    secrets = [BOOTSTRAP, publisher_key, generated, *TOKENS, HEADER_SECRET]
    log = (tmp_path / "serve.log").read_bytes()
    assert b"attempt" in log, "the log should show the run (DEBUG level)"
    stored = b"".join(path.read_bytes() for path in (tmp_path / "var").glob("asyncevents.db*"))
    assert len(stored) > 10_000
    for secret in secrets:
        assert secret.encode() not in log, f"{secret[:6]}… is in the log"
        assert secret.encode() not in stored, f"{secret[:6]}… is in the database"


@pytest.mark.postgres
async def test_a_postgres_dump_holds_no_token_or_key(
    api: httpx.AsyncClient, worker: object, receiver: Receiver, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.fail("this test needs the PostgreSQL backend")
    key = (await api.post("/v1/keys", json={"name": "pub", "scopes": ["events:publish"]})).json()["key"]
    sub = await api.post(
        "/v1/subscriptions",
        json={
            "event_name": "sales.order.created",
            "recipient_url": f"{receiver.url}/ok",
            "verification_token": TOKENS[0],
            "headers": {"Authorization": HEADER_SECRET},
        },
    )
    await api.patch(
        f"/v1/subscriptions/{sub.json()['subscription_id']}", json={"verification_token": TOKENS[1]}
    )
    published = await api.post(
        "/v1/events",
        json={"event_name": "sales.order.created", "arguments": {"id": 1}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert published.status_code == 202
    await receiver.wait_for(1)
    admin_key = api.headers["authorization"].removeprefix("Bearer ")

    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    dump = await asyncio.to_thread(
        subprocess.run, ["pg_dump", "--data-only", dsn], capture_output=True, check=True, timeout=60
    )

    assert b"sales.order.created" in dump.stdout
    for secret in (key, admin_key, *TOKENS, HEADER_SECRET):
        assert secret.encode() not in dump.stdout, f"{secret[:6]}… is in the dump"
