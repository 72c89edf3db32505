"""The console's overview (``/admin/overview``, the page after sign-in): attempts per
minute by outcome and their success rate over the last hour or day as charts
(:mod:`.charts`), the worst endpoints with their last error, the backlog and the scheduler
lag — all from ``GET /v1/stats/deliveries`` with the signed-in key."""

from __future__ import annotations

from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from asyncevents_svc.console import charts
from asyncevents_svc.web.client import ApiClient

PERIODS = {"hour": 1, "day": 10}  # the period and the minutes per bar of its chart


class Renders(Protocol):
    def render(
        self, request: Request, name: str, status: int = 200, *, alert: str = "", **context: Any
    ) -> HTMLResponse: ...


async def overview(console: Renders, request: Request, api: ApiClient) -> Response:
    period = request.query_params.get("period", "hour")
    if period not in PERIODS:
        period = "hour"
    answer = await api.get("/v1/stats/deliveries", period=period)
    if not answer.ok:
        return console.render(
            request, "message.html", status=answer.status, title="Overview", message=answer.problem
        )
    per_bar = PERIODS[period]
    series = charts.bars(answer.body["minutes"], per_bar)
    return console.render(
        request,
        "overview.html",
        period=period,
        stats=answer.body,
        outcomes=charts.outcome_bars(series, minutes_per_bar=per_bar),
        success=charts.success_rate_line(series),
    )
