"""The console's flash messages: a code in the query, shown as one of a fixed set of texts.

A link can carry ``?flash=<code>`` (after a redirect: "Subscription created."), never the
text itself, so nobody can make a console page — the sign-in page least of all — show
words of their choosing ("Call us at …"). The one message with variable parts takes them
from validated query values only: a count (an integer) and a subscription status (one of
the API's). Anything else — an unknown code, a count that is not a number, a status that
is not a status — shows nothing. Texts that carry an API problem are not flashes: the page
is rendered with the error instead of redirecting (``Console.render(alert=...)``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import get_args

from starlette.datastructures import QueryParams

from asyncevents_svc.subscriptions.schemas import Status

PARAM = "flash"
COUNT = "flash_count"
STATUS = "flash_status"
MAX_COUNT_DIGITS = 6  # the API changes at most 1,000 subscriptions at once


class Flash(StrEnum):
    SIGN_IN = "sign-in"
    SIGNED_OUT = "signed-out"
    SELECT_SUBSCRIPTIONS = "select-subscriptions"
    STATUS_CHANGED = "status-changed"
    SUBSCRIPTION_CREATED = "subscription-created"
    SUBSCRIPTION_SAVED = "subscription-saved"
    SAVED_HEADERS_DROPPED = "subscription-saved-headers-dropped"
    REPLAY_QUEUED = "replay-queued"
    TEST_SENT = "test-sent"
    CHALLENGE_SENT = "challenge-sent"
    APPLICATION_CREATED = "application-created"
    APPLICATION_DELETED = "application-deleted"
    SUBSCRIPTION_DELETED = "subscription-deleted"
    KEY_REVOKED = "key-revoked"


TEXTS: dict[Flash, str] = {
    Flash.SIGN_IN: "Sign in with an API key.",
    Flash.SIGNED_OUT: "Signed out.",
    Flash.SELECT_SUBSCRIPTIONS: "Select at least one subscription.",
    Flash.SUBSCRIPTION_CREATED: "Subscription created.",
    Flash.SUBSCRIPTION_SAVED: "Subscription saved.",
    Flash.SAVED_HEADERS_DROPPED: "Subscription saved. Its custom headers were dropped: they do not "
    "follow a new recipient or notifier (the subscription's page lists the headers it has).",
    Flash.REPLAY_QUEUED: "Replay queued: the delivery is pending again.",
    Flash.TEST_SENT: "Test event sent to this subscription only: its delivery shows here (refresh).",
    Flash.CHALLENGE_SENT: "Challenge queued: the worker sends it to the endpoint now (refresh).",
    Flash.APPLICATION_CREATED: "Application created.",
    Flash.APPLICATION_DELETED: "Application deleted: its subscriptions are deleted, its keys revoked "
    "and its pending deliveries cancelled.",
    Flash.SUBSCRIPTION_DELETED: "Subscription deleted: its pending deliveries are cancelled.",
    Flash.KEY_REVOKED: "API key revoked.",
}


def status_changed(count: int, status: str) -> dict[str, str]:
    """The query of "<count> subscription(s) now <status>."."""
    return {PARAM: Flash.STATUS_CHANGED, COUNT: str(count), STATUS: status}


def text(query: QueryParams) -> str:
    """The message a page's query asks for; "" unless every part of it is valid."""
    try:
        code = Flash(query.get(PARAM, ""))
    except ValueError:
        return ""
    if code is not Flash.STATUS_CHANGED:
        return TEXTS[code]
    count, status = query.get(COUNT, ""), query.get(STATUS, "")
    if not (count.isascii() and count.isdigit() and len(count) <= MAX_COUNT_DIGITS):
        return ""
    if status not in get_args(Status):
        return ""
    n = int(count)
    return f"{n} subscription{'s' if n != 1 else ''} now {status}."
