"""Counts that cost what a page costs: exact up to the cap, PostgreSQL's estimate above it
(the metrics' gauges at 10 M deliveries read 1.5 s of rows a scrape before)."""

from __future__ import annotations

from sqlalchemy import select, text

from asyncevents_svc.db.counting import Tally, tally
from asyncevents_svc.db.models import Delivery
from asyncevents_svc.runtime import Runtime
from tests.support.rows import stored_delivery, stored_event


async def dead_letters(runtime: Runtime, n: int) -> None:
    event_id = await stored_event(runtime, status="dispatched")
    for _ in range(n):
        await stored_delivery(runtime, event_id, status="dead", next_attempt_at=None)


async def count_dead(runtime: Runtime, cap: int) -> Tally:
    async with runtime.sessions() as session:
        return await tally(session, select(Delivery.id).where(Delivery.status == "dead"), cap=cap)


async def test_up_to_the_cap_the_count_is_exact(runtime: Runtime) -> None:
    await dead_letters(runtime, 12)

    assert await count_dead(runtime, cap=12) == Tally(12, estimated=False)
    assert await count_dead(runtime, cap=100) == Tally(12, estimated=False)


async def test_above_the_cap_postgresql_estimates_and_says_so_and_sqlite_counts(runtime: Runtime) -> None:
    await dead_letters(runtime, 40)
    if runtime.engine.dialect.name == "sqlite":  # no planner estimate: small databases count
        assert await count_dead(runtime, cap=10) == Tally(40, estimated=False)
        return
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE deliveries"))

    count = await count_dead(runtime, cap=10)

    assert count.estimated
    assert 30 <= count.value <= 50  # the statistics' figure, more than the cap in any case
