# ruff: noqa: S608 - the SQL is built from this module's fixed fragments; every value is a parameter
"""Filling a scratch database for ``bench/scale.py`` with server-side SQL only.

Every row is computed by PostgreSQL from ``generate_series`` (``INSERT … SELECT``), in chunks
of about a million deliveries so progress shows; no row passes through Python. Ids are
computed from the event's index, so a delivery and its attempts are written by one
statement (a data-modifying CTE) without reading anything back: the first 48 bits are the
index, the rest an ``md5`` of it (time-ordered, as a UUIDv7 is). The service's own ids are
random UUIDv4s; ordered ones here keep a 10 M fill appending to the primary-key indexes
instead of writing all over them (which would make the fill, not the service, the slow
part). The indexes come out somewhat denser than a live service's.

The mix, per delivery (two per event, decided by a hash of the index): 93 % delivered (one
successful attempt), 3 % dead (five failed attempts), 2 % retrying (two failed attempts,
next attempt within the next day), 1 % cancelled (one failed attempt), 1 % pending (due,
never tried). Events span the last 30 days; a few of the newest are still ``accepted``
(not fanned out, no deliveries), as a running service always has. Each event's two
deliveries belong to two applications (:data:`APPLICATIONS`), so a tenant's log is half the
table: the tenant calls time a key bound to one of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import asyncpg

#: Two applications besides ``default`` (id 1, made by the migration): each event's first
#: delivery (subscriptions 1, 3, 5) belongs to ``erp``, its second (2, 4, 6) to ``marketing``.
APPLICATIONS = ((2, "erp", "ERP"), (3, "marketing", "Marketing"))
#: Six subscriptions over three events: one with a filter, one disabled. Each event name
#: has exactly two, so every dispatched event has two deliveries.
SUBSCRIPTIONS = (
    (1, "sales.order.created", "active", None),
    (2, "sales.order.created", "active", '{"path": "grand_total", "gte": 0}'),
    (3, "sales.order.updated", "active", None),
    (4, "sales.order.updated", "disabled", None),
    (5, "customer.created", "active", None),
    (6, "customer.created", "active", None),
)
#: Where the deliveries of the fill are addressed until ``retarget`` points them at a receiver.
PLACEHOLDER_URL = "http://127.0.0.1:9/scale"
CHUNK_DELIVERIES = 1_000_000
DAYS = 30

_EVENT_ID = "(lpad(to_hex(i), 12, '0') || substr(md5('e' || i), 13))::uuid"
_DELIVERY_ID = "(lpad(to_hex(i * 2 + k), 12, '0') || substr(md5('d' || i || '.' || k), 13))::uuid"
# Event ``i`` of ``n``: received evenly over the last 30 days, the newest a minute ago.
_RECEIVED = "now() - interval '1 minute' - (($2::bigint - 1 - i) * interval '{days} days' / $2::bigint)"
_NAME = """(CASE WHEN i % 10 < 5 THEN 'sales.order.created' WHEN i % 10 < 8 THEN 'sales.order.updated'
               ELSE 'customer.created' END)"""
_EMAIL = "(CASE WHEN i % 1000 = 7 THEN 'roni.' ELSE 'customer' END) || (i % 50000) || '@example.com'"
_PAYLOAD = f"""jsonb_build_object(
    'increment_id', 'CK' || lpad(i::text, 9, '0'),
    'order_id', i,
    'customer_email', {_EMAIL},
    'customer', jsonb_build_object('email', {_EMAIL}, 'firstname', 'Name' || (i % 997)),
    'status', (ARRAY['pending', 'processing', 'complete'])[1 + i % 3],
    'items', (SELECT jsonb_agg(jsonb_build_object(
                  'sku', 'SKU-' || lpad(((i * 7 + j * 131) % 5000)::text, 4, '0'),
                  'qty', 1 + (i + j) % 3,
                  'price', round((5 + (i * j) % 200 + 0.99)::numeric, 2)))
              FROM generate_series(1, 1 + (i % 5)::int) AS j),
    'grand_total', round((10 + (i * 37) % 900 + 0.5)::numeric, 2),
    'store_id', 1)"""

EVENTS_SQL = f"""
INSERT INTO events (id, name, arguments, store_id, source, payload, status, received_at, dispatched_at)
SELECT {_EVENT_ID}, {_NAME}, jsonb_build_object('order_id', i), 1, 'http', {_PAYLOAD},
       'dispatched', {_RECEIVED.format(days=DAYS)}, {_RECEIVED.format(days=DAYS)} + interval '40 ms'
FROM generate_series($1::bigint, $3::bigint - 1) AS i
"""

# Delivery k (0 or 1) of event i; r in 0..99 picks the status.
_STATUS = """(CASE WHEN r < 93 THEN 'delivered' WHEN r < 96 THEN 'dead' WHEN r < 98 THEN 'retrying'
                   WHEN r < 99 THEN 'cancelled' ELSE 'pending' END)"""
_TRIES = "(CASE WHEN r < 93 THEN 1 WHEN r < 96 THEN 5 WHEN r < 98 THEN 2 WHEN r < 99 THEN 1 ELSE 0 END)"
DELIVERIES_SQL = f"""
WITH src AS (
    SELECT i, k, ((i * 2 + k) * 37 + (i * 2 + k) / 100) % 100 AS r, {_RECEIVED.format(days=DAYS)} AS at,
           {_NAME} AS name
    FROM generate_series($1::bigint, $3::bigint - 1) AS i, generate_series(0, 1) AS k
), rows AS (
    SELECT {_DELIVERY_ID} AS id, {_EVENT_ID} AS event_id,
           (CASE name WHEN 'sales.order.created' THEN 1 WHEN 'sales.order.updated' THEN 3 ELSE 5 END) + k
               AS subscription_id,
           {_STATUS} AS status, {_TRIES} AS tries, at, i
    FROM src
), inserted AS (
    INSERT INTO deliveries (id, event_id, subscription_id, application_id, notifier, status, attempts,
                            chain_offset, next_attempt_at, last_status_code, status_reason, created_at,
                            updated_at, first_attempt_at, last_attempt_at)
    SELECT id, event_id, subscription_id, 2 + (subscription_id + 1) % 2, 'http', status, tries, 0,
           CASE status WHEN 'retrying' THEN now() + (i % 1440) * interval '1 minute'
                       WHEN 'pending' THEN now() - (i % 60) * interval '1 second' END,
           CASE status WHEN 'delivered' THEN 200 WHEN 'pending' THEN NULL ELSE 503 END,
           CASE status WHEN 'dead' THEN 'retries exhausted'
                       WHEN 'cancelled' THEN 'subscription 4 is disabled' END,
           at, at + tries * interval '2 minutes',
           CASE WHEN tries > 0 THEN at + interval '50 ms' END,
           CASE WHEN tries > 0 THEN at + interval '50 ms' + (tries - 1) * interval '2 minutes' END
    FROM rows
    RETURNING id, status, attempts, first_attempt_at
)
INSERT INTO attempts (delivery_id, number, started_at, duration_ms, success, retryable, status_code, response)
SELECT d.id, n, d.first_attempt_at + (n - 1) * interval '2 minutes', 20 + (n * 13) % 80,
       d.status = 'delivered', d.status <> 'delivered',
       CASE WHEN d.status = 'delivered' THEN 200 ELSE 503 END,
       CASE WHEN d.status = 'delivered' THEN 'ok' ELSE 'Service Unavailable' END
FROM inserted AS d, generate_series(1, d.attempts) AS n
"""

# Accepted events (no deliveries yet): the newest, indices n .. n + extra.
ACCEPTED_SQL = f"""
INSERT INTO events (id, name, arguments, store_id, source, payload, status, received_at)
SELECT {_EVENT_ID}, {_NAME}, jsonb_build_object('order_id', i), 1, 'http', {_PAYLOAD},
       'accepted', now() - interval '30 seconds'
FROM generate_series($1::bigint, $2::bigint - 1) AS i
"""


def accepted_events(deliveries: int) -> int:
    """How many not yet fanned-out events a database of this size holds (0.01 %, 10 to 1,000)."""
    return max(10, min(1000, deliveries // 10_000))


def application_of(subscription_id: int) -> int:
    """The application of a fill subscription (as DELIVERIES_SQL computes it)."""
    return 2 + (subscription_id + 1) % 2


async def fill_subscriptions(connection: asyncpg.Connection) -> None:
    for app_id, uid, name in APPLICATIONS:
        await connection.execute(
            "INSERT INTO applications (id, uid, name, created_at) VALUES ($1, $2, $3, now())",
            app_id,
            uid,
            name,
        )
    await connection.execute("SELECT setval('applications_id_seq', 100)")
    for sub_id, event, status, filter_ in SUBSCRIPTIONS:
        await connection.execute(
            """INSERT INTO subscriptions (id, application_id, event_name, recipient_url, token_encrypted,
                   metadata, status, store_id, description, filter, payload_format, subscribed_at, modified,
                   disabled_at, disabled_reason)
               VALUES ($1, $7, $2, $3, 'set-by-retarget', 'http', $4::varchar, 0, $5, $6::jsonb, 'data',
                   now() - interval '31 days', now(), CASE WHEN $4::varchar = 'disabled' THEN now() END,
                   CASE WHEN $4::varchar = 'disabled' THEN 'disabled by an operator' END)""",
            sub_id,
            event,
            f"{PLACEHOLDER_URL}/{sub_id}",
            status,
            f"scale bench {sub_id}",
            filter_,
            application_of(sub_id),
        )
    await connection.execute("SELECT setval('subscriptions_id_seq', 100)")


async def fill(
    connection: asyncpg.Connection, deliveries: int, progress: Callable[[str], None]
) -> tuple[float, float]:
    """Fill an empty, migrated database; returns the seconds of the inserts and of VACUUM ANALYZE."""
    started = time.perf_counter()
    events = deliveries // 2
    await fill_subscriptions(connection)
    step = CHUNK_DELIVERIES // 2
    for first in range(0, events, step):
        last = min(events, first + step)
        await connection.execute(EVENTS_SQL, first, events, last)
        await connection.execute(DELIVERIES_SQL, first, events, last)
        progress(f"  {2 * last:,} / {deliveries:,} deliveries ({time.perf_counter() - started:.0f} s)")
    await connection.execute(ACCEPTED_SQL, events, events + accepted_events(deliveries))
    inserted = time.perf_counter()
    progress(f"  VACUUM ANALYZE (inserts took {inserted - started:.1f} s)")
    await connection.execute("VACUUM ANALYZE")
    return inserted - started, time.perf_counter() - inserted


# The fill's index back from an id (its first 48 bits), and the status hash of it.
_INDEX = "('x' || translate(left({col}::text, 13), '-', ''))::bit(48)::bigint"
REARM_SQL = [
    # What the previous run added: the latency probe's subscription, events and deliveries.
    "DELETE FROM events WHERE name = 'bench.latency'",
    "DELETE FROM subscriptions WHERE id > 100",
    # The fill's pending deliveries (status hash 99), since sent or cancelled: due again.
    f"""WITH rearmed AS (
        UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = NULL,
               last_status_code = NULL, status_reason = NULL, first_attempt_at = NULL,
               last_attempt_at = NULL, updated_at = created_at
        WHERE status IN ('delivered', 'cancelled', 'retrying', 'dead') AND subscription_id <= 6
          AND ({_INDEX.format(col="id")} * 37 + {_INDEX.format(col="id")} / 100) % 100 = 99
        RETURNING id)
    DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM rearmed)""",
    # The fill's accepted events (indices from n/2 on), since fanned out: accepted again.
    f"""DELETE FROM deliveries WHERE event_id IN (
        SELECT id FROM events WHERE {_INDEX.format(col="id")} >= $1 AND status <> 'accepted'
          AND name IN ('sales.order.created', 'sales.order.updated', 'customer.created')
          AND arguments ? 'order_id')""",
    f"""UPDATE events SET status = 'accepted', dispatched_at = NULL, locked_until = NULL, skipped = NULL,
               received_at = now() - interval '30 seconds'
        WHERE {_INDEX.format(col="id")} >= $1 AND status <> 'accepted' AND arguments ? 'order_id'""",
    "VACUUM ANALYZE deliveries",
]


async def rearm(connection: asyncpg.Connection, deliveries: int) -> None:
    """Put a kept database back as the fill left it: an earlier run's worker sent its due
    deliveries and fanned out its accepted events (one scan of ``deliveries``)."""
    for sql in REARM_SQL:
        if "$1" in sql:
            await connection.execute(sql, deliveries // 2)
        else:
            await connection.execute(sql)


async def row_counts(connection: asyncpg.Connection) -> dict[str, int]:
    """Exact counts of the filled tables (for the report's row rate)."""
    counts: dict[str, int] = {}
    for table in ("events", "deliveries", "attempts"):
        counts[table] = int(await connection.fetchval(f"SELECT count(*) FROM {table}"))
    return counts
