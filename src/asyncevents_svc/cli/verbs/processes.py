"""The long-lived commands (``serve``, ``api``, ``worker``) and ``migrate``.

They are thin: the composition (runtime, app, worker) is built by the modules they call.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine
from typing import Any

from asyncevents_svc.settings import Settings


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Run a long-lived process on uvloop (installed with ``uvicorn[standard]``) when present."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - other platforms
        asyncio.run(main)
    else:
        uvloop.run(main)


def migrate(settings: Settings, _: argparse.Namespace) -> int:
    """Apply every Alembic migration (``alembic upgrade head``)."""
    from asyncevents_svc.db.migrate import upgrade

    upgrade(settings.database_url)
    return 0


def api(settings: Settings, _: argparse.Namespace) -> int:
    from asyncevents_svc.cli.sockets import bind

    listening = bind(settings.host, settings.port)  # a taken port: one line, before anything starts
    import structlog
    import uvicorn

    from asyncevents_svc.app import create_app
    from asyncevents_svc.cli.heap import settle
    from asyncevents_svc.cli.listening import server_config

    server = uvicorn.Server(server_config(create_app(settings), settings))
    settle()  # built: what exists now lives as long as the process
    # uvicorn names the address only for the sockets it binds itself
    structlog.get_logger(__name__).info("api listening", url=f"http://{settings.host}:{settings.port}")
    server.run(sockets=[listening])
    return 0


def worker(settings: Settings, _: argparse.Namespace) -> int:
    from asyncevents_svc.cli.heap import settle
    from asyncevents_svc.runtime import build_runtime
    from asyncevents_svc.worker.runner import run_worker

    runtime = build_runtime(settings)
    settle()
    run_loop(run_worker(runtime))
    return 0


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """API + worker in one process; migrates first (SQLite and database queue by default).

    A failed start-up changes nothing on disk: the service is built (catalogue, keys, API)
    before the database is migrated, and what start-up created is removed if it fails
    (cli/startup.py)."""
    from asyncevents_svc.cli.sockets import bind

    listening = bind(settings.host, settings.port)  # a taken port: one line, before anything
    from asyncevents_svc.cli.heap import settle
    from asyncevents_svc.cli.serve import prepare
    from asyncevents_svc.cli.serve import serve as run
    from asyncevents_svc.cli.startup import StartupFiles

    files = StartupFiles.before(settings)
    with files.undone_on_failure():
        prepared = prepare(settings)
        migrate(settings, args)
        settle()
        run_loop(run(prepared, listening, files))
    return 0
