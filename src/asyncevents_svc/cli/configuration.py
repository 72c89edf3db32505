"""The settings of one command: the ``ASYNCEVENTS_*`` environment (and ``.env``), overridden
by the command's options; a bad value becomes one line naming the variable or option.

Pydantic's report of a bad setting is several lines per error, about field paths
(``http.timeout``) rather than the variable the operator set; :func:`describe` turns it into
``ASYNCEVENTS_HTTP__TIMEOUT: input should be a valid number (got 'abc')``. The value is
echoed only for settings that cannot hold a secret (a URL may carry a password, a key or
token is one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from asyncevents_svc.settings import Settings

_SECRET_WORDS = ("KEY", "TOKEN", "PASSWORD", "SECRET", "URL")


class SettingsProblem(Exception):
    """A setting the operator can fix; ``str()`` is the one line to print."""


def load_settings(overrides: Mapping[str, Any], options: Mapping[str, str]) -> Settings:
    """The settings with ``overrides`` (settings field -> value, from the options named in
    ``options``: field -> option string) winning over the environment."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsProblem(describe(exc, {k: v for k, v in options.items() if k in overrides})) from None
    except SettingsError as exc:  # a JSON value that does not parse (a list or object setting)
        found = re.search(r'field "(\w+)"', str(exc))
        group = f"ASYNCEVENTS_{found.group(1).upper()}" if found else "ASYNCEVENTS"
        raise SettingsProblem(
            f"{group} (or one of its {group}__* variables): its value is not valid JSON"
        ) from None


def variable_of(loc: tuple[int | str, ...]) -> str:
    """``("http", "timeout")`` -> ``ASYNCEVENTS_HTTP__TIMEOUT`` (list indexes dropped)."""
    parts = [str(part) for part in loc if isinstance(part, str)]
    return "ASYNCEVENTS_" + "__".join(parts).upper() if parts else "the settings"


def describe(exc: ValidationError, options: Mapping[str, str]) -> str:
    """Every error of ``exc`` in one line: what to change (the option when one was given,
    else the variable) and what is wrong."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        name = options.get(str(loc[0])) if len(loc) == 1 else None
        name = name or variable_of(loc)
        message = str(error["msg"]).removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        value = error.get("input")
        if isinstance(value, str) and not any(word in name.upper() for word in _SECRET_WORDS):
            message += f" (got {value[:80]!r})"
        problems.append(f"{name}: {message}")
    return "; ".join(problems)
