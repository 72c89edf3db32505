"""A budget of failed authentications per client address, so keys cannot be guessed at speed.

Each address has a token bucket of ``budget`` failures that refills evenly over ``window``
seconds (20 a minute: one more every 3 s). An attempt that is not answered from the key
cache takes a token *before* the database lookup and gets it back if the key was right, so
however many requests an address sends at once, at most ``budget`` lookups run before it is
refused; a refused attempt costs no lookup at all. The answer to a refused attempt is a
429 with ``Retry-After``: the seconds until the next token.

The table is per process (each API replica and worker counts on its own) and bounded: past
``max_clients`` addresses the one that failed least recently is forgotten, so an attacker
with many addresses costs memory in proportion to ``max_clients`` only. A full bucket is
forgotten as well (it says nothing a missing entry does not). Every operation is O(1).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

import structlog

log = structlog.get_logger(__name__)


class FailureLimiter:
    """Token buckets of failed authentications, by client address."""

    def __init__(
        self,
        *,
        budget: int,
        window: float,
        max_clients: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.rate = budget / window if budget else 0.0  # tokens regained per second
        self.max_clients = max_clients
        self._clock = clock
        # address -> (tokens left, when counted); least recently failing first.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.budget > 0

    def _tokens(self, client: str, now: float) -> float:
        found = self._buckets.get(client)
        if found is None:
            return float(self.budget)
        tokens, at = found
        return min(float(self.budget), tokens + (now - at) * self.rate)

    def _store(self, client: str, tokens: float, now: float) -> None:
        if tokens >= self.budget:
            self._buckets.pop(client, None)
            return
        self._buckets[client] = (tokens, now)
        self._buckets.move_to_end(client)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)

    def take(self, client: str) -> int | None:
        """Take a token for one attempt from ``client``: None if it may go ahead, else the
        seconds (at least 1) until it may try again."""
        if not self.enabled:
            return None
        now = self._clock()
        tokens = self._tokens(client, now)
        if tokens < 1.0:
            return max(1, math.ceil((1.0 - tokens) / self.rate))
        self._store(client, tokens - 1.0, now)
        if tokens < 2.0:
            log.warning("authentication_budget_spent", client=client, budget=self.budget)
        return None

    def give_back(self, client: str) -> None:
        """The attempt succeeded: it was not a failure, so its token returns."""
        if not self.enabled or client not in self._buckets:
            return
        now = self._clock()
        self._store(client, self._tokens(client, now) + 1.0, now)
