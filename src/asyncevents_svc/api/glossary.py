"""The API's vocabulary: what a field name means wherever a schema uses it.

Dozens of models share field names (``event_name``, ``status``, ``created_at``...), and a
description repeated on each would drift. :func:`describe` gives every property of the
OpenAPI document that has no description of its own the one here (``Model.field`` first,
then ``field``), and an example when the field has none. A field whose meaning is its own
keeps its ``Field(description=...)``; ``tests/api/test_openapi.py`` fails on any property
left without a description.
"""

from __future__ import annotations

from typing import Any

EVENT_ID = "7f0c2b8e-4c1d-4a57-9a55-1d2e3f405162"
DELIVERY_ID = "0b9d6c3a-5e2f-4f10-8d7a-3c4b5a697801"
AT = "2026-05-04T10:15:30Z"
#: field (or Model.field) -> (description, example or ``...`` for none)
FIELDS: dict[str, tuple[str, Any]] = {
    # events
    "event_name": ("The event's name, as declared in `events.xml`.", "sales.order.created"),
    "EventIn.event_name": ("The event's name, as declared in `events.xml`.", "sales.order.created"),
    "ReplayRequest.event_name": ("Only deliveries of this event (a name or a `*` pattern).", "sales.order.*"),
    "arguments": ("The named arguments the event was published with.", {"id": 42}),
    "store_id": ("The Magento store the event belongs to (0: all stores).", 0),
    "EventIn.id": ("Idempotency key; the same as the `Idempotency-Key` header.", "order-42-created"),
    "EventAccepted.id": ("The event's id: follow it with `GET /v1/events/{id}`.", EVENT_ID),
    "EventOut.id": ("The event's id.", EVENT_ID),
    "EventAccepted.status": (
        "The event's status: `accepted` until fanned out to its subscriptions.",
        "accepted",
    ),
    "EventOut.status": (
        "`accepted`, then `dispatched` once each matching subscription has its delivery, or `failed` "
        "when the payload could not be resolved (see `error`).",
        "dispatched",
    ),
    "EventOut.error": ("Why the payload could not be resolved (status `failed`).", None),
    "EventOut.payload": (
        "The resolved payload each delivery sends as `data`.",
        {"entity_id": 42, "status": "paid"},
    ),
    "source": ("Where the event came from: `api`, `amqp` (Magento's queue) or `test` (a test send).", "api"),
    "received_at": ("When the service stored the event.", AT),
    "dispatched_at": ("When the event was fanned out to its subscriptions.", AT),
    "deliveries": ("One delivery per matching subscription.", ...),
    "events": ("The events, each like the body of `POST /v1/events`.", ...),
    "accepted": ("How many items were accepted.", 2),
    "rejected": ("How many items were refused (see their `error`).", 0),
    "results": ("One result per item, in request order.", ...),
    "index": ("The item's position in the request, from 0.", 0),
    "BatchItemResult.status": ("The item's own status: 202 accepted, or the status of its problem.", 202),
    "BatchItemResult.id": ("The accepted event's id.", EVENT_ID),
    "duplicate": ("True when this id/key was seen before (nothing new stored).", False),
    "reason": ("Why this subscription got no delivery.", "filter did not match"),
    # subscriptions
    "subscription_id": ("The subscription's id.", 1),
    "recipient_url": (
        "Where deliveries are sent (for the `http` notifier, an HTTPS URL).",
        "https://example.com/order_created",
    ),
    "verification_token": (
        "The HMAC key of the signatures; omit it on create to get one generated.",
        "fv38u07Wdh$R@mRd",
    ),
    "metadata": ("The notifier that sends the deliveries (`GET /v1/notifiers`).", "http"),
    "status": ("The status.", "active"),
    "description": ("Free text for operators.", "Order sync for the ERP"),
    "filter": ("A payload filter: only events whose payload matches get a delivery.", ...),
    "payload_format": (
        '`data` sends `{"data": payload}` (the module\'s shape); `raw` the payload alone.',
        "data",
    ),
    "signature": (
        "What `webhook-signature` carries: `v1` (HMAC with the token), `v1a` (Ed25519 with the "
        "service's key, `GET /v1/signing-keys`) or `both`.",
        "v1",
    ),
    # signing keys (GET /v1/signing-keys)
    "SigningKeySet.keys": ("The public keys that sign `v1a` signatures now, newest first.", ...),
    "PublicKey.kty": ("The key type: `OKP` (RFC 8037).", "OKP"),
    "PublicKey.crv": ("The curve: `Ed25519`.", "Ed25519"),
    "PublicKey.use": ("What the key is for: `sig`, signatures.", "sig"),
    "PublicKey.alg": ("The algorithm: `EdDSA`.", "EdDSA"),
    "headers": ("Extra HTTP headers sent with each delivery (never shown again: only `header_names`).", ...),
    "timeout": ("Seconds to wait for the receiver's answer.", 10.0),
    "retry_schedule": ("Seconds before each retry.", [5, 60, 600, 3600]),
    "max_retries": ("Retries after the first attempt before the delivery is dead.", 4),
    "ordering": (
        "`fifo`: deliveries one at a time per key, in the order the events were accepted (a failing "
        "one holds those behind it); `none` (the default): concurrent.",
        "fifo",
    ),
    "ordering_key": (
        "With `fifo`: a payload path (e.g. `entity_id`) whose value splits the order into lines, sent "
        "in parallel; none or a missing value: one line.",
        "entity_id",
    ),
    "max_in_flight": ("At most this many deliveries to this subscription at once.", 8),
    "rate_limit": ("At most this many deliveries per second to this subscription.", 50.0),
    "disabled_at": ("When the subscription was disabled.", None),
    "disabled_reason": ("Why it was disabled (by an operator, or the receiver kept failing).", None),
    "subscribed_at": ("When the subscription was created.", AT),
    "modified": ("When the subscription last changed.", AT),
    "application": ("The application (uid) it belongs to.", "default"),
    "ids": ("The subscriptions to change.", [1, 2]),
    "BulkStatus.status": ("The status to set.", "disabled"),
    "updated": ("The subscriptions changed.", [1, 2]),
    "not_found": ("The ids that match no subscription.", []),
    "since": ("The start of the window.", "2026-05-03T10:15:30Z"),
    "until": ("The end of the window.", AT),
    "HealthOut.attempts": ("Attempts in the window.", 120),
    "succeeded": ("Successful attempts in the window.", 117),
    "last_error": ("The receiver's last failed answer in the window.", ...),
    "at": ("When.", AT),
    # deliveries
    "DeliveryOut.id": (
        "The delivery's id, sent as `webhook-id`: the same on every retry and replay.",
        DELIVERY_ID,
    ),
    "DeliveryDetail.id": (
        "The delivery's id, sent as `webhook-id`: the same on every retry and replay.",
        DELIVERY_ID,
    ),
    "DeliveryListItem.id": ("The delivery's id, sent as `webhook-id`.", DELIVERY_ID),
    "event_id": ("The event delivered.", EVENT_ID),
    "notifier": ("The notifier that sends it.", "http"),
    "DeliveryOut.status": ("`pending`, `delivered`, `retrying` or `dead`.", "delivered"),
    "DeliveryDetail.status": ("`pending`, `delivered`, `retrying` or `dead`.", "delivered"),
    "DeliveryListItem.status": ("`pending`, `delivered`, `retrying` or `dead`.", "delivered"),
    "status_reason": ("Why it is in this status (e.g. the receiver's last answer).", None),
    "summary": ("A one-line summary of the last attempt.", "200 OK in 84 ms"),
    "attempt_count": ("Attempts made so far.", 1),
    "next_attempt_at": ("When the next attempt is due (none once delivered or dead).", None),
    "first_attempt_at": ("When the first attempt was made.", AT),
    "last_attempt_at": ("When the last attempt was made.", AT),
    "last_status_code": ("The HTTP status of the last attempt's answer.", 200),
    "created_at": ("When it was created.", AT),
    "attempts": ("Every attempt, oldest first.", ...),
    "number": ("The attempt's number, from 1.", 1),
    "started_at": ("When the attempt started.", AT),
    "duration_ms": ("How long the attempt took, in milliseconds.", 84.2),
    "success": ("Whether the receiver accepted it (a 2xx).", True),
    "retryable": ("Whether a failure is retried.", False),
    "status_code": ("The HTTP status the receiver answered.", 200),
    "payload": ("The payload this delivery sends.", {"entity_id": 42, "status": "paid"}),
    "next_cursor": ("Pass as `cursor` for the next page; absent on the last.", None),
    "items": ("The items of this page.", ...),
    "ReplayAccepted.id": ("The delivery replayed.", DELIVERY_ID),
    "ReplayAccepted.status": ("The delivery's status now: `pending`.", "pending"),
    "ReplayJobOut.id": ("The replay job's id: follow it with `GET /v1/replays/{id}`.", EVENT_ID),
    "ReplayJobOut.status": ("`pending`, `running`, `done` or `failed`.", "running"),
    "criteria": ("The selection the job replays.", {"event_name": "sales.order.created", "status": ["dead"]}),
    "total": ("Deliveries selected.", 1200),
    "processed": ("Deliveries looked at so far.", 600),
    "replayed": ("Deliveries replayed so far.", 598),
    "ReplayJobOut.error": ("Why the job failed.", None),
    "finished_at": ("When the job finished.", None),
    "dry_run": ("True: nothing was replayed, this is the count.", True),
    "count": ("Deliveries that would be replayed.", 1200),
    "header_names": ("The names of the custom headers (their values are never shown).", ["Authorization"]),
    "success_rate": ("`succeeded / attempts`, from 0 to 1.", 0.975),
    "LastErrorOut.status_code": ("The HTTP status the receiver answered.", 503),
    "response": ("The first 500 characters of the receiver's answer.", "upstream unavailable"),
    "AttemptOut.response": ("The first characters of the receiver's answer.", "ok"),
    "excluded_events": ("Events the key may not replay (missing resources), left out.", []),
    "NotifierList.items": (
        "The notifier keys, for a subscription's `metadata`.",
        ["http", "amqp", "eventbridge"],
    ),
    "KeyCreated.key": (
        "The key itself, shown only now: send it as `Authorization: Bearer <key>`.",
        "ae_65a7c9061585_0j_1Bw8uFonIy1FouQCxZ8aLOft8D5BMfP5dP8wVsTk",
    ),
    "PortalSessionOut.url": (
        "The portal's sign-in link for this session (one use).",
        "https://events.example.com/portal/session/3v9Q2h0kX1",
    ),
    # catalogue
    "EventTypeOut.name": ("The event's name.", "sales.order.created"),
    "service_class": (
        "The service class that resolves the payload.",
        "Magento\\Sales\\Api\\OrderRepositoryInterface",
    ),
    "method": ("The service method called with the arguments.", "get"),
    "resources": (
        "The ACL resources a key needs to subscribe to this event.",
        ["Magento_Sales::actions_view"],
    ),
    "arguments_schema": ("JSON Schema of the event's arguments.", {"type": "object"}),
    # keys and applications
    "KeyOut.id": ("The key's id.", EVENT_ID),
    "KeyCreated.id": ("The key's id.", EVENT_ID),
    "name": ("A name for people.", "erp-publisher"),
    "ApplicationOut.id": ("The application's numeric id.", 2),
    "uid": ("The application's stable identifier, used in paths and bodies.", "erp"),
    "ApplicationOut.name": ("A name for people.", "ERP"),
    "ApplicationCreate.name": ("A name for people.", "ERP"),
    "ApplicationUpdate.name": ("A name for people.", "ERP (production)"),
    "ApplicationUpdate.uid": ("A new uid.", "erp-prod"),
    "prefix": ("The key's public prefix (`ae_<id>`), shown in logs and lists.", "ae_65a7c9061585"),
    "scopes": ("What the key may do (see `asyncevents-svc keys create --help`).", ["events:publish"]),
    "expires_at": ("When the key stops working (none: never).", None),
    "revoked_at": ("When the key was revoked.", None),
    "last_used_at": ("When the key was last used.", AT),
    # Magento
    "message": ("Magento's phrase, with `%1`/`%name` placeholders.", ...),
    "parameters": ("The values of the placeholders in `message`.", ...),
    "search_criteria": ("The search as understood, echoed back.", ...),
    "filter_groups": ("Groups of filters: AND-ed, the filters of a group OR-ed.", ...),
    "filters": ("The filters of this group.", ...),
    "field": ("The field.", "event_name"),
    "value": ("The value compared.", "sales.%"),
    "condition_type": ("The comparison (`eq`, `like`, `in`...).", "like"),
    "direction": ("`ASC` or `DESC`.", "DESC"),
    "sort_orders": ("The sort orders.", ...),
    "page_size": ("Items per page.", 20),
    "current_page": ("The page, from 1.", 1),
}


def describe(schemas: dict[str, Any]) -> None:
    """Give each property of ``schemas`` without a description (or example) this vocabulary's."""
    for model, schema in schemas.items():
        for name, part in schema.get("properties", {}).items():
            entry = FIELDS.get(f"{model}.{name}") or FIELDS.get(name)
            if entry is None:
                continue
            description, example = entry
            part.setdefault("description", description)
            if example is not ... and "examples" not in part and "$ref" not in part:
                part["examples"] = [example]
