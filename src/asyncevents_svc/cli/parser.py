"""Every command and option of ``asyncevents-svc``, in one place and nothing else.

Built from argparse and the standard library only, so ``--help``, a usage error and
``completion`` never import the service (SQLAlchemy, FastAPI, the catalogue): the verbs are
imported by :mod:`asyncevents_svc.cli.main` once a command has been chosen. The parser
names each command (``args.command``); it does not know which code runs it.
"""

from __future__ import annotations

import argparse
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn

from asyncevents_svc.auth.scopes import MEANING
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.durations import parse_duration
from asyncevents_svc.subscriptions.status import SubscriptionStatus

# Shown by ``asyncevents-svc --help``; the wording is the command's documentation. Plain
# text: argparse prints it as it is, so no markup.
DESCRIPTION = """Reliable, signed webhooks for the events your services publish.

Processes: serve (API and worker in one process, the embedded default), api, worker,
migrate. Operator commands: subscriptions and deliveries (tables), replay (one delivery by
id, or every match of a filter; --dry-run counts first), cleanup (apply the retention
period now), keys, rotate-encryption-key, signing-keys; each takes --json. completion bash|zsh
prints a completion script. Options override the ASYNCEVENTS_* environment variables.
"""

KEYS_EPILOG = (
    "scopes:\n"
    + "".join(f"  {scope:<20} {meaning}\n" for scope, meaning in MEANING.items())
    + "  <resource>           a <resource> named in events.xml (e.g. Magento_Sales::actions_view):\n"
    + "                       needed besides subscriptions:write to subscribe to its events\n"
)

DELIVERY_STATUSES = [str(status) for status in DeliveryStatus]
REPLAYABLE_STATUSES = [
    str(s) for s in (DeliveryStatus.DEAD, DeliveryStatus.CANCELLED, DeliveryStatus.DELIVERED)
]
LOG_LEVELS = ["debug", "info", "warning", "error", "critical"]
#: The options that set a setting: option dest (= the settings field) -> option string.
SETTING_OPTIONS = {
    "host": "--host",
    "port": "--port",
    "log_level": "--log-level",
    "log_format": "--log-format",
    "data_dir": "--data-dir",
    "access_log": "--access-log",
    "proxy_headers": "--proxy-headers",
    "forwarded_allow_ips": "--forwarded-allow-ips",
    "root_path": "--root-path",
}


class Parser(argparse.ArgumentParser):
    """argparse with a usage error in one line (the sub-commands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class ShowVersion(argparse.Action):
    """``--version``: the version is read only when asked (importlib.metadata is not free)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from asyncevents_svc import __version__

        print(f"asyncevents-svc {__version__}")  # on stdout, as uvicorn --version and argparse's own
        parser.exit(0)


def parse_time(value: str) -> datetime:
    """--since/--until: ISO 8601 with a zone (Z allowed); a naive time is refused rather
    than guessed, since the database compares instants."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    return moment


_DURATION = re.compile(r"\d+(\.\d+)?(ms|s|m|h|d)", re.IGNORECASE)


def _duration(value: str) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return seconds


def parse_expiry(value: str, now: datetime | None = None) -> datetime:
    """keys create --expires: a duration from now (30d, 12h, 90m) or an ISO 8601 date (its
    midnight UTC) or time with a zone; it must lie in the future."""
    now = now or datetime.now(UTC)
    text = value.strip()
    if _DURATION.fullmatch(text):
        moment = now + timedelta(seconds=parse_duration(text))
    else:
        try:
            moment = (
                datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
                if len(text) == 10
                else parse_time(text)
            )
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{value!r} is neither a duration (30d, 12h, 90m) nor an ISO date (2027-01-31) "
                "or time with a zone (2027-01-31T12:00:00Z)"
            ) from None
    if moment <= now:
        raise argparse.ArgumentTypeError(f"{value!r} is not in the future")
    return moment


def parse_port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (a number from 1 to 65535)")
    return int(value)


def _listen_options(command: argparse.ArgumentParser, *, listens: bool) -> None:
    """The options of the long-lived processes, as uvicorn names them; each overrides its
    ASYNCEVENTS_* variable, and an option not given leaves the variable's value (SUPPRESS:
    absent from the namespace)."""
    if listens:
        command.add_argument(
            "--host", default=argparse.SUPPRESS, help="address to listen on (ASYNCEVENTS_HOST; 127.0.0.1)"
        )
        command.add_argument(
            "--port",
            type=parse_port,
            default=argparse.SUPPRESS,
            help="port to listen on (ASYNCEVENTS_PORT; 8000)",
        )
        command.add_argument(
            "--access-log",
            action=argparse.BooleanOptionalAction,
            default=argparse.SUPPRESS,
            help="one log line per request (ASYNCEVENTS_ACCESS_LOG; on)",
        )
        command.add_argument(
            "--proxy-headers",
            action=argparse.BooleanOptionalAction,
            default=argparse.SUPPRESS,
            help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (ASYNCEVENTS_PROXY_HEADERS; on)",
        )
        command.add_argument(
            "--forwarded-allow-ips",
            default=argparse.SUPPRESS,
            help="proxies trusted for forwarded headers: addresses, networks or * "
            "(ASYNCEVENTS_FORWARDED_ALLOW_IPS; 127.0.0.1)",
        )
        command.add_argument(
            "--root-path",
            default=argparse.SUPPRESS,
            help="the path prefix a proxy serves the API under (ASYNCEVENTS_ROOT_PATH; none)",
        )
    command.add_argument(
        "--log-level",
        type=str.lower,
        choices=LOG_LEVELS,
        default=argparse.SUPPRESS,
        help="least severe messages logged (ASYNCEVENTS_LOG_LEVEL; info)",
    )
    command.add_argument(
        "--log-format",
        choices=["console", "json"],
        default=argparse.SUPPRESS,
        help="json: one JSON object per line (ASYNCEVENTS_LOG_FORMAT; console)",
    )


def _delivery_filter(command: argparse.ArgumentParser) -> None:
    """The filter ``deliveries`` and ``replay`` share (as ``GET /v1/deliveries`` takes it)."""
    command.add_argument("--event-name")
    command.add_argument("--subscription-id", type=int)
    command.add_argument("--since", type=parse_time, help="created at or after (ISO 8601 with zone)")
    command.add_argument("--until", type=parse_time, help="created before (ISO 8601 with zone)")
    command.add_argument("--query", "-q", help="a search query, as for GET /v1/deliveries?q=")


def build_parser() -> argparse.ArgumentParser:
    root = Parser(
        prog="asyncevents-svc", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    root.add_argument("--version", action=ShowVersion, help="print the version and exit")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    output = Parser(add_help=False)
    output.add_argument("--json", action="store_true", help="print one JSON document (for scripts)")
    serve = sub.add_parser(
        "serve",
        help="API and worker in one process (embedded default)",
        description="The API and a worker in one process; migrates the database first. With no "
        "settings: SQLite in ./var and the database queue.",
    )
    _listen_options(serve, listens=True)
    serve.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="folder of the embedded database and the generated key (ASYNCEVENTS_DATA_DIR; ./var)",
    )
    _listen_options(sub.add_parser("api", help="serve the HTTP API (uvicorn)"), listens=True)
    _listen_options(sub.add_parser("worker", help="consume events and deliver notifications"), listens=False)
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

    key = sub.add_parser("keys", help="create, list or revoke API keys")
    actions = key.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        parents=[output],
        help="create a key and print it, alone on stdout",
        description="Create an operator API key (it reaches every application) and print it\n"
        "once, alone on stdout: KEY=$(asyncevents-svc keys create ...) captures it.",
        epilog=KEYS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("--name", required=True, help="a name for the key (who uses it)")
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        metavar="SCOPE",
        help="a scope (repeatable); the scopes are listed below",
    )
    create.add_argument(
        "--expires",
        type=parse_expiry,
        metavar="WHEN",
        help="the key stops working after this: a duration from now (30d, 12h, 90m) or an ISO date "
        "(2027-01-31, midnight UTC) or time with a zone; default: never",
    )
    actions.add_parser("list", parents=[output], help="list the keys (never the keys themselves)")
    revoke = actions.add_parser("revoke", parents=[output], help="revoke a key at once")
    revoke.add_argument("--id", type=uuid.UUID, required=True, help="the key's id (keys list shows it)")

    signing = sub.add_parser("signing-keys", help="list or rotate the Ed25519 keys of v1a signatures")
    signing_actions = signing.add_subparsers(dest="action", required=True, metavar="ACTION")
    signing_actions.add_parser(
        "list", parents=[output], help="list the keys: active ones and retired ones (public parts only)"
    )
    rotate = signing_actions.add_parser(
        "rotate",
        parents=[output],
        help="add a key that signs first; the current keys keep signing during the overlap",
    )
    rotate.add_argument(
        "--overlap",
        type=_duration,
        metavar="DURATION",
        help="how long the current keys keep signing (5m, 24h, 0 for at once); "
        "default: ASYNCEVENTS_SECURITY__SIGNING_KEY_OVERLAP",
    )

    clean = sub.add_parser(
        "cleanup", parents=[output], help="delete what is older than the retention period now"
    )
    clean.add_argument("--days", type=float, help="override ASYNCEVENTS_RETENTION__DAYS")

    comp = sub.add_parser("completion", help="print a shell completion script")
    comp.add_argument("shell", choices=["bash", "zsh"])
    return root
