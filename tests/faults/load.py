"""The steady load: numbered events published in batches, as a careful producer does.

Each event carries ``arguments.seq`` and an idempotency ``id``. A batch that does not get a
202 (the API is down, or answers 503 while the database is) is sent again, unchanged, until
it does: the same ids make the retry safe. Only events whose batch got a 202 count as
accepted. Every answer that is not a 202 is tallied, so a scenario can say what the
producer saw during the fault.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

EVENT = "example.ping"
ORDER_KEYS = 10  # lines of the ordered subscriber (scenario.ORDERED)


@dataclass
class Load:
    base_url: str
    api_key: str
    run_id: str
    events: int = 2000
    batch: int = 20
    rate: float = 250.0  # events per second
    give_up_after: float = 90.0
    accepted: set[int] = field(default_factory=set)
    answers: Counter[str] = field(default_factory=Counter)
    wrong_answers: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    def body(self, seqs: range) -> dict[str, object]:
        return {
            "events": [
                {
                    "event_name": EVENT,
                    "id": f"{self.run_id}-{seq}",
                    # key: the ordered subscriber's line (ORDER_KEYS of them); batch: the
                    # first seq of the request, whose events are accepted in seq order
                    "arguments": {"seq": seq, "key": seq % ORDER_KEYS, "batch": seqs.start},
                }
                for seq in seqs
            ]
        }

    async def send(self, client: httpx.AsyncClient, seqs: range) -> None:
        deadline = time.monotonic() + self.give_up_after
        while time.monotonic() < deadline:
            try:
                response = await client.post("/v1/events/batch", json=self.body(seqs))
            except httpx.TransportError as exc:
                self.answers[type(exc).__name__] += 1
            else:
                self.answers[str(response.status_code)] += 1
                if response.status_code == 202:
                    results = response.json()["results"]
                    self.accepted.update(seqs[r["index"]] for r in results if r["status"] == 202)
                    return
                if response.status_code != 503 or not response.headers.get("content-type", "").startswith(
                    "application/problem+json"
                ):
                    self.wrong_answers.append(f"{response.status_code} {response.text[:200]}")
            await asyncio.sleep(0.25)

    async def run(self) -> None:
        """Send every batch at its time on the rate's clock (late batches go at once)."""
        headers = {"Authorization": f"Bearer {self.api_key}"}
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(
            base_url=self.base_url, headers=headers, timeout=15, limits=limits
        ) as client:
            self.started = time.monotonic()
            tasks = []
            for first in range(0, self.events, self.batch):
                due = self.started + first / self.rate
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                seqs = range(first, min(first + self.batch, self.events))
                tasks.append(asyncio.create_task(self.send(client, seqs)))
            await asyncio.gather(*tasks)
        self.finished = time.monotonic()
