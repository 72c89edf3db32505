"""Paging a listing both ways over the API's forward-only keyset cursors.

The API pages newest first and gives a cursor to the next (older) page only. The console
keeps the way back in the links: an "Older" link carries the cursor of each page before it
(``back``, a stack, the first page's as ""), so "Newer" is the previous cursor popped off
it — no new API, no state on the server. The stack is bounded (:data:`MAX_BACK` cursors,
about 2 kB of URL): deeper than that, the oldest are dropped and counted (``skipped``),
"Newer" stops at the deepest page it still knows and "Newest" goes back to the start. The
page's rows are numbered from the pages before it (rows 101 to 200 on the second page of
100).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from asyncevents_svc.console import flash
from asyncevents_svc.web.client import Answer

CURSOR, BACK, SKIPPED = "cursor", "back", "skipped"
MAX_BACK = 20  # cursors kept in a link
MAX_CURSOR = 300  # the API's own bound on a cursor
MAX_SKIPPED = 10_000_000
_PAGING = (CURSOR, BACK, SKIPPED)


@dataclass(frozen=True)
class Pager:
    newer: str | None  # the page before this one (newer rows)
    older: str | None  # the page after this one
    newest: str | None  # the first page, when "Newer" is not it
    first_row: int | None  # this page's first row number, when known
    last_row: int | None


def _url(listing: str, query: list[tuple[str, str]], cursor: str, back: list[str], skipped: int) -> str:
    paging = [(CURSOR, cursor)] if cursor else []
    paging += [(BACK, c) for c in back] + ([(SKIPPED, str(skipped))] if skipped else [])
    encoded = urlencode(query + paging)
    return f"{listing}?{encoded}" if encoded else listing


def pager(request: Request, listing: str, next_cursor: str | None, shown: int, limit: int) -> Pager:
    """The links around a page of ``shown`` rows (of at most ``limit``) of ``listing``."""
    params = request.query_params
    query = [
        (k, v) for k, v in params.multi_items() if k not in _PAGING and not k.startswith(flash.PARAM) and v
    ]
    cursor = params.get(CURSOR, "")
    back = params.getlist(BACK)
    text = params.get(SKIPPED, "0")
    skipped = int(text) if text.isascii() and text.isdigit() and len(text) <= 8 else 0
    if len(back) > MAX_BACK or any(len(c) > MAX_CURSOR for c in back):
        back, skipped = [], 0  # not a link of ours: page on without the way back
    older = None
    if next_cursor:
        stack, dropped = [*back, cursor], 0
        if len(stack) > MAX_BACK:
            dropped = len(stack) - MAX_BACK
            stack = stack[dropped:]
        older = _url(listing, query, next_cursor, stack, min(skipped + dropped, MAX_SKIPPED))
    newer = _url(listing, query, back[-1], back[:-1], skipped) if cursor and back else None
    newest = _url(listing, query, "", [], 0) if cursor and back != [""] else None
    # Rows are numbered from the pages before this one, when the link knows them all.
    known = not cursor or bool(back) or skipped > 0
    first_row = (skipped + len(back)) * limit + 1 if known and shown else None
    return Pager(
        newer=newer,
        older=older,
        newest=newest,
        first_row=first_row,
        last_row=None if first_row is None else first_row + shown - 1,
    )


def counted(answer: Answer) -> str:
    """A listing's capped count (``count=true``) as shown: "1,234", or "1,000+" above the cap."""
    if not answer.ok or not isinstance(answer.body, dict) or not answer.body.get("count"):
        return ""
    tally = answer.body["count"]
    return f"{tally['value']:,}" + ("+" if tally["more"] else "")
