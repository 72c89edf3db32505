"""An event's ``<resources>``: the extra scopes a key needs for anything that touches it.

A resource guards an event's payloads, so every path that decides where those payloads go,
or makes them go again, passes the same check: creating a subscription to the event,
changing, disabling, enabling or deleting one (checked against its event before and after
the change: re-pointing a subscription would otherwise hand its payloads to a new
recipient), and replaying a delivery of the event. Reading a subscription does not need
the resources: it shows no payload and no secret (tokens and header values are write-only).

``scopes=None`` is the trusted operator path (the CLI, which runs against the database with
the operator's own credentials); ``admin`` holds every resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asyncevents_svc.auth.scopes import ADMIN
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.errors import Forbidden


@dataclass(frozen=True)
class ResourceGuard:
    """The resources one caller holds, judged against the catalogue."""

    catalogue: Catalogue
    scopes: frozenset[str] | None  # None only for trusted callers (the CLI)

    def missing(self, names: Iterable[str]) -> list[str]:
        """The resources of every event each name or pattern selects that the caller lacks."""
        if self.scopes is None or ADMIN in self.scopes:
            return []
        needed = {res for name in names for event in self.catalogue.matching(name) for res in event.resources}
        return sorted(needed - self.scopes)

    def require(self, names: Iterable[str], doing: str) -> None:
        """Refuse ``doing`` (a phrase: "changing subscription 5") with a 403 naming what is missing."""
        missing = self.missing(names)
        if missing:
            raise Forbidden(f"{doing} needs the resource(s) {', '.join(missing)}")

    def forbidden_events(self) -> tuple[str, ...]:
        """Catalogue events whose payloads this caller may not cause to be sent."""
        if self.scopes is None or ADMIN in self.scopes:
            return ()
        held = self.scopes
        return tuple(
            name for name in self.catalogue.names() if set(self.catalogue.get(name).resources) - held
        )
