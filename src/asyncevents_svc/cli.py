"""The ``asyncevents-svc`` command: ``api``, ``worker``, ``migrate``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from asyncevents_svc.errors import CatalogueError
from asyncevents_svc.logging import configure_logging
from asyncevents_svc.settings import Settings, get_settings


def migrate(settings: Settings) -> None:
    """Apply every Alembic migration (``alembic upgrade head``)."""
    from asyncevents_svc.db.migrate import upgrade

    upgrade(settings.database_url)


def run_api(settings: Settings) -> None:
    import uvicorn

    from asyncevents_svc.api.app import create_app

    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)


def run_worker(settings: Settings) -> None:
    from asyncevents_svc.runtime import build_runtime
    from asyncevents_svc.worker.runner import run_worker as run

    runtime = build_runtime(settings)
    asyncio.run(run(runtime))


COMMANDS = {"api": run_api, "worker": run_worker, "migrate": migrate}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="asyncevents-svc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("api", help="serve the HTTP API (uvicorn)")
    sub.add_parser("worker", help="consume events and deliver notifications")
    sub.add_parser("migrate", help="apply database migrations")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        COMMANDS[args.command](settings)
    except CatalogueError as exc:
        print(f"asyncevents-svc: cannot load the event catalogue: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
