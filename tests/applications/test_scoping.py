"""What a key bound to an application creates, lists and replays, and what an operator key
does across applications: the behaviour behind the isolation matrix."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import delete, insert, select, text, update

from asyncevents_svc.db.models import ApiKey, Application, Delivery, Event, ReplayJob, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import queries, replays
from asyncevents_svc.deliveries.service import DeliveryFilter, count_statement
from asyncevents_svc.runtime import Runtime
from tests.support.backend import SQLITE
from tests.support.keys import bearer, key_with
from tests.support.plans import plan_of, rows_read_by, scans
from tests.support.rows import stored_delivery, stored_event

SUB = {"event_name": "example.ping", "recipient_url": "https://example.com/hook"}
WRITER = (
    "subscriptions:read",
    "subscriptions:write",
    "deliveries:read",
    "deliveries:replay",
    "events:publish",
)


async def two_applications(api: httpx.AsyncClient) -> tuple[int, int]:
    erp = (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).json()["id"]
    pim = (await api.post("/v1/applications", json={"uid": "pim", "name": "PIM"})).json()["id"]
    return erp, pim


async def test_a_bound_key_creates_in_its_application_without_naming_it(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, _ = await two_applications(api)
    key = bearer(await key_with(runtime, *WRITER, application_id=erp))

    unnamed = await anonymous.post("/v1/subscriptions", json=SUB, headers=key)
    named = await anonymous.post("/v1/subscriptions", json={**SUB, "application": "erp"}, headers=key)

    assert (unnamed.status_code, named.status_code) == (201, 201)
    assert unnamed.json()["application"] == named.json()["application"] == "erp"
    shown = (await api.get(f"/v1/subscriptions/{unnamed.json()['subscription_id']}")).json()
    assert shown["application"] == "erp"  # as the operator sees it too


async def test_naming_another_application_is_the_same_422_as_naming_none_that_exists(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, _ = await two_applications(api)
    key = bearer(await key_with(runtime, *WRITER, application_id=erp))

    other = await anonymous.post("/v1/subscriptions", json={**SUB, "application": "pim"}, headers=key)
    unknown = await anonymous.post("/v1/subscriptions", json={**SUB, "application": "nope"}, headers=key)

    assert other.status_code == unknown.status_code == 422
    assert other.json()["errors"][0]["loc"] == unknown.json()["errors"][0]["loc"] == "application"
    assert other.json()["detail"].replace("pim", "X") == unknown.json()["detail"].replace("nope", "X")
    listed = (await api.get("/v1/subscriptions")).json()["items"]
    assert listed == []  # neither was created


async def test_an_operator_creates_in_default_or_in_the_named_application_and_filters_by_it(
    api: httpx.AsyncClient,
) -> None:
    await two_applications(api)

    default = await api.post("/v1/subscriptions", json=SUB)
    erp = await api.post("/v1/subscriptions", json={**SUB, "application": "erp"})
    unknown = await api.post("/v1/subscriptions", json={**SUB, "application": "nope"})

    assert default.json()["application"] == "default"
    assert erp.json()["application"] == "erp"
    assert unknown.status_code == 422
    everything = (await api.get("/v1/subscriptions")).json()["items"]
    only_erp = (await api.get("/v1/subscriptions", params={"application": "erp"})).json()["items"]
    assert [s["application"] for s in everything] == ["default", "erp"]
    assert [s["subscription_id"] for s in only_erp] == [erp.json()["subscription_id"]]
    assert (await api.get("/v1/subscriptions", params={"application": "nope"})).status_code == 422


async def test_every_native_subscription_response_names_its_application(api: httpx.AsyncClient) -> None:
    await two_applications(api)
    created = (await api.post("/v1/subscriptions", json={**SUB, "application": "pim"})).json()
    ref = f"/v1/subscriptions/{created['subscription_id']}"

    answers = [
        created,
        (await api.get(ref)).json(),
        (await api.patch(ref, json={"description": "d"})).json(),
        (await api.get("/v1/subscriptions")).json()["items"][0],
    ]

    assert [a["application"] for a in answers] == ["pim"] * 4


async def test_the_magento_routes_create_in_default_for_an_operator_and_keep_their_shape(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, _ = await two_applications(api)
    body = {"asyncEvent": {**SUB, "metadata": "http"}}
    bound = bearer(await key_with(runtime, *WRITER, application_id=erp))

    by_operator = await api.post("/V1/async_event", json=body)
    by_bound = await anonymous.post("/V1/async_event", json=body, headers=bound)

    assert "application" not in by_operator.json()
    assert set(by_operator.json()) == set(by_bound.json())
    owners = {
        s["subscription_id"]: s["application"] for s in (await api.get("/v1/subscriptions")).json()["items"]
    }
    assert owners == {
        by_operator.json()["subscription_id"]: "default",
        by_bound.json()["subscription_id"]: "erp",
    }


async def test_two_keys_of_one_application_share_idempotency_keys_and_another_application_does_not(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, pim = await two_applications(api)
    first = bearer(await key_with(runtime, "events:publish", application_id=erp))
    second = bearer(await key_with(runtime, "events:publish", application_id=erp))
    other = bearer(await key_with(runtime, "events:publish", application_id=pim))
    event = {"event_name": "example.ping", "id": "order-1"}

    original = (await anonymous.post("/v1/events", json=event, headers=first)).json()
    repeat = (await anonymous.post("/v1/events", json=event, headers=second)).json()
    elsewhere = (await anonymous.post("/v1/events", json=event, headers=other)).json()

    assert (repeat["id"], repeat["duplicate"]) == (original["id"], True)
    assert elsewhere["id"] != original["id"]
    assert elsewhere["duplicate"] is False
    async with runtime.sessions() as session:
        scopes = dict((await session.execute(select(Event.id, Event.idempotency_scope))).all())
    assert scopes == {uuid.UUID(original["id"]): f"app:{erp}", uuid.UUID(elsewhere["id"]): f"app:{pim}"}


async def test_an_operator_names_the_application_an_event_goes_to_and_a_bound_key_only_its_own(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, _ = await two_applications(api)
    bound = bearer(await key_with(runtime, "events:publish", application_id=erp))

    to_all = (await api.post("/v1/events", json={"event_name": "example.ping"})).json()
    to_pim = (await api.post("/v1/events", json={"event_name": "example.ping", "application": "pim"})).json()
    own = (await anonymous.post("/v1/events", json={"event_name": "example.ping"}, headers=bound)).json()
    refused = await anonymous.post(
        "/v1/events", json={"event_name": "example.ping", "application": "pim"}, headers=bound
    )
    batch = await anonymous.post(
        "/v1/events/batch",
        json={
            "events": [{"event_name": "example.ping"}, {"event_name": "example.ping", "application": "pim"}]
        },
        headers=bound,
    )

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == "application"
    assert [r["status"] for r in batch.json()["results"]] == [202, 422]
    async with runtime.sessions() as session:
        stored = dict((await session.execute(select(Event.id, Event.application_id))).all())
    pim = (await api.get("/v1/applications/pim")).json()["id"]
    batched = uuid.UUID(batch.json()["results"][0]["id"])
    assert stored == {
        uuid.UUID(to_all["id"]): None,
        uuid.UUID(to_pim["id"]): pim,
        uuid.UUID(own["id"]): erp,
        batched: erp,
    }


async def dead_delivery_of(
    runtime: Runtime, api: httpx.AsyncClient, uid: str, application_id: int
) -> uuid.UUID:
    sub = (await api.post("/v1/subscriptions", json={**SUB, "application": uid})).json()["subscription_id"]
    event = await stored_event(runtime, status="dispatched", payload={"n": 1})
    return await stored_delivery(
        runtime, event, subscription_id=sub, application_id=application_id, status="dead", attempts=1
    )


async def test_a_bound_keys_replay_job_is_its_applications_and_replays_only_its_deliveries(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, pim = await two_applications(api)
    mine = await dead_delivery_of(runtime, api, "erp", erp)
    theirs = await dead_delivery_of(runtime, api, "pim", pim)
    key = bearer(await key_with(runtime, *WRITER, application_id=erp))
    their_key = bearer(await key_with(runtime, *WRITER, application_id=pim))

    started = await anonymous.post("/v1/replays", json={"status": ["dead"]}, headers=key)
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    await replays.run_job(runtime.sessions, uuid.UUID(job_id), budget=5.0)

    async with runtime.sessions() as session:
        job = await session.get(ReplayJob, uuid.UUID(job_id))
        statuses = dict((await session.execute(select(Delivery.id, Delivery.status))).all())
    assert job is not None
    assert (job.application_id, job.replayed) == (erp, 1)
    assert statuses == {mine: "pending", theirs: "dead"}
    assert (await anonymous.get(f"/v1/replays/{job_id}", headers=key)).json()["replayed"] == 1
    assert (await anonymous.get(f"/v1/replays/{job_id}", headers=their_key)).status_code == 404
    assert (await api.get(f"/v1/replays/{job_id}")).status_code == 200  # an operator sees every job


async def test_an_operator_narrows_deliveries_and_bulk_replays_to_one_application(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, pim = await two_applications(api)
    mine = await dead_delivery_of(runtime, api, "erp", erp)
    await dead_delivery_of(runtime, api, "pim", pim)

    listed = (await api.get("/v1/deliveries", params={"application": "erp"})).json()["items"]
    everything = (await api.get("/v1/deliveries")).json()["items"]
    counted = (await api.post("/v1/replays", json={"application": "erp", "dry_run": True})).json()
    all_counted = (await api.post("/v1/replays", json={"dry_run": True})).json()

    assert [d["id"] for d in listed] == [str(mine)]
    assert len(everything) == 2
    assert (counted["count"], all_counted["count"]) == (1, 2)


async def test_a_bound_key_sees_an_event_for_all_through_its_delivery_and_only_its_own_part(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, pim = await two_applications(api)
    mine = (await api.post("/v1/subscriptions", json={**SUB, "application": "erp"})).json()["subscription_id"]
    skipped_mine = (await api.post("/v1/subscriptions", json={**SUB, "application": "erp"})).json()
    theirs = (await api.post("/v1/subscriptions", json={**SUB, "application": "pim"})).json()
    skips = [
        {"subscription_id": skipped_mine["subscription_id"], "reason": "filter: n"},
        {"subscription_id": theirs["subscription_id"], "reason": "filter: n"},
    ]
    event = await stored_event(runtime, status="dispatched", payload={"n": 1}, skipped=skips)
    own = await stored_delivery(runtime, event, subscription_id=mine, application_id=erp)
    await stored_delivery(runtime, event, subscription_id=theirs["subscription_id"], application_id=pim)
    key = bearer(await key_with(runtime, "deliveries:read", application_id=erp))

    shown = (await anonymous.get(f"/v1/events/{event}", headers=key)).json()

    assert [d["id"] for d in shown["deliveries"]] == [str(own)]
    assert shown["skipped"] == skips[:1]
    assert len((await api.get(f"/v1/events/{event}")).json()["deliveries"]) == 2


async def store_deliveries(
    runtime: Runtime, subscription_id: int, owner_and_status: Callable[[int], tuple[int, str]]
) -> None:
    """6,000 deliveries of one event to ``subscription_id``; the ``n``-th one's application
    and status are ``owner_and_status(n)``."""
    event = await stored_event(runtime, status="dispatched", payload={"n": 1})
    now = utcnow()
    rows = []
    for n in range(6000):
        application_id, status = owner_and_status(n)
        rows.append(
            {
                "id": uuid.uuid4(),
                "event_id": event,
                "subscription_id": subscription_id,
                "application_id": application_id,
                "notifier": "http",
                "status": status,
                "attempts": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Delivery), rows)


@pytest.mark.postgres
@pytest.mark.skipif(SQLITE, reason="EXPLAIN of PostgreSQL's planner")
async def test_a_bound_keys_first_page_reads_about_a_page_of_its_own_deliveries(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, pim = await two_applications(api)
    # The bound application owns one delivery in ten: walking the whole log's index and
    # filtering would read ten rows for each one shown, sorting its own would read all 600.
    await store_deliveries(runtime, 1, lambda n: (erp if n % 10 == 0 else (pim, 1)[n % 2], "delivered"))
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE deliveries"))
        await connection.execute(text("ANALYZE events"))

    read = await rows_read_by(
        runtime.engine, queries.page_statement(DeliveryFilter(application_id=erp), None, 51)
    )

    assert read < 200, f"a page of 51 read {read} rows (the application owns 600 of 6000)"


@pytest.mark.postgres
@pytest.mark.skipif(SQLITE, reason="EXPLAIN of PostgreSQL's planner")
async def test_a_bound_keys_dry_run_count_reads_its_index_and_no_table_page(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp, pim = await two_applications(api)
    async with runtime.sessions() as session, session.begin():
        sub = Subscription(
            event_name="example.ping", recipient_url="http://x", token_encrypted="t", application_id=erp
        )
        session.add(sub)
    # The count checks each dead letter's subscription: in the heap, that is a table page a
    # row (at 10 M rows, mostly not in memory); in the index, none.
    await store_deliveries(runtime, sub.id, lambda n: (erp, "dead") if n % 10 == 0 else (pim, "delivered"))
    async with runtime.engine.connect() as connection:
        # Statistics and the visibility map, as autovacuum keeps them.
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE deliveries"))

    plan = await plan_of(
        runtime.engine, count_statement(DeliveryFilter(status=("dead",), application_id=erp), cap=10_000)
    )

    read = [node for node in scans(plan) if node.get("Relation Name") == "deliveries"]
    assert [(node["Node Type"], node["Index Name"]) for node in read] == [
        ("Index Only Scan", "ix_deliveries_application_status")
    ]
    assert read[0]["Actual Rows"] == 600


async def test_a_cached_key_of_an_application_deleted_elsewhere_gets_a_404_not_a_500(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    app_id = (await api.post("/v1/applications", json={"uid": "gone", "name": "Gone"})).json()["id"]
    key = await key_with(runtime, "subscriptions:read", "subscriptions:write", application_id=app_id)
    assert (await api.get("/v1/subscriptions", headers=bearer(key))).status_code == 200  # cached now
    # Another process deletes the application (this process keeps trusting the key for seconds).
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(ApiKey).where(ApiKey.application_id == app_id).values(revoked_at=utcnow())
        )
        await session.execute(delete(Application).where(Application.id == app_id))

    created = await api.post(
        "/v1/subscriptions",
        headers=bearer(key),
        json={"event_name": "example.ping", "recipient_url": "https://example.com/a"},
    )

    assert created.status_code == 404, created.text
