"""The ``amqp`` notifier: each delivery is published to an exchange on a RabbitMQ broker,
for internal consumers that would rather read a queue than serve a webhook.

``recipient_url`` names the broker, the exchange and the routing key::

    amqp://svc@mq.internal:5672/orders?exchange=asyncevents&routing_key=sales.order.created

* ``amqps://`` for TLS; the path is the virtual host (``/`` or empty: the default ``/``);
* ``exchange`` (default: the default exchange ``""``, which routes to the queue named by the
  routing key) and ``routing_key`` (default: the event name, for topic exchanges);
* a user name but never a password: ``recipient_url`` is shown in API responses, so passwords
  live in the ``AMQP_NOTIFIER__PASSWORDS`` setting under ``user@host:port``. No user: guest.

The message is the body the ``http`` notifier would POST, persistent, with the same signature
headers (``webhook-id`` / ``-timestamp`` / ``-signature``, ``x-magento-signature``,
``x-asyncevents-event``), ``message_id`` = the delivery UUID and ``type`` = the event name.
It counts as delivered once the broker confirms it (publisher confirms) and it reached a
queue (``mandatory``).

Outcomes: unroutable (no queue bound yet), a negative confirm, timeouts and connection
trouble are retryable; credentials refused, a missing exchange or a refused host are final.
One connection and one confirming channel per broker and user, opened on first use and
re-opened after an error; hosts pass the same recipient guard as webhooks when a connection
opens. The connection is then made to the host name (TLS needs it), so unlike the http
notifier, which connects to the very address it checked, a name whose DNS answer changes
between the check and the connect is not caught: allow-list broker hosts you control.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import aio_pika
import structlog
import yarl
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from aiormq.exceptions import (
    AMQPConnectionError,
    ChannelAccessRefused,
    ChannelNotFoundEntity,
    DeliveryError,
    ProbableAuthenticationError,
    PublishError,
)

from asyncevents_svc.messaging.amqp import open_or_close
from asyncevents_svc.notifiers.base import Notification, Notifier, NotifierContext, NotifierResult, failure
from asyncevents_svc.notifiers.http import render, signed_headers
from asyncevents_svc.notifiers.ssrf import RecipientPolicy
from asyncevents_svc.notifiers.urls import url_problem
from asyncevents_svc.settings import AmqpNotifierSettings

log = structlog.get_logger(__name__)

NAME_RE = re.compile(r"[A-Za-z0-9\-_.:]{0,255}")  # exchange names RabbitMQ accepts
DEFAULT_PORTS = {"amqp": 5672, "amqps": 5671}
QUERY_KEYS = frozenset({"exchange", "routing_key"})


class RecipientError(ValueError):
    """The recipient is not an ``amqp(s)://`` URL this notifier can publish to."""


@dataclass(frozen=True)
class Broker:
    """One connection's worth: where and as whom."""

    scheme: str
    user: str | None
    host: str
    port: int
    vhost: str

    @property
    def password_key(self) -> str:
        """The key of this broker's password in ``AMQP_NOTIFIER__PASSWORDS``."""
        return f"{self.user}@{self.host}:{self.port}"


@dataclass(frozen=True)
class Target:
    broker: Broker
    exchange: str
    routing_key: str | None  # None: the event name


def parse_target(recipient: str) -> Target:
    """The broker, exchange and routing key of a recipient URL; :class:`RecipientError` if bad."""
    try:
        parts = urlsplit(recipient)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise RecipientError(f"must be an amqp:// or amqps:// URL ({exc})") from None
    if parts.scheme not in DEFAULT_PORTS or not host:
        raise RecipientError("must be an amqp:// or amqps:// URL with a host")
    problem = url_problem(recipient)
    if problem is not None:
        raise RecipientError(problem)  # port 0 was read as "no port": the default one
    if parts.password is not None:
        raise RecipientError(
            "must not contain a password (it would be shown in responses); "
            "set it in ASYNCEVENTS_AMQP_NOTIFIER__PASSWORDS under 'user@host:port'"
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(query) - QUERY_KEYS)
    if unknown:
        raise RecipientError(f"unknown query parameter {unknown[0]!r} (only exchange and routing_key)")
    exchange = query.get("exchange", "")
    if not NAME_RE.fullmatch(exchange):
        raise RecipientError("exchange must be up to 255 of A-Z a-z 0-9 - _ . :")
    routing_key = query.get("routing_key")
    if routing_key is not None and len(routing_key.encode()) > 255:
        raise RecipientError("routing_key must be at most 255 bytes")
    if not exchange and not routing_key:
        raise RecipientError("the default exchange needs a routing_key (the queue name)")
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    user = unquote(parts.username) if parts.username else None
    broker = Broker(parts.scheme, user, host, port or DEFAULT_PORTS[parts.scheme], vhost)
    return Target(broker, exchange, routing_key)


class _Connection:
    """A broker connection and its confirming channel, re-opened after any error."""

    def __init__(self, url: yarl.URL, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.lock = asyncio.Lock()
        self.connection: AbstractConnection | None = None
        self.channel: AbstractChannel | None = None

    @property
    def is_open(self) -> bool:
        return self.connection is not None and not self.connection.is_closed

    async def channel_for_publish(self) -> AbstractChannel:
        async with self.lock:
            if self.channel is not None and not self.channel.is_closed:
                return self.channel
            if self.connection is None or self.connection.is_closed:
                await self.close()
                connection = aio_pika.Connection(self.url)
                await open_or_close(connection, timeout=self.timeout)
                self.connection = connection
            self.channel = await self.connection.channel(publisher_confirms=True, on_return_raises=True)
            return self.channel

    async def close(self) -> None:
        connection, self.connection, self.channel = self.connection, None, None
        if connection is not None and not connection.is_closed:
            try:
                await connection.close()
            except Exception as exc:  # closing a broken connection may fail; it is gone either way
                log.debug("amqp_close_failed", error=f"{type(exc).__name__}: {exc}")


class AmqpNotifier(Notifier):
    """Publishes signed messages with publisher confirms, one pooled connection per broker."""

    key = "amqp"

    def __init__(self, settings: AmqpNotifierSettings, policy: RecipientPolicy) -> None:
        self.settings = settings
        self.policy = policy
        self._connections: dict[Broker, _Connection] = {}

    async def check_recipient(self, recipient: str) -> str | None:
        try:
            target = parse_target(recipient)
        except RecipientError as exc:
            return str(exc)
        return await self.policy.check_host(target.broker.host, allow_unresolved=True)

    async def close(self) -> None:
        connections, self._connections = self._connections, {}
        for connection in connections.values():
            await connection.close()

    async def send(self, notification: Notification) -> NotifierResult:
        started = time.perf_counter()
        try:
            target = parse_target(notification.recipient)
        except RecipientError as exc:
            return failure(started, str(exc), retryable=False)
        broker = target.broker
        seconds = notification.timeout or self.settings.timeout
        try:
            connection = await self._connection(broker)
            if connection is None:
                return failure(
                    started,
                    f"no password for {broker.password_key} in ASYNCEVENTS_AMQP_NOTIFIER__PASSWORDS",
                    retryable=False,
                )
            if not connection.is_open:  # the guard runs when a connection opens, not per message
                refused = await self.policy.check_host(broker.host)
                if refused is not None:
                    return failure(started, refused, retryable=False)
            channel = await connection.channel_for_publish()
            exchange: AbstractExchange = (
                await channel.get_exchange(target.exchange, ensure=False)
                if target.exchange
                else channel.default_exchange
            )
            routing_key = target.routing_key or notification.event_name
            await exchange.publish(self.message(notification), routing_key, mandatory=True, timeout=seconds)
        except ProbableAuthenticationError as exc:
            await self._drop(broker)
            return failure(
                started,
                f"the broker refused the credentials of {broker.password_key}: {exc}",
                retryable=False,
            )
        except ChannelNotFoundEntity as exc:
            return failure(started, f"not found on the broker: {exc}", retryable=False)
        except ChannelAccessRefused as exc:
            return failure(started, f"access refused by the broker: {exc}", retryable=False)
        except PublishError:
            return failure(started, "unroutable: no queue is bound for this exchange and routing key")
        except DeliveryError as exc:
            return failure(started, f"the broker did not confirm the message: {exc}")
        except TimeoutError:
            await self._drop(broker)
            return failure(started, f"timed out after {seconds:g} s")
        except (AMQPConnectionError, OSError, ConnectionError) as exc:
            await self._drop(broker)
            return failure(started, f"{type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must still become an attempt record
            await self._drop(broker)
            return failure(started, f"unexpected {type(exc).__name__}: {exc}", retryable=False)
        duration = (time.perf_counter() - started) * 1000
        shown = target.exchange or "(default)"
        detail = f"confirmed by the broker (exchange {shown!r}, routing key {routing_key!r})"
        return NotifierResult.delivered(duration, detail=detail)

    def message(self, notification: Notification) -> aio_pika.Message:
        body, content_type = render(notification)
        now = int(time.time())
        headers = {**notification.headers, **signed_headers(notification, body, now, content_type)}
        del headers["content-type"]  # a message property here
        return aio_pika.Message(
            body,
            headers=dict(headers),
            content_type=content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(notification.delivery_id),
            timestamp=now,
            type=notification.event_name,
            app_id="asyncevents-svc",
        )

    async def _connection(self, broker: Broker) -> _Connection | None:
        """The pooled connection to ``broker``; None if its user has no password configured."""
        existing = self._connections.get(broker)
        if existing is not None:
            return existing
        password: str | None = None
        if broker.user is not None:
            secret = self.settings.passwords.get(broker.password_key)
            if secret is None:
                return None
            password = secret.get_secret_value()
        url = yarl.URL.build(
            scheme=broker.scheme,
            user=broker.user or "guest",
            password=password if password is not None else "guest",
            host=broker.host,
            port=broker.port,
            path="/" + broker.vhost,
        )
        connection = self._connections[broker] = _Connection(url, self.settings.timeout)
        return connection

    async def _drop(self, broker: Broker) -> None:
        connection = self._connections.pop(broker, None)
        if connection is not None:
            await connection.close()


def AmqpNotifierFactory(ctx: NotifierContext) -> AmqpNotifier:  # noqa: N802 - entry-point name
    """Entry point of the ``amqp`` notifier."""
    settings = ctx.settings
    policy = RecipientPolicy(settings.security, settings.env, resolve_timeout=settings.http.connect_timeout)
    return AmqpNotifier(settings.amqp_notifier, policy)
