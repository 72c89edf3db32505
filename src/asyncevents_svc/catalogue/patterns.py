"""Event-name patterns for subscriptions.

Names are dot-separated segments matched case-sensitively. In a pattern a segment ``*``
stands for one or more whole segments: ``sales.order.*`` matches ``sales.order.created``
and ``sales.order.item.created``; ``*.created`` matches every name ending in ``.created``;
``*`` alone matches every event. ``*`` inside a segment (``sales.ord*``) is not a wildcard
and is refused by :func:`is_valid_pattern`.
"""

from __future__ import annotations

import re
from functools import lru_cache

NAME_RE = re.compile(r"^[a-zA-Z0-9._-]+\Z")
_PATTERN_SEGMENT_RE = re.compile(r"^(\*|[a-zA-Z0-9_-]+)\Z")


def is_pattern(value: str) -> bool:
    return "*" in value


def is_valid_pattern(value: str) -> bool:
    return bool(value) and all(_PATTERN_SEGMENT_RE.match(seg) for seg in value.split("."))


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = [".+" if seg == "*" else re.escape(seg) for seg in pattern.split(".")]
    return re.compile("^" + r"\.".join(parts) + r"\Z")


def matches(pattern: str, name: str) -> bool:
    """True when the subscription ``pattern`` (or exact name) selects the event ``name``."""
    if "*" not in pattern:
        return pattern == name
    return _compile(pattern).match(name) is not None
