"""What a request body's JSON looks like before anything parses it: how deep it nests, and
whether it is strict JSON.

:func:`json_depth_exceeds` counts brackets outside strings with C-level ``bytes``
operations (``replace``, ``translate``, ``split``: a handful of passes, then passes that each
at least halve what is left) and one running sum, so its cost is linear in the body
whatever the body holds. (It used to strip strings with one
regular expression; an unterminated string full of escapes made that expression restart
at every quote and scan to the end each time: 64 KB took tens of seconds.) The rules:

- A backslash escapes the character after it. JSON has backslashes only inside strings, so
  this reads every body a parser accepts exactly as the parser does; a backslash outside a
  string is a syntax error, where every parser stops reading.
- Brackets inside strings do not count.
- An unterminated string is not a string: its quote and everything after it count as if
  outside strings. So a stray quote cannot hide the brackets that follow it. (Such a body
  is not valid JSON either; what matters is that no parser reading its valid prefix nests
  deeper than the limit, and the prefix is counted exactly.)
- Depth is the largest running count of opening minus closing brackets.

Measured on the 2-core test machine (shared, so loaded), 5 MB bodies: about 7 ms for many
short strings, 60 ms for an unterminated string of escapes or for ``[[],[],...]``, and up
to 0.7 s for brackets nested 30 deep all the way through (the running sum, 60-100 ns a
bracket, dominates). It runs only for callers with a valid key
(:class:`~asyncevents_svc.api.limits.InputLimits`), and parsing such a body costs more
(orjson 1.5-3 s, Python's ``json`` 1.8-3.4 s for the last two).
"""

from __future__ import annotations

import codecs
from itertools import accumulate

import orjson

_BRACKETS_ONLY = bytes(b for b in range(256) if b not in b"[]{}")
_STRUCTURE_ONLY = bytes(b for b in range(256) if b not in b'"[]{}')
_SQUARE = bytes.maketrans(b"{}", b"[]")  # only the count matters, not the kind of bracket
_STEP = [0] * 256
_STEP[ord("[")], _STEP[ord("]")] = 1, -1
#: Bytes of the skeleton split at once: bounds the pieces alive at a time (memory), not time.
_SLICE = 1 << 18


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """True when ``body`` opens more than ``limit`` arrays/objects inside one another.

    See the module docstring for how strings, escapes and unterminated strings count.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    # Escaped backslashes first (a run of them pairs up from its left), then escaped quotes:
    # every quote left opens or closes a string.
    text = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    tail = b""
    if text.count(b'"') % 2:
        last = text.rfind(b'"')
        text, tail = text[:last], text[last + 1 :]
    # Only quotes and brackets matter. Two adjacent quotes close one string and open the
    # next with no bracket between them: dropping both changes no bracket's side.
    skeleton = text.translate(_SQUARE, _STRUCTURE_ONLY).replace(b'""', b"")
    return _deeper_than(_outside_strings(skeleton) + tail.translate(_SQUARE, _BRACKETS_ONLY), limit)


def _deeper_than(brackets: bytes, limit: int) -> bool:
    """Whether the running count of ``[`` minus ``]`` in ``brackets`` ever exceeds ``limit``.

    First, while that removes at least half of what is left, every ``[]`` (an empty array
    or object) goes: that lowers each remaining point by exactly one, except that the end
    stays at the total (opening minus closing brackets). So while the total is below the
    limit, "deeper than ``limit``" before the pass is "deeper than ``limit - 1``" after it.
    Ordinary JSON, wide rather than deep, mostly vanishes this way; what is left gets the
    running sum (in C, but one step per bracket).
    """
    total = 2 * brackets.count(b"[") - len(brackets)
    if total > limit:
        return True
    while limit >= 1 and total < limit:
        reduced = brackets.replace(b"[]", b"")
        if len(reduced) == len(brackets):
            return False  # "]]..[[" is deepest at its end, max(total, 0), below the limit
        shrunk = len(reduced) <= len(brackets) // 2
        brackets, limit = reduced, limit - 1
        if not shrunk:
            break  # passes that remove less are not worth repeating: count what is left
    return any(map(limit.__lt__, accumulate(map(_STEP.__getitem__, brackets))))


def _outside_strings(skeleton: bytes) -> bytes:
    """The brackets of ``skeleton`` (quotes and brackets, every string closed) outside strings."""
    if b'"' not in skeleton:
        return skeleton
    kept: list[bytes] = []
    inside = 0
    for start in range(0, len(skeleton), _SLICE):
        pieces = skeleton[start : start + _SLICE].split(b'"')
        kept.append(b"".join(pieces[inside::2]))  # pieces alternate: outside, inside, ...
        inside ^= (len(pieces) - 1) & 1
    return b"".join(kept)


def strict_json_problem(body: bytes) -> str | None:
    """Why ``body`` is not strict JSON (RFC 8259, UTF-8), or ``None`` when it is.

    FastAPI parses with Python's ``json``, which also takes ``NaN``, ``Infinity``, numbers
    that overflow to infinity (``1e400``) and lone surrogate escapes (``"\\ud800"``). None of
    them can be stored (JSONB, UTF-8 text): they would fail in the database as a 500. A body
    that is not UTF-8 would be FastAPI's 400 naming nothing. orjson refuses all of these.
    """
    try:
        orjson.loads(body.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as exc:
        return str(exc)
    return None
