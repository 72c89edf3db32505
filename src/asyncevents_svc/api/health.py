"""Health routes (public): liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from asyncevents_svc.api.deps import RuntimeDep

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
async def live() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get(
    "/ready",
    responses={503: {"description": "The database does not answer; `checks.database` names the error."}},
)
async def ready(runtime: RuntimeDep) -> JSONResponse:
    """The database answers; 503 with the reason when it does not."""
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse(
            {"status": "unavailable", "checks": {"database": f"{type(exc).__name__}"}},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "checks": {"database": "ok"}})
