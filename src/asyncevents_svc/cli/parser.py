"""Every command and option of ``asyncevents-svc``, in one place and nothing else.

Built from argparse and the standard library only, so ``--help``, a usage error and
``completion`` never import the service (SQLAlchemy, FastAPI, the catalogue): the verbs are
imported by :mod:`asyncevents_svc.cli.main` once a command has been chosen. The parser
names each command (``args.command``); it does not know which code runs it.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import datetime

from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.subscriptions.status import SubscriptionStatus

# Shown by ``asyncevents-svc --help``; the wording is the command's documentation.
DESCRIPTION = """The ``asyncevents-svc`` command.

Processes: ``serve`` (API and worker in one process, the embedded default), ``api``,
``worker``, ``migrate``. Operator verbs: ``subscriptions`` and ``deliveries`` (tables),
``replay`` (one delivery by id, or every match of a filter, with ``--dry-run`` to count
first), ``cleanup`` (apply the retention period now), ``keys``, ``rotate-encryption-key``;
each takes ``--json``. ``completion bash|zsh`` prints a completion script.
"""

DELIVERY_STATUSES = [str(status) for status in DeliveryStatus]
REPLAYABLE_STATUSES = [
    str(s) for s in (DeliveryStatus.DEAD, DeliveryStatus.CANCELLED, DeliveryStatus.DELIVERED)
]


def parse_time(value: str) -> datetime:
    """``--since``/``--until``: ISO 8601 with a zone (``Z`` allowed); a naive time is refused
    rather than guessed, since the database compares instants."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    return moment


def _delivery_filter(command: argparse.ArgumentParser) -> None:
    """The filter ``deliveries`` and ``replay`` share (as ``GET /v1/deliveries`` takes it)."""
    command.add_argument("--event-name")
    command.add_argument("--subscription-id", type=int)
    command.add_argument("--since", type=parse_time, help="created at or after (ISO 8601 with zone)")
    command.add_argument("--until", type=parse_time, help="created before (ISO 8601 with zone)")
    command.add_argument("--query", "-q", help="a search query, as for GET /v1/deliveries?q=")


def build_parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="asyncevents-svc", description=DESCRIPTION)
    sub = root.add_subparsers(dest="command", required=True)
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true", help="print one JSON document (for scripts)")
    sub.add_parser("serve", help="API and worker in one process (embedded default)")
    sub.add_parser("api", help="serve the HTTP API (uvicorn)")
    sub.add_parser("worker", help="consume events and deliver notifications")
    sub.add_parser("migrate", help="apply database migrations")

    subs = sub.add_parser("subscriptions", parents=[output], help="list subscriptions (a table, or --json)")
    subs.add_argument("--event-name")
    subs.add_argument("--status", choices=[str(status) for status in SubscriptionStatus])
    subs.add_argument("--application", help="only this application's (its uid or id)")
    subs.add_argument("--limit", type=int, default=100)

    dels = sub.add_parser(
        "deliveries", parents=[output], help="list deliveries, newest first (a table, or --json)"
    )
    dels.add_argument("--status", action="append", choices=DELIVERY_STATUSES, help="repeatable")
    _delivery_filter(dels)
    dels.add_argument("--limit", type=int, default=50)

    rep = sub.add_parser(
        "replay", parents=[output], help="replay one delivery, or every finished one matching a filter"
    )
    rep.add_argument("delivery_id", nargs="?", type=uuid.UUID, help="one delivery's UUID")
    rep.add_argument(
        "--status",
        action="append",
        choices=REPLAYABLE_STATUSES,
        help="statuses to replay (repeatable; default: dead)",
    )
    _delivery_filter(rep)
    rep.add_argument("--dry-run", action="store_true", help="only count what would be replayed")

    sub.add_parser(
        "rotate-encryption-key", parents=[output], help="re-encrypt stored secrets under the first key"
    )

    key = sub.add_parser("keys", parents=[output], help="create, list or revoke API keys")
    key.add_argument("action", choices=["create", "list", "revoke"])
    key.add_argument("--name", help="create: a name for the key")
    key.add_argument("--scope", action="append", help="create: a scope (repeatable)")
    key.add_argument("--id", type=uuid.UUID, help="revoke: the key's id")

    clean = sub.add_parser(
        "cleanup", parents=[output], help="delete what is older than the retention period now"
    )
    clean.add_argument("--days", type=float, help="override ASYNCEVENTS_RETENTION__DAYS")

    comp = sub.add_parser("completion", help="print a shell completion script")
    comp.add_argument("shell", choices=["bash", "zsh"])
    return root
