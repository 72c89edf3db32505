"""Scopes and which one each route needs.

The table is the single place that says who may call what. A route that matches no entry
needs ``admin``, so a new route is closed until it is given a scope here.
"""

from __future__ import annotations

EVENTS_PUBLISH = "events:publish"
SUBSCRIPTIONS_READ = "subscriptions:read"
SUBSCRIPTIONS_WRITE = "subscriptions:write"
DELIVERIES_READ = "deliveries:read"
DELIVERIES_REPLAY = "deliveries:replay"
METRICS_READ = "metrics:read"
ADMIN = "admin"
ALL = (
    EVENTS_PUBLISH,
    SUBSCRIPTIONS_READ,
    SUBSCRIPTIONS_WRITE,
    DELIVERIES_READ,
    DELIVERIES_REPLAY,
    METRICS_READ,
    ADMIN,
)

#: (method or "*", path prefix of the route template, scope); the first match wins.
_RULES: tuple[tuple[str, str, str], ...] = (
    ("POST", "/v1/events", EVENTS_PUBLISH),
    ("GET", "/v1/events", DELIVERIES_READ),
    ("GET", "/v1/subscriptions", SUBSCRIPTIONS_READ),
    ("*", "/v1/subscriptions", SUBSCRIPTIONS_WRITE),
    ("GET", "/v1/event-types", SUBSCRIPTIONS_READ),
    ("GET", "/v1/notifiers", SUBSCRIPTIONS_READ),
    ("GET", "/v1/deliveries", DELIVERIES_READ),
    ("POST", "/v1/deliveries", DELIVERIES_REPLAY),
    ("GET", "/v1/replays", DELIVERIES_READ),
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
