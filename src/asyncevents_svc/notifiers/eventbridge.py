"""The ``eventbridge`` notifier: each delivery becomes one entry put on an AWS EventBridge bus.

An entry's ``Source`` is the ``EVENTBRIDGE__SOURCE`` setting, its ``DetailType`` the event
name, its ``Detail`` the body the ``http`` notifier would POST (``{"data": …}``, or the
CloudEvents event), and its bus the subscription's ``recipient_url``: a bus name (in the
``EVENTBRIDGE__REGION``) or a bus ARN (in the ARN's region).

Deliveries going to the same bus share PutEvents calls (at most 10 entries and 256 KiB a
call), group-commit style: an entry that finds no call in flight goes out on the next turn of
the event loop with whatever joined it; entries arriving while calls are in flight wait for
one to finish, or for ten of them. The answer is split per entry, so an entry EventBridge
refused (throttled, say) fails on its own and is retried on its own; the others succeeded.

botocore's own retries are off: every try is an attempt record and our retry policy decides.
Throttling, AWS-side errors, timeouts and connection errors are retryable; credentials
refused, missing or lacking permission, an unknown bus and malformed entries are not (the
attempt's detail says which), as an HTTP 4xx is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from pydantic import SecretStr

from asyncevents_svc.notifiers.base import (
    Notification,
    Notifier,
    NotifierContext,
    NotifierResult,
    NotifierUnavailable,
)
from asyncevents_svc.notifiers.http import render
from asyncevents_svc.settings import EventBridgeSettings

if TYPE_CHECKING:
    from aiobotocore.session import ClientCreatorContext
    from types_aiobotocore_events.client import EventBridgeClient
    from types_aiobotocore_events.type_defs import PutEventsRequestEntryTypeDef

log = structlog.get_logger(__name__)

MAX_ENTRIES = 10  # per PutEvents call (AWS limit)
MAX_CALL_BYTES = 256 * 1024  # per PutEvents call (AWS limit)
BUS_NAME_RE = re.compile(r"[/.\-_A-Za-z0-9]{1,256}")
BUS_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:events:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d):\d{12}:event-bus/(?P<name>[/.\-_A-Za-z0-9]{1,256})"
)
#: Error codes worth another try (whole call or one entry); every other code is final.
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "LimitExceededException",
        "InternalFailure",
        "InternalException",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


@dataclass(frozen=True)
class Bus:
    """Where an entry goes: the region's endpoint and the bus name or ARN."""

    region: str | None
    name: str


def parse_bus(recipient: str, default_region: str | None) -> Bus | None:
    """The bus a ``recipient_url`` names, or None if it is neither a bus name nor a bus ARN."""
    arn = BUS_ARN_RE.fullmatch(recipient)
    if arn is not None:
        return Bus(arn["region"], recipient)
    if recipient.startswith("arn:") or not BUS_NAME_RE.fullmatch(recipient):
        return None
    return Bus(default_region, recipient)


def entry_size(entry: PutEventsRequestEntryTypeDef) -> int:
    """An entry's size as EventBridge counts it toward the 256 KiB (UTF-8 bytes of its
    strings, 14 for the time stamp)."""
    text = entry.get("Source", "") + entry.get("DetailType", "") + entry.get("Detail", "")
    return 14 + len(text.encode())


@dataclass(frozen=True)
class _Outcome:
    success: bool
    retryable: bool
    detail: str


@dataclass
class _Waiting:
    entry: PutEventsRequestEntryTypeDef
    size: int
    done: asyncio.Future[_Outcome]


@dataclass
class _Lane:
    """The entries waiting for one bus, and how many calls to it are in flight."""

    bus: Bus
    waiting: list[_Waiting] = field(default_factory=list)
    running: int = 0
    flush_scheduled: bool = False


def take_call(waiting: list[_Waiting]) -> list[_Waiting]:
    """Remove and return the next call's entries: up to 10, within 256 KiB, in arrival order."""
    size = 0
    count = 0
    for item in waiting[:MAX_ENTRIES]:
        if count and size + item.size > MAX_CALL_BYTES:
            break
        size += item.size
        count += 1
    batch = waiting[:count]
    del waiting[:count]
    return batch


class EventBridgeNotifier(Notifier):
    """Puts entries on EventBridge buses, batching the deliveries that go to the same bus."""

    key = "eventbridge"

    def __init__(self, settings: EventBridgeSettings) -> None:
        self.settings = settings
        self._lanes: dict[Bus, _Lane] = {}
        self._clients: dict[str | None, EventBridgeClient] = {}
        self._exits = contextlib.AsyncExitStack()
        self._client_lock = asyncio.Lock()
        self._calls: set[asyncio.Task[None]] = set()
        self.calls_made = 0  # PutEvents calls sent (for tests and the benchmark)

    async def check_recipient(self, recipient: str) -> str | None:
        if parse_bus(recipient, self.settings.region) is None:
            return "must be an EventBridge bus name ([/.-_A-Za-z0-9], up to 256) or a bus ARN"
        return None

    async def close(self) -> None:
        for task in list(self._calls):
            task.cancel()
        await asyncio.gather(*self._calls, return_exceptions=True)
        for lane in self._lanes.values():
            for item in lane.waiting:
                if not item.done.done():
                    item.done.set_result(_Outcome(False, True, "the worker stopped before the entry was put"))
            lane.waiting.clear()  # a flush the cancelled calls scheduled finds nothing to send
        self._lanes.clear()
        await self._exits.aclose()
        self._exits = contextlib.AsyncExitStack()
        self._clients.clear()

    async def send(self, notification: Notification) -> NotifierResult:
        started = time.perf_counter()
        bus = parse_bus(notification.recipient, self.settings.region)
        if bus is None:
            return self._result(
                started, _Outcome(False, False, f"{notification.recipient!r} is not a bus name or ARN")
            )
        body, _ = render(notification)
        entry: PutEventsRequestEntryTypeDef = {
            "Source": self.settings.source,
            "DetailType": notification.event_name,
            "Detail": body.decode(),
            "EventBusName": bus.name,
        }
        size = entry_size(entry)
        if size > MAX_CALL_BYTES:
            detail = f"the entry is {size} bytes; EventBridge takes at most {MAX_CALL_BYTES}"
            return self._result(started, _Outcome(False, False, detail))
        done: asyncio.Future[_Outcome] = asyncio.get_running_loop().create_future()
        self._enqueue(bus, _Waiting(entry, size, done))
        seconds = notification.timeout or self.settings.timeout
        try:
            # Shielded: a timeout here leaves the entry in its call, whose answer nobody reads.
            outcome = await asyncio.wait_for(asyncio.shield(done), seconds)
        except TimeoutError:
            outcome = _Outcome(False, True, f"timed out after {seconds:g} s")
        return self._result(started, outcome)

    # --- batching ----------------------------------------------------------------------------

    def _enqueue(self, bus: Bus, item: _Waiting) -> None:
        lane = self._lanes.get(bus)
        if lane is None:
            lane = self._lanes[bus] = _Lane(bus)
        lane.waiting.append(item)
        if lane.running == 0 or len(lane.waiting) >= MAX_ENTRIES:
            self._schedule_flush(lane)

    def _schedule_flush(self, lane: _Lane) -> None:
        """Flush on the loop's next turn, so the sends started in this one share the call."""
        if not lane.flush_scheduled:
            lane.flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush, lane)

    def _flush(self, lane: _Lane) -> None:
        lane.flush_scheduled = False
        while lane.waiting and lane.running < self.settings.max_calls_per_bus:
            if lane.running and len(lane.waiting) < MAX_ENTRIES:
                break  # a call is in flight: let more entries gather until it ends
            batch = take_call(lane.waiting)
            lane.running += 1
            task = asyncio.create_task(self._call(lane, batch), name=f"put-events:{lane.bus.name}")
            self._calls.add(task)
            task.add_done_callback(self._calls.discard)

    async def _call(self, lane: _Lane, batch: list[_Waiting]) -> None:
        try:
            outcomes = await self._put(lane.bus, [item.entry for item in batch])
        except asyncio.CancelledError:
            outcomes = [_Outcome(False, True, "the worker stopped during the PutEvents call")] * len(batch)
            raise
        finally:
            lane.running -= 1
            for item, outcome in zip(batch, outcomes, strict=True):
                if not item.done.done():
                    item.done.set_result(outcome)
            if lane.waiting:
                self._schedule_flush(lane)

    # --- the AWS call ------------------------------------------------------------------------

    async def _put(self, bus: Bus, entries: list[PutEventsRequestEntryTypeDef]) -> list[_Outcome]:
        """One PutEvents call; an outcome per entry, in order. Never raises (but cancels)."""
        from botocore.exceptions import BotoCoreError, ClientError

        self.calls_made += 1
        try:
            client = await self._client(bus.region)
            response = await client.put_events(Entries=entries)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "Unknown"))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            retryable = code in RETRYABLE_CODES or status >= 500 or status == 429
            return [
                _Outcome(False, retryable, f"PutEvents failed: {code}: {error.get('Message', '')}")
            ] * len(entries)
        except BotoCoreError as exc:
            return [
                _Outcome(False, _retryable_botocore(exc), f"PutEvents failed: {type(exc).__name__}: {exc}")
            ] * len(entries)
        except (OSError, TimeoutError) as exc:
            return [_Outcome(False, True, f"PutEvents failed: {type(exc).__name__}: {exc}")] * len(entries)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must still become an attempt record
            log.exception("put_events_bug")
            return [_Outcome(False, False, f"unexpected {type(exc).__name__}: {exc}")] * len(entries)
        results = response.get("Entries", [])
        outcomes = []
        for index in range(len(entries)):
            result: dict[str, Any] = dict(results[index]) if index < len(results) else {}
            if result.get("EventId"):
                outcomes.append(_Outcome(True, False, f"put as event {result['EventId']}"))
            else:
                code = str(result.get("ErrorCode") or "NoEventId")
                detail = f"entry refused: {code}: {result.get('ErrorMessage', '')}".rstrip(": ")
                outcomes.append(_Outcome(False, code in RETRYABLE_CODES or code == "NoEventId", detail))
        return outcomes

    async def _client(self, region: str | None) -> EventBridgeClient:
        client = self._clients.get(region)
        if client is not None:
            return client
        async with self._client_lock:
            if region not in self._clients:
                self._clients[region] = await self._exits.enter_async_context(self._new_client(region))
            return self._clients[region]

    def _new_client(self, region: str | None) -> ClientCreatorContext[EventBridgeClient]:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        s = self.settings
        config = AioConfig(
            connect_timeout=min(s.timeout, 5.0),
            read_timeout=s.timeout,
            retries={"total_max_attempts": 1},
            max_pool_connections=max(10, s.max_calls_per_bus * 4),
        )
        return get_session().create_client(
            "events",
            region_name=region,
            endpoint_url=s.endpoint_url,
            config=config,
            aws_access_key_id=_reveal(s.access_key_id),
            aws_secret_access_key=_reveal(s.secret_access_key),
            aws_session_token=_reveal(s.session_token),
        )

    @staticmethod
    def _result(started: float, outcome: _Outcome) -> NotifierResult:
        duration = (time.perf_counter() - started) * 1000
        return NotifierResult(
            success=outcome.success, retryable=outcome.retryable, duration_ms=duration, detail=outcome.detail
        )


def _reveal(secret: SecretStr | None) -> str | None:
    """A credential for botocore (None: let the AWS chain find one)."""
    return None if secret is None else secret.get_secret_value()


def _retryable_botocore(exc: Exception) -> bool:
    """Connection trouble and timeouts are worth another try; missing credentials, a missing
    region or a bad parameter are not."""
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )
    from botocore.exceptions import (
        HTTPClientError,
    )

    return isinstance(exc, (BotoConnectionError, HTTPClientError))


def EventBridgeNotifierFactory(ctx: NotifierContext) -> EventBridgeNotifier:  # noqa: N802 - entry-point name
    """Entry point of the ``eventbridge`` notifier (needs the ``eventbridge`` extra)."""
    if importlib.util.find_spec("aiobotocore") is None:
        raise NotifierUnavailable("pip install 'asyncevents-svc[eventbridge]'")
    return EventBridgeNotifier(ctx.settings.eventbridge)
