"""The notifier registry: every entry point of ``asyncevents_svc.notifiers``, loaded once.

A notifier that cannot be loaded stops start-up (we do not log and carry on: a subscription
pointing at a missing notifier would silently never be delivered). One whose optional
libraries are not installed (:class:`NotifierUnavailable`: ``eventbridge`` without the
``eventbridge`` extra) is left out (logged once at start-up): creating a subscription for it is a 422
saying which extra to install, and a delivery to it fails visibly in its trace.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import structlog

from asyncevents_svc.notifiers.base import Notifier, NotifierContext, NotifierUnavailable

log = structlog.get_logger(__name__)

NOTIFIERS_GROUP = "asyncevents_svc.notifiers"


class NotifierLoadError(Exception):
    """An installed notifier failed to load."""


class NotifierRegistry:
    """The installed notifiers, by key (a subscription's ``metadata``)."""

    def __init__(self, notifiers: dict[str, Notifier], unavailable: dict[str, str] | None = None) -> None:
        self._notifiers = notifiers
        self.unavailable = unavailable or {}  # key → what to install

    @classmethod
    def discover(cls, ctx: NotifierContext) -> NotifierRegistry:
        notifiers: dict[str, Notifier] = {}
        unavailable: dict[str, str] = {}
        for ep in entry_points(group=NOTIFIERS_GROUP):
            try:
                notifier = ep.load()(ctx)
            except NotifierUnavailable as exc:
                log.info("notifier_unavailable", notifier=ep.name, install=str(exc))
                unavailable[ep.name] = str(exc)
                continue
            except Exception as exc:
                raise NotifierLoadError(f"notifier {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
            if not isinstance(notifier, Notifier):
                raise NotifierLoadError(f"notifier {ep.name!r} did not return a Notifier")
            notifiers[ep.name] = notifier
        return cls(notifiers, unavailable)

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
