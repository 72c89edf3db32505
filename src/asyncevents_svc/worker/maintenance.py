"""Background chores of a worker: bulk replay jobs, retention clean-up and expired web sessions."""

from __future__ import annotations

import asyncio
import contextlib
import time

import structlog

from asyncevents_svc.applications import portal_sessions
from asyncevents_svc.auth import web_sessions
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.deliveries import replays, retention
from asyncevents_svc.settings import RetentionSettings
from asyncevents_svc.worker.periodic import every

log = structlog.get_logger(__name__)


class Maintenance:
    """Runs replay jobs as they appear and retention every ``retention.interval`` seconds."""

    def __init__(
        self,
        sessions: SessionFactory,
        retention: RetentionSettings,
        *,
        poll_interval: float,
        search_timeout: float,
    ) -> None:
        self.sessions = sessions
        self.retention = retention
        self.poll_interval = poll_interval  # worker.poll_interval: how often to look for replay jobs
        self.search_timeout = search_timeout  # security.search_timeout: each replay batch's search budget
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._next_cleanup = time.monotonic()

    def start(self) -> None:
        self._task = asyncio.create_task(
            every(self.poll_interval, self.tick, self._stop, "maintenance_failed"), name="maintenance"
        )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            # A long replay job is resumable (its lease expires), so do not wait for it.
            done, _ = await asyncio.wait([self._task], timeout=5.0)
            if not done:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def tick(self) -> None:
        job_id = await replays.claim_job(self.sessions)
        if job_id is not None:
            try:
                await replays.run_job(self.sessions, job_id, budget=self.search_timeout)
            except Exception as exc:
                log.warning("replay_job_failed", job_id=str(job_id), error=str(exc))
                await replays.fail_job(self.sessions, job_id, f"{type(exc).__name__}: {exc}")
        if time.monotonic() >= self._next_cleanup:
            settings = self.retention
            self._next_cleanup = time.monotonic() + settings.interval
            removed = await retention.clean_up(self.sessions, settings)
            if removed.attempts or removed.deliveries or removed.events:
                log.info("retention_cleanup", **vars(removed))
            # Whatever the retention period: an expired sign-in is of no use to anyone, nor
            # is the key a portal session had (it expired with it).
            keys = await portal_sessions.remove_expired_keys(self.sessions, batch_size=settings.batch_size)
            if keys:
                log.info("portal_keys_removed", count=keys)
            ended = await web_sessions.remove_expired(self.sessions, batch_size=settings.batch_size)
            if ended:
                log.info("web_sessions_removed", count=ended)
