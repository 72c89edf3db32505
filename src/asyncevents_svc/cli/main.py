"""The ``asyncevents-svc`` command.

Processes: ``serve`` (API and worker in one process, the embedded default), ``api``,
``worker``, ``migrate``. Operator verbs: ``subscriptions`` and ``deliveries`` (tables),
``replay`` (one delivery by id, or every match of a filter, with ``--dry-run`` to count
first), ``cleanup`` (apply the retention period now), ``keys``, ``rotate-encryption-key``;
each takes ``--json``. ``completion bash|zsh`` prints a completion script.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Coroutine, Sequence
from typing import Any

from asyncevents_svc.auth.bootstrap import BootstrapKeyError
from asyncevents_svc.crypto import EncryptionKeyError
from asyncevents_svc.errors import AppError, CatalogueError
from asyncevents_svc.logging import configure_logging
from asyncevents_svc.notifiers.registry import NotifierLoadError
from asyncevents_svc.notifiers.ssrf import AllowlistError
from asyncevents_svc.settings import Settings, get_settings


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


def run_api(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from asyncevents_svc.api.app import create_app

    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
    return 0


def run_worker(settings: Settings, _: argparse.Namespace) -> int:
    from asyncevents_svc.runtime import build_runtime
    from asyncevents_svc.worker.runner import run_worker as run

    run_loop(run(build_runtime(settings)))
    return 0


def serve(settings: Settings, _: argparse.Namespace) -> int:
    """API + worker in one process; migrates first (SQLite and database queue by default)."""
    from asyncevents_svc.cli.serve import serve as run

    migrate(settings, _)
    run_loop(run(settings))
    return 0


def replay(settings: Settings, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import admin
    from asyncevents_svc.deliveries.service import DeliveryFilter

    criteria = DeliveryFilter(
        event_name=args.event_name,
        subscription_id=args.subscription_id,
        status=tuple(args.status or ["dead"]),
        since=args.since,
        until=args.until,
        q=args.query,
    )
    return asyncio.run(
        admin.replay(
            settings, delivery_id=args.delivery_id, criteria=criteria, dry_run=args.dry_run, as_json=args.json
        )
    )


def rotate_key(settings: Settings, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import admin

    return asyncio.run(admin.reencrypt(settings, as_json=args.json))


def keys(settings: Settings, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import admin

    return asyncio.run(
        admin.keys(
            settings, args.action, name=args.name, scopes=args.scope, key_id=args.id, as_json=args.json
        )
    )


def cleanup(settings: Settings, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import admin

    return asyncio.run(admin.cleanup(settings, days=args.days, as_json=args.json))


def subscriptions(settings: Settings, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import admin

    return asyncio.run(
        admin.list_subscriptions(
            settings, event_name=args.event_name, status=args.status, limit=args.limit, as_json=args.json
        )
    )


def deliveries(settings: Settings, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import admin
    from asyncevents_svc.deliveries.service import DeliveryFilter

    criteria = DeliveryFilter(
        event_name=args.event_name,
        subscription_id=args.subscription_id,
        status=tuple(args.status or ()),
        since=args.since,
        until=args.until,
        q=args.query,
    )
    return asyncio.run(
        admin.list_deliveries(settings, criteria=criteria, limit=args.limit, as_json=args.json)
    )


def completion(_: Settings | None, args: argparse.Namespace) -> int:
    from asyncevents_svc.cli import completion as shells

    print(shells.bash(parser()) if args.shell == "bash" else shells.zsh(parser()), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    from asyncevents_svc.cli.admin import parse_time

    root = argparse.ArgumentParser(prog="asyncevents-svc", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true", help="print one JSON document (for scripts)")
    statuses = ["pending", "delivered", "retrying", "dead", "cancelled"]
    sub.add_parser("serve", help="API and worker in one process (embedded default)").set_defaults(run=serve)
    sub.add_parser("api", help="serve the HTTP API (uvicorn)").set_defaults(run=run_api)
    sub.add_parser("worker", help="consume events and deliver notifications").set_defaults(run=run_worker)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=migrate)

    subs = sub.add_parser("subscriptions", parents=[output], help="list subscriptions (a table, or --json)")
    subs.add_argument("--event-name")
    subs.add_argument("--status", choices=["active", "disabled"])
    subs.add_argument("--limit", type=int, default=100)
    subs.set_defaults(run=subscriptions)

    dels = sub.add_parser(
        "deliveries", parents=[output], help="list deliveries, newest first (a table, or --json)"
    )
    dels.add_argument("--status", action="append", choices=statuses, help="repeatable")
    dels.add_argument("--event-name")
    dels.add_argument("--subscription-id", type=int)
    dels.add_argument("--since", type=parse_time, help="created at or after (ISO 8601 with zone)")
    dels.add_argument("--until", type=parse_time, help="created before (ISO 8601 with zone)")
    dels.add_argument("--query", "-q", help="a search query, as for GET /v1/deliveries?q=")
    dels.add_argument("--limit", type=int, default=50)
    dels.set_defaults(run=deliveries)

    rep = sub.add_parser(
        "replay", parents=[output], help="replay one delivery, or every finished one matching a filter"
    )
    rep.add_argument("delivery_id", nargs="?", type=uuid.UUID, help="one delivery's UUID")
    rep.add_argument(
        "--status",
        action="append",
        choices=["dead", "cancelled", "delivered"],
        help="statuses to replay (repeatable; default: dead)",
    )
    rep.add_argument("--event-name")
    rep.add_argument("--subscription-id", type=int)
    rep.add_argument("--since", type=parse_time, help="created at or after (ISO 8601 with zone)")
    rep.add_argument("--until", type=parse_time, help="created before (ISO 8601 with zone)")
    rep.add_argument("--query", "-q", help="a search query, as for GET /v1/deliveries?q=")
    rep.add_argument("--dry-run", action="store_true", help="only count what would be replayed")
    rep.set_defaults(run=replay)

    rot = sub.add_parser(
        "rotate-encryption-key", parents=[output], help="re-encrypt stored secrets under the first key"
    )
    rot.set_defaults(run=rotate_key)

    key = sub.add_parser("keys", parents=[output], help="create, list or revoke API keys")
    key.add_argument("action", choices=["create", "list", "revoke"])
    key.add_argument("--name", help="create: a name for the key")
    key.add_argument("--scope", action="append", help="create: a scope (repeatable)")
    key.add_argument("--id", type=uuid.UUID, help="revoke: the key's id")
    key.set_defaults(run=keys)

    clean = sub.add_parser(
        "cleanup", parents=[output], help="delete what is older than the retention period now"
    )
    clean.add_argument("--days", type=float, help="override ASYNCEVENTS_RETENTION__DAYS")
    clean.set_defaults(run=cleanup)

    comp = sub.add_parser("completion", help="print a shell completion script")
    comp.add_argument("shell", choices=["bash", "zsh"])
    comp.set_defaults(run=completion, settings_free=True)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "settings_free", False):
        return int(args.run(None, args))
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        return int(args.run(settings, args))
    except CatalogueError as exc:
        print(f"asyncevents-svc: cannot load the event catalogue: {exc}", file=sys.stderr)
        return 2
    except (EncryptionKeyError, NotifierLoadError, AllowlistError, BootstrapKeyError) as exc:
        print(f"asyncevents-svc: {exc}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"asyncevents-svc: {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
