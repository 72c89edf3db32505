"""The delivery-policy part of the console's subscription form: the payload filter (JSON),
timeout, retry schedule, max retries, max in flight, rate limit, and custom headers.

A field's text goes to the API as typed (numbers as the API parses them, so its 422 names
the field); the filter must be JSON and the schedule a list of seconds. On an edit, a field
left blank is sent as ``null``: back to the service's default. Header values are write-only
(the API shows only their names), and a ``headers`` change replaces them all; so the form
shows the names, lets them be removed, or replaced by a new set of names and values — it
never shows a value back, not even after a failed save.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

#: Plain policy fields: the form's text is the API's value (or null when blank on an edit).
NUMBERS = ("timeout", "max_retries", "max_in_flight", "rate_limit")
#: Every policy field the form shows, in its order.
FIELDS = ("filter", *NUMBERS, "retry_schedule")
HEADER_ROWS = 3  # blank name/value rows on the form


@dataclass
class Parsed:
    """What the form asks the API to set, the texts to show again, and local errors."""

    body: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def values_of(sub: dict[str, Any]) -> dict[str, str]:
    """The form's texts for a subscription as the API shows it."""
    shown = {k: "" if sub.get(k) is None else str(sub[k]) for k in NUMBERS}
    shown["filter"] = "" if sub.get("filter") is None else json.dumps(sub["filter"], indent=2)
    schedule = sub.get("retry_schedule")
    shown["retry_schedule"] = "" if schedule is None else ", ".join(f"{s:g}" for s in schedule)
    return shown


def blank() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def parse(fields: dict[str, list[str]], *, editing: bool) -> Parsed:
    """The policy part of a posted form (``editing``: a PATCH, where blank clears)."""
    out = Parsed(values={k: (fields.get(k) or [""])[0].strip() for k in FIELDS})
    for name, text in out.values.items():
        if text == "":
            if editing:
                out.body[name] = None
        elif name == "filter":
            try:
                out.body[name] = json.loads(text)
            except ValueError as exc:
                out.errors[name] = f"not JSON: {exc}"
        elif name == "retry_schedule":
            out.body[name] = [s for s in re.split(r"[\s,]+", text) if s]
        else:
            out.body[name] = text
    names = fields.get("header_name", [])
    texts = fields.get("header_value", [])
    headers = {n.strip(): v for n, v in zip(names, texts, strict=False) if n.strip()}
    if headers:
        out.body["headers"] = headers  # replaces them all
    elif fields.get("headers_remove") and editing:
        out.body["headers"] = None
    return out
