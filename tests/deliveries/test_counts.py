"""Counts stop at a cap: a dry run costs what a page costs, however many deliveries match,
and says when there are more."""

from __future__ import annotations

from asyncevents_svc.db.models import Subscription
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable
from asyncevents_svc.runtime import Runtime
from tests.support.rows import stored_delivery, stored_event

DEAD = DeliveryFilter(status=("dead",))


async def five_dead(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        sub = Subscription(event_name="example.ping", recipient_url="http://x", token_encrypted="t")
        session.add(sub)
        await session.commit()
    event_id = await stored_event(runtime, status="dispatched")
    for _ in range(5):
        await stored_delivery(runtime, event_id, subscription_id=sub.id, status="dead", attempts=1)


async def test_a_count_past_its_cap_says_there_are_more(runtime: Runtime) -> None:
    await five_dead(runtime)
    async with runtime.sessions() as session:
        capped = await count_replayable(session, DEAD, budget=5.0, cap=3)
        exact = await count_replayable(session, DEAD, budget=5.0, cap=5)
        whole = await count_replayable(session, DEAD, budget=5.0, cap=None)

    assert (capped.value, capped.more) == (3, True)
    assert (exact.value, exact.more) == (5, False)
    assert (whole.value, whole.more) == (5, False)
