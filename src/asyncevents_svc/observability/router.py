"""``GET /metrics``: the API process's metrics and the database's backlog, for Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from asyncevents_svc.api.deps import RuntimeDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES
from asyncevents_svc.observability.metrics import CONTENT_TYPE

_EXAMPLE = """\
# HELP asyncevents_deliveries_total Deliveries after an attempt, by notifier and outcome.
# TYPE asyncevents_deliveries_total counter
asyncevents_deliveries_total{notifier="http",outcome="delivered"} 1289.0
asyncevents_deliveries_total{notifier="http",outcome="dead"} 3.0
"""
router = APIRouter(tags=["operations"], dependencies=[Depends(authorize)], responses=PROBLEM_RESPONSES)


@router.get(
    "/metrics",
    operation_id="getMetrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE: {"example": _EXAMPLE}}, "description": "Prometheus text format."}
    },
)
async def metrics(runtime: RuntimeDep) -> Response:
    """Prometheus metrics (scope `metrics:read`). In `serve` they include the worker's."""
    return Response(await runtime.metrics.exposition(runtime.sessions), media_type=CONTENT_TYPE)
