"""The console's listings page both ways over the API's forward cursors: "Older" keeps the
way back in its link (a bounded stack of cursors), "Newer" goes back one page, rows are
numbered, and the dead letters show their capped count."""

from __future__ import annotations

import re
from html import unescape

import httpx
from sqlalchemy import select
from starlette.requests import Request

from asyncevents_svc.console import paging
from asyncevents_svc.db import counting
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.types import PageCount
from asyncevents_svc.web.client import Answer
from tests.support.helpers import subscribe
from tests.support.receiver import Receiver


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return None if found is None else unescape(found.group(1))


def rows(page: str) -> str:
    found = re.search(r'data-testid="rows">([^<]*)<', page)
    assert found is not None
    return found.group(1)


def ids(page: str) -> list[str]:
    return re.findall(r'name="ids" value="(\d+)"', page)


async def test_subscriptions_page_older_then_newer_with_row_numbers(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    for _ in range(250):
        await subscribe(api, f"{receiver.url}/ok", "example.ping")
    first = (await console.get("/admin/subscriptions", params={"event_name": "example.ping"})).text
    assert rows(first) == "1–100 of 250"
    assert link(first, "prev") is None
    older = link(first, "next")
    assert older is not None
    assert "event_name=example.ping" in older  # the filters go along

    second = (await console.get(older)).text
    assert rows(second) == "101–200 of 250"
    third_url = link(second, "next")
    assert third_url is not None
    third = (await console.get(third_url)).text
    assert rows(third) == "201–250 of 250"
    assert link(third, "next") is None
    assert len(ids(third)) == 50

    newer = link(third, "prev")
    assert newer is not None
    back_to_second = (await console.get(newer)).text
    assert ids(back_to_second) == ids(second)
    assert rows(back_to_second) == "101–200 of 250"
    newest = link(back_to_second, "prev")
    assert newest is not None
    assert ids((await console.get(newest)).text) == ids(first)


def request(query: str) -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/admin/x", "query_string": query.encode(), "headers": []}
    )


def test_the_way_back_is_bounded_and_rows_stay_numbered_past_it() -> None:
    back = "&".join(f"back=c{n}" for n in range(paging.MAX_BACK))
    deep = paging.pager(request(f"cursor=c{paging.MAX_BACK}&{back}"), "/admin/x", "next", 10, 10)
    assert deep.first_row == paging.MAX_BACK * 10 + 1
    assert deep.older is not None
    deeper = request(deep.older.split("?", 1)[1])
    assert len(deeper.query_params.getlist("back")) == paging.MAX_BACK  # the oldest was dropped
    assert deeper.query_params["skipped"] == "1"
    assert paging.pager(deeper, "/admin/x", None, 10, 10).first_row == (paging.MAX_BACK + 1) * 10 + 1
    assert deep.newest == "/admin/x"

    forged = paging.pager(request("cursor=c&" + "&".join(["back=x"] * 500)), "/admin/x", "n", 10, 10)
    assert forged.newer is None  # not a link of ours: no way back, no numbers
    assert forged.first_row is None
    assert forged.older is not None
    assert len(forged.older) < 100


async def test_dead_letters_show_their_capped_count_beside_the_rows(console: httpx.AsyncClient) -> None:
    page = (await console.get("/admin/dead")).text
    assert 'data-testid="rows">' in page
    assert link(page, "next") is None


async def test_the_listings_count_what_matches_up_to_a_cap(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver, runtime: Runtime
) -> None:
    for n in range(5):
        await subscribe(api, f"{receiver.url}/ok", "example.ping", store_id=n % 2)
    counted = (await api.get("/v1/subscriptions", params={"store_id": 1, "count": "true"})).json()
    assert counted["count"] == {"value": 2, "more": False}
    assert (await api.get("/v1/subscriptions")).json()["count"] is None  # only when asked
    assert (await api.get("/v1/deliveries", params={"count": "true"})).json()["count"] == {
        "value": 0,
        "more": False,
    }
    assert (await api.get("/v1/events", params={"count": "true"})).json()["count"] == {
        "value": 0,
        "more": False,
    }

    page = (await console.get("/admin/subscriptions", params={"store_id": "0"})).text
    assert rows(page) == "1–3 of 3"
    async with runtime.sessions() as session:
        assert await counting.capped(session, select(Subscription.id), cap=3) == PageCount(value=3, more=True)
        assert await counting.capped(session, select(Subscription.id), cap=5) == PageCount(
            value=5, more=False
        )


def test_a_capped_count_reads_with_a_plus() -> None:
    assert paging.counted(Answer(200, {"items": [], "count": {"value": 1000, "more": True}})) == "1,000+"
    assert paging.counted(Answer(200, {"items": [], "count": {"value": 12, "more": False}})) == "12"
    assert paging.counted(Answer(403, {"detail": "no"})) == ""
