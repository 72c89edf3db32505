"""``make bench``: the service as production runs it, measured beside baselines from the
same run, so the ratios hold on a shared, noisy machine.

    python -m bench.run             # full size; prints the report, writes bench/RESULTS.md
    python -m bench.run --quick     # tiny sizes: checks that every phase still works

Processes: a raw-asyncio receiver, the load generator (one process per phase), and per
transport one ``asyncevents-svc api`` plus one or two ``asyncevents-svc worker`` on a
fresh PostgreSQL database (RabbitMQ, then the database queue). Baselines: a bare FastAPI
app served the same way (ingest), the ingest floor (``bench/ingest_floor.py``: the same
validation and the same committed row with asyncpg and group commit, nothing else) and a
bare RabbitMQ → aiohttp loop (delivery floor). The load curve (``bench/curve.py``) ends
each transport's run, drawn as ``bench/curve.svg``. After it, the pacing phase runs its
cases each on a database and one worker of its own (``worker.adaptive_pacing`` on or off)
against an endpoint that takes 8 requests at once.

    python -m bench.run --phases ingest,curve   # some phases only (no RESULTS.md)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import orjson
from tests.support.backend import AMQP_URL
from tests.support.cluster import ADMIN_KEY, PG_BASE, Cluster
from tests.support.serving import free_port

from bench import cpu, curve_svg
from bench.curve import Step, bounded, highest_sustained, next_rate
from bench.report import Report

ROOT = Path(__file__).resolve().parents[1]
EVENTS = Path(__file__).with_name("events.xml")
#: The service as the image runs it (Dockerfile, deploy/): JSON log lines, not the
#: terminal's coloured ones, whose renderer costs half as much again a line.
AS_DEPLOYED: dict[str, Any] = {"log_format": "json"}
CURVE_SVG = Path(__file__).with_name("curve.svg")
PHASES = ("ingest", "floor", "e2e", "latency", "fanout", "ordered", "isolation", "curve", "pacing")
#: The ordered phase's cases: label, the subscription's ordering fields, arguments.key's range.
ORDERED_CASES: tuple[tuple[str, dict[str, str], int], ...] = (
    ("unordered", {}, 0),
    ("fifo, 1 key", {"ordering": "fifo"}, 0),
    ("fifo, 100 keys", {"ordering": "fifo", "ordering_key": "key"}, 100),
)
#: The pacing phase's cases: label, ``worker.adaptive_pacing``, the receiver's path (under
#: ``/pace-ra/`` one 429 in 20 carries ``Retry-After: 1``: see bench/receiver.py).
PACING_CASES: tuple[tuple[str, bool, str], ...] = (
    ("fixed limit", False, "/pace/fixed"),
    ("adaptive", True, "/pace/adaptive"),
    ("fixed limit, some Retry-After", False, "/pace-ra/fixed"),
    ("adaptive, some Retry-After", True, "/pace-ra/adaptive"),
)
#: The pacing subscription: 32 sends at once against an endpoint that takes 8; a refused
#: delivery is retried 1 s later, up to 50 times (the API's most), so the fixed limit's
#: run ends in seconds, not on the service's day-long schedule, and loses nothing.
PACING_POLICY: dict[str, object] = {"max_in_flight": 32, "retry_schedule": [1.0], "max_retries": 50}


@dataclass(frozen=True)
class Sizes:
    single: int = 6000
    batch: int = 40000
    e2e: int = 12000
    latency_seconds: float = 15.0
    fanout_events: int = 20
    ordered: int = 2000
    isolation_seconds: float = 6.0
    isolation_rounds: int = 3
    curve_rates: tuple[float, ...] = (50, 200, 500, 1000, 2000)
    curve_seconds: float = 8.0
    curve_search: int = 3  # extra steps to find the highest sustained rate
    pacing: int = 5000

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            single=200,
            batch=1000,
            e2e=500,
            latency_seconds=2.0,
            fanout_events=2,
            ordered=60,
            isolation_seconds=2.0,
            isolation_rounds=1,
            curve_rates=(50, 200),
            curve_seconds=1.0,
            curve_search=1,
            pacing=400,
        )


@dataclass
class Bench:
    sizes: Sizes
    work: Path
    phases: frozenset[str] = frozenset(PHASES)
    report: Report = field(default_factory=Report)
    receiver_url: str = ""
    receiver_pid: int = 0

    # --- processes ------------------------------------------------------------------------

    async def spawn(self, *args: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", *args, cwd=ROOT)

    async def loadgen(
        self, url: str, event: str, events: int, *, allow_refused: bool = False, **options: float
    ) -> dict[str, Any]:
        args = [url, ADMIN_KEY, "--event", event, "--events", str(events)]
        for name, value in options.items():
            args += [f"--{name}", str(value)]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.loadgen", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await process.communicate()
        assert process.returncode == 0, "load generator failed"
        result: dict[str, Any] = orjson.loads(out)
        refused = {status: n for status, n in result["statuses"].items() if status not in {"200", "202"}}
        result["refused"] = sum(refused.values())
        assert allow_refused or not refused, (
            f"the API refused part of the load, so no figure would be true: {refused}"
        )
        return result

    async def stats(self, prefix: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.receiver_url) as client:
            result: dict[str, Any] = (await client.get(f"/_stats?prefix={prefix}")).json()
            return result

    async def reset(self) -> None:
        async with httpx.AsyncClient(base_url=self.receiver_url) as client:
            await client.get("/_reset")

    async def start_receiver(self) -> asyncio.subprocess.Process:
        port_file = self.work / "receiver.port"
        process = await self.spawn("bench.receiver", str(port_file))
        await until(lambda: port_file.exists() and port_file.read_text() != "")
        self.receiver_url = f"http://127.0.0.1:{port_file.read_text()}"
        self.receiver_pid = process.pid
        return process

    # --- phases -----------------------------------------------------------------------------

    async def ingest_baseline(self) -> None:
        port = free_port()
        bare = await self.spawn("bench.bare_app", str(port))
        url = f"http://127.0.0.1:{port}"
        await until_http(f"{url}/openapi.json")
        single = await self.loadgen(url, "bench.ingest", self.sizes.single, concurrency=32)
        batch = await self.loadgen(url, "bench.ingest", self.sizes.batch, batch=500, concurrency=4)
        self.report.baseline_ingest = (single, batch)
        bare.terminate()
        await bare.wait()

    async def ingest_against_floor(self, cluster: Cluster) -> None:
        """Our single-event ingest with the API alone (no worker yet: the floor has none)
        against the ingest floor on a database migrated the same way, in the order floor,
        ours, ours, floor, so a drift of the machine's speed over the phase weighs on both
        alike; each side's figure is the mean of its two rounds."""
        (self.work / "ingest-floor").mkdir()
        scratch = Cluster("dbqueue", self.work / "ingest-floor", events_file=EVENTS)
        await scratch.create()
        port = free_port()
        floor = await self.spawn("bench.ingest_floor", str(port), f"{PG_BASE}/{scratch.name}")
        url = f"http://127.0.0.1:{port}"
        try:
            await until_http(f"{url}/openapi.json")
            n = self.sizes.single
            rounds: dict[str, list[dict[str, Any]]] = {"floor": [], "ours": []}
            assert cluster.api is not None
            for side in ("floor", "ours", "ours", "floor"):
                target, pid = (url, floor.pid) if side == "floor" else (cluster.base_url, cluster.api.pid)
                spent = cpu.process_seconds(pid)
                result = await self.loadgen(target, "bench.ingest", n, concurrency=32)
                # The server's CPU a request: what a neighbour on the machine moves least.
                result["cpu_ms"] = 1000 * (cpu.process_seconds(pid) - spent) / n
                rounds[side].append(result)
            stored = await scratch.count("SELECT count(*) FROM events")
            assert stored == 2 * n, f"the ingest floor stored {stored} rows, not {2 * n}"
        finally:
            floor.terminate()
            await floor.wait()
            await scratch.drop()
        self.report.ingest_floor = {side: _mean_rounds(results) for side, results in rounds.items()}

    async def ingest(self, cluster: Cluster) -> None:
        single = await self.loadgen(cluster.base_url, "bench.ingest", self.sizes.single, concurrency=32)
        batch = await self.loadgen(
            cluster.base_url, "bench.ingest", self.sizes.batch, batch=500, concurrency=4
        )
        self.report.ingest = (single, batch)

    async def end_to_end(self, cluster: Cluster, label: str) -> None:
        """Publish in batches as fast as the API takes them; done when every delivery has
        arrived and is recorded ``delivered``. Beside the rate: the CPU the service and its
        database spent per delivery, and the share of the cores other work took meanwhile
        (:mod:`bench.cpu`), which is what moves the rate on a shared machine."""
        path = f"/e2e/{label.replace(' ', '-')}"  # recipient URLs hold no whitespace
        await until(lambda: _drained(cluster), timeout=300)  # earlier phases' events
        sub = await subscribe(cluster, "bench.e2e", self.receiver_url + path)
        before = await delivered_count(cluster)
        n = self.sizes.e2e
        cpu_before, wall_before = await cpu.usage(cluster, self.receiver_pid), time.time()
        loading = asyncio.create_task(
            self.loadgen(cluster.base_url, "bench.e2e", n, batch=500, concurrency=4)
        )
        await until(lambda: self._arrived(path, n), timeout=300)
        await until(lambda: _at_least(cluster, before + n), timeout=120)
        finished = time.time()
        load = await loading
        spent = (await cpu.usage(cluster, self.receiver_pid)).since(cpu_before)
        wall = time.time() - wall_before
        seconds = finished - load["started_at"]
        self.report.e2e[(cluster.transport, label)] = {
            "deliveries": n,
            "seconds": round(seconds, 2),
            "per_s": round(n / seconds, 1),
            "duplicates": (await self.stats(path))["count"] - n,
            "service_cpu_ms": round(1000 * spent.service / n, 3),
            "database_cpu_ms": round(1000 * spent.database / n, 3),
            "others_share": round(spent.others / (wall * cpu.CORES), 2),
        }
        await unsubscribe(cluster, sub)

    async def curve(self, cluster: Cluster) -> None:
        """The load curve (:mod:`bench.curve`): the fixed rates, then a search for the
        highest rate sustained; drawn by :mod:`bench.curve_svg`. It starts once earlier
        phases' events are fanned out: a backlog being drained would be measured too."""
        await until(lambda: _drained(cluster), timeout=300)
        steps = [await self.curve_step(cluster, rate) for rate in self.sizes.curve_rates]
        for _ in range(self.sizes.curve_search):
            rate = next_rate(steps)
            if rate is None:
                break
            steps.append(await self.curve_step(cluster, rate))
        self.report.curve[cluster.transport] = {
            "steps": [s.as_dict() for s in sorted(steps, key=lambda s: s.rate)],
            "sustained": highest_sustained(steps),
            "bounded": bounded(steps),  # False: every rate held, the figure is a lower bound
        }

    async def curve_step(self, cluster: Cluster, rate: float) -> Step:
        path = f"/curve/{cluster.transport}/{rate:g}/"  # the slash: /50/ is no prefix of /500/
        sub = await subscribe(cluster, "bench.curve", self.receiver_url + path)
        n = max(1, int(rate * self.sizes.curve_seconds))
        load = await self.loadgen(
            cluster.base_url, "bench.curve", n, rate=rate, concurrency=128, allow_refused=True
        )
        accepted = n - load["refused"]
        backlog = accepted - int((await self.stats(path))["distinct"])
        try:
            await until(lambda: self._arrived(path, accepted), timeout=60)
            drained = True
        except TimeoutError:
            drained = False
        stats = await self.stats(path)
        await unsubscribe(cluster, sub)
        await until(lambda: _drained(cluster), timeout=120)  # nothing of this step left
        return Step(
            rate=rate,
            achieved=load["events_per_s"],
            accepted=accepted,
            refused=load["refused"],
            backlog=backlog,
            p50_ms=round(stats["p50_ms"], 1),
            p95_ms=round(stats["p95_ms"], 1),
            p99_ms=round(stats["p99_ms"], 1),
            drained=drained,
        )

    async def _arrived(self, prefix: str, n: int) -> bool:
        return int((await self.stats(prefix))["distinct"]) >= n

    async def latency(self, cluster: Cluster) -> None:
        rate = 200.0
        sub = await subscribe(cluster, "bench.latency", self.receiver_url + "/lat")
        n = int(rate * self.sizes.latency_seconds)
        await self.loadgen(cluster.base_url, "bench.latency", n, rate=rate, concurrency=64)
        await until(lambda: self._arrived("/lat", n), timeout=60)
        self.report.latency[cluster.transport] = await self.stats("/lat")
        await unsubscribe(cluster, sub)

    async def fanout(self, cluster: Cluster) -> None:
        subs = [await subscribe(cluster, "bench.fanout", f"{self.receiver_url}/fan/{i}") for i in range(100)]
        n = self.sizes.fanout_events
        await self.loadgen(cluster.base_url, "bench.fanout", n, rate=2.0, concurrency=4)
        await until(lambda: self._arrived("/fan/", 100 * n), timeout=120)
        self.report.fanout[cluster.transport] = await self.stats("/fan/")
        for sub in subs:
            await unsubscribe(cluster, sub)

    async def ordered(self, cluster: Cluster) -> None:
        """Deliveries/s to one subscription, 2 workers: unordered (the baseline of this run),
        then ``fifo`` with one key (one delivery at a time) and with 100 keys."""
        await until(lambda: _drained(cluster), timeout=300)
        n = self.sizes.ordered
        for index, (label, ordering, keys) in enumerate(ORDERED_CASES):
            path = f"/ordered/{index}"
            sub = await subscribe(cluster, "bench.ordered", self.receiver_url + path, **ordering)
            before = await delivered_count(cluster)
            load = await self.loadgen(
                cluster.base_url, "bench.ordered", n, batch=100, concurrency=1, keys=keys
            )
            await until(lambda path=path: self._arrived(path, n), timeout=600)
            await until(lambda before=before: _at_least(cluster, before + n), timeout=120)
            seconds = time.time() - load["started_at"]
            self.report.ordered[(cluster.transport, label)] = {
                "deliveries": n,
                "seconds": round(seconds, 2),
                "per_s": round(n / seconds, 1),
            }
            await unsubscribe(cluster, sub)

    async def isolation(self, cluster: Cluster) -> None:
        """Three healthy subscribers at 100 events/s: alone; with a fourth fast one (the same
        extra work, as a control on a machine whose cores are all busy); with a fourth that
        answers after 2 s. Compared: the three healthy ones' p95. The three cases run in
        several rounds, in a rotated order, and each case's median p95 is reported, so one
        burst of noise on the shared machine does not decide the comparison."""
        rate = 100.0
        n = int(rate * self.sizes.isolation_seconds)
        subs = [await subscribe(cluster, "bench.isolation", f"{self.receiver_url}/iso/{i}") for i in range(3)]
        cases = [("alone", None), ("fast", "/extra/fast"), ("slow", "/slow/iso")]
        p95s: dict[str, list[float]] = {case: [] for case, _ in cases}
        for round_ in range(self.sizes.isolation_rounds):
            for case, fourth in cases[round_ % 3 :] + cases[: round_ % 3]:
                p95s[case].append(await self._healthy_p95(cluster, n, rate, fourth))
        self.report.isolation[cluster.transport] = {
            case: {"p95_ms": statistics.median(values), "rounds": values} for case, values in p95s.items()
        }
        for sub in subs:
            await unsubscribe(cluster, sub)

    async def _healthy_p95(self, cluster: Cluster, n: int, rate: float, fourth: str | None) -> float:
        extra = await subscribe(cluster, "bench.isolation", self.receiver_url + fourth) if fourth else None
        await self.reset()
        await self.loadgen(cluster.base_url, "bench.isolation", n, rate=rate, concurrency=64)
        await until(lambda: self._arrived("/iso/", 3 * n), timeout=120)
        p95: float = (await self.stats("/iso/"))["p95_ms"]
        if fourth is not None:
            await until(lambda: self._arrived(fourth, n), timeout=120)
        if extra is not None:
            await unsubscribe(cluster, extra)
        return p95

    async def floor(self) -> None:
        """The bare RabbitMQ → aiohttp loop over as many messages as the e2e phase."""
        queue = f"bench.floor.{uuid.uuid4().hex[:8]}"
        consumer = await self.spawn("bench.floor", AMQP_URL, queue, self.receiver_url + "/floor")
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            declared = await channel.declare_queue(queue, durable=True, arguments={"x-queue-type": "quorum"})
            await asyncio.sleep(1.5)  # the consumer is up
            n = self.sizes.e2e
            started = time.time()
            for first in range(0, n, 500):
                await asyncio.gather(
                    *(
                        channel.default_exchange.publish(
                            aio_pika.Message(
                                orjson.dumps({"data": {"seq": i, "sent": time.time()}}),
                                message_id=str(uuid.uuid4()),
                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            ),
                            queue,
                        )
                        for i in range(first, min(first + 500, n))
                    )
                )
            await until(lambda: self._arrived("/floor", n), timeout=300)
            seconds = (await self.stats("/floor"))["last"] - started
            self.report.floor = {
                "deliveries": n,
                "seconds": round(seconds, 2),
                "per_s": round(n / seconds, 1),
            }
            consumer.terminate()
            await consumer.wait()
            await declared.delete(if_unused=False, if_empty=False)

    async def pacing(self, transport: str) -> None:
        """:data:`PACING_CASES`, each on a cluster of its own (1 api + 1 worker, whose
        ``worker.adaptive_pacing`` is the case's): publish the deliveries at once, done when
        every one has ended (delivered, or dead after its 50 retries). Goodput counts the
        receiver's 200s, the 429s its refusals."""
        n = self.sizes.pacing
        for index, (label, adaptive, endpoint) in enumerate(PACING_CASES):
            path = f"{endpoint}/{transport}"  # the receiver's tally is per path, and kept
            work = self.work / f"pacing-{transport}-{index}"
            work.mkdir()
            groups: dict[str, Any] = {**AS_DEPLOYED, "worker": {"adaptive_pacing": adaptive}}
            cluster = Cluster(transport, work, groups=groups, events_file=EVENTS)
            await cluster.create()
            try:
                cluster.start_api()
                await cluster.until_ready()
                cluster.start_worker()
                await asyncio.sleep(3.0)  # the worker is up
                await subscribe(cluster, "bench.pacing", self.receiver_url + path, **PACING_POLICY)
                load = await self.loadgen(cluster.base_url, "bench.pacing", n, batch=500, concurrency=4)
                await until(lambda cluster=cluster: _ended(cluster, n), timeout=900)
                seconds = time.time() - load["started_at"]
                stats = await self.stats(path)
                statuses = await cluster.delivery_statuses()
            except BaseException:
                print(cluster.logs(), file=sys.stderr)
                raise
            finally:
                await cluster.stop()
                await cluster.drop()
            self.report.pacing[(transport, label)] = {
                "deliveries": n,
                "seconds": round(seconds, 2),
                "goodput": round(stats["count"] / seconds, 1),
                "ok": stats["count"],
                "refused": stats["refused"],
                "retry_after": stats["retry_after"],
                "dead": statuses.get("dead", 0),
            }

    async def transport(self, transport: str) -> None:
        (self.work / transport).mkdir()
        cluster = Cluster(transport, self.work / transport, groups=AS_DEPLOYED, events_file=EVENTS)
        await cluster.create()
        phases = self.phases
        try:
            cluster.start_api()
            await cluster.until_ready()
            if transport == "rabbitmq" and "ingest" in phases:
                await self.ingest_against_floor(cluster)
            cluster.start_worker()
            await asyncio.sleep(3.0)  # the worker is up
            if transport == "rabbitmq" and "ingest" in phases:
                await self.ingest(cluster)
            if "e2e" in phases:
                await self.end_to_end(cluster, "1 worker")
            cluster.start_worker()
            await asyncio.sleep(3.0)  # the second worker is up
            if "e2e" in phases:
                await self.end_to_end(cluster, "2 workers")
            if "latency" in phases:
                await self.latency(cluster)
            if "fanout" in phases:
                await self.fanout(cluster)
            if "ordered" in phases:
                await self.ordered(cluster)
            if "isolation" in phases:
                await self.isolation(cluster)
            if "curve" in phases:
                await self.curve(cluster)
            self.report.rss[transport] = peak_rss(cluster)
        except BaseException:
            print(cluster.logs(), file=sys.stderr)
            raise
        finally:
            await cluster.stop()
            await cluster.drop()


# --- helpers ----------------------------------------------------------------------------------


def _mean_rounds(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One load generator result for several rounds: the mean rate and p95, and each round's rate."""
    mean: dict[str, Any] = {
        "events_per_s": round(statistics.fmean(r["events_per_s"] for r in results), 1),
        "request_p95_ms": round(statistics.fmean(r["request_p95_ms"] for r in results), 2),
        "rounds": [r["events_per_s"] for r in results],
    }
    if all("cpu_ms" in r for r in results):
        mean["cpu_ms"] = round(statistics.fmean(r["cpu_ms"] for r in results), 3)
    return mean


async def until(check: Any, timeout: float = 30.0) -> None:
    """Poll ``check`` (a function, or a coroutine function) until it is true."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.1)


async def until_http(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(url)


async def subscribe(cluster: Cluster, event: str, url: str, **extra: object) -> int:
    async with httpx.AsyncClient(base_url=cluster.base_url, headers=_auth(), timeout=10) as client:
        body = {"event_name": event, "recipient_url": url, **extra}
        response = await client.post("/v1/subscriptions", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["subscription_id"])


async def unsubscribe(cluster: Cluster, subscription_id: int) -> None:
    async with httpx.AsyncClient(base_url=cluster.base_url, headers=_auth(), timeout=10) as client:
        await client.delete(f"/v1/subscriptions/{subscription_id}")


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_KEY}"}


async def delivered_count(cluster: Cluster) -> int:
    return await cluster.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'")


async def _drained(cluster: Cluster) -> bool:
    """No event is waiting to be fanned out."""
    return await cluster.count("SELECT count(*) FROM events WHERE status = 'accepted'") == 0


async def _at_least(cluster: Cluster, n: int) -> bool:
    return await delivered_count(cluster) >= n


async def _ended(cluster: Cluster, n: int) -> bool:
    """``n`` deliveries have ended: delivered, or dead."""
    query = "SELECT count(*) FROM deliveries WHERE status IN ('delivered', 'dead')"
    return await cluster.count(query) >= n


def peak_rss(cluster: Cluster) -> dict[str, float]:
    """Peak resident memory (VmHWM), MB, of the API and each worker process."""
    processes = {"api": cluster.api, **{f"worker {i + 1}": w for i, w in enumerate(cluster.workers)}}
    peaks = {}
    for name, process in processes.items():
        assert process is not None
        status = Path(f"/proc/{process.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        peaks[name] = round(kb / 1024, 1)
    return peaks


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, no RESULTS.md")
    parser.add_argument("--transports", default="rabbitmq,dbqueue")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"some of {','.join(PHASES)}")
    args = parser.parse_args()
    phases = frozenset(args.phases.split(","))
    assert phases <= set(PHASES), f"unknown phase(s): {sorted(phases - set(PHASES))}"
    with tempfile.TemporaryDirectory() as work:
        bench = Bench(Sizes.quick() if args.quick else Sizes(), Path(work), phases)
        receiver = await bench.start_receiver()
        try:
            if phases & {"ingest", "floor"}:
                await bench.ingest_baseline()
            if "rabbitmq" in args.transports and "floor" in phases:
                await bench.floor()
            for transport in args.transports.split(","):
                if phases - {"pacing"}:
                    await bench.transport(transport)
                if "pacing" in phases:
                    await bench.pacing(transport)
        finally:
            receiver.terminate()
            await receiver.wait()
    text = bench.report.markdown(quick=args.quick)
    print(text)
    if not args.quick and bench.report.curve:
        title = f"Ingest → receipt latency, 1 api + 2 workers, {time.strftime('%Y-%m-%d')}"
        CURVE_SVG.write_text(curve_svg.render(bench.report.curve, title))
    if not args.quick and phases == set(PHASES):
        Path(__file__).with_name("RESULTS.md").write_text(text)


if __name__ == "__main__":
    asyncio.run(main())
