"""Taking a batch of whole requests from a waiting line (group commit, hint fan-out)."""

from __future__ import annotations

from collections.abc import Sized
from typing import TypeVar

Items = TypeVar("Items", bound=Sized)
Reply = TypeVar("Reply")


def take_whole(waiting: list[tuple[Items, Reply]], limit: int) -> list[tuple[Items, Reply]]:
    """Remove and return entries from the front of ``waiting`` while their items total at
    most ``limit``; always at least one entry (a single large one is never split)."""
    taken: list[tuple[Items, Reply]] = []
    size = 0
    while waiting and (not taken or size + len(waiting[0][0]) <= limit):
        entry = waiting.pop(0)
        taken.append(entry)
        size += len(entry[0])
    return taken
