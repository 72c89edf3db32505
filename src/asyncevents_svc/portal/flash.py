"""The portal's flash messages: a code in the query (``?flash=<code>``), shown as one of a
fixed set of texts — never a text from the URL, so nobody can make a portal page say words
of their choosing. Anything else shows nothing."""

from __future__ import annotations

from enum import StrEnum

from starlette.datastructures import QueryParams

PARAM = "flash"


class Flash(StrEnum):
    SIGNED_OUT = "signed-out"
    SAVED = "saved"
    DELETED = "deleted"
    ENABLED = "enabled"
    DISABLED = "disabled"
    TEST_SENT = "test-sent"
    CHALLENGE_SENT = "challenge-sent"
    REPLAY_QUEUED = "replay-queued"


TEXTS: dict[Flash, str] = {
    Flash.SIGNED_OUT: "Signed out.",
    Flash.SAVED: "Endpoint saved.",
    Flash.DELETED: "Endpoint deleted.",
    Flash.ENABLED: "Endpoint enabled.",
    Flash.DISABLED: "Endpoint disabled: it gets no deliveries until enabled again.",
    Flash.TEST_SENT: "Test event sent: this page shows its delivery as it happens (refresh).",
    Flash.CHALLENGE_SENT: "Challenge queued: it is sent to your endpoint now (refresh).",
    Flash.REPLAY_QUEUED: "Replay queued: the delivery is pending again.",
}


def text(query: QueryParams) -> str:
    """The message a page's query asks for; "" for anything but a known code."""
    try:
        return TEXTS[Flash(query.get(PARAM, ""))]
    except ValueError:
        return ""
