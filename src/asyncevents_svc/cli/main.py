"""The ``asyncevents-svc`` entry point: parse, load the settings, run one verb, exit.

The order is what keeps the command cheap when it does nothing: the arguments are parsed
(:mod:`.parser`, argparse only) before anything of the service is imported, so ``--help``
and a usage error (exit 2) cost no more than argparse; ``completion`` needs no settings; only
a chosen verb imports its module from :mod:`.verbs`. The settings are the environment
overridden by the options (:mod:`.configuration`). Errors an operator can fix end as one
line on stderr with exit 2 (a bad setting or option, an address that cannot be listened
on, start-up configuration: catalogue, encryption key, notifier plugins, allow-list,
bootstrap key) or 1 (a refused request, as the API would answer it);
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, cast

from asyncevents_svc.cli.parser import build_parser

if TYPE_CHECKING:
    from asyncevents_svc.settings import Settings

# Each command's module under cli/verbs/; the function is named after the command.
VERBS: dict[str, str] = {
    "serve": "processes",
    "api": "processes",
    "worker": "processes",
    "migrate": "processes",
    "subscriptions": "subscriptions",
    "deliveries": "deliveries",
    "replay": "deliveries",
    "rotate-encryption-key": "rotation",
    "keys": "keys",
    "signing-keys": "signing",
    "cleanup": "cleanup",
}


class Verb(Protocol):
    def __call__(self, settings: Settings, args: argparse.Namespace, /) -> int: ...


def load_verb(command: str) -> Verb:
    """The function that runs ``command``, importing its module only now."""
    module = importlib.import_module(f"asyncevents_svc.cli.verbs.{VERBS[command]}")
    return cast(Verb, getattr(module, command.replace("-", "_")))


def completion(shell: str) -> int:
    """Print the completion script, generated from the parser (no settings needed)."""
    from asyncevents_svc.cli.completion import script

    print(script(build_parser(), shell), end="")
    return 0


def failure(exc: Exception) -> int | None:
    """Say what went wrong in one line and return the exit code, for the errors an operator
    can fix; ``None`` for anything else (a bug: its traceback is the useful report).

    The error types are imported here, on the way out, not at start-up: the modules that
    raise them have been imported by then."""
    from asyncevents_svc.auth.bootstrap import BootstrapKeyError
    from asyncevents_svc.cli.sockets import ListenError
    from asyncevents_svc.crypto import EncryptionKeyError
    from asyncevents_svc.errors import AppError, CatalogueError
    from asyncevents_svc.notifiers.registry import NotifierLoadError
    from asyncevents_svc.notifiers.ssrf import AllowlistError
    from asyncevents_svc.observability.tracing import TracingUnavailable
    from asyncevents_svc.signing.keyring import SigningKeyError

    if isinstance(exc, CatalogueError):
        print(f"asyncevents-svc: cannot load the event catalogue: {exc}", file=sys.stderr)
        return 2
    fixable = (
        EncryptionKeyError
        | NotifierLoadError
        | AllowlistError
        | BootstrapKeyError
        | TracingUnavailable
        | ListenError
        | SigningKeyError
    )
    if isinstance(exc, fixable):
        print(f"asyncevents-svc: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, AppError):
        print(f"asyncevents-svc: {exc.detail}", file=sys.stderr)
        return 1
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "completion":
        return completion(args.shell)
    from asyncevents_svc.cli.configuration import SettingsProblem, load_settings
    from asyncevents_svc.cli.parser import SETTING_OPTIONS
    from asyncevents_svc.logging import configure_logging

    overrides = {field: getattr(args, field) for field in SETTING_OPTIONS if hasattr(args, field)}
    try:
        settings = load_settings(overrides, SETTING_OPTIONS)
    except SettingsProblem as exc:
        print(f"asyncevents-svc: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        return int(load_verb(args.command)(settings, args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        code = failure(exc)
        if code is None:
            raise
        return code
