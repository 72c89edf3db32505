"""The operator's calls that ``bench/scale.py`` times against the real API process.

Each call is made once to warm up (the plan cache, the pages of the table it touches),
then five times; the median and the maximum are kept. A call that does not answer with
the expected status fails the run: a fast error is no figure.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

REPEATS = 5

#: Target classes of issue 17 (at the large size): pages, counts, traces, health, metrics.
PAGE = "page"
SEARCH = "search"  # an indexed field or a selective payload value
BROAD = "broad search"  # matches a large share: no absolute target, only the ratio
OTHER = "other"


@dataclass(frozen=True)
class Call:
    name: str
    kind: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    expect: tuple[int, ...] = (200,)


@dataclass(frozen=True)
class Timing:
    median_ms: float
    max_ms: float
    #: Set when the call ran out of its time budget: a search refused with a 400
    #: ``search-too-expensive``, or retention stopped unfinished. Not an answer.
    over_budget: bool = False
    #: A rate (per second) in ``median_ms``, not a time: higher is better, shown as "/s".
    rate: bool = False


async def time_it(action: Callable[[], Awaitable[object]]) -> Timing:
    """Warm-up once, then the median and the maximum of :data:`REPEATS` runs."""
    await action()
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(samples), max(samples))


BUDGET_PROBLEM = "search-too-expensive"


def over_budget(response: httpx.Response) -> bool:
    return response.status_code == 400 and BUDGET_PROBLEM in response.text


async def request(client: httpx.AsyncClient, call: Call) -> httpx.Response:
    """The call's response; any status but the expected ones (or a search over its time
    budget, which the timing reports as such) fails the run."""
    response = await client.request(call.method, call.path, json=call.body)
    if response.status_code not in call.expect and not over_budget(response):
        raise AssertionError(
            f"{call.name}: {call.method} {call.path} → {response.status_code} {response.text[:300]}"
        )
    return response


async def sign_in(client: httpx.AsyncClient, key: str) -> None:
    """The console's sign-in: the key posted from the login form sets the session cookie."""
    response = await client.post("/admin/login", data={"key": key})
    if response.status_code != 303 or "/admin/overview" not in response.headers.get("location", ""):
        raise AssertionError(f"console sign-in failed: {response.status_code} {response.text[:300]}")


async def cursor_after(client: httpx.AsyncClient, pages: int, listing: str = "/v1/deliveries") -> str:
    """The cursor of page ``pages + 1`` of a listing (following ``next_cursor``): by default
    the delivery log's."""
    cursor = ""
    for _ in range(pages):
        path = f"{listing}?limit=50" + (f"&cursor={cursor}" if cursor else "")
        body = (await request(client, Call("page", PAGE, "GET", path))).json()
        cursor = body["next_cursor"]
    return cursor


@dataclass(frozen=True)
class Samples:
    """Rows the calls name: found by the fill's own ids, never by a scan."""

    order: str  # an increment_id of one order
    delivery_id: str  # a dead delivery (five attempts)
    event_id: str


@dataclass(frozen=True)
class Cursors:
    """The second and the 20th page's cursors of the delivery log and of the list of events."""

    second: str
    deep: str
    events_second: str
    events_deep: str


def operator_calls(samples: Samples, cursors: Cursors) -> list[Call]:
    """Every call of issue 17's table, the console's pages, the searches the docs show and
    the list of events (issue 18)."""
    return [*delivery_calls(samples, cursors), *event_calls(cursors)]


def event_calls(cursors: Cursors) -> list[Call]:
    """``GET /v1/events``: pages, and each filter with a common, a rare and an absent value
    (the fill's events are all store 1 from ``http``; 0.01 % still accepted, none failed)."""
    listing = "/v1/events?limit=50"
    return [
        Call("events: `GET /v1/events?limit=50`", PAGE, "GET", listing),
        Call("events: the next page by cursor", PAGE, "GET", f"{listing}&cursor={cursors.events_second}"),
        Call("events: the 20th page by cursor", PAGE, "GET", f"{listing}&cursor={cursors.events_deep}"),
        Call("events: `name=customer.created` (20 %)", PAGE, "GET", f"{listing}&name=customer.created"),
        Call("events: a name never published", PAGE, "GET", f"{listing}&name=catalog.product.deleted"),
        Call("events: `status=accepted` (0.01 %)", PAGE, "GET", f"{listing}&status=accepted"),
        Call(
            "events: `status=failed&status=accepted` (merged)",
            PAGE,
            "GET",
            f"{listing}&status=failed&status=accepted",
        ),
        Call("events: a store never used (`store=9`)", PAGE, "GET", f"{listing}&store=9"),
        Call("events: a source never used (`source=amqp`)", PAGE, "GET", f"{listing}&source=amqp"),
        Call("events: `until=` 15 days ago", PAGE, "GET", f"{listing}&until={days_ago(15)}"),
    ]


def days_ago(days: int) -> str:
    """A UTC instant ``days`` before now, as the query string wants it."""
    at = datetime.now(UTC) - timedelta(days=days)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def delivery_calls(samples: Samples, cursors: Cursors) -> list[Call]:
    listing = "/v1/deliveries?limit=50"
    second_cursor, deep_cursor = cursors.second, cursors.deep
    return [
        Call("`GET /v1/deliveries?limit=50`", PAGE, "GET", listing),
        Call("the next page by cursor", PAGE, "GET", f"{listing}&cursor={second_cursor}"),
        Call("the 20th page by cursor", PAGE, "GET", f"{listing}&cursor={deep_cursor}"),
        Call("one subscription's log", PAGE, "GET", f"{listing}&subscription_id=3"),
        Call("dead letters listing (`status=dead`)", PAGE, "GET", f"{listing}&status=dead"),
        Call(
            "the log of one event name (`event_name=customer.created`, 20 %)",
            PAGE,
            "GET",
            f"{listing}&event_name=customer.created",
        ),
        Call(
            "the log of a name never published (`event_name=catalog.product.deleted`)",
            PAGE,
            "GET",
            f"{listing}&event_name=catalog.product.deleted",
        ),
        Call("`GET /v1/subscriptions`", PAGE, "GET", "/v1/subscriptions"),
        Call("console: overview (the last hour)", PAGE, "GET", "/admin/overview"),
        Call("console: overview (the last day)", PAGE, "GET", "/admin/overview?period=day"),
        Call("console: events", PAGE, "GET", "/admin/events"),
        Call("console: delivery log", PAGE, "GET", "/admin/deliveries"),
        Call("console: subscriptions", PAGE, "GET", "/admin/subscriptions"),
        Call("console: dead letters (list + count)", PAGE, "GET", "/admin/dead"),
        Call("console: a trace", PAGE, "GET", f"/admin/deliveries/{samples.delivery_id}"),
        Call("console: edit a subscription", PAGE, "GET", "/admin/subscriptions/1"),
        Call("a delivery trace", PAGE, "GET", f"/v1/deliveries/{samples.delivery_id}"),
        Call("one event", PAGE, "GET", f"/v1/events/{samples.event_id}"),
        Call(
            "`q=data.increment_id:CK…` (one order)",
            SEARCH,
            "GET",
            f"{listing}&q=data.increment_id:{samples.order}",
        ),
        Call("`q=data.items.0.sku:NOPE-1` (no hits)", SEARCH, "GET", f"{listing}&q=data.items.0.sku:NOPE-1"),
        Call(
            "`q=data.customer_email:roni*` (the docs; 0.1 %)",
            SEARCH,
            "GET",
            f"{listing}&q=data.customer_email:roni*",
        ),
        Call("`q=success:false` (the docs; ~7 %)", BROAD, "GET", f"{listing}&q=success:false"),
        Call(
            "`q=event_name:sales.order.* AND success:false`",
            BROAD,
            "GET",
            f"{listing}&q=event_name:sales.order.*%20AND%20success:false",
        ),
        Call("dry-run count of dead letters", PAGE, "POST", "/v1/replays", {"dry_run": True}),
        Call("`/metrics` scrape", PAGE, "GET", "/metrics"),
        Call("`/health/ready`", PAGE, "GET", "/health/ready", expect=(200, 503)),
    ]


#: The application the tenant calls' key is bound to (``scale_fill.APPLICATIONS``).
TENANT = "erp"


def tenant_calls(samples: Samples, second_cursor: str) -> list[Call]:
    """A key bound to one application: its log, a page further, a search, a count, a trace
    (issue 16: application-scoped reads use indexes that include the application)."""
    listing = "/v1/deliveries?limit=50"
    return [
        Call(f"{TENANT}: `GET /v1/deliveries?limit=50`", PAGE, "GET", listing),
        Call(f"{TENANT}: the next page by cursor", PAGE, "GET", f"{listing}&cursor={second_cursor}"),
        Call(f"{TENANT}: dead letters listing", PAGE, "GET", f"{listing}&status=dead"),
        Call(
            f"{TENANT}: `q=data.increment_id:CK…` (one order)",
            SEARCH,
            "GET",
            f"{listing}&q=data.increment_id:{samples.order}",
        ),
        Call(f"{TENANT}: dry-run count of dead letters", PAGE, "POST", "/v1/replays", {"dry_run": True}),
        Call(f"{TENANT}: a delivery trace", PAGE, "GET", f"/v1/deliveries/{samples.delivery_id}"),
        Call(f"{TENANT}: `GET /v1/subscriptions`", PAGE, "GET", "/v1/subscriptions"),
        Call(f"{TENANT}: `GET /v1/events?limit=50`", PAGE, "GET", "/v1/events?limit=50"),
    ]


async def time_call(client: httpx.AsyncClient, call: Call) -> Timing:
    refused: list[bool] = []

    async def once() -> None:
        refused.append(over_budget(await request(client, call)))

    timing = await time_it(once)
    return Timing(timing.median_ms, timing.max_ms, over_budget=any(refused))


async def time_calls(
    api: httpx.AsyncClient, console: httpx.AsyncClient, calls: list[Call], progress: Callable[[str], None]
) -> dict[str, Timing]:
    """Time each call: ``/admin`` pages with the signed-in console client, the rest with the key."""
    timings: dict[str, Timing] = {}
    for call in calls:
        timings[call.name] = await time_call(console if call.path.startswith("/admin") else api, call)
        progress(f"  {call.name}: {timings[call.name].median_ms:.1f} ms")
    return timings
