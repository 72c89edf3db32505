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


async def subscription_health(api: ApiClient, subscription_id: int | str) -> dict[str, Any] | None:
    """The subscription's last day for its page (success rate, mean duration, last error), or
    None when the key may not read it (the page shows the rest without it)."""
    answer = await api.get("/v1/stats/deliveries", period="day", subscription_id=str(subscription_id))
    return answer.body if answer.ok and isinstance(answer.body, dict) else None
