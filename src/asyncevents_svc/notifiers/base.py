"""The notifier contract.

A notifier turns one :class:`Notification` into one :class:`NotifierResult`. It never
raises into the dispatcher: connection errors, timeouts and its own bugs all come back as a
result, so every outcome becomes an attempt record. Notifiers are registered in the
entry-point group ``asyncevents_svc.notifiers``; the entry point names a factory called
with a :class:`NotifierContext` once per process.
"""

from __future__ import annotations

import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from asyncevents_svc.settings import Settings


@dataclass(frozen=True)
class Notification:
    """Everything needed to send one attempt of one delivery."""

    delivery_id: uuid.UUID
    event_id: uuid.UUID
    event_name: str
    store_id: int
    subscription_id: int
    recipient: str
    token: str
    payload: Any
    attempt: int
    previous_token: str | None = None  # during a token rotation overlap: sign with both
    payload_format: str = "data"  # "data": {"data": payload}; "cloudevents": CloudEvents 1.0 JSON
    headers: dict[str, str] = field(default_factory=dict)  # the subscription's own extra headers
    timeout: float | None = None  # the subscription's request timeout (None: the setting)
    signature: str = "v1"  # Standard Webhooks scheme(s): "v1" (HMAC), "v1a" (Ed25519) or "both"
    signing_keys: tuple[Ed25519PrivateKey, ...] = ()  # the service's active Ed25519 keys (v1a)


@dataclass(frozen=True, kw_only=True)
class NotifierResult:
    """The outcome of one attempt.

    Made with a named constructor — :meth:`delivered`, :meth:`retry_later`,
    :meth:`permanent`, or :meth:`failed` when whether to retry is computed — or with keyword
    arguments only, so that two booleans side by side cannot be swapped unnoticed."""

    success: bool
    retryable: bool
    duration_ms: float
    status_code: int | None = None
    retry_after: float | None = None  # seconds the receiver asked for (``Retry-After``)
    detail: str | None = None
    timed_out: bool = False  # no answer within the timeout (adaptive pacing slows down)

    @classmethod
    def delivered(
        cls, duration_ms: float, *, status_code: int | None = None, detail: str | None = None
    ) -> NotifierResult:
        """The receiver took it."""
        return cls(
            success=True, retryable=False, duration_ms=duration_ms, status_code=status_code, detail=detail
        )

    @classmethod
    def failed(
        cls,
        duration_ms: float,
        *,
        retryable: bool,
        status_code: int | None = None,
        retry_after: float | None = None,
        detail: str | None = None,
    ) -> NotifierResult:
        """Not delivered; retried later when ``retryable``, else the delivery ends."""
        return cls(
            success=False,
            retryable=retryable,
            duration_ms=duration_ms,
            status_code=status_code,
            retry_after=retry_after,
            detail=detail,
        )

    @classmethod
    def retry_later(
        cls,
        duration_ms: float,
        *,
        status_code: int | None = None,
        retry_after: float | None = None,
        detail: str | None = None,
    ) -> NotifierResult:
        """Not delivered this time (a timeout, a 5xx...): the retry policy schedules another."""
        return cls.failed(
            duration_ms, retryable=True, status_code=status_code, retry_after=retry_after, detail=detail
        )

    @classmethod
    def permanent(
        cls, duration_ms: float, *, status_code: int | None = None, detail: str | None = None
    ) -> NotifierResult:
        """Not delivered, and retrying cannot help (a final 4xx, a refused recipient...)."""
        return cls.failed(duration_ms, retryable=False, status_code=status_code, detail=detail)


def failure(
    started: float, detail: str, *, retryable: bool = True, timed_out: bool = False
) -> NotifierResult:
    """A failed attempt that began at ``started`` (``time.perf_counter()``)."""
    return NotifierResult(
        success=False,
        retryable=retryable,
        duration_ms=(time.perf_counter() - started) * 1000,
        detail=detail,
        timed_out=timed_out,
    )


@dataclass(frozen=True)
class NotifierContext:
    """What a notifier factory receives: the settings, nothing global."""

    settings: Settings


class Notifier(ABC):
    """Sends notifications for subscriptions whose ``metadata`` is :attr:`key`."""

    key: str

    @abstractmethod
    async def check_recipient(self, recipient: str) -> str | None:
        """``None`` if the recipient fits this notifier, else why not (a 422 message).

        Async because a check may need I/O (the ``http`` notifier resolves the host for
        its SSRF guard)."""

    @abstractmethod
    async def send(self, notification: Notification) -> NotifierResult:
        """Send one attempt; never raise."""

    async def start(self) -> None:
        """Open connections (called once by the worker)."""

    async def close(self) -> None:
        """Release connections (called on shutdown)."""


class NotifierUnavailable(Exception):
    """Raised by a notifier's entry point when its optional libraries are not installed; the
    message says how to add them (the registry leaves the notifier out, see its docstring)."""
