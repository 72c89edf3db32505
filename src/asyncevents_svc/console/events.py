"""The console's Events page (``GET /v1/events``: name, status, source, received since/until,
newest first, by keyset cursor) and one event's page (``GET /v1/events/{id}``: its payload,
each of its deliveries linked to its trace, the subscriptions its filter skipped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from asyncevents_svc.console import paging
from asyncevents_svc.web.client import ApiClient

if TYPE_CHECKING:
    from asyncevents_svc.console.app import Console

FILTERS = ("name", "status", "source", "since", "until", "application")
STATUSES = ("", "accepted", "dispatched", "failed")
SOURCES = ("", "http", "amqp", "test")
PAGE = 50


class EventPages:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def events(self, request: Request, api: ApiClient) -> Response:
        q = request.query_params
        filters = {k: q.get(k, "") for k in FILTERS}
        answer = await api.get("/v1/events", **filters, cursor=q.get("cursor"), limit=PAGE, count="true")
        return self.console.render(
            request,
            "events.html",
            listing=f"{self.console.prefix}/events",
            page_size=PAGE,
            listing_count=paging.counted(answer),
            answer=answer,
            filters=filters,
            statuses=STATUSES,
            sources=SOURCES,
        )

    async def event(self, request: Request, api: ApiClient) -> Response:
        answer = await api.get(f"/v1/events/{request.path_params['event_id']}")
        if not answer.ok:
            return self.console.render(
                request, "message.html", status=answer.status, title="Event", message=answer.problem
            )
        return self.console.render(request, "event.html", e=answer.body)


def routes(console: Console) -> list[Route]:
    pages, s = EventPages(console), console.signed_in
    return [
        Route("/events", s(pages.events), methods=["GET"]),
        Route("/events/{event_id:uuid}", s(pages.event), methods=["GET"]),
    ]
