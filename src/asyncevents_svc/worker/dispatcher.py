"""Sending deliveries concurrently, fairly across subscriptions.

Each send runs as its own task. Two limits hold per worker process: at most
``worker.max_in_flight`` sends at once in all, and at most
``worker.max_in_flight_per_subscription`` (or the subscription's own ``max_in_flight``) to
any one subscription; a rate-limited subscription (:mod:`.ratelimit`) gets only the slots
its rate needs, and each of its sends first waits for a permit. Jobs beyond a
subscription's limit wait in a line of their own; free slots go to the subscriptions with
waiting jobs in turn, so a slow endpoint holds only its own slots and a busy one cannot
crowd out a quiet one.

A line takes one round of its limit, and more only while the expected wait (rounds ahead
times the subscription's average send time, once known) stays within a quarter of the
delivery lease.
Jobs it does not take are not kept in memory: their leases are released at once, so the
deliveries stay due in the database, and the scheduler does not claim a subscription's due
deliveries while its line here is not empty (:meth:`Dispatcher.backed_up`); another worker
with room takes them. A job whose lease would run out before its send could finish is given
back the same way instead of being sent. The notifier never raises; whatever it returns goes
to the :class:`AttemptRecorder`.

With ``worker.adaptive_pacing`` the subscription's limit is :mod:`.pacing`'s, which follows
its endpoint's answers (1 up to the configured limit), and a ``Retry-After`` pause gives back
every job the subscription has waiting here, due again when the pause ends (not an attempt);
jobs for it that arrive during the pause, or whose turn comes, are given back the same way,
and the scheduler leaves the subscription alone meanwhile. The attempt whose answer started
the pause is recorded with it noted first in its response text (:func:`.pacing.noted`).
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
import structlog
from opentelemetry.trace import SpanKind

from asyncevents_svc.crypto import DecryptedSecrets, TokenCipher
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.deliveries.jobs import SendJob
from asyncevents_svc.notifiers.base import Notification, NotifierResult
from asyncevents_svc.notifiers.registry import NotifierRegistry
from asyncevents_svc.observability.tracing import Tracing, failed
from asyncevents_svc.settings import WorkerSettings
from asyncevents_svc.signing.keyring import Keyring
from asyncevents_svc.worker.pacing import Pacing, noted
from asyncevents_svc.worker.ratelimit import RateLimiter
from asyncevents_svc.worker.recorder import AttemptRecorder, Finished

log = structlog.get_logger(__name__)


MAX_LINE_ROUNDS = 16  # a line never holds more than this many times its subscription's limit


@dataclass(frozen=True)
class _Waiting:
    job: SendJob
    lease_deadline: float  # monotonic time at which this worker's lease on it runs out


class Dispatcher:
    """Runs send jobs within the global and per-subscription limits; results go to the recorder."""

    def __init__(
        self,
        settings: WorkerSettings,
        recorder: AttemptRecorder,
        *,
        sessions: SessionFactory,
        notifiers: NotifierRegistry,
        cipher: TokenCipher,
        keyring: Keyring,
        limiter: RateLimiter,
        tracing: Tracing,
        default_timeout: float,
        max_pause: float = 3600.0,
    ) -> None:
        self.recorder = recorder
        self.sessions = sessions
        self.notifiers = notifiers
        self.cipher = cipher
        self._secrets = DecryptedSecrets(cipher)  # tokens and headers, decrypted once per process
        self.keyring = keyring  # the service's Ed25519 keys, for v1a signatures
        self.tracing = tracing
        self.limit = settings.max_in_flight
        self.per_subscription = settings.max_in_flight_per_subscription
        self.lease_seconds = settings.lease_seconds
        self.default_timeout = default_timeout  # http.timeout, for jobs without their own
        # How long a job may expect to wait in a line: well inside its lease.
        self.wait_budget = settings.lease_seconds / 4
        self._running: dict[asyncio.Task[None], SendJob] = {}
        self._busy: Counter[int] = Counter()  # running sends per subscription
        self._lines: dict[int, deque[_Waiting]] = {}  # waiting jobs per subscription
        self._turns: deque[int] = deque()  # subscriptions that may start a job, in order
        self._caps: dict[int, int] = {}  # a subscription's own limit (its max_in_flight), if set
        self._rates: dict[int, float] = {}  # a subscription's rate limit, if set
        self.limiter = limiter
        self._seconds: dict[int, float] = {}  # moving average of a subscription's send time
        self._releases: set[asyncio.Task[None]] = set()
        self._closing = False
        # Set whenever :attr:`room` may have grown, for :meth:`wait_for_capacity`.
        self._room_changed = asyncio.Event()
        # Set when a subscription's line empties, for :meth:`wait_for_a_line_to_clear`.
        self._line_cleared = asyncio.Event()
        self._watched: set[int] = set()  # the lines backed_up() last named
        self.sent = 0  # sends this worker has made (attempts, whatever their outcome)
        # Adaptive limits and Retry-After pauses; a pause is capped like the retry it causes.
        self.pacing = Pacing(enabled=settings.adaptive_pacing, max_pause=max_pause)

    @property
    def backlog(self) -> int:
        """Jobs running, or waiting for a free slot only (not for their subscription's limit):
        what intake and the scheduler hold back for. A subscription at its limit does not
        count, so a slow endpoint's waiting jobs never stop the others' intake."""
        free_to_start = sum(
            len(line) for sub, line in self._lines.items() if self._busy[sub] < self._cap(sub)
        )
        return len(self._running) + free_to_start

    @property
    def sending(self) -> int:
        """Sends in flight now, all subscriptions."""
        return len(self._running)

    def in_flight(self, subscription_id: int) -> int:
        return self._busy[subscription_id]

    def limit_of(self, subscription_id: int) -> int:
        """The subscription's in-flight limit here now (adaptive pacing's, if it is lower)."""
        return self._cap(subscription_id)

    def backed_up(self) -> list[int]:
        """Subscriptions with jobs waiting here: the scheduler leaves their due deliveries.
        From now, :meth:`wait_for_a_line_to_clear` waits for one of these lines to empty."""
        self._line_cleared.clear()
        self._watched = set(self._lines)
        return list(self._watched | set(self.pacing.paused(time.monotonic())))

    async def wait_for_a_line_to_clear(self) -> None:
        """Wait until a line :meth:`backed_up` last named has emptied: its subscription's
        due deliveries are the scheduler's to claim again."""
        await self._line_cleared.wait()

    def submit(self, jobs: list[SendJob]) -> None:
        overflow: list[uuid.UUID] = []
        now = time.monotonic()
        deadline = now + self.lease_seconds
        for job in jobs:
            sub = job.subscription_id
            self._remember_policy(job)
            paused_until = self.pacing.paused_until(sub, now)
            if paused_until is not None:
                self._release_later([job.delivery_id], due_at=paused_until)
                continue
            line = self._lines.get(sub)
            if self._closing or (line is not None and not self._admits(sub, len(line))):
                overflow.append(job.delivery_id)
                continue
            if line is None:
                line = self._lines[sub] = deque()
            line.append(_Waiting(job, deadline))
            self._offer_turn(sub)
        if overflow:
            self._release_later(overflow)
        self._start_jobs()

    def _remember_policy(self, job: SendJob) -> None:
        """A subscription's limits, as its latest job carries them."""
        sub = job.subscription_id
        policy = job.policy
        if policy.max_in_flight is not None:
            self._caps[sub] = policy.max_in_flight
        else:
            self._caps.pop(sub, None)
        if policy.rate_limit is not None:
            self._rates[sub] = policy.rate_limit
        else:
            self._rates.pop(sub, None)

    def _ceiling(self, sub: int) -> int:
        """The subscription's configured limit: its own ``max_in_flight``, else the worker's."""
        return self._caps.get(sub, self.per_subscription)

    def _cap(self, sub: int) -> int:
        cap = self.pacing.limit(sub, self._ceiling(sub))
        rate = self._rates.get(sub)
        if rate is None:
            return cap
        # A rate-limited subscription needs only enough slots to keep its rate: more would
        # just wait for permits while holding slots.
        return min(cap, max(2, math.ceil(2 * rate * max(1.0, self._seconds.get(sub, 1.0)))))

    def _admits(self, sub: int, waiting: int) -> bool:
        """Whether one more job may wait in ``sub``'s line: always up to one round of its
        limit; beyond that, once its send time is known, while the expected wait (rounds
        ahead times its average send time) stays within the budget, and never past
        :data:`MAX_LINE_ROUNDS` rounds."""
        cap = self._cap(sub)
        if waiting < cap:
            return True
        seconds = self._seconds.get(sub)
        if seconds is None or waiting >= cap * MAX_LINE_ROUNDS:
            return False
        rate = self._rates.get(sub)
        wait = (waiting + 1) / rate if rate is not None else (waiting + 1) / cap * seconds
        return wait <= self.wait_budget

    def _offer_turn(self, sub: int) -> None:
        if sub not in self._turns and self._busy[sub] < self._cap(sub) and self._lines.get(sub):
            self._turns.append(sub)

    def _start_jobs(self) -> None:
        stale: list[uuid.UUID] = []
        now = time.monotonic()
        while not self._closing and self._turns and len(self._running) < self.limit:
            sub = self._turns.popleft()
            line = self._lines[sub]
            waiting = line.popleft()
            if not line:
                del self._lines[sub]
                if sub in self._watched:  # not every line: a fresh job's empties at once
                    self._line_cleared.set()
            job = waiting.job
            if job.expires_at is not None and job.expires_at <= utcnow():
                # Its deadline passed while it waited: no attempt now; given back, the next
                # claim ends it expired.
                stale.append(job.delivery_id)
                self._offer_turn(sub)
                continue
            if waiting.lease_deadline - now < self._lease_margin(job):
                # It waited so long that its lease could run out mid-send and another worker
                # send it too: give it back.
                stale.append(job.delivery_id)
                self._offer_turn(sub)
                continue
            self._busy[sub] += 1
            task = asyncio.create_task(self._run(job), name=f"send-{job.delivery_id}")
            self._running[task] = job
            task.add_done_callback(self._finished)
            self._offer_turn(sub)
        if stale:
            self._release_later(stale)
        # Jobs finished, started or were given back: intake may have room again.
        self._room_changed.set()

    def _lease_margin(self, job: SendJob) -> float:
        """The lease a waiting job must still have to be sent: enough for a whole send, but
        never more than half the lease (a job sent at once is as safe as it can be, even
        when the timeout is close to the lease)."""
        return min((job.policy.timeout or self.default_timeout) + 1.0, self.lease_seconds / 2)

    def _finished(self, task: asyncio.Task[None]) -> None:
        job = self._running.pop(task)
        sub = job.subscription_id
        self._busy[sub] -= 1
        if self._busy[sub] <= 0:
            del self._busy[sub]
        self._offer_turn(sub)
        self._start_jobs()

    async def _run(self, job: SendJob) -> None:
        if job.policy.rate_limit is not None:
            try:
                await self.limiter.acquire(job.subscription_id, job.policy.rate_limit)
            except Exception as exc:  # no permit without the database: give the job back
                log.warning("rate_limit_unavailable", error=f"{type(exc).__name__}: {exc}")
                self._release_later([job.delivery_id])
                return
        sub = job.subscription_id
        started = time.monotonic()
        paused_until = self.pacing.paused_until(sub, started)
        if paused_until is not None:  # paused while it waited for its turn or its permit
            self._release_later([job.delivery_id], due_at=paused_until)
            return
        started_at = utcnow()
        result = await (self._traced_send(job) if self.tracing.enabled else self._send(job))
        self.sent += 1
        paused = self._paced(sub, result, started)
        seconds = result.duration_ms / 1000
        self._seconds[sub] = 0.8 * self._seconds.get(sub, seconds) + 0.2 * seconds
        if len(self._seconds) > 100_000:
            self._seconds.clear()
        if paused is not None:  # the attempt's record says why the next sends wait
            result = noted(result, paused)
        self.recorder.record(Finished(job, result, started_at))

    def _paced(self, sub: int, result: NotifierResult, started: float) -> float | None:
        """Adaptive pacing takes the answer; a pause gives back the jobs waiting here. The
        pause's length, if this answer started (or lengthened) one."""
        now = time.monotonic()
        seen = self.pacing.observe(sub, self._ceiling(sub), result, started, now)
        if seen is None:
            return None
        if seen.cut:
            log.info("in_flight_limit_cut", subscription_id=sub, limit=seen.limit, status=result.status_code)
        if seen.paused_until is not None:
            line = self._lines.pop(sub, None)
            if sub in self._turns:
                self._turns.remove(sub)
            held = [waiting.job.delivery_id for waiting in line or ()]
            if held:
                self._release_later(held, due_at=seen.paused_until)
                if sub in self._watched:
                    self._line_cleared.set()
            log.info(
                "subscription_paused",
                subscription_id=sub,
                seconds=round(seen.paused_until - now, 3),
                given_back=len(held),
            )
            return seen.paused_until - now
        return None

    async def _traced_send(self, job: SendJob) -> NotifierResult:
        """:meth:`_send` in an ``attempt`` span of the event's trace."""
        attributes: dict[str, str | int] = {
            "delivery.id": str(job.delivery_id),
            "delivery.attempt": job.attempt,
            "subscription.id": job.subscription_id,
            "notifier": job.notifier,
            "event.name": job.event_name,
        }
        with self.tracing.span(
            "attempt", parent=job.trace_context, kind=SpanKind.CLIENT, attributes=attributes
        ) as span:
            result = await self._send(job)
            span.set_attribute("attempt.success", result.success)
            if result.status_code is not None:
                span.set_attribute("http.response.status_code", result.status_code)
            if not result.success:
                failed(span, result.detail)
            return result

    async def _send(self, job: SendJob) -> NotifierResult:
        started = time.perf_counter()
        notifier = self.notifiers.get(job.notifier)
        if notifier is None:
            return NotifierResult.permanent(
                0.0, detail=f"notifier {job.notifier!r} is not installed in this worker"
            )
        policy = job.policy
        try:
            token = self._secrets.decrypt(job.token_encrypted)
            previous = job.previous_token_encrypted
            previous_token = self._secrets.decrypt(previous) if previous else None
            signing_keys = await self.keyring.signers() if policy.signature != "v1" else ()
            notification = Notification(
                delivery_id=job.delivery_id,
                event_id=job.event_id,
                event_name=job.event_name,
                store_id=job.store_id,
                subscription_id=job.subscription_id,
                recipient=job.recipient,
                token=token,
                previous_token=previous_token,
                payload=job.payload,
                attempt=job.attempt,
                payload_format=policy.payload_format,
                headers=orjson.loads(self._secrets.decrypt(policy.headers_encrypted))
                if policy.headers_encrypted
                else {},
                timeout=policy.timeout,
                signature=policy.signature,
                signing_keys=signing_keys,
            )
            return await notifier.send(notification)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken notifier still yields an attempt record
            log.exception("notifier_crashed", delivery_id=str(job.delivery_id), notifier=job.notifier)
            return NotifierResult.retry_later(
                (time.perf_counter() - started) * 1000, detail=f"notifier error: {type(exc).__name__}"
            )

    @property
    def room(self) -> int:
        """How many more jobs intake and the scheduler may bring: up to twice the in-flight
        limit may be queued (:attr:`backlog`)."""
        return 2 * self.limit - self.backlog

    async def wait_for_capacity(self) -> None:
        """Back-pressure for intake: wait while there is no :attr:`room`.

        Woken by every change that can make room (a send finishing, a job starting or given
        back: :meth:`_start_jobs` runs after each), not by polling. Checking, clearing and
        waiting happen without an ``await`` in between, so no wake-up is lost; several
        waiters all wake and each checks again."""
        while self.room <= 0:
            self._room_changed.clear()
            await self._room_changed.wait()

    def _release_later(self, ids: list[uuid.UUID], due_at: float | None = None) -> None:
        """Release in the background; ``due_at`` (monotonic): not due again before then."""
        when = None if due_at is None else utcnow() + timedelta(seconds=max(0.0, due_at - time.monotonic()))
        task = asyncio.create_task(self.release(ids, when), name="release-leases")
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)

    async def release(self, ids: list[uuid.UUID], due_at: datetime | None = None) -> None:
        """Give up the leases of deliveries this worker will not send: they are due again now
        (or at ``due_at``) for any worker (not an attempt; nothing is recorded)."""
        try:
            await deliveries.release(self.sessions, ids, due_at)
        except Exception as exc:  # leases then simply expire
            log.warning("lease_release_failed", error=str(exc), count=len(ids))
            return
        log.debug("leases_released", count=len(ids))

    async def drain(self, timeout: float) -> None:
        """Let sends finish (waiting ones still start as slots free) until ``timeout``; then
        cancel what is left and free its leases."""
        deadline = time.monotonic() + timeout
        while self._running and (left := deadline - time.monotonic()) > 0:
            await asyncio.wait(list(self._running), timeout=left, return_when=asyncio.FIRST_COMPLETED)
        self._closing = True
        unfinished = [job.delivery_id for job in self._running.values()]
        unfinished += [waiting.job.delivery_id for line in self._lines.values() for waiting in line]
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        self._lines.clear()
        self._turns.clear()
        self._room_changed.set()
        await asyncio.gather(*self._releases, return_exceptions=True)
        if unfinished:
            await self.release(unfinished)
            log.info("sends_cancelled_on_shutdown", count=len(unfinished))
