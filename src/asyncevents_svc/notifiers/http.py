"""The ``http`` notifier: a signed JSON POST to the subscription's ``recipient_url``.

Body: the compact JSON ``{"data": <payload>}``. Headers: ``x-magento-signature`` (the
module's scheme), the Standard Webhooks trio ``webhook-id`` / ``webhook-timestamp`` /
``webhook-signature`` and ``x-asyncevents-event`` with the event name. aiohttp is the client
because it measured several times faster than httpx's default transport against the same
loopback receiver (see README, "Choice of HTTP client"). Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp
import orjson

from asyncevents_svc.notifiers.base import Notification, Notifier, NotifierContext, NotifierResult
from asyncevents_svc.notifiers.signing import magento_signature, standard_signature
from asyncevents_svc.settings import HttpSettings

RETRYABLE_STATUSES = frozenset({408, 425, 429})
MAX_RETRY_AFTER = 3600.0


def is_retryable_status(status: int) -> bool:
    """5xx and 408/425/429 are worth another try; other answers are final."""
    return status >= 500 or status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def render_body(payload: object) -> bytes:
    """The exact bytes that are sent and signed."""
    return orjson.dumps({"data": payload})


class HttpNotifier(Notifier):
    """POSTs signed webhooks with one pooled aiohttp session per process."""

    key = "http"

    def __init__(self, settings: HttpSettings, *, fail_fast: bool = True) -> None:
        self.settings = settings
        self.fail_fast = fail_fast
        self._session: aiohttp.ClientSession | None = None

    def check_recipient(self, recipient: str) -> str | None:
        parts = urlsplit(recipient)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "must be an absolute http(s) URL"
        if parts.username or parts.password:
            return "must not contain credentials"
        return None

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.settings.max_connections, limit_per_host=0, ttl_dns_cache=60
            )
            timeout = aiohttp.ClientTimeout(
                total=self.settings.timeout, sock_connect=self.settings.connect_timeout
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                headers={"user-agent": self.settings.user_agent},
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def headers(self, notification: Notification, body: bytes, timestamp: int) -> dict[str, str]:
        key = notification.token.encode()
        msg_id = str(notification.delivery_id)
        return {
            "content-type": "application/json",
            "x-magento-signature": magento_signature(key, body),
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_signature(key, msg_id, timestamp, body),
            "x-asyncevents-event": notification.event_name,
        }

    async def send(self, notification: Notification) -> NotifierResult:
        started = time.perf_counter()
        try:
            await self.start()
            assert self._session is not None
            body = render_body(notification.payload)
            now = time.time()
            headers = self.headers(notification, body, int(now))
            async with self._session.post(
                notification.recipient, data=body, headers=headers, allow_redirects=False
            ) as response:
                excerpt = await response.content.read(self.settings.response_excerpt_bytes)
                status = response.status
                retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        except TimeoutError:
            return self._failure(started, f"timed out after {self.settings.timeout:g} s")
        except aiohttp.ClientError as exc:
            return self._failure(started, f"{type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must still become an attempt record
            return self._failure(started, f"unexpected {type(exc).__name__}: {exc}", retryable=False)
        duration = (time.perf_counter() - started) * 1000
        text = excerpt.decode("utf-8", errors="replace")
        if 200 <= status < 300:
            return NotifierResult(True, False, duration, status, detail=text)
        retryable = is_retryable_status(status) or not self.fail_fast
        if 300 <= status < 400:
            text = f"redirect not followed ({status}); {text}"
        return NotifierResult(False, retryable, duration, status, retry_after, text)

    @staticmethod
    def _failure(started: float, detail: str, *, retryable: bool = True) -> NotifierResult:
        return NotifierResult(False, retryable, (time.perf_counter() - started) * 1000, detail=detail)


def HttpNotifierFactory(ctx: NotifierContext) -> HttpNotifier:  # noqa: N802 - entry-point name
    """Entry point of the ``http`` notifier."""
    return HttpNotifier(ctx.settings.http, fail_fast=ctx.settings.retry.fail_fast_statuses)
