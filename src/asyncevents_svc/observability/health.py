"""Health routes (public): liveness and readiness.

``/health/live`` answers while the process runs. ``/health/ready`` checks what the service
needs to keep its promises and says which part failed:

* ``database`` — a query answers (without it nothing can be accepted: 503 on every write);
* ``broker`` — the API's connection for "event ready" hints is up (RabbitMQ transport only;
  while it is down events are still accepted, and the workers' sweep delivers them);
* ``scheduler`` — how long the oldest due work has waited: a delivery whose retry time
  passed without a worker taking it, or an event accepted but not yet fanned out. Above
  ``worker.max_lag`` seconds the workers are missing or overwhelmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from asyncevents_svc import __version__
from asyncevents_svc.api.deps import RuntimeDep
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.stats import oldest_waiting
from asyncevents_svc.messaging.publisher import EventPublisher

router = APIRouter(prefix="/health", tags=["health"])

READY_EXAMPLE = {
    "status": "ok",
    "checks": {"database": "ok", "broker": "ok", "scheduler": "ok"},
    "scheduler_lag_seconds": 0.0,
}


@router.get(
    "/live",
    operation_id="getLiveness",
    responses={200: {"content": {"application/json": {"example": {"status": "ok", "version": "0.1.0"}}}}},
)
async def live() -> dict[str, str]:
    """The process is up, and which version it runs."""
    return {"status": "ok", "version": __version__}


@dataclass(frozen=True)
class Readiness:
    healthy: bool
    checks: dict[str, str]
    lag: float | None  # seconds the oldest due work has waited; None without a database


async def check_readiness(engine: AsyncEngine, publisher: EventPublisher | None, max_lag: float) -> Readiness:
    """The checks of ``/health/ready``: the database (and the scheduler lag it shows), and
    the broker connection of ``publisher`` (None: the database queue, no broker)."""
    checks = {"database": "ok", "broker": "ok", "scheduler": "ok"}
    lag: float | None = None
    try:
        async with engine.connect() as connection:
            now = utcnow()
            oldest = await oldest_waiting(connection, now)
        lag = max(0.0, (now - oldest) / timedelta(seconds=1)) if oldest else 0.0
        if max_lag and lag > max_lag:
            checks["scheduler"] = (
                f"work has waited {lag:.0f} s (more than {max_lag:.0f} s): are the workers running?"
            )
    except Exception as exc:
        checks["database"] = f"unavailable ({type(exc).__name__})"
        checks["scheduler"] = "unknown (no database)"
    if publisher is None:
        checks["broker"] = "not used (database queue)"
    else:
        checks["broker"] = publisher.problem() or "ok"
    healthy = all(v == "ok" or v.startswith("not used") for v in checks.values())
    return Readiness(healthy, checks, lag)


@router.get(
    "/ready",
    operation_id="getReadiness",
    responses={
        200: {"content": {"application/json": {"example": READY_EXAMPLE}}},
        503: {"description": "A dependency is down or work is waiting too long; `checks` says which."},
    },
)
async def ready(runtime: RuntimeDep) -> JSONResponse:
    """Database, broker and scheduler lag; 503 with the reason when any of them fails."""
    settings = runtime.settings
    publisher = None if settings.broker_url is None else runtime.publisher
    result = await check_readiness(runtime.engine, publisher, settings.worker.max_lag)
    return JSONResponse(
        {
            "status": "ok" if result.healthy else "unavailable",
            "checks": result.checks,
            "scheduler_lag_seconds": None if result.lag is None else round(result.lag, 3),
        },
        status_code=200 if result.healthy else 503,
    )
