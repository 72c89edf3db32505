"""The isolation matrix: what a key bound to application A gets, on every route of the app,
against application B's objects.

Each entry of :data:`MATRIX` is one request by A's key (holding every scope a bound key may
hold, and every catalogue resource) and what it must answer: 404 for an object of B (never
403: existence is not disclosed), an own-only result for a list, search, count or dry-run
(A's row in it, none of B's), a 422 naming ``application`` for naming B, 403 for the
operator-only routes, and the catalogue for the routes that show no tenant data. A route of
the app without an entry fails :func:`test_every_route_has_an_isolation_entry`; the HTML
routes (the console, and any later portal) are listed apart in :data:`HTML_ROUTES`, so a
new page is noticed too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from starlette.routing import Mount, Route

from asyncevents_svc.auth.scopes import ALL, OPERATOR_ONLY
from asyncevents_svc.db.models import Delivery, ReplayJob, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime
from tests.support.keys import bearer, key_with
from tests.support.routes import PUBLIC, app_routes
from tests.support.rows import failed_attempt, stored_delivery, stored_event

#: Mounted HTML applications: outside the API table. They call this API with the signed-in
#: key, so its isolation holds there; each page is listed so that a new one is reviewed.
HTML_ROUTES: dict[str, set[tuple[str, str]]] = {
    "/admin": {
        ("GET", "/"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/overview"),
        ("GET", "/subscriptions"),
        ("POST", "/subscriptions/bulk-status"),
        ("GET", "/subscriptions/new"),
        ("POST", "/subscriptions/new"),
        ("GET", "/subscriptions/{subscription_id:int}"),
        ("POST", "/subscriptions/{subscription_id:int}"),
        ("GET", "/deliveries"),
        ("GET", "/deliveries/{delivery_id:uuid}"),
        ("POST", "/deliveries/{delivery_id:uuid}/replay"),
        ("GET", "/dead"),
        ("POST", "/dead/replay"),
        ("GET", "/replays/{job_id:uuid}"),
        ("POST", "/subscriptions/{subscription_id:int}/test"),
        ("POST", "/subscriptions/{subscription_id:int}/verification"),
        ("GET", "/applications"),
        ("POST", "/applications"),
        ("POST", "/applications/{application}/portal"),
        ("POST", "/applications/{application}/delete"),
        ("POST", "/subscriptions/{subscription_id:int}/delete"),
        ("GET", "/events"),
        ("GET", "/events/{event_id:uuid}"),
        ("GET", "/keys"),
        ("POST", "/keys"),
        ("POST", "/keys/{key_id:uuid}/revoke"),
        ("GET", "/signing-keys"),  # the service's public key ids only; admin keys alone (else 403)
        ("MOUNT", "/static"),
    },
    "/portal": {
        ("GET", "/"),
        ("GET", "/open"),
        ("POST", "/open"),
        ("POST", "/logout"),
        ("GET", "/catalogue"),
        ("GET", "/endpoints"),
        ("GET", "/endpoints/new"),
        ("POST", "/endpoints/new"),
        ("GET", "/endpoints/{subscription_id:int}"),
        ("POST", "/endpoints/{subscription_id:int}"),
        ("POST", "/endpoints/{subscription_id:int}/status"),
        ("POST", "/endpoints/{subscription_id:int}/delete"),
        ("POST", "/endpoints/{subscription_id:int}/rotate"),
        ("POST", "/endpoints/{subscription_id:int}/test"),
        ("POST", "/endpoints/{subscription_id:int}/verification"),
        ("GET", "/deliveries"),
        ("GET", "/deliveries/{delivery_id:uuid}"),
        ("POST", "/deliveries/{delivery_id:uuid}/replay"),
        ("GET", "/replay"),
        ("POST", "/replay"),
        ("GET", "/replays/{job_id:uuid}"),
        ("MOUNT", "/static"),
    },
}
B_SECRET_URL = "https://example.com/b-private-endpoint"


@dataclass
class Seed:
    """Applications A (``erp``) and B (``pim``), each with a subscription, an event published
    to it and a dead delivery with an attempt; an event published to all that only B
    received; a replay job of B's."""

    a: int
    b: int
    sub_a: int
    sub_b: int
    event_a: uuid.UUID
    event_b: uuid.UUID
    event_all: uuid.UUID
    delivery_a: uuid.UUID
    delivery_b: uuid.UUID
    delivery_all: uuid.UUID
    job_b: uuid.UUID

    def fill(self, path: str) -> str:
        return path.format(**{name: str(value) for name, value in vars(self).items()})

    def b_markers(self) -> list[str]:
        """What would show that a response contains B's rows."""
        return [
            B_SECRET_URL,
            '"pim"',
            str(self.event_b),
            str(self.event_all),
            str(self.delivery_b),
            str(self.delivery_all),
            str(self.job_b),
            f'"subscription_id":{self.sub_b}',
        ]


Check = Callable[[httpx.Response, Seed], None]


def not_found(response: httpx.Response, seed: Seed) -> None:
    assert response.status_code == 404, response.text
    _none_of_b(response, seed)


def forbidden(response: httpx.Response, seed: Seed) -> None:
    assert response.status_code == 403, response.text


def refused_application(response: httpx.Response, seed: Seed) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == "application"
    assert response.json()["errors"][0]["msg"] == "no application has the uid 'pim'"  # as for an unknown uid


def magento_not_found(response: httpx.Response, seed: Seed) -> None:
    assert response.status_code == 404, response.text
    assert set(response.json()) == {"message", "parameters"}


def shared(response: httpx.Response, seed: Seed) -> None:
    """The catalogue and the notifiers: the same for every application, nobody's data."""
    assert response.status_code == 200, response.text
    _none_of_b(response, seed)


def own(*markers: str) -> Check:
    """A 2xx whose body shows A's rows (``markers``, filled from the seed) and none of B's."""

    def check(response: httpx.Response, seed: Seed) -> None:
        assert 200 <= response.status_code < 300, response.text
        _none_of_b(response, seed)
        for marker in markers:
            assert seed.fill(marker) in response.text, (marker, response.text)

    return check


def counted(expected: int) -> Check:
    def check(response: httpx.Response, seed: Seed) -> None:
        assert response.status_code in (200, 202), response.text
        body = response.json()
        assert body.get("count", body.get("total")) == expected, body
        _none_of_b(response, seed)

    return check


def magento_search(response: httpx.Response, seed: Seed) -> None:
    """A's subscriptions only, and a total that counts no other application's."""
    assert response.status_code == 200, response.text
    body = response.json()
    ids = [item["subscription_id"] for item in body["items"]]
    assert seed.sub_a in ids
    assert seed.sub_b not in ids
    assert body["total_count"] == len(ids)


def batch_refused(response: httpx.Response, seed: Seed) -> None:
    assert response.status_code == 202, response.text
    [item] = response.json()["results"]
    assert item["status"] == 422
    assert item["error"]["errors"][0]["loc"] == "application"


def bulk_none(response: httpx.Response, seed: Seed) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"updated": [], "not_found": [seed.sub_b]}


def _none_of_b(response: httpx.Response, seed: Seed) -> None:
    """No marker of B's rows in the body, but for the id the request itself named (a 404
    says which id it did not find)."""
    text = json.dumps(response.json(), separators=(",", ":")) if response.content else ""
    asked = response.request.url.path
    for marker in seed.b_markers():
        if marker not in asked:
            assert marker not in text, (marker, text)


SUB = {"event_name": "example.ping", "recipient_url": "https://example.com/a2"}
MAGENTO_SUB = {"asyncEvent": {**SUB, "metadata": "http"}}
MAGENTO_PUT = {"asyncEvent": {"status": False}}
SEARCH_ALL = "searchCriteria="


@dataclass(frozen=True)
class Entry:
    method: str
    route: str  # the route's template, as the app declares it
    path: str  # the request, ``{...}`` filled from the seed
    check: Check
    body: dict[str, Any] | None = None


def _magento(prefix: str) -> list[Entry]:
    return [
        Entry(
            "GET",
            f"{prefix}/async_event/{{subscriptionId}}",
            f"{prefix}/async_event/{{sub_b}}",
            magento_not_found,
        ),
        Entry(
            "PUT",
            f"{prefix}/async_event/{{subscriptionId}}",
            f"{prefix}/async_event/{{sub_b}}",
            magento_not_found,
            MAGENTO_PUT,
        ),
        Entry(
            "GET",
            f"{prefix}/async_events",
            f"{prefix}/async_events?{SEARCH_ALL}",
            magento_search,
        ),
        Entry("POST", f"{prefix}/async_event", f"{prefix}/async_event", own(), MAGENTO_SUB),
    ]


MATRIX: list[Entry] = [
    # publishing
    Entry(
        "POST",
        "/v1/events",
        "/v1/events",
        refused_application,
        {"event_name": "example.ping", "application": "pim"},
    ),
    Entry(
        "POST",
        "/v1/events/batch",
        "/v1/events/batch",
        batch_refused,
        {"events": [{"event_name": "example.ping", "application": "pim"}]},
    ),
    Entry("GET", "/v1/events", "/v1/events", own("{event_a}", "{delivery_a}")),
    Entry("GET", "/v1/events", "/v1/events?application=pim", refused_application),
    Entry("GET", "/v1/events/{event_id}", "/v1/events/{event_b}", not_found),
    Entry("GET", "/v1/events/{event_id}", "/v1/events/{event_all}", not_found),
    Entry("GET", "/v1/events/{event_id}", "/v1/events/{event_a}", own("{delivery_a}")),
    # subscriptions
    Entry(
        "GET",
        "/v1/subscriptions",
        "/v1/subscriptions",
        own('"subscription_id":{sub_a}', '"application":"erp"'),
    ),
    Entry("GET", "/v1/subscriptions", "/v1/subscriptions?application=pim", refused_application),
    Entry("GET", "/v1/subscriptions/{subscription_id}", "/v1/subscriptions/{sub_b}", not_found),
    Entry("POST", "/v1/subscriptions", "/v1/subscriptions", own('"application":"erp"'), SUB),
    Entry(
        "POST", "/v1/subscriptions", "/v1/subscriptions", refused_application, {**SUB, "application": "pim"}
    ),
    Entry(
        "PATCH",
        "/v1/subscriptions/{subscription_id}",
        "/v1/subscriptions/{sub_b}",
        not_found,
        {"status": "disabled"},
    ),
    Entry("DELETE", "/v1/subscriptions/{subscription_id}", "/v1/subscriptions/{sub_b}", not_found),
    Entry(
        "POST",
        "/v1/subscriptions/bulk-status",
        "/v1/subscriptions/bulk-status",
        bulk_none,
        {"ids": [0], "status": "disabled"},
    ),
    Entry("POST", "/v1/subscriptions/{subscription_id}/test", "/v1/subscriptions/{sub_b}/test", not_found),
    Entry(
        "POST",
        "/v1/subscriptions/{subscription_id}/verification",
        "/v1/subscriptions/{sub_b}/verification",
        not_found,
    ),
    Entry("GET", "/v1/subscriptions/{subscription_id}/health", "/v1/subscriptions/{sub_b}/health", not_found),
    # the catalogue: nobody's data
    Entry("GET", "/v1/event-types", "/v1/event-types", shared),
    Entry("GET", "/v1/notifiers", "/v1/notifiers", shared),
    # deliveries and replays
    Entry("GET", "/v1/deliveries", "/v1/deliveries", own("{delivery_a}")),
    Entry("GET", "/v1/deliveries", "/v1/deliveries?q=event_name:example.*", own("{delivery_a}")),
    Entry("GET", "/v1/deliveries", "/v1/deliveries?subscription_id={sub_b}", own()),
    Entry("GET", "/v1/deliveries", "/v1/deliveries?application=pim", refused_application),
    Entry("GET", "/v1/deliveries/{delivery_id}", "/v1/deliveries/{delivery_b}", not_found),
    Entry("POST", "/v1/deliveries/{delivery_id}/replay", "/v1/deliveries/{delivery_b}/replay", not_found),
    Entry("POST", "/v1/replays", "/v1/replays", counted(1), {"status": ["dead"], "dry_run": True}),
    Entry(
        "POST",
        "/v1/replays",
        "/v1/replays",
        counted(1),
        {"status": ["dead"], "q": "success:false", "dry_run": True},
    ),
    Entry("POST", "/v1/replays", "/v1/replays", refused_application, {"application": "pim", "dry_run": True}),
    Entry("GET", "/v1/replays/{job_id}", "/v1/replays/{job_b}", not_found),
    # statistics
    Entry("GET", "/v1/stats/deliveries", "/v1/stats/deliveries", own('"subscription_id":{sub_a}')),
    Entry("GET", "/v1/stats/deliveries", "/v1/stats/deliveries?period=day", own('"subscription_id":{sub_a}')),
    Entry("GET", "/v1/stats/deliveries", "/v1/stats/deliveries?subscription_id={sub_b}", not_found),
    Entry("GET", "/v1/stats/deliveries", "/v1/stats/deliveries?application=pim", refused_application),
    # operator only
    Entry("GET", "/v1/keys", "/v1/keys", forbidden),
    Entry("POST", "/v1/keys", "/v1/keys", forbidden, {"name": "x", "scopes": ["admin"]}),
    Entry("DELETE", "/v1/keys/{key_id}", f"/v1/keys/{uuid.uuid4()}", forbidden),
    Entry("GET", "/v1/applications", "/v1/applications", forbidden),
    Entry("POST", "/v1/applications", "/v1/applications", forbidden, {"uid": "x", "name": "x"}),
    Entry("GET", "/v1/applications/{application}", "/v1/applications/pim", forbidden),
    Entry("PATCH", "/v1/applications/{application}", "/v1/applications/pim", forbidden, {"name": "x"}),
    Entry("DELETE", "/v1/applications/{application}", "/v1/applications/pim", forbidden),
    Entry(
        "POST",
        "/v1/applications/{application}/portal-sessions",
        "/v1/applications/pim/portal-sessions",
        forbidden,
    ),
    Entry(
        "DELETE",
        "/v1/applications/{application}/portal-sessions",
        "/v1/applications/pim/portal-sessions",
        forbidden,
    ),
    Entry("GET", "/metrics", "/metrics", forbidden),
    # the Magento routes, under each prefix
    *_magento("/V1"),
    *_magento("/rest/V1"),
    *[  # the store code is accepted and changes nothing
        Entry(
            e.method,
            e.route.replace("/rest/", "/rest/{store_code}/"),
            e.path.replace("/rest/", "/rest/default/"),
            e.check,
            e.body,
        )
        for e in _magento("/rest/V1")
    ],
]


def test_every_route_has_an_isolation_entry(app: FastAPI) -> None:
    covered = {(e.method, e.route) for e in MATRIX}
    seen = 0
    for found in app_routes(app):
        if found.path in PUBLIC:
            continue
        if found.api:
            for method in found.methods:
                assert (method, found.path) in covered, f"{method} {found.path} has no isolation entry"
                seen += 1
            continue
        assert isinstance(found.route, Mount), f"{found.path}: neither an API route nor a mounted app"
        assert found.path in HTML_ROUTES, f"{found.path} is mounted but not listed in HTML_ROUTES"
        pages: set[tuple[str, str]] = set()
        for inner in found.route.routes:
            if isinstance(inner, Mount):
                pages.add(("MOUNT", inner.path))
            elif isinstance(inner, Route):
                pages |= {(m, inner.path) for m in inner.methods or () if m != "HEAD"}
        assert pages == HTML_ROUTES[found.path], f"the pages of {found.path} changed: review and list them"
    assert seen == len(covered)  # and no entry names a route the app does not have


async def seed(api: httpx.AsyncClient, runtime: Runtime) -> Seed:
    a = (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).json()["id"]
    b = (await api.post("/v1/applications", json={"uid": "pim", "name": "PIM"})).json()["id"]
    subs = {}
    for uid, url in (("erp", "https://example.com/a"), ("pim", B_SECRET_URL)):
        created = await api.post(
            "/v1/subscriptions", json={"event_name": "example.ping", "recipient_url": url, "application": uid}
        )
        assert created.status_code == 201, created.text
        subs[uid] = created.json()["subscription_id"]
    dispatched = {"status": "dispatched", "payload": {"n": 1}}
    event_a = await stored_event(runtime, application_id=a, **dispatched)
    event_b = await stored_event(runtime, application_id=b, **dispatched)
    event_all = await stored_event(runtime, **dispatched)
    dead = {"status": "dead", "attempts": 1}
    delivery_a = await stored_delivery(
        runtime, event_a, subscription_id=subs["erp"], application_id=a, **dead
    )
    delivery_b = await stored_delivery(
        runtime, event_b, subscription_id=subs["pim"], application_id=b, **dead
    )
    delivery_all = await stored_delivery(
        runtime, event_all, subscription_id=subs["pim"], application_id=b, **dead
    )
    job_b = uuid.uuid4()
    await failed_attempt(runtime, delivery_a, delivery_b, delivery_all)
    async with runtime.sessions() as session, session.begin():
        session.add(ReplayJob(id=job_b, criteria={}, application_id=b, created_at=utcnow()))
    return Seed(
        a,
        b,
        subs["erp"],
        subs["pim"],
        event_a,
        event_b,
        event_all,
        delivery_a,
        delivery_b,
        delivery_all,
        job_b,
    )


async def test_a_key_bound_to_a_reaches_none_of_bs_objects_on_any_route(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    s = await seed(api, runtime)
    bound = bearer(await key_with(runtime, *(x for x in ALL if x not in OPERATOR_ONLY), application_id=s.a))

    for entry in MATRIX:
        body = entry.body
        if entry.route == "/v1/subscriptions/bulk-status":
            body = {"ids": [s.sub_b], "status": "disabled"}
        response = await anonymous.request(entry.method, s.fill(entry.path), json=body, headers=bound)
        try:
            entry.check(response, s)
        except AssertionError as exc:
            raise AssertionError(f"{entry.method} {entry.path}: {exc}") from exc

    async with runtime.sessions() as session:
        b_sub = await session.get(Subscription, s.sub_b)
        b_deliveries = {
            d.id: d.status
            for d in await session.scalars(select(Delivery).where(Delivery.application_id == s.b))
        }
        created = set((await session.scalars(select(Subscription.application_id))).all())
    assert b_sub is not None
    assert b_sub.status == "active"  # no PATCH, DELETE or bulk change reached it
    assert b_deliveries == {s.delivery_b: "dead", s.delivery_all: "dead"}  # nor a replay
    assert created == {s.a, s.b}  # what A created (/v1 and /V1) landed in A
