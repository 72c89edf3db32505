"""Loading the event catalogue from one or more ``events.xml`` files.

Strict by design: a malformed file, an unknown element or attribute, a duplicate name, a
missing attribute or a service that cannot be resolved stops start-up with
``file:line: problem``. Beside ``<service>`` and ``<resources>``, an event may have a
``<description>`` and an ``<example>`` payload (JSON), which the consumer portal shows.
``<async_event ttl="1h">`` (an extension of the module's format, docs/catalogue.md) gives
the event type's deliveries a default deadline: a whole number of seconds or a duration
(``90s``, ``15m``, ``2h``, ``1d``), at least 1 s and at most 30 days; anything else stops
start-up like any other error, never ignored.
A ``<schema>`` for its payload (inline JSON, or ``file="…"`` relative to the XML file):
every resolved payload is validated against it before fan-out (:mod:`.payload_schema`).
A directory in the path list contributes every ``*.xml`` in it, in name order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from asyncevents_svc.catalogue.model import Catalogue, EventType
from asyncevents_svc.catalogue.patterns import NAME_RE
from asyncevents_svc.catalogue.payload_schema import PayloadSchema, SchemaProblem
from asyncevents_svc.catalogue.registry import HTTP_FETCH, PASSTHROUGH, load_method
from asyncevents_svc.catalogue.services import (
    HttpFetchBinding,
    MethodBinding,
    PassthroughBinding,
    ServiceBinding,
)
from asyncevents_svc.catalogue.xmlfile import Element, parse_file
from asyncevents_svc.durations import parse_duration
from asyncevents_svc.errors import CatalogueError
from asyncevents_svc.events.timing import MAX_TTL


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.xml")))
        else:
            files.append(path)
    return files


def load_catalogue(paths: list[Path]) -> Catalogue:
    """Read every file and return the merged catalogue."""
    events: dict[str, EventType] = {}
    for path in _files(paths):
        root = parse_file(path)
        if root.tag != "config":
            raise CatalogueError(str(path), root.line, f"root element must be <config>, not <{root.tag}>")
        for element in root.children:
            if element.tag != "async_event":
                raise CatalogueError(str(path), element.line, f"unexpected element <{element.tag}>")
            event = _event(path, element)
            if event.name in events:
                first = events[event.name]
                raise CatalogueError(
                    str(path),
                    element.line,
                    f"duplicate async_event name {event.name!r} (first defined at {first.source})",
                )
            events[event.name] = event
    if not events:
        raise CatalogueError(", ".join(map(str, paths)), None, "no async_event is defined")
    return Catalogue(events)


def _only(path: Path, element: Element, allowed: set[str]) -> None:
    unknown = set(element.attrs) - allowed
    if unknown:
        raise CatalogueError(
            str(path), element.line, f"<{element.tag}> has unknown attribute(s) {sorted(unknown)}"
        )


def _required(path: Path, element: Element, attr: str) -> str:
    value = element.attrs.get(attr, "").strip()
    if not value:
        raise CatalogueError(str(path), element.line, f"<{element.tag}> is missing attribute {attr!r}")
    return value


def _ttl(path: Path, element: Element) -> float | None:
    """``ttl="…"`` on ``<async_event>``: seconds, or a duration; bounded like an event's."""
    text = element.attrs.get("ttl")
    if text is None:
        return None
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise CatalogueError(str(path), element.line, f"ttl: {exc}") from exc
    if not 1 <= seconds <= MAX_TTL:
        raise CatalogueError(
            str(path), element.line, f"ttl {text!r} must be between 1 s and {MAX_TTL // 86400} days"
        )
    return seconds


def _event(path: Path, element: Element) -> EventType:
    _only(path, element, {"name", "ttl"})
    name = _required(path, element, "name")
    if not NAME_RE.match(name):
        raise CatalogueError(str(path), element.line, f"invalid event name {name!r}: use [a-zA-Z0-9._-]+")
    services = element.find_all("service")
    if len(services) != 1:
        raise CatalogueError(str(path), element.line, f"async_event {name!r} needs exactly one <service>")
    resources: list[str] = []
    description, example = "", None
    schema: PayloadSchema | None = None
    for child in element.children:
        if child.tag == "description":
            _only(path, child, set())
            description = " ".join(child.text.split())
        elif child.tag == "example":
            _only(path, child, set())
            example = _example(path, child)
        elif child.tag == "schema":
            if schema is not None:
                raise CatalogueError(str(path), child.line, f"async_event {name!r} has two <schema>")
            schema = _schema(path, child, name)
        elif child.tag == "resources":
            _only(path, child, set())
            for res in child.children:
                _only(path, res, set())
                if res.tag != "resource" or not res.text.strip():
                    raise CatalogueError(str(path), res.line, "<resources> holds only non-empty <resource>")
                resources.append(res.text.strip())
        elif child.tag != "service":
            raise CatalogueError(str(path), child.line, f"unexpected element <{child.tag}> in async_event")
    service = services[0]
    binding = _binding(path, service)
    if schema is not None:
        _check_examples(path, element, name, schema, example)
    return EventType(
        name=name,
        service_class=service.attrs["class"].strip(),
        method=service.attrs["method"].strip(),
        resources=tuple(resources),
        binding=binding,
        source=f"{path}:{element.line}",
        description=description,
        example=example,
        ttl=_ttl(path, element),
        schema=schema,
    )


def _example(path: Path, element: Element) -> Any:
    """``<example>``: a payload as JSON text (shown in the portal, sent by a test send)."""
    try:
        return orjson.loads(element.text.strip())
    except orjson.JSONDecodeError as exc:
        raise CatalogueError(str(path), element.line, f"<example> is not JSON: {exc}") from exc


#: The largest schema file read (a schema is a few kilobytes; this only stops a wrong path).
MAX_SCHEMA_BYTES = 1_000_000


def _schema(path: Path, element: Element, name: str) -> PayloadSchema:
    """``<schema>{…}</schema>`` or ``<schema file="order.json"/>`` (relative to ``path``)."""
    _only(path, element, {"file"})
    where = f"<schema> of {name!r}"
    if "file" in element.attrs:
        if element.text.strip():
            raise CatalogueError(str(path), element.line, f"{where}: give a file or inline JSON, not both")
        file = path.parent / element.attrs["file"].strip()
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_SCHEMA_BYTES + 1)
        except OSError as exc:
            raise CatalogueError(
                str(path), element.line, f"{where}: cannot read {str(file)!r}: {exc.strerror}"
            ) from None
        if len(data) > MAX_SCHEMA_BYTES:
            raise CatalogueError(str(path), element.line, f"{where}: {str(file)!r} is over 1 MB")
        source = f"{str(file)!r}"
    else:
        data, source = element.text.strip().encode(), "its text"
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CatalogueError(str(path), element.line, f"{where}: {source} is not JSON: {exc}") from None
    try:
        return PayloadSchema.compile(document)
    except SchemaProblem as exc:
        raise CatalogueError(str(path), element.line, f"{where}: {exc}") from None


def _check_examples(path: Path, element: Element, name: str, schema: PayloadSchema, example: Any) -> None:
    """The ``<example>`` and the schema's own ``examples`` must match the schema."""
    shown = [("<example>", example)] if example is not None else []
    examples = schema.schema.get("examples")
    if isinstance(examples, list):
        shown += [(f"the schema's examples[{n}]", value) for n, value in enumerate(examples)]
    for label, value in shown:
        problem = schema.problems(value)
        if problem is not None:
            raise CatalogueError(str(path), element.line, f"{label} of {name!r}: {problem}")


def _binding(path: Path, service: Element) -> ServiceBinding:
    class_string = _required(path, service, "class")
    method = _required(path, service, "method")
    if class_string == HTTP_FETCH:
        _only(path, service, {"class", "method", "url"})
        url = _required(path, service, "url")
        if not url.startswith(("http://", "https://")):
            raise CatalogueError(str(path), service.line, f"url {url!r} must be http(s)")
        try:
            return HttpFetchBinding(url)
        except (TypeError, ValueError) as exc:
            raise CatalogueError(str(path), service.line, f"bad url template: {exc}") from exc
    _only(path, service, {"class", "method"})
    if class_string == PASSTHROUGH:
        return PassthroughBinding()
    try:
        func = load_method(class_string, method)
        return MethodBinding(func, f"{class_string}::{method}")
    except (LookupError, TypeError) as exc:
        raise CatalogueError(str(path), service.line, str(exc)) from exc
