"""``GET /v1/stats/deliveries``: the attempts the worker records, per minute by outcome, with
their success rate, the worst endpoints and their last error, over the last hour or day."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.policy import Outcome
from asyncevents_svc.deliveries.repository import AttemptRecord, record_attempts
from asyncevents_svc.deliveries.retention import clean_up
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import RetentionSettings
from tests.support.rows import stored_delivery, stored_event

SUB = {"event_name": "example.ping", "recipient_url": "https://example.com/hook"}
OK = NotifierResult.delivered(40.0, status_code=200)
BUSY = NotifierResult.failed(100.0, retryable=True, status_code=503)
GONE = NotifierResult.failed(60.0, retryable=False, status_code=410)


async def a_subscription(api: httpx.AsyncClient) -> int:
    created = await api.post("/v1/subscriptions", json=SUB)
    assert created.status_code == 201, created.text
    subscription_id: int = created.json()["subscription_id"]
    return subscription_id


async def attempted(
    runtime: Runtime, subscription_id: int, at: datetime, result: NotifierResult, outcome: DeliveryStatus
) -> None:
    """One delivery of ``subscription_id`` and its attempt at ``at``, recorded as the worker
    records it (the delivery moves to ``outcome``)."""
    event_id = await stored_event(runtime, status="dispatched")
    delivery_id = await stored_delivery(runtime, event_id, subscription_id=subscription_id, status="pending")
    reason = None if result.success else f"status {result.status_code}"
    record = AttemptRecord(delivery_id, 1, at, result, Outcome(outcome, None, reason))
    async with runtime.sessions() as session, session.begin():
        await record_attempts(session, [record], now=utcnow(), excerpt_bytes=100)


def minute(at: datetime) -> str:
    return at.replace(second=0, microsecond=0).isoformat().replace("+00:00", "Z")


async def test_the_last_hour_counts_each_minute_by_outcome_and_names_the_worst_endpoint(
    runtime: Runtime, api: httpx.AsyncClient
) -> None:
    healthy, failing = await a_subscription(api), await a_subscription(api)
    now = utcnow()
    recent, earlier, yesterday = (
        now - timedelta(minutes=2),
        now - timedelta(minutes=30),
        now - timedelta(hours=3),
    )
    await attempted(runtime, healthy, recent, OK, DeliveryStatus.DELIVERED)
    await attempted(runtime, healthy, recent, OK, DeliveryStatus.DELIVERED)
    await attempted(runtime, failing, recent, BUSY, DeliveryStatus.RETRYING)
    await attempted(runtime, failing, earlier, GONE, DeliveryStatus.DEAD)
    await attempted(runtime, healthy, yesterday, OK, DeliveryStatus.DELIVERED)

    answer = await api.get("/v1/stats/deliveries", params={"period": "hour"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["totals"] == {
        "delivered": 2,
        "failed": 1,
        "dead": 1,
        "attempts": 4,
        "expired": 0,
        "success_rate": 0.5,
        "mean_ms": 60.0,  # (40 + 40 + 100 + 60) / 4
    }
    minutes = {m["at"]: m for m in body["minutes"]}
    assert len(body["minutes"]) == 60
    assert minutes[minute(recent)] == {
        "at": minute(recent),
        "delivered": 2,
        "failed": 1,
        "dead": 0,
        "expired": 0,
    }
    assert minutes[minute(earlier)] == {
        "at": minute(earlier),
        "delivered": 0,
        "failed": 0,
        "dead": 1,
        "expired": 0,
    }
    assert sum(m["delivered"] + m["failed"] + m["dead"] for m in body["minutes"]) == 4
    [worst] = body["worst_endpoints"]  # the healthy one had no failure
    assert worst["subscription_id"] == failing
    assert worst["counts"]["attempts"] == 2
    assert worst["last_error"]["status_code"] in (410, 503)
    assert worst["last_error"]["reason"].startswith("status ")


async def test_the_last_day_includes_the_hours_before_and_one_subscription_is_its_own(
    runtime: Runtime, api: httpx.AsyncClient
) -> None:
    healthy, failing = await a_subscription(api), await a_subscription(api)
    now = utcnow()
    await attempted(runtime, healthy, now - timedelta(hours=3), OK, DeliveryStatus.DELIVERED)
    await attempted(runtime, failing, now - timedelta(hours=5), BUSY, DeliveryStatus.RETRYING)
    await attempted(runtime, healthy, now - timedelta(hours=30), OK, DeliveryStatus.DELIVERED)  # too old

    day = (await api.get("/v1/stats/deliveries", params={"period": "day"})).json()
    own = (await api.get("/v1/stats/deliveries", params={"period": "day", "subscription_id": healthy})).json()
    theirs = (
        await api.get("/v1/stats/deliveries", params={"period": "day", "subscription_id": failing})
    ).json()

    assert len(day["minutes"]) == 1440
    assert (day["totals"]["delivered"], day["totals"]["failed"]) == (1, 1)
    assert (own["totals"]["delivered"], own["totals"]["failed"], own["totals"]["success_rate"]) == (1, 0, 1.0)
    assert own["worst_endpoints"] == []  # it had no failure
    [itself] = theirs["worst_endpoints"]
    assert (itself["subscription_id"], itself["last_error"]["status_code"]) == (failing, 503)


async def test_without_attempts_every_minute_is_zero_and_the_rate_is_null(api: httpx.AsyncClient) -> None:
    body = (await api.get("/v1/stats/deliveries")).json()

    assert body["period"] == "hour"
    assert body["totals"]["success_rate"] is None
    assert {(m["delivered"], m["failed"], m["dead"]) for m in body["minutes"]} == {(0, 0, 0)}
    assert body["backlog"] == {"pending": 0, "retrying": 0, "estimated": False, "scheduler_lag_seconds": 0.0}


async def test_the_backlog_counts_open_deliveries_and_the_lag_of_the_oldest_due(
    runtime: Runtime, api: httpx.AsyncClient
) -> None:
    event_id = await stored_event(runtime, status="dispatched")
    due = utcnow() - timedelta(seconds=90)
    await stored_delivery(runtime, event_id, status="retrying", next_attempt_at=due)
    await stored_delivery(runtime, event_id, status="pending", next_attempt_at=utcnow() + timedelta(hours=1))

    backlog = (await api.get("/v1/stats/deliveries")).json()["backlog"]

    assert (backlog["pending"], backlog["retrying"]) == (1, 1)
    assert 85 <= backlog["scheduler_lag_seconds"] < 200


@pytest.mark.parametrize(
    ("query", "field"), [({"period": "week"}, "period"), ({"subscription_id": "0"}, "subscription_id")]
)
async def test_a_bad_period_or_subscription_is_a_422_naming_it(
    api: httpx.AsyncClient, query: dict[str, str], field: str
) -> None:
    answer = await api.get("/v1/stats/deliveries", params=query)

    assert answer.status_code == 422
    assert field in answer.text


async def test_an_unknown_subscription_is_a_404(api: httpx.AsyncClient) -> None:
    answer = await api.get("/v1/stats/deliveries", params={"subscription_id": 999})

    assert answer.status_code == 404


async def test_retention_deletes_the_counters_past_the_cutoff_with_the_attempts(
    runtime: Runtime, api: httpx.AsyncClient
) -> None:
    subscription_id = await a_subscription(api)
    now = utcnow()
    await attempted(runtime, subscription_id, now - timedelta(days=40), OK, DeliveryStatus.DELIVERED)
    await attempted(runtime, subscription_id, now - timedelta(minutes=5), OK, DeliveryStatus.DELIVERED)

    removed = await clean_up(runtime.sessions, RetentionSettings(days=30), now=now)

    assert removed.minutes == 1
    day = (await api.get("/v1/stats/deliveries", params={"period": "day"})).json()
    assert day["totals"]["delivered"] == 1
