"""Values of a fetch template's placeholders: each must stay one segment of the URL path.

An ``asyncevents.http_fetch`` template (``https://orders.internal/api/products/{id}``) is
filled with a publisher's arguments, each percent-encoded. Encoding keeps a ``/`` from
splitting the segment, but other readings of the value are not ours to control: URL
libraries remove the dot-segments ``.`` and ``..`` (RFC 3986 §5.2.4), so ``{"id": ".."}``
would fetch ``/api``; and the upstream, or a proxy in front of it, may decode the path again
(``%2e%2e`` becomes ``..``, ``%2f`` a ``/``), take ``\\`` for ``/`` (IIS, some Java and
Windows servers), fold Unicode compatibility forms (NFKC turns two fullwidth dots U+FF0E,
or the two-dot leader U+2025, into ``..``) or drop a segment's trailing dots and spaces
(Windows).

So a value is refused when any of its readings — as given, NFKC-folded, percent-decoded
once, twice, three times (each folded too) — is empty or only dots and whitespace, holds a
``/``, a ``\\`` or a control character, or is not UTF-8 once decoded; a value still encoded
after three decodings is refused too. Everything else (``42``, ``SKU-1``, ``a b``, ``v1.2``,
``..a``, any other Unicode) is accepted. The cost is linear in the value's length.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote_to_bytes

MAX_DECODINGS = 3
_SEPARATORS = ("/", "\\")
_WHERE = "it is one segment of the fetched URL's path"


def _problem(reading: str) -> str | None:
    if all(char == "." or char.isspace() for char in reading):
        return f"must not be empty, '.' or '..', nor read as one once decoded: {_WHERE}"
    if any(separator in reading for separator in _SEPARATORS):
        return f"must not contain '/' or '\\', nor read as one once decoded: {_WHERE}"
    if any(unicodedata.category(char) == "Cc" for char in reading):
        return "must not contain control characters, nor read as one once decoded"
    return None


def segment_problem(value: str) -> str | None:
    """Why ``value`` cannot fill a placeholder (see the module doc), or ``None``."""
    reading = value
    for _ in range(MAX_DECODINGS + 1):
        folded = unicodedata.normalize("NFKC", reading)
        problem = _problem(reading) or _problem(folded)
        if problem is not None:
            return problem
        if "%" not in folded:
            return None
        try:
            decoded = unquote_to_bytes(folded).decode("utf-8")
        except UnicodeDecodeError:
            return "is not UTF-8 once percent-decoded"
        if decoded == folded:
            return None
        reading = decoded
    return f"is percent-encoded more than {MAX_DECODINGS} times"


def one_segment(value: str) -> str:
    """A pydantic validator: ``value`` unchanged, or a ``ValueError`` saying why it is refused."""
    problem = segment_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value
