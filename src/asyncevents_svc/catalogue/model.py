"""The loaded event catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asyncevents_svc.catalogue.patterns import matches
from asyncevents_svc.catalogue.payload_schema import PayloadSchema
from asyncevents_svc.catalogue.samples import example_from_schema
from asyncevents_svc.catalogue.services import ServiceBinding
from asyncevents_svc.errors import NotFound


@dataclass(frozen=True)
class EventType:
    """One ``<async_event>``: its name, the service that resolves it and required scopes."""

    name: str
    service_class: str
    method: str
    resources: tuple[str, ...]
    binding: ServiceBinding
    source: str
    internal: bool = False  # published by the service itself, never through the API
    description: str = ""  # <description>: what happens when the event is published
    example: Any = None  # <example>: a payload as the catalogue's author shows it (JSON)
    ttl: float | None = None  # ttl="…" (an extension): its deliveries' default deadline, seconds
    schema: PayloadSchema | None = None  # <schema>: every resolved payload must match it

    def payload_schema(self) -> dict[str, Any]:
        """The declared ``<schema>``, else what the service's return type says (``{}``: any)."""
        return self.schema.schema if self.schema is not None else self.binding.payload_schema()

    def example_payload(self) -> Any:
        """The payload a consumer sees in the catalogue and a test send delivers: the
        catalogue's ``<example>``, else the schema's first ``examples`` entry, else one made
        up from the payload's schema."""
        if self.example is not None:
            return self.example
        return example_from_schema(self.payload_schema())

    def payload_problems(self, payload: Any) -> str | None:
        """Why ``payload`` does not match the declared schema (``None``: it does, or none)."""
        return None if self.schema is None else self.schema.problems(payload)


class Catalogue:
    """Every known event type, by name."""

    def __init__(self, events: dict[str, EventType]) -> None:
        self._events = events

    def __contains__(self, name: str) -> bool:
        return name in self._events

    def __len__(self) -> int:
        return len(self._events)

    def names(self) -> list[str]:
        return sorted(self._events)

    def get(self, name: str) -> EventType:
        """The event type called ``name``, or :class:`NotFound` (a 404 at ingest)."""
        try:
            return self._events[name]
        except KeyError:
            raise NotFound(f"event {name!r} is not defined in the catalogue") from None

    def find(self, name: str) -> EventType | None:
        """The event type called ``name``, or ``None``."""
        return self._events.get(name)

    def resources(self) -> frozenset[str]:
        """Every ``<resource>`` named in the catalogue (usable as API key scopes)."""
        return frozenset(res for event in self._events.values() for res in event.resources)

    def with_events(self, extra: list[EventType]) -> Catalogue:
        """This catalogue plus ``extra``; an event of the same name from the files is kept."""
        return Catalogue({**{event.name: event for event in extra}, **self._events})

    def matching(self, pattern: str) -> list[EventType]:
        """Every event type a subscription name or pattern selects."""
        return [event for name, event in sorted(self._events.items()) if matches(pattern, name)]
