"""ORM models: applications, subscriptions, events, deliveries, attempts.

PostgreSQL is the source of truth. The broker only carries hints ("event X is ready"), so
anything it loses is found again here by the scheduler's sweeps.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    and_,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncevents_svc.db.lease import lease_free
from asyncevents_svc.db.types import BigIntId, JsonColumn, UtcDateTime, utcnow
from asyncevents_svc.deliveries.status import OPEN, DeliveryStatus, ReplayJobStatus
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.subscriptions.status import SubscriptionStatus

#: The open statuses as SQL, for the partial index of due work.
OPEN_SQL = "status IN (" + ", ".join(f"'{status}'" for status in OPEN) + ")"
#: Open ordered deliveries, and of them the released heads (at most one per key).
ORDERED_SQL = OPEN_SQL + " AND ordering_key IS NOT NULL"
ORDERED_HEAD_SQL = ORDERED_SQL + " AND next_attempt_at IS NOT NULL"


class Base(DeclarativeBase):
    pass


#: The application every subscription belonged to before applications existed, and the one
#: the Magento ``/V1`` routes create in for an operator key (made by migration 0012).
DEFAULT_APPLICATION_ID = 1
DEFAULT_APPLICATION_UID = "default"


class Application(Base):
    """A tenant: one integration or one customer, with its own subscriptions, deliveries
    and (bound) API keys; see ``applications/``. Ids are never reused, so history that
    outlives a deleted application can never be taken for a later one's."""

    __tablename__ = "applications"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Subscription(Base):
    """ "Send events named X to recipient Y with notifier Z" (the module's async_event_subscriber)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_status_event", "status", "event_name"),
        Index("ix_subscriptions_application", "application_id", "id"),
        # The worker's claim of due endpoint challenges (subscriptions/verification.py).
        Index(
            "ix_subscriptions_verification_due",
            "verification_due_at",
            postgresql_where=text("verification_due_at IS NOT NULL"),
            sqlite_where=text("verification_due_at IS NOT NULL"),
        ),
        # Ids never given twice (SQLite would reuse the highest after a delete): a delivery's
        # history outlives its subscription and must never be taken for a later one's.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("applications.id", name="fk_subscriptions_application_id_applications"),
        default=DEFAULT_APPLICATION_ID,
        server_default=str(DEFAULT_APPLICATION_ID),
    )
    event_name: Mapped[str] = mapped_column(String(255))
    recipient_url: Mapped[str] = mapped_column(Text)
    token_encrypted: Mapped[str] = mapped_column(Text)
    # After a rotation the previous token keeps signing (beside the new one) until then.
    previous_token_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    notifier: Mapped[str] = mapped_column("metadata", String(64), default="http")
    status: Mapped[str] = mapped_column(String(16), default=SubscriptionStatus.ACTIVE)
    store_id: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str | None] = mapped_column(Text)
    # Only events whose payload matches get a delivery (subscriptions/filters.py).
    filter: Mapped[Any | None] = mapped_column(JsonColumn)
    payload_format: Mapped[str] = mapped_column(String(16), default="data", server_default="data")
    # Standard Webhooks scheme(s) of webhook-signature: "v1" (HMAC), "v1a" (Ed25519) or "both".
    signature: Mapped[str] = mapped_column(String(8), default="v1", server_default="v1")
    # "fifo": one delivery at a time per ordering key, in accepted order (deliveries/ordering.py);
    # ordering_key is a payload path (NULL: one key for the whole subscription).
    ordering: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    ordering_key: Mapped[str | None] = mapped_column(Text)
    # Delivery policy; NULL = the service's setting. Header values may be credentials:
    # stored encrypted, only their names are ever shown.
    headers_encrypted: Mapped[str | None] = mapped_column(Text)
    header_names: Mapped[list[str] | None] = mapped_column(JsonColumn)
    timeout: Mapped[float | None] = mapped_column(Float)
    retry_schedule: Mapped[list[float] | None] = mapped_column(JsonColumn)
    max_retries: Mapped[int | None] = mapped_column(Integer)
    max_in_flight: Mapped[int | None] = mapped_column(Integer)
    rate_limit: Mapped[float | None] = mapped_column(Float)  # requests/s, all workers together
    # Endpoint health: set at the first failure after a success, cleared by a success.
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Endpoint verification (security.verify_endpoints, subscriptions/verification.py): the
    # current challenge round's start, its next challenge (NULL: none planned; a claim moves
    # it a lease ahead), its attempts and last outcome; when the recipient last echoed one.
    verification_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verification_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verification_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    verification_last_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verification_error: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    subscribed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class RateWindow(Base):
    """The permits a rate-limited subscription has used in its current window
    (``worker/ratelimit.py``): one row per subscription, shared by every worker."""

    __tablename__ = "rate_windows"

    subscription_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    window: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(Integer)


class Event(Base):
    """One published occurrence; its payload is stored once, after resolution."""

    __tablename__ = "events"
    __table_args__ = (
        # GET /v1/events, newest first (keyset on (received_at, id)): whole, by application,
        # name, store and source (migration 0019) and status (0020, which the database
        # queue's claim of accepted events reads too), so that a rare value reads no more
        # than a page. The name's also starts the delivery log of a rare event name from its events
        # (0018's index, which it replaced).
        Index("ix_events_received", "received_at", "id"),
        Index("ix_events_application", "application_id", "received_at", "id"),
        Index("ix_events_name_received", "name", "received_at", "id"),
        Index("ix_events_store", "store_id", "received_at", "id"),
        Index("ix_events_source", "source", "received_at", "id"),
        Index("ix_events_status", "status", "received_at", "id"),
        # A key is unique per scope (events/idempotency.py); NULLs (no key) never collide.
        Index("uq_events_idempotency", "idempotency_scope", "idempotency_key", unique=True),
        # Payload search by value (deliveries/search/containment.py); PostgreSQL only.
        Index(
            "ix_events_payload",
            "payload",
            postgresql_using="gin",
            postgresql_ops={"payload": "jsonb_path_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(255))
    arguments: Mapped[Any] = mapped_column(JsonColumn)
    store_id: Mapped[int] = mapped_column(Integer, default=0)
    # Published to one application only (its subscriptions alone get deliveries); NULL: all.
    application_id: Mapped[int | None] = mapped_column(Integer)
    # Whose key it is: ``key:<api key id>``, ``magento`` or ``legacy``; set with the key.
    idempotency_scope: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # SHA-256 of the event as sent: a repeat of the key with another one is a 409.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="http")
    payload: Mapped[Any | None] = mapped_column(JsonColumn)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.ACCEPTED)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Subscriptions of this name whose filter the payload did not match, and why.
    skipped: Mapped[Any | None] = mapped_column(JsonColumn)
    # A scheduled send (deliveries wait until then) and the deadline its deliveries carry
    # (docs/guarantees.md, "Deadlines and scheduled sends"); NULL: now, and none.
    deliver_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A worker claiming the event from the database queue (or a sweep) holds it until then.
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # W3C traceparent of the accepting request (tracing on): workers continue that trace.
    trace_context: Mapped[str | None] = mapped_column(String(64))


class Delivery(Base):
    """One event going to one subscription; its UUID is the ``webhook-id`` of every attempt."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # The claim of due work (status open, oldest next_attempt_at first): only open
        # deliveries, in claim order, so a claim reads its batch and stops however large
        # the backlog (a (status, next_attempt_at) index made it sort every due row).
        Index(
            "ix_deliveries_open_due",
            "next_attempt_at",
            postgresql_where=text(OPEN_SQL),
            sqlite_where=text(OPEN_SQL),
        ),
        # The claim in a backlog, which leaves out subscriptions backed up in the worker:
        # each other subscription's earliest due, without reading past the backlog's.
        Index(
            "ix_deliveries_open_subscription",
            "subscription_id",
            "next_attempt_at",
            "id",
            postgresql_where=text(OPEN_SQL),
            sqlite_where=text(OPEN_SQL),
        ),
        # Ordered deliveries (deliveries/ordering.py): a key's open ones in accepted order
        # (the next to release), and its one released head (at most one row per key).
        Index(
            "ix_deliveries_ordered",
            "subscription_id",
            "ordering_key",
            "ordered_at",
            "id",
            postgresql_where=text(ORDERED_SQL),
            sqlite_where=text(ORDERED_SQL),
        ),
        Index(
            "ix_deliveries_ordered_head",
            "subscription_id",
            "ordering_key",
            postgresql_where=text(ORDERED_HEAD_SQL),
            sqlite_where=text(ORDERED_HEAD_SQL),
        ),
        Index("ix_deliveries_event", "event_id"),
        Index("ix_deliveries_subscription", "subscription_id", "created_at"),
        Index("ix_deliveries_application", "application_id", "created_at", "id"),
        # The log's order (newest first, keyset on (created_at, id)), whole and by status;
        # retention reads the oldest through the first.
        Index("ix_deliveries_created", "created_at", "id"),
        Index("ix_deliveries_status_created", "status", "created_at", "id"),
        # A tenant's log by status (its dead letters, its dry-run counts): bounded by its
        # own rows, not by the other applications' of that status; with the subscription in
        # it, a replay's count (which checks each one's subscription) reads the index only.
        Index(
            "ix_deliveries_application_status",
            "application_id",
            "status",
            "created_at",
            "id",
            postgresql_include=["subscription_id"],
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("events.id", ondelete="CASCADE"))
    # No foreign key: the delivery history outlives a deleted subscription.
    subscription_id: Mapped[int] = mapped_column(Integer)
    # The subscription's application, copied at fan-out so that a tenant's reads filter on
    # an indexed column of this table (and outlive the subscription, like its id).
    application_id: Mapped[int] = mapped_column(Integer, server_default=str(DEFAULT_APPLICATION_ID))
    notifier: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts made before the current chain: a replay starts a new chain with a full
    # retry budget while attempt numbers keep counting up.
    chain_offset: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    first_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # An ordered subscription's delivery: its key (JSON of the payload value; "" when the
    # subscription has no key path or the path is missing) and its place in the key's line
    # (the event's received_at; a replay's time). NULL key: unordered.
    ordering_key: Mapped[str | None] = mapped_column(Text)
    ordered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Not delivered by then: ``expired``, no further attempt (copied from the event at
    # fan-out, so the claim and the recorder check it without a join). NULL: no deadline.
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Attempt(Base):
    """One try of a delivery (append-only; retention deletes by ``started_at``)."""

    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_delivery", "delivery_id", "number"),
        Index("ix_attempts_started", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("deliveries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_ms: Mapped[float] = mapped_column()
    success: Mapped[bool] = mapped_column()
    retryable: Mapped[bool] = mapped_column()
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)


class AttemptMinute(Base):
    """Attempts of one subscription in one minute, by outcome: the counters the delivery
    statistics read (``deliveries/stats.py``), so an hour or a day costs its minutes, not its
    attempts. Added to by the worker in the transaction that records the attempts."""

    __tablename__ = "attempt_minutes"
    __table_args__ = (
        Index("uq_attempt_minutes_subscription", "subscription_id", "minute", unique=True),
        Index("ix_attempt_minutes_minute", "minute", "id"),
        Index("ix_attempt_minutes_application", "application_id", "minute"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    minute: Mapped[datetime] = mapped_column(UtcDateTime)  # the minute's start
    subscription_id: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)  # failed, to be retried
    dead: Mapped[int] = mapped_column(Integer, default=0)  # failed, the delivery's last
    # Deliveries that expired in the minute (with a last failed attempt, counted in failed
    # too, or at claim time without one): not attempts, so not in the attempt total.
    expired: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)  # all attempts' durations


class ReplayJob(Base):
    """A bulk replay: deliveries matching a filter are replayed in batches, resumably."""

    __tablename__ = "replay_jobs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    criteria: Mapped[Any] = mapped_column(JsonColumn)
    # The application of the key that started it (its deliveries only); NULL: an operator's.
    application_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ReplayJobStatus.PENDING)
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    replayed: Mapped[int] = mapped_column(Integer, default=0)
    last_delivery_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiKey(Base):
    """An API key: only a SHA-256 of the secret is stored; ``prefix`` finds the row."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(255))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[Any] = mapped_column(JsonColumn)
    # Bound to one application: its scopes reach that application's objects only. NULL: an
    # operator key. No foreign key: a deleted application's keys stay, revoked, as history.
    application_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSession(Base):
    """A signed-in browser, ended server-side (sign-out) so that a copied cookie stops
    working in every process. The cookie holds the id sealed (``console/session.py``);
    ``kind`` keeps the console's apart from the consumer portal's (its single-use links)."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        Index("ix_web_sessions_expires_at", "expires_at"),
        Index("uq_web_sessions_link_hash", "link_hash", unique=True),
        Index("ix_web_sessions_application", "application_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("api_keys.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A portal session's application (no foreign key: the row outlives it, ended).
    application_id: Mapped[int | None] = mapped_column(Integer)
    # A portal link's token, hashed (SHA-256): found once, when the link is opened.
    link_hash: Mapped[str | None] = mapped_column(String(64))
    # The scopes the portal's key gets when the link is opened.
    scopes: Mapped[Any | None] = mapped_column(JsonColumn)


class SigningKey(Base):
    """One of the service's Ed25519 keys for ``v1a`` signatures (``signing/keyring.py``).

    ``generation`` orders them (the highest signs first) and, being the primary key, lets
    only one of two processes that add the same generation at once succeed. A key signs and
    is published until ``retires_at`` (set when a newer key is added, after the overlap)."""

    __tablename__ = "signing_keys"

    generation: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    retires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# --- the work queues' conditions, shared by the claims and by /health/ready's lag ---------


def due_for_sending(now: datetime) -> ColumnElement[bool]:
    """A delivery whose (re)send time has come and that no worker is sending."""
    return and_(
        Delivery.status.in_(OPEN),
        Delivery.next_attempt_at <= now,
        lease_free(Delivery.locked_until, now),
    )


def waiting_for_fan_out(now: datetime) -> ColumnElement[bool]:
    """An accepted event that no worker is fanning out."""
    return and_(Event.status == EventStatus.ACCEPTED, lease_free(Event.locked_until, now))
