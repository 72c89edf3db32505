"""Scopes and which one each route needs.

The table is the single place that says who may call what. A route that matches no entry
needs ``admin``, so a new route is closed until it is given a scope here.

One rule is about a parameter, not a route: a search query (``q``) reads payload fields, so
whichever route takes one, the key needs :data:`SEARCH` (``deliveries:read``) for it — a
``deliveries:replay`` key could otherwise read payloads through the counts its replays
report (:func:`require_search`).
"""

from __future__ import annotations

from asyncevents_svc.errors import FieldError, Forbidden

EVENTS_PUBLISH = "events:publish"
SUBSCRIPTIONS_READ = "subscriptions:read"
SUBSCRIPTIONS_WRITE = "subscriptions:write"
DELIVERIES_READ = "deliveries:read"
DELIVERIES_REPLAY = "deliveries:replay"
METRICS_READ = "metrics:read"
ADMIN = "admin"
SEARCH = DELIVERIES_READ  # what a search query (``q``) needs, on any route
#: Scopes that reach past any one application (keys, applications, process-wide metrics):
#: a key bound to an application cannot hold them.
OPERATOR_ONLY = (ADMIN, METRICS_READ)
ALL = (
    EVENTS_PUBLISH,
    SUBSCRIPTIONS_READ,
    SUBSCRIPTIONS_WRITE,
    DELIVERIES_READ,
    DELIVERIES_REPLAY,
    METRICS_READ,
    ADMIN,
)
#: What each scope lets a key do, in a few words (``keys create --help`` lists them).
MEANING = {
    EVENTS_PUBLISH: "publish events (POST /v1/events, /v1/events/batch)",
    SUBSCRIPTIONS_READ: "list and read subscriptions, the event types and notifiers",
    SUBSCRIPTIONS_WRITE: "create, change, test and delete subscriptions",
    DELIVERIES_READ: "read events, deliveries, their payloads, attempts and statistics; search them (q)",
    DELIVERIES_REPLAY: "replay deliveries, one or in bulk",
    METRICS_READ: "read /metrics (operator keys only)",
    ADMIN: "everything, including keys and applications (operator keys only)",
}

#: (method or "*", path prefix of the route template, scope); the first match wins.
_RULES: tuple[tuple[str, str, str], ...] = (
    ("POST", "/v1/events", EVENTS_PUBLISH),
    ("GET", "/v1/events", DELIVERIES_READ),
    # An endpoint's health shows the receiver's last error: the deliveries' reader's to see.
    ("GET", "/v1/subscriptions/{subscription_id}/health", DELIVERIES_READ),
    ("GET", "/v1/subscriptions", SUBSCRIPTIONS_READ),
    ("*", "/v1/subscriptions", SUBSCRIPTIONS_WRITE),
    ("GET", "/v1/event-types", SUBSCRIPTIONS_READ),
    ("GET", "/v1/notifiers", SUBSCRIPTIONS_READ),
    ("GET", "/v1/deliveries", DELIVERIES_READ),
    ("POST", "/v1/deliveries", DELIVERIES_REPLAY),
    ("GET", "/v1/replays", DELIVERIES_READ),
    ("GET", "/v1/stats", DELIVERIES_READ),
    ("POST", "/v1/replays", DELIVERIES_REPLAY),
    ("GET", "/metrics", METRICS_READ),
    ("GET", "/V1/", SUBSCRIPTIONS_READ),
    ("*", "/V1/", SUBSCRIPTIONS_WRITE),
    ("GET", "/rest/", SUBSCRIPTIONS_READ),
    ("*", "/rest/", SUBSCRIPTIONS_WRITE),
)


def required_scope(method: str, route_path: str) -> str:
    """The scope a caller needs for ``method`` on the route template ``route_path``."""
    for rule_method, prefix, scope in _RULES:
        if rule_method in ("*", method) and route_path.startswith(prefix):
            return scope
    return ADMIN


def allows(held: frozenset[str], needed: str) -> bool:
    return ADMIN in held or needed in held


def require_search(held: frozenset[str], q: str | None) -> None:
    """A 403 naming ``q`` and the scope when a key without :data:`SEARCH` sends a search."""
    if q and not allows(held, SEARCH):
        detail = f"a search query (q) needs the scope {SEARCH!r}"
        raise Forbidden(detail, errors=[FieldError("q", detail, "forbidden")])
