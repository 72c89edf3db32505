"""Recipient URLs as the URL-based notifiers (``http``, ``amqp``) read them.

``urllib.parse.urlsplit`` is more lenient than a send: it keeps spaces in a host or path
(and silently drops tabs and newlines), and it reads the port only when asked, so a port of
0 or past 65535 passes a create and fails every attempt afterwards. :func:`url_problem`
finds those up front, so they are a 422 naming ``recipient_url``, as every other recipient
problem is.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

NOT_HTTP = "must be an absolute http(s) URL"
_PORT = "must have a port from 1 to 65535, if any"


def url_problem(recipient: str) -> str | None:
    """What stops ``recipient`` being sent to whatever its scheme: whitespace anywhere, or a
    port outside 1-65535. ``None`` if neither (the notifier checks the rest)."""
    if any(character.isspace() for character in recipient):
        return "must not contain whitespace (encode a space in a path as %20)"
    try:
        port = urlsplit(recipient).port  # parsed on access: a ValueError past 65535 or not a number
    except ValueError:
        return _PORT
    return _PORT if port == 0 else None


def split_http(url: str) -> tuple[SplitResult, str] | None:
    """The parts and host of an absolute http(s) URL; ``None`` if it is not one."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return parts, host
