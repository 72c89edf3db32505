"""``make soak``: memory over a long steady load — does any process grow?

    python -m bench.soak --minutes 10 --rate 200

Runs ``asyncevents-svc api`` and one ``asyncevents-svc worker`` (RabbitMQ transport) with
three subscribers on the benchmark's receiver, publishes single events at a steady rate
from a separate process, and samples each process's resident memory (``VmRSS``) every
30 s. Prints the samples and writes them to ``bench/SOAK.md``: the first minute is warm-up;
after it the memory should stay flat.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from tests.support.cluster import Cluster

from bench.run import AS_DEPLOYED, EVENTS, Bench, Sizes, subscribe

SAMPLE_EVERY = 30.0


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:"))
    return round(kb / 1024, 1)


async def soak(minutes: float, rate: float) -> str:
    with tempfile.TemporaryDirectory() as work:
        bench = Bench(Sizes(), Path(work))
        receiver = await bench.start_receiver()
        cluster = Cluster("rabbitmq", Path(work), groups=AS_DEPLOYED, events_file=EVENTS)
        await cluster.create()
        try:
            cluster.start_api()
            cluster.start_worker()
            await cluster.until_ready()
            for i in range(3):
                await subscribe(cluster, "bench.latency", f"{bench.receiver_url}/soak/{i}")
            seconds = minutes * 60
            loading = asyncio.create_task(
                bench.loadgen(
                    cluster.base_url, "bench.latency", int(rate * seconds), rate=rate, concurrency=64
                )
            )
            assert cluster.api is not None
            api, worker = cluster.api.pid, cluster.workers[0].pid
            started = time.monotonic()
            samples: list[tuple[float, float, float]] = []
            while not loading.done():
                samples.append((time.monotonic() - started, rss_mb(api), rss_mb(worker)))
                await asyncio.wait([loading], timeout=SAMPLE_EVERY)
            load = await loading
            delivered = (await bench.stats("/soak/"))["distinct"]
            peaks = (rss_mb(api, "VmHWM"), rss_mb(worker, "VmHWM"))
        finally:
            await cluster.stop()
            await cluster.drop()
            receiver.terminate()
            await receiver.wait()
    warm = [s for s in samples if s[0] >= 60] or samples
    lines = [
        f"# Memory soak: {minutes:g} minutes at {rate:g} events/s, three subscribers",
        "",
        f"{load['events']:,} events published ({load['events_per_s']:,.0f}/s, answers {load['statuses']}), "
        f"{delivered:,} deliveries received. Peak RSS: api {peaks[0]} MB, worker {peaks[1]} MB.",
        f"After the first minute: api {warm[0][1]} → {warm[-1][1]} MB "
        f"(max {max(s[1] for s in warm)}), worker {warm[0][2]} → {warm[-1][2]} MB "
        f"(max {max(s[2] for s in warm)}).",
        "",
        "| minute | api RSS MB | worker RSS MB |",
        "| --: | --: | --: |",
        *(f"| {t / 60:.1f} | {a} | {w} |" for t, a, w in samples),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()
    text = asyncio.run(soak(args.minutes, args.rate))
    print(text)
    Path(__file__).with_name("SOAK.md").write_text(text)


if __name__ == "__main__":
    main()
