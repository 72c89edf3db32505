"""Per-subscription rate limits, shared by every worker through the database.

Time is cut into short windows — a tenth of a second, or ``1 / rate`` seconds for a rate
under 10 a second, so that each window allows at least one request (at most
:data:`LONGEST_WINDOW`, the slowest rate the API takes) — and a subscription
may make ``rate * window`` requests in each. The count for the current window lives in one
row per subscription (``rate_windows``); a worker takes a permit with one atomic upsert
that succeeds only while the window has room, and a newer window starts the count again.
Short windows keep bursts small, so the rate holds over any second, not just on average.

Within a worker one task per subscription asks the database at a time (the others wait
their turn), and a worker that finds the window full sleeps until the next one: a busy
limited subscription costs about one query per request plus one per window.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import RateWindow
from asyncevents_svc.subscriptions.schemas import MIN_RATE_LIMIT

SHORTEST_WINDOW = 0.1
#: The API refuses slower rates; rows stored before it did get this window, not 1/rate (which
#: for 1e-300 was a wait longer than the age of the universe, or an OverflowError).
LONGEST_WINDOW = 1.0 / MIN_RATE_LIMIT


@dataclass(frozen=True)
class Window:
    seconds: float
    permits: int

    @classmethod
    def for_rate(cls, rate: float) -> Window:
        seconds = min(LONGEST_WINDOW, max(SHORTEST_WINDOW, 1.0 / rate))
        return cls(seconds, max(1, round(rate * seconds)))


class RateLimiter:
    """Hands out permits for rate-limited subscriptions; :meth:`acquire` waits for one."""

    def __init__(self, sessions: SessionFactory, dialect: str) -> None:
        self.sessions = sessions
        self.dialect = dialect  # "sqlite" or "postgresql": the upsert is spelt per dialect
        self._locks: dict[int, asyncio.Lock] = {}

    async def acquire(self, subscription_id: int, rate: float) -> None:
        window = Window.for_rate(rate)
        lock = self._locks.setdefault(subscription_id, asyncio.Lock())
        async with lock:
            while True:
                now = time.time()
                index = math.floor(now / window.seconds)
                if await self._take(subscription_id, index, window.permits):
                    return
                await asyncio.sleep((index + 1) * window.seconds - now)

    async def _take(self, subscription_id: int, index: int, permits: int) -> bool:
        """One permit in window ``index`` if it has room (a newer window starts at zero)."""
        insert = (sqlite if self.dialect == "sqlite" else postgresql).insert(RateWindow)
        table = RateWindow.__table__.c
        newer = insert.excluded.window > table.window
        statement = (
            insert.values(subscription_id=subscription_id, window=index, used=1)
            .on_conflict_do_update(
                index_elements=[table.subscription_id],
                set_={
                    "window": case((newer, insert.excluded.window), else_=table.window),
                    "used": case((newer, literal(1)), else_=table.used + 1),
                },
                where=newer | (table.used < permits),
            )
            .returning(table.used)
        )
        async with self.sessions() as session, session.begin():
            granted = (await session.execute(statement)).first()
        return granted is not None
