"""The delivery statistics read the period's per-minute counters through an index and
nothing else: what an hour or a day costs does not grow with the days kept before it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text

from asyncevents_svc.db.models import AttemptMinute
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import stats
from asyncevents_svc.deliveries.minutes import minute_of
from asyncevents_svc.runtime import Runtime
from tests.support.plans import rows_read_by

pytestmark = pytest.mark.postgres
DAYS = 7  # kept before the period
SUBSCRIPTIONS = 4  # each with attempts every 10 minutes; 1 and 2 are application 7's
ERP = 7


async def a_week_of_counters(runtime: Runtime) -> None:
    now = minute_of(utcnow())
    rows: list[dict[str, Any]] = [
        {
            "minute": now - timedelta(minutes=10 * n),
            "subscription_id": sub,
            "application_id": ERP if sub <= 2 else 8,
            "delivered": 5,
            "failed": 1,
            "dead": 0,
            "duration_ms": 300.0,
        }
        for n in range(DAYS * 144)
        for sub in range(1, SUBSCRIPTIONS + 1)
    ]
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(AttemptMinute), rows)
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE attempt_minutes"))


IN_PERIOD = {stats.Period.HOUR: 6 * SUBSCRIPTIONS, stats.Period.DAY: 144 * SUBSCRIPTIONS}


@pytest.mark.parametrize("period", list(stats.Period))
@pytest.mark.parametrize("application_id", [None, ERP], ids=["all", "one application"])
async def test_the_series_and_the_worst_endpoints_read_only_the_periods_counters(
    runtime: Runtime, period: stats.Period, application_id: int | None
) -> None:
    await a_week_of_counters(runtime)
    since = stats.period_start(period, utcnow())
    in_period = IN_PERIOD[period]  # every application's: on a small table the planner may
    # prefer the time index to the application's, but never reads past the period

    for statement in (
        stats.series_statement(since, application_id),
        stats.worst_statement(since, application_id),
    ):
        read = await rows_read_by(runtime.engine, statement)
        # the period's rows (a minute's rows at the edge aside), not the week's 4,032: a
        # bitmap scan counts its index and its heap, and after the whole suite's other tables
        # the planner may read the period twice over (3.1 times its rows seen in CI)
        assert read <= 4 * (in_period + SUBSCRIPTIONS) + 16, (period, read)


async def test_one_subscriptions_day_reads_its_own_counters(runtime: Runtime) -> None:
    await a_week_of_counters(runtime)
    since = stats.period_start(stats.Period.DAY, utcnow())

    read = await rows_read_by(runtime.engine, stats.series_statement(since, ERP, 1))

    assert read <= 3 * IN_PERIOD[stats.Period.DAY]  # the day's, not the week's
