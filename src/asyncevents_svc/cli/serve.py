"""``asyncevents-svc serve``: the API and a worker in one process (the embedded default).

With no settings it keeps everything in ``var/asyncevents.db`` (SQLite) and uses the
database queue; an ingest wakes the worker directly, so no poll delay is added. It works the
same against PostgreSQL and RabbitMQ when their URLs are set. On SIGTERM/SIGINT the worker
drains first (in-flight sends finish, attempts are written), then the API stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from asyncevents_svc import __version__, bundled
from asyncevents_svc.app import create_app
from asyncevents_svc.auth.bootstrap import ensure_admin
from asyncevents_svc.cli.listening import server_config
from asyncevents_svc.cli.startup import StartupFiles
from asyncevents_svc.db.private_files import sqlite_path
from asyncevents_svc.messaging.dbqueue import LocalPublisher
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``serve`` stops the worker first."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Prepared:
    """The service built but not started: its settings, runtime and API."""

    settings: Settings
    runtime: Runtime
    app: FastAPI


def prepare(settings: Settings) -> Prepared:
    """Build everything that can fail on a setting (the catalogue, the keys, the API) before
    the database is migrated: a bad setting then stops ``serve`` with nothing changed."""
    runtime = build_runtime(settings)
    if settings.broker_url is None:
        runtime.publisher = LocalPublisher()
    return Prepared(settings, runtime, create_app(settings, runtime))


def _data_lines(settings: Settings, files: StartupFiles | None) -> list[str]:
    queue = "RabbitMQ" if settings.broker_url else "database queue"
    database = sqlite_path(settings.database_url)
    if database is None:
        return [f"  data  PostgreSQL, {queue}"]
    where = database.resolve()
    lines = [f"  data  SQLite in {where.parent}/ ({where.name}), {queue}"]
    if files is not None and files.new_database is not None:
        lines += [
            "        a NEW, empty database, created now: is this the folder you meant?",
            "        (--data-dir or ASYNCEVENTS_DATA_DIR names another)",
        ]
    return lines


def _catalogue_line(settings: Settings) -> str:
    example = bundled.example_catalogue().resolve()
    paths = [path.resolve() for path in settings.events_file]
    if paths == [example]:
        return "  events the package's example catalogue (no ./events.xml here; set ASYNCEVENTS_EVENTS_FILE)"
    return f"  events {', '.join(map(str, paths))}"


def banner(settings: Settings, admin_key: str | None, files: StartupFiles | None = None) -> str:
    base = f"http://{settings.host}:{settings.port}"
    lines = [
        f"asyncevents-svc {__version__} is running",
        f"  API   {base}/v1/events",
        *([f"  docs  {base}/docs"] if settings.security.docs else []),
        f"  admin {base}/admin (sign in with an API key)",
        *_data_lines(settings, files),
        _catalogue_line(settings),
        "  stop  Ctrl-C",
    ]
    if admin_key:
        lines += [
            f"  key   {admin_key}",
            "        the first admin API key (all scopes), shown only now: send it as",
            "        Authorization: Bearer <key> and create narrower keys with POST /v1/keys",
        ]
    return "\n".join(lines)


async def serve(prepared: Prepared, listening: socket.socket, files: StartupFiles | None = None) -> None:
    """Run until SIGTERM/SIGINT, the API on ``listening`` (bound by the caller). ``files``
    is told when the service is up: from then on, nothing it created is removed."""
    settings, runtime, app = prepared.settings, prepared.runtime, prepared.app
    server = _Server(server_config(app, settings))
    worker = Worker(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    bootstrap = settings.bootstrap_admin_key.get_secret_value() if settings.bootstrap_admin_key else None
    admin_key = await ensure_admin(runtime.sessions, bootstrap_key=bootstrap, generate=True)
    await worker.start()
    api = asyncio.create_task(server.serve(sockets=[listening]), name="api")
    while not server.started and not api.done():
        await asyncio.sleep(0.05)
    if api.done():  # start-up failed (the lifespan): stop cleanly, then say why
        await worker.stop()
        api.result()
        raise SystemExit(1)
    if files is not None:
        files.up()
    print(banner(settings, admin_key, files), file=sys.stderr, flush=True)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([api, stopping], return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    await worker.stop()
    server.should_exit = True
    await api
