"""The ``http`` notifier: a signed JSON POST to the subscription's ``recipient_url``.

Body: the compact JSON ``{"data": <payload>}``, or a CloudEvents 1.0 JSON event when the
subscription's ``payload_format`` is ``cloudevents`` (:func:`render`). Headers:
``x-magento-signature`` (the module's scheme), the Standard Webhooks trio ``webhook-id`` /
``webhook-timestamp`` / ``webhook-signature`` and ``x-asyncevents-event`` with the event
name; a subscription's own ``headers`` never replace these (:data:`RESERVED_HEADERS`). aiohttp is the client
because it measured several times faster than httpx's default transport against the same
loopback receiver (see docs/architecture.md, "Choice of HTTP client"). Redirects are never followed.

Recipients pass the SSRF guard (:mod:`.ssrf`) at create/update and again on every send: the
URL is prechecked (scheme, ``https_only``, IP literals) and names are resolved by a
:class:`~.ssrf.GuardedResolver`, so the connection goes to the address that was checked. A
send the guard refuses is a failed, non-retryable attempt whose detail is the reason.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import aiohttp
import orjson

from asyncevents_svc.notifiers.base import Notification, Notifier, NotifierContext, NotifierResult, failure
from asyncevents_svc.notifiers.ed25519 import ed25519_signature
from asyncevents_svc.notifiers.signing import magento_signature, standard_signature
from asyncevents_svc.notifiers.ssrf import RecipientPolicy, RecipientRefused
from asyncevents_svc.notifiers.urls import NOT_HTTP, split_http, url_problem
from asyncevents_svc.settings import HttpSettings, SecuritySettings, Settings

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


CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
#: What a subscription's custom headers may not set: the headers :func:`signed_headers`
#: writes, the session's user-agent, and HTTP framing.
RESERVED_HEADERS = frozenset(
    {
        "content-type",
        "x-magento-signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "x-asyncevents-event",
        "user-agent",
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
    }
)


def render_body(payload: object) -> bytes:
    """The exact bytes that are sent and signed (the module's format)."""
    return orjson.dumps({"data": payload})


def render(notification: Notification) -> tuple[bytes, str]:
    """The body and its content type in the subscription's payload format.

    ``cloudevents`` is CloudEvents 1.0 in structured mode, as Mage-OS Async Events 4.x
    sends it: ``id`` is the delivery UUID (the same on every attempt, like ``webhook-id``),
    ``source`` the store id, ``type`` the event name.
    """
    if notification.payload_format != "cloudevents":
        return render_body(notification.payload), "application/json"
    event = {
        "specversion": "1.0",
        "id": str(notification.delivery_id),
        "source": str(notification.store_id),
        "type": notification.event_name,
        "datacontenttype": "application/json",
        "data": notification.payload,
    }
    return orjson.dumps(event), CLOUDEVENTS_CONTENT_TYPE


def webhook_signatures(notification: Notification, body: bytes, timestamp: int) -> list[str]:
    """The ``webhook-signature`` entries of the subscription's scheme(s): ``v1`` (HMAC with
    the token, and with the previous token during its overlap), ``v1a`` (Ed25519, one per
    active service key: two during a key rotation's overlap) or both, ``v1`` first.
    Standard Webhooks receivers accept any one of the space-separated signatures."""
    msg_id = str(notification.delivery_id)
    signatures = []
    if notification.signature in ("v1", "both"):
        signatures.append(standard_signature(notification.token.encode(), msg_id, timestamp, body))
        if notification.previous_token:
            signatures.append(
                standard_signature(notification.previous_token.encode(), msg_id, timestamp, body)
            )
    if notification.signature in ("v1a", "both"):
        signatures.extend(
            ed25519_signature(key, msg_id, timestamp, body) for key in notification.signing_keys
        )
    return signatures


def signed_headers(
    notification: Notification, body: bytes, timestamp: int, content_type: str = "application/json"
) -> dict[str, str]:
    """The headers a notification carries: content type, the module's signature, the
    Standard Webhooks trio (:func:`webhook_signatures`), the event name."""
    key = notification.token.encode()
    msg_id = str(notification.delivery_id)
    signatures = webhook_signatures(notification, body, timestamp)
    return {
        "content-type": content_type,
        "x-magento-signature": magento_signature(key, body),
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
        "x-asyncevents-event": notification.event_name,
    }


@dataclass(frozen=True)
class ChallengeAnswer:
    """A challenge's answer: the status and the first bytes of the body, or why none came."""

    status: int | None
    body: bytes
    error: str | None


class HttpNotifier(Notifier):
    """POSTs signed webhooks with one pooled aiohttp session per process."""

    key = "http"

    def __init__(
        self,
        settings: HttpSettings,
        *,
        fail_fast: bool = True,
        policy: RecipientPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.fail_fast = fail_fast
        # Without an explicit policy: the one default settings give (env "development").
        if policy is None:
            default_env = Settings.model_fields["env"].default
            policy = RecipientPolicy(
                SecuritySettings(), default_env, resolve_timeout=settings.connect_timeout
            )
        self.policy = policy
        self._session: aiohttp.ClientSession | None = None

    async def check_recipient(self, recipient: str) -> str | None:
        split = split_http(recipient)
        if split is None:
            return NOT_HTTP
        parts, _ = split
        problem = url_problem(recipient)
        if problem is not None:
            return problem
        if parts.username or parts.password:
            return "must not contain credentials"
        # A name that does not resolve yet is accepted here and checked again on every send.
        return await self.policy.check_url(recipient, allow_unresolved=True)

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.settings.max_connections,
                limit_per_host=0,
                ttl_dns_cache=60,
                resolver=self.policy.resolver(),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout(self.settings.timeout),
                headers={"user-agent": self.settings.user_agent},
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def headers(
        self, notification: Notification, body: bytes, timestamp: int, content_type: str = "application/json"
    ) -> dict[str, str]:
        return signed_headers(notification, body, timestamp, content_type)

    async def send(self, notification: Notification) -> NotifierResult:
        started = time.perf_counter()
        seconds = notification.timeout or self.settings.timeout  # the subscription's, else the setting
        timeout = self._timeout(seconds)
        try:
            # IP literals never reach the resolver: the guard checks them (and the scheme) here.
            refused = self.policy.precheck(notification.recipient)
            if refused is not None:
                return failure(started, refused, retryable=False)
            await self.start()
            assert self._session is not None
            body, content_type = render(notification)
            now = time.time()
            headers = {**notification.headers, **self.headers(notification, body, int(now), content_type)}
            async with self._session.post(
                notification.recipient, data=body, headers=headers, allow_redirects=False, timeout=timeout
            ) as response:
                excerpt = await response.content.read(self.settings.response_excerpt_bytes)
                status = response.status
                retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        except TimeoutError:
            return failure(started, f"timed out after {seconds:g} s", timed_out=True)
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, RecipientRefused):
                return failure(started, exc.os_error.reason, retryable=False)
            return failure(started, f"{type(exc).__name__}: {exc}")
        except aiohttp.ClientError as exc:
            return failure(started, f"{type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must still become an attempt record
            return failure(started, f"unexpected {type(exc).__name__}: {exc}", retryable=False)
        duration = (time.perf_counter() - started) * 1000
        text = excerpt.decode("utf-8", errors="replace")
        if 200 <= status < 300:
            return NotifierResult.delivered(duration, status_code=status, detail=text)
        retryable = is_retryable_status(status) or not self.fail_fast
        if 300 <= status < 400:
            text = f"redirect not followed ({status}); {text}"
        return NotifierResult.failed(
            duration, retryable=retryable, status_code=status, retry_after=retry_after, detail=text
        )

    async def post_challenge(
        self, recipient: str, body: bytes, headers: dict[str, str], *, timeout: float | None, read_bytes: int
    ) -> ChallengeAnswer:
        """POST an endpoint-verification challenge (``subscriptions/verification.py``) the way
        a delivery goes: the same SSRF guard and session, no redirects; reads at most
        ``read_bytes`` of the answer. Never raises."""
        seconds = timeout or self.settings.timeout
        try:
            refused = self.policy.precheck(recipient)
            if refused is not None:
                return ChallengeAnswer(None, b"", refused)
            await self.start()
            assert self._session is not None
            async with self._session.post(
                recipient, data=body, headers=headers, allow_redirects=False, timeout=self._timeout(seconds)
            ) as response:
                return ChallengeAnswer(response.status, await response.content.read(read_bytes), None)
        except TimeoutError:
            return ChallengeAnswer(None, b"", f"timed out after {seconds:g} s")
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, RecipientRefused):
                return ChallengeAnswer(None, b"", exc.os_error.reason)
            return ChallengeAnswer(None, b"", f"{type(exc).__name__}: {exc}")
        except aiohttp.ClientError as exc:
            return ChallengeAnswer(None, b"", f"{type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return ChallengeAnswer(None, b"", f"unexpected {type(exc).__name__}: {exc}")

    def _timeout(self, total: float) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=total, sock_connect=min(total, self.settings.connect_timeout))


def HttpNotifierFactory(ctx: NotifierContext) -> HttpNotifier:  # noqa: N802 - entry-point name
    """Entry point of the ``http`` notifier."""
    settings = ctx.settings
    policy = RecipientPolicy(settings.security, settings.env, resolve_timeout=settings.http.connect_timeout)
    return HttpNotifier(settings.http, fail_fast=settings.retry.fail_fast_statuses, policy=policy)
