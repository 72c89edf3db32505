"""``make bench-scale``: the operator's calls on a full database, at two sizes, and how much
slower each gets as the data grows (issue 17).

    python -m bench.scale                        # 1 M and 10 M deliveries; writes bench/SCALE.md
    python -m bench.scale --quick                # 20,000 and 100,000: a smoke test
    python -m bench.scale --sizes 1000000 --keep # reuse asyncevents_scale_1000000 if filled

Every other benchmark starts on an empty database; a real service runs on a full one (a
store sending 100,000 events a day to three integrations keeps ~10 M deliveries in its 30
days). Per size this

1. fills a scratch database ``asyncevents_scale_<n>`` (migrated by the service's own
   migrations) with server-side SQL (``bench/scale_fill.py``) and reports the fill rate;
2. starts the real ``asyncevents-svc api`` on it and times, as an operator calls them, the
   listing pages (first, next, 20th), one subscription's log, the console's pages (signed
   in as a browser is), a trace, one event, the searches the docs show, the dry-run count of dead
   letters, ``/metrics`` and ``/health/ready`` (``bench/scale_calls.py``);
3. times the scheduler's claim of due deliveries and the database queue's claim of events,
   calling the service's functions (``bench/scale_claims.py``);
4. starts a worker and a loopback receiver, lets the worker deliver the fill's due backlog
   (for at most two minutes, reporting its rate), then measures a fresh event's ingest →
   receipt latency on the full database;
5. times retention removing ~90 % of the data, on a copy of the database (``TEMPLATE``),
   so the fill survives for ``--keep``, as rows removed per second (its cost a row, which
   must stay flat); stopped, and reported unfinished, after 15 minutes.

The filled databases are left in place for ``--keep`` (``--drop`` removes them). A kept
database is re-armed first (one scan): the fill's due deliveries and accepted events,
which the earlier run's worker sent, are due again, and that run's probe events go.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from cryptography.fernet import Fernet
from sqlalchemy import text, update

from asyncevents_svc.auth.keys import create_key
from asyncevents_svc.crypto import generate_token
from asyncevents_svc.db.migrate import upgrade
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.logging import configure_logging
from asyncevents_svc.observability.metrics import Metrics
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from bench import scale_backlog, scale_claims
from bench.scale_calls import (
    OTHER,
    PAGE,
    TENANT,
    Cursors,
    Samples,
    Timing,
    cursor_after,
    operator_calls,
    sign_in,
    tenant_calls,
    time_calls,
)
from bench.scale_fill import APPLICATIONS, SUBSCRIPTIONS, fill, rearm, row_counts
from bench.scale_live import (
    EVENTS,
    Service,
    free_port,
    loadgen,
    receiver_stats,
    service_env,
    start_receiver,
    until,
)
from bench.scale_report import ScaleReport, SizeResult

PG_ADMIN = os.environ.get("ASYNCEVENTS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0]
SCALE_MD = Path(__file__).with_name("SCALE.md")
QUICK_SIZES = (20_000, 100_000)
RETENTION_DAYS = 3.0  # of the fill's 30: removes ~90 %
CATCH_UP_SECONDS = 120.0
RETENTION_SECONDS = 900.0  # retention deletes in batches of 1,000: at 10 M it may not finish
Claim = Callable[[], Awaitable[list[uuid.UUID]]]
Release = Callable[[Runtime, list[uuid.UUID]], Awaitable[None]]


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def admin_sql(sql: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def sqlalchemy_url(name: str) -> str:
    return f"{PG_BASE.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"


async def filled_deliveries(name: str) -> int | None:
    """Deliveries in an existing scale database (None: there is none, or it was filled
    before the schema it needs: not migrated, or without the fill's applications)."""
    try:
        connection = await asyncpg.connect(f"{PG_BASE}/{name}")
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        if await connection.fetchval("SELECT count(*) FROM applications WHERE uid = $1", TENANT) != 1:
            return None
        return int(await connection.fetchval("SELECT count(*) FROM deliveries"))
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await connection.close()


async def prepare(result: SizeResult, name: str, keep: bool) -> None:
    """A migrated, filled database of ``result.deliveries``: kept, or filled afresh."""
    if keep and (await filled_deliveries(name) or 0) >= result.deliveries:
        say(f"{name}: kept; migrating it to this tree's schema, re-arming the fill's due work")
        await asyncio.to_thread(upgrade, sqlalchemy_url(name))
        connection = await asyncpg.connect(f"{PG_BASE}/{name}")
        try:
            await rearm(connection, result.deliveries)
        finally:
            await connection.close()
    else:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin_sql(f'CREATE DATABASE "{name}"')
        await asyncio.to_thread(upgrade, sqlalchemy_url(name))
        say(f"{name}: filling {result.deliveries:,} deliveries")
        connection = await asyncpg.connect(f"{PG_BASE}/{name}")
        try:
            result.fill_seconds, result.vacuum_seconds = await fill(connection, result.deliveries, say)
        finally:
            await connection.close()
    connection = await asyncpg.connect(f"{PG_BASE}/{name}")
    try:
        result.rows = await row_counts(connection)
    finally:
        await connection.close()


def fill_id(index: int, seed: str) -> str:
    """An id as ``scale_fill`` computes it: the index in the first 48 bits, then an md5."""
    digest = hashlib.md5(seed.encode()).hexdigest()  # noqa: S324 - the fill's ids, no security
    return str(uuid.UUID(f"{index:012x}{digest[12:]}"))


def samples(deliveries: int) -> Samples:
    """An order, a dead delivery and an event of the fill, by the fill's formulas."""
    i = deliveries // 6  # a third of the way through the 30 days
    while True:
        x = 2 * i
        if 93 <= (x * 37 + x // 100) % 100 < 96:  # scale_fill's status hash: dead
            break
        i += 1
    return Samples(order=f"CK{i:09d}", delivery_id=fill_id(2 * i, f"d{i}.0"), event_id=fill_id(i, f"e{i}"))


@dataclass
class Run:
    """One size's database, the settings of its processes and the admin key."""

    name: str
    settings: Settings
    env: dict[str, str]
    key: str = ""
    tenant_key: str = ""

    @classmethod
    def create(cls, name: str, work: Path) -> Run:
        encryption_key = Fernet.generate_key().decode()
        env = service_env(sqlalchemy_url(name), encryption_key, work, free_port())
        settings = Settings.model_validate(
            {
                "env": "test",
                "database_url": sqlalchemy_url(name),
                "broker_url": None,
                "events_file": [EVENTS],
                "encryption_key": encryption_key,
                "data_dir": work,
                "security": {"recipient_allowlist": ["127.0.0.1/32"]},
                "retention": {"days": 0},
            }
        )
        return cls(name, settings, env)


async def new_admin_key(runtime: Runtime) -> str:
    async with runtime.sessions() as session:
        _, key = await create_key(session, name="scale bench", scopes=["admin"])
        await session.commit()
    return key


async def new_tenant_key(runtime: Runtime) -> str:
    """A key bound to the fill's :data:`~bench.scale_calls.TENANT` application."""
    [app_id] = [app_id for app_id, uid, _ in APPLICATIONS if uid == TENANT]
    async with runtime.sessions() as session:
        _, key = await create_key(
            session,
            name="scale bench tenant",
            scopes=["subscriptions:read", "deliveries:read", "deliveries:replay"],
            application_id=app_id,
        )
        await session.commit()
    return key


async def retarget(runtime: Runtime, receiver_url: str) -> None:
    """Point the fill's subscriptions at the receiver, with tokens this run's key decrypts."""
    async with runtime.sessions() as session, session.begin():
        for sub_id, *_ in SUBSCRIPTIONS:
            await session.execute(
                update(Subscription)
                .where(Subscription.id == sub_id)
                .values(
                    recipient_url=f"{receiver_url}/fill/{sub_id}",
                    token_encrypted=runtime.cipher.encrypt(generate_token()),
                )
            )


async def time_api(run: Run, result: SizeResult, kinds: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {run.key}"}
    base = f"http://127.0.0.1:{run.env['ASYNCEVENTS_PORT']}"
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, timeout=300) as api,
        httpx.AsyncClient(base_url=base, timeout=300) as console,
    ):
        await sign_in(console, run.key)
        cursors = Cursors(
            second=await cursor_after(api, 1),
            deep=await cursor_after(api, 19),
            events_second=await cursor_after(api, 1, "/v1/events"),
            events_deep=await cursor_after(api, 19, "/v1/events"),
        )
        calls = operator_calls(samples(result.deliveries), cursors)
        kinds.update({call.name: call.kind for call in calls})
        result.timings.update(await time_calls(api, console, calls, say))
        tenant_headers = {"Authorization": f"Bearer {run.tenant_key}"}
        async with httpx.AsyncClient(base_url=base, headers=tenant_headers, timeout=300) as tenant:
            calls = tenant_calls(samples(result.deliveries), await cursor_after(tenant, 1))
            kinds.update({call.name: call.kind for call in calls})
            result.timings.update(await time_calls(tenant, console, calls, say))
        ready = await api.get("/health/ready")
        result.notes["`/health/ready`"] = f"answered {ready.status_code}: {ready.text[:200]}"


async def time_claims(runtime: Runtime, result: SizeResult, kinds: dict[str, str]) -> None:
    """Each claim timed alone; its leases are given back before the next one."""
    worker = runtime.settings.worker

    async def due() -> list[uuid.UUID]:
        return await scale_claims.claim_due_deliveries(runtime, worker.scheduler_batch)

    async def events() -> list[uuid.UUID]:
        return await scale_claims.claim_accepted_events(runtime, worker.prefetch)

    claims: dict[str, tuple[Claim, Release]] = {
        f"scheduler: claim of due deliveries ({worker.scheduler_batch})": (
            due,
            scale_claims.release_deliveries,
        ),
        f"database queue: claim of events ({worker.prefetch})": (events, scale_claims.release_events),
    }
    for name, (claim, release) in claims.items():
        samples_ms = []
        for _ in range(6):  # the first is the warm-up
            started = time.perf_counter()
            ids = await claim()
            samples_ms.append((time.perf_counter() - started) * 1000)
            await release(runtime, ids)
        result.timings[name] = Timing(sorted(samples_ms[1:])[2], max(samples_ms[1:]))
        result.notes[name] = f"claimed {len(ids)} rows a time"
        kinds[name] = OTHER
        say(f"  {name}: {result.timings[name].median_ms:.1f} ms ({len(ids)} rows)")
    await time_metrics_read(runtime, result, kinds)


async def time_metrics_read(runtime: Runtime, result: SizeResult, kinds: dict[str, str]) -> None:
    """What a ``/metrics`` scrape costs when its database gauges are read (the scrape call
    above mostly finds them read within the last few seconds)."""
    metrics = Metrics()
    metrics.database_read_every = 0.0
    samples_ms = []
    for _ in range(6):  # the first is the warm-up
        started = time.perf_counter()
        await metrics.read_database(runtime.sessions)
        samples_ms.append((time.perf_counter() - started) * 1000)
    name = "`/metrics` database gauges, read afresh"
    result.timings[name] = Timing(sorted(samples_ms[1:])[2], max(samples_ms[1:]))
    estimated = [
        sample.labels["count"]
        for family in metrics.registry.collect()
        if family.name == "asyncevents_count_estimated"
        for sample in family.samples
        if sample.value
    ]
    result.notes[name] = f"estimated (over the cap): {', '.join(estimated) or 'none'}"
    kinds[name] = PAGE
    say(f"  {name}: {result.timings[name].median_ms:.1f} ms")


async def count(runtime: Runtime, sql: str) -> int:
    async with runtime.engine.connect() as connection:
        return int((await connection.execute(text(sql))).scalar_one())


async def latency(run: Run, runtime: Runtime, service: Service, result: SizeResult, work: Path) -> None:
    """The worker delivers the fill's due backlog, then fresh events are timed to the receiver."""
    receiver, receiver_url = await start_receiver(work)
    try:
        await retarget(runtime, receiver_url)
        service.start("worker")
        result.notes["worker catch-up"] = await catch_up(runtime)
        async with httpx.AsyncClient(
            base_url=service.base_url, headers={"Authorization": f"Bearer {run.key}"}, timeout=30
        ) as client:
            response = await client.post(
                "/v1/subscriptions",
                json={"event_name": "bench.latency", "recipient_url": f"{receiver_url}/lat"},
            )
            response.raise_for_status()
        n, rate = 500, 50.0
        await loadgen(service.base_url, run.key, "bench.latency", n, rate)
        await until(lambda: _arrived(receiver_url, "/lat", n), timeout=120)
        stats = await receiver_stats(receiver_url, "/lat")
        result.timings["ingest → receipt p95, 50 events/s"] = Timing(stats["p95_ms"], stats["max_ms"])
        result.notes["ingest → receipt, 50 events/s"] = (
            f"p50 {stats['p50_ms']:.0f} ms, p95 {stats['p95_ms']:.0f} ms, p99 {stats['p99_ms']:.0f} ms"
        )
        await backlog(run, service, result, receiver_url)
    finally:
        receiver.terminate()
        await receiver.wait()


async def backlog(run: Run, service: Service, result: SizeResult, receiver_url: str) -> None:
    """A day of backlog (``bench/scale_backlog.py``): its drain rate, fresh events' latency
    beside it, the worker's memory."""
    async with httpx.AsyncClient(
        base_url=service.base_url, headers={"Authorization": f"Bearer {run.key}"}, timeout=30
    ) as client:
        response = await client.post(
            "/v1/subscriptions",
            json={"event_name": "bench.latency", "recipient_url": f"{receiver_url}/during"},
        )
        response.raise_for_status()
    connection = await asyncpg.connect(f"{PG_BASE}/{run.name}")
    try:
        due = await scale_backlog.make_due(connection, result.deliveries)
        say(f"  backlog: {due:,} deliveries due at once")
        n = int(scale_backlog.LATENCY_RATE * scale_backlog.DRAIN_SECONDS)
        fresh = asyncio.create_task(
            loadgen(service.base_url, run.key, "bench.latency", n, scale_backlog.LATENCY_RATE)
        )
        drained = await scale_backlog.drain(connection, due, service.processes[-1].pid)
        await fresh
    finally:
        await connection.close()
    await until(lambda: _arrived(receiver_url, "/during", n), timeout=120)
    stats = await receiver_stats(receiver_url, "/during")
    name = "backlog: deliveries drained per second"
    result.timings[name] = Timing(drained.rate, drained.rate, rate=True)
    result.notes[name] = drained.note()
    during = "ingest → receipt p95 during the backlog, 50 events/s"
    result.timings[during] = Timing(stats["p95_ms"], stats["max_ms"])
    result.notes[during] = (
        f"p50 {stats['p50_ms']:.0f} ms, p95 {stats['p95_ms']:.0f} ms, p99 {stats['p99_ms']:.0f} ms"
    )
    say(f"  {drained.note()}; fresh events p95 {stats['p95_ms']:.0f} ms")


async def catch_up(runtime: Runtime) -> str:
    """Let the worker send the fill's due deliveries, for at most :data:`CATCH_UP_SECONDS`
    (at 10 M the backlog is ~100,000: the latency is then measured while the rest drains)."""
    waiting = "SELECT count(*) FROM deliveries WHERE status = 'pending'"
    backlog = await count(runtime, waiting)
    started = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await until(lambda: _is_zero(runtime, waiting), timeout=CATCH_UP_SECONDS)
    seconds = time.perf_counter() - started
    left = await count(runtime, waiting)
    sent = backlog - left
    return (
        f"{sent:,} of the fill's {backlog:,} due deliveries sent (or cancelled) in {seconds:.1f} s, "
        f"{sent / seconds:,.0f}/s from the worker's start; {left:,} still due when the latency was measured"
    )


async def _is_zero(runtime: Runtime, sql: str) -> bool:
    return await count(runtime, sql) == 0


async def _arrived(receiver_url: str, prefix: str, n: int) -> bool:
    return int((await receiver_stats(receiver_url, prefix))["distinct"]) >= n


async def time_retention(run: Run, result: SizeResult, work: Path) -> None:
    """Retention keeping 3 of the 30 days, on a copy (the fill stays for ``--keep``)."""
    copy = f"{run.name}_retention"
    await admin_sql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    await admin_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{run.name}"')
    settings = run.settings.model_copy(update={"database_url": sqlalchemy_url(copy)})
    runtime = build_runtime(settings)
    removed: list[int] = []
    finished: scale_claims.Removed | None = None
    started = time.perf_counter()
    try:
        async with asyncio.timeout(RETENTION_SECONDS):
            finished = await scale_claims.retention(runtime, RETENTION_DAYS, removed.append)
    except TimeoutError:
        pass
    finally:
        seconds = time.perf_counter() - started
        await runtime.close()
        await admin_sql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    # Retention removes ten times the rows from ten times the data: what must stay flat is
    # its cost a row, so the figure compared is its rate.
    name = f"retention of {RETENTION_DAYS:.0f} of 30 days kept (once): rows removed per second"
    rate = sum(removed) / seconds
    result.timings[name] = Timing(rate, rate, rate=True)
    if finished is None:
        result.notes[name] = (
            f"**stopped after {seconds:.0f} s**, unfinished: {sum(removed):,} rows removed "
            f"({sum(removed) / seconds:,.0f} rows/s)"
        )
    else:
        result.notes[name] = (
            f"removed {finished.attempts:,} attempts, {finished.deliveries:,} deliveries, "
            f"{finished.events:,} events in {seconds:.1f} s ({sum(removed) / seconds:,.0f} rows/s)"
        )
    say(f"  {name}: {rate:,.0f}/s in {seconds:.1f} s")


#: The phases of one size, in order; ``--phases`` runs some of them (while working on one).
PHASES = ("calls", "claims", "delivery", "retention")


async def measure(
    deliveries: int, keep: bool, kinds: dict[str, str], phases: tuple[str, ...] = PHASES
) -> SizeResult:
    result = SizeResult(deliveries)
    name = f"asyncevents_scale_{deliveries}"
    await prepare(result, name, keep)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run = Run.create(name, work)
        runtime = build_runtime(run.settings)
        service = Service(run.env, work)
        try:
            run.key = await new_admin_key(runtime)
            run.tenant_key = await new_tenant_key(runtime)
            service.start("api")
            await service.until_live()
            if "calls" in phases:
                await time_api(run, result, kinds)
            if "claims" in phases:
                await time_claims(runtime, result, kinds)
            if "delivery" in phases:
                await latency(run, runtime, service, result, work)
        except BaseException:
            say(service.logs())
            raise
        finally:
            await service.stop()
            await runtime.close()
        if "retention" in phases:
            await time_retention(run, result, work)
    kinds.update(dict.fromkeys(result.timings.keys() - kinds.keys(), OTHER))
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}: a smoke test")
    parser.add_argument(
        "--sizes", default="1000000,10000000", help="deliveries per database, comma separated"
    )
    parser.add_argument("--keep", action="store_true", help="reuse a filled database of the size")
    parser.add_argument("--drop", action="store_true", help="drop the databases at the end")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"run only these of {','.join(PHASES)} (delivery: catch-up, latency, backlog); "
        "SCALE.md is then not written",
    )
    args = parser.parse_args()
    phases = tuple(args.phases.split(","))
    if set(phases) - set(PHASES):
        parser.error(f"--phases: unknown {sorted(set(phases) - set(PHASES))}; known: {','.join(PHASES)}")
    configure_logging("WARNING")  # the claims log each cancelled delivery at INFO
    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in args.sizes.split(","))
    report = ScaleReport(quick=args.quick)
    for deliveries in sorted(sizes):
        report.sizes.append(await measure(deliveries, args.keep, report.kinds, phases))
        if args.drop:
            await admin_sql(f'DROP DATABASE IF EXISTS "asyncevents_scale_{deliveries}" WITH (FORCE)')
    markdown = report.markdown()
    if phases == PHASES:
        SCALE_MD.write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    asyncio.run(main())
