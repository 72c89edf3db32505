"""The notifier registry: every entry point of ``asyncevents_svc.notifiers``, loaded once.

A notifier that cannot be loaded stops start-up (we do not log and carry on: a subscription
pointing at a missing notifier would silently never be delivered).
"""

from __future__ import annotations

from importlib.metadata import entry_points

from asyncevents_svc.notifiers.base import Notifier, NotifierContext

NOTIFIERS_GROUP = "asyncevents_svc.notifiers"


class NotifierLoadError(Exception):
    """An installed notifier failed to load."""


class NotifierRegistry:
    """The installed notifiers, by key (a subscription's ``metadata``)."""

    def __init__(self, notifiers: dict[str, Notifier]) -> None:
        self._notifiers = notifiers

    @classmethod
    def discover(cls, ctx: NotifierContext) -> NotifierRegistry:
        notifiers: dict[str, Notifier] = {}
        for ep in entry_points(group=NOTIFIERS_GROUP):
            try:
                notifier = ep.load()(ctx)
            except Exception as exc:
                raise NotifierLoadError(f"notifier {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
            if not isinstance(notifier, Notifier):
                raise NotifierLoadError(f"notifier {ep.name!r} did not return a Notifier")
            notifiers[ep.name] = notifier
        return cls(notifiers)

    def keys(self) -> list[str]:
        return sorted(self._notifiers)

    def get(self, key: str) -> Notifier | None:
        return self._notifiers.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._notifiers

    async def start(self) -> None:
        for notifier in self._notifiers.values():
            await notifier.start()

    async def close(self) -> None:
        for notifier in self._notifiers.values():
            await notifier.close()
