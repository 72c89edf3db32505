"""The load generator, run as a process of its own so it does not share a core's event loop
with what it measures. Prints one JSON line with what it achieved.

    python -m bench.loadgen URL KEY --event bench.ingest --events 5000 --concurrency 32
    python -m bench.loadgen URL KEY --event bench.e2e --events 20000 --batch 500 --concurrency 4
    python -m bench.loadgen URL KEY --event bench.latency --events 3000 --rate 200

Each event's arguments are ``{"seq": n, "sent": <wall clock just before sending>}``, so
the receiver can measure ingest-to-receipt latency. ``--batch N`` uses
``POST /v1/events/batch`` with N events a request; ``--rate R`` paces requests to R events
a second instead of sending as fast as ``--concurrency`` allows.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

import aiohttp
import orjson


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def run(args: argparse.Namespace) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {args.key}", "Content-Type": "application/json"}
    per_request = args.batch or 1
    requests = -(-args.events // per_request)
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    next_request = 0
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(args.url, headers=headers, connector=connector) as session:

        def keyed(seq: int) -> dict[str, int]:
            return {"key": seq % args.keys} if args.keys else {}

        def body(index: int) -> bytes:
            first = index * per_request
            seqs = range(first, min(first + per_request, args.events))
            events = [
                {
                    "event_name": args.event,
                    "arguments": {
                        "seq": seq,
                        "sent": time.time(),
                        **({"key": seq % args.keys} if args.keys else {}),
                    },
                }
                for seq in seqs
            ]
            return orjson.dumps({"events": events} if args.batch else events[0])

        async def send(index: int) -> None:
            path = "/v1/events/batch" if args.batch else "/v1/events"
            t0 = time.perf_counter()
            try:
                async with session.post(path, data=body(index)) as response:
                    await response.read()
                    statuses[str(response.status)] += 1
            except aiohttp.ClientError as exc:
                statuses[type(exc).__name__] += 1
            latencies.append(time.perf_counter() - t0)

        async def worker() -> None:
            nonlocal next_request
            while next_request < requests:
                index = next_request
                next_request += 1
                if args.rate:
                    due = started + index * per_request / args.rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await send(index)

        started_at = time.time()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        seconds = time.perf_counter() - started
    return {
        "events": args.events,
        "requests": requests,
        "started_at": started_at,
        "seconds": round(seconds, 3),
        "events_per_s": round(args.events / seconds, 1),
        "statuses": dict(statuses),
        "request_p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
        "request_p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("--event", default="bench.ingest")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--keys", type=int, default=0, help="arguments.key = seq mod this (0: no key)")
    args = parser.parse_args()
    import uvloop

    print(orjson.dumps(uvloop.run(run(args))).decode())


if __name__ == "__main__":
    main()
