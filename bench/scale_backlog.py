"""A day of backlog on a full database (issue 17 point 4), for ``bench/scale.py``.

A receiver down for a day leaves its deliveries due at once: here a tenth of the database
(1 M at 10 M) is put back to ``retrying``, due now, for one subscription, with the worker
running. For :data:`DRAIN_SECONDS` the phase measures how fast the worker drains it, while
fresh events for a healthy subscription go on at 50 events/s (their ingest → receipt
latency is the figure that must not suffer), and samples the worker's resident memory
every :data:`RSS_EVERY` seconds (it must stay flat: the backlog waits in the database,
never in the worker's memory).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

DRAIN_SECONDS = 60.0
RSS_EVERY = 5.0
LATENCY_RATE = 50.0
#: The fill's subscription whose receiver "was down": every delivery of it is at /fill/1.
BACKLOG_SUBSCRIPTION = 1

REARM_SQL = """
UPDATE deliveries SET status = 'retrying', next_attempt_at = now(), locked_until = NULL
WHERE id IN (SELECT id FROM deliveries WHERE subscription_id = $1 AND status = 'delivered' LIMIT $2)
"""
OPEN_SQL = (
    "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now()"
)


def backlog_size(deliveries: int) -> int:
    return deliveries // 10


@dataclass
class Drain:
    due: int
    sent: int
    seconds: float
    rss_mb: list[float]

    @property
    def rate(self) -> float:
        return self.sent / self.seconds

    def note(self) -> str:
        grown = self.rss_mb[-1] - self.rss_mb[0] if self.rss_mb else 0.0
        return (
            f"{self.due:,} due at once for one subscription; {self.sent:,} sent in {self.seconds:.0f} s "
            f"({self.rate:,.0f}/s); worker RSS {', '.join(f'{mb:.0f}' for mb in self.rss_mb)} MB "
            f"(every {RSS_EVERY:.0f} s; {grown:+.0f} MB)"
        )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def make_due(connection: asyncpg.Connection, deliveries: int) -> int:
    """Put :func:`backlog_size` delivered deliveries of one subscription back to due."""
    status = await connection.execute(REARM_SQL, BACKLOG_SUBSCRIPTION, backlog_size(deliveries))
    return int(status.split()[-1])


async def drain(connection: asyncpg.Connection, due: int, worker_pid: int) -> Drain:
    """Watch the backlog drain for :data:`DRAIN_SECONDS` (the caller runs fresh load beside it)."""
    before = int(await connection.fetchval(OPEN_SQL))
    started = time.perf_counter()
    samples = [rss_mb(worker_pid)]
    while time.perf_counter() - started < DRAIN_SECONDS:
        await asyncio.sleep(RSS_EVERY)
        samples.append(rss_mb(worker_pid))
    seconds = time.perf_counter() - started
    after = int(await connection.fetchval(OPEN_SQL))
    return Drain(due, before - after, seconds, samples)
