"""``GET /v1/stats/deliveries``: attempts per minute by outcome over the last hour or day,
the success rate, the worst endpoints, the backlog and the scheduler lag (the console's
overview; a subscription's own with ``subscription_id``). A key bound to an application
gets its application's figures only; the scheduler lag is the service's (as
``/health/ready`` shows it to anyone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from asyncevents_svc.api.deps import CallerDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import scope
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import stats
from asyncevents_svc.errors import NotFound
from asyncevents_svc.textchecks import Line

router = APIRouter(tags=["deliveries"], dependencies=[Depends(authorize)], responses=PROBLEM_RESPONSES)


class StatsCountsOut(BaseModel):
    delivered: int = Field(description="Attempts that succeeded.", examples=[1180])
    failed: int = Field(description="Failed attempts whose delivery will be retried.", examples=[14])
    dead: int = Field(
        description="Failed attempts that were their delivery's last (dead letters).", examples=[2]
    )
    attempts: int = Field(
        description="Attempts made in the period (delivered + failed + dead).", examples=[1196]
    )
    expired: int = Field(
        0,
        description="Deliveries that passed their deadline (`expires_at`) undelivered in the period: "
        "not attempts (an expiring delivery's last failed attempt is in `failed`).",
        examples=[0],
    )
    success_rate: float | None = Field(
        description="delivered / attempts; null without attempts.", examples=[0.9866]
    )
    mean_ms: float | None = Field(
        description="Mean attempt duration; null without attempts.", examples=[84.5]
    )

    @classmethod
    def of(cls, counts: stats.Counts) -> StatsCountsOut:
        return cls(
            delivered=counts.delivered,
            failed=counts.failed,
            dead=counts.dead,
            attempts=counts.attempts,
            expired=counts.expired,
            success_rate=counts.success_rate,
            mean_ms=counts.mean_ms,
        )


class MinuteOut(BaseModel):
    at: datetime = Field(description="The minute's start (UTC).")
    delivered: int = Field(description="Successful attempts in the minute.", examples=[20])
    failed: int = Field(description="Failed attempts to be retried.", examples=[1])
    dead: int = Field(description="Failed attempts that were their delivery's last.", examples=[0])
    expired: int = Field(0, description="Deliveries that expired in the minute.", examples=[0])


class StatsErrorOut(BaseModel):
    at: datetime | None = Field(description="When the failed attempt started (UTC).")
    status_code: int | None = Field(
        description="The endpoint's answer; null for no answer (a timeout, a refused connection).",
        examples=[503],
    )
    reason: str | None = Field(
        description="The service's reason (never a response body).", examples=["status 503"]
    )


class WorstEndpointOut(BaseModel):
    subscription_id: int = Field(description="The subscription (the endpoint) counted.", examples=[7])
    counts: StatsCountsOut = Field(description="Its attempts in the period.")
    last_error: StatsErrorOut | None = Field(description="Its newest failed attempt; null if none is kept.")


class BacklogOut(BaseModel):
    pending: int = Field(description="Deliveries due for their first attempt.", examples=[3])
    retrying: int = Field(description="Deliveries waiting for a retry.", examples=[12])
    estimated: bool = Field(description="True: a count above 10,000 is PostgreSQL's estimate.")
    scheduler_lag_seconds: float = Field(
        description="How long the oldest due work has waited (the service's, as /health/ready).",
        examples=[0.4],
    )


class DeliveryStatsOut(BaseModel):
    period: stats.Period = Field(description="`hour` or `day`, as asked.")
    since: datetime = Field(description="The first minute counted (UTC).")
    until: datetime = Field(description="The end of the period (UTC): the time of the request.")
    totals: StatsCountsOut = Field(description="The whole period's attempts.")
    minutes: list[MinuteOut] = Field(description="Every minute of the period, oldest first (60 or 1,440).")
    worst_endpoints: list[WorstEndpointOut] = Field(
        description="Up to 5 subscriptions with the most failed attempts, most first "
        "(with subscription_id: that one, if it had failed attempts)."
    )
    backlog: BacklogOut = Field(description="What waits now (not limited to the period).")


@router.get(
    "/v1/stats/deliveries",
    operation_id="getDeliveryStats",
    response_model=DeliveryStatsOut,
    responses=problem_responses(404, 422),
)
async def delivery_stats(
    session: SessionDep,
    caller: CallerDep,
    period: Annotated[stats.Period, Query(description="`hour` (the last 60 minutes) or `day` (1,440).")] = (
        stats.Period.HOUR
    ),
    subscription_id: Annotated[
        int | None, Query(ge=1, le=2_147_483_647, description="Only this subscription's attempts.")
    ] = None,
    application: Annotated[
        Line | None,
        Query(max_length=64, description="Only this application's (its uid); an operator key's filter."),
    ] = None,
) -> DeliveryStatsOut:
    """Attempts per minute by outcome, their success rate and mean duration, the worst
    endpoints with their last error, and the backlog: read from per-minute counters, so a
    day costs its minutes, not its attempts."""
    reached = await scope.reach(session, caller.application_id, application)
    if subscription_id is not None:
        sub = await session.get(Subscription, subscription_id)
        if sub is None or (reached is not None and sub.application_id != reached):
            raise NotFound(f"subscription {subscription_id} does not exist")
        reached = sub.application_id  # its own application's counters only, whoever asks
    now = utcnow()
    found = await stats.delivery_stats(
        session, period, now, application_id=reached, subscription_id=subscription_id
    )
    waiting = await stats.backlog(session, now, application_id=reached)
    return DeliveryStatsOut(
        period=found.period,
        since=found.since,
        until=found.until,
        totals=StatsCountsOut.of(found.totals),
        minutes=[
            MinuteOut(
                at=b.at,
                delivered=b.counts.delivered,
                failed=b.counts.failed,
                dead=b.counts.dead,
                expired=b.counts.expired,
            )
            for b in found.series
        ],
        worst_endpoints=[
            WorstEndpointOut(
                subscription_id=e.subscription_id,
                counts=StatsCountsOut.of(e.counts),
                last_error=None
                if e.last_error is None
                else StatsErrorOut(
                    at=e.last_error.at, status_code=e.last_error.status_code, reason=e.last_error.reason
                ),
            )
            for e in found.worst
        ],
        backlog=BacklogOut(
            pending=waiting.pending.value,
            retrying=waiting.retrying.value,
            estimated=waiting.pending.estimated or waiting.retrying.estimated,
            scheduler_lag_seconds=waiting.scheduler_lag_seconds,
        ),
    )
