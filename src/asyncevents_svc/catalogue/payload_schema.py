"""An event's declared payload schema (``<schema>`` in ``events.xml``), checked with ``jsonschema``.

``jsonschema`` (python-jsonschema, maintained, the reference implementation for Python) does
the checking, JSON Schema draft 2020-12 only. A schema comes from the operator's file, a
payload from a service method (or a publisher's arguments), so the validation is bounded:

* no reference is ever fetched: the validators get a ``referencing`` registry whose
  ``retrieve`` refuses every URI (``jsonschema``'s default one still fetches remote
  ``$ref`` over HTTP, with a deprecation warning); only the schema's own definitions and
  the JSON Schema meta-schemas (bundled, offline) resolve, and every ``$ref`` is resolved
  once at load, so a reference that would need a fetch is a load error;
* a validator is compiled once, at load; formats are annotations (no format checker);
* a mismatch reports its first :data:`MAX_ERRORS` errors, each cut to
  :data:`MAX_MESSAGE` characters, with their JSON paths (``$.items[0].sku``);
* a payload too deep for the validator's recursion is a mismatch, not a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema_specifications import REGISTRY as META_SCHEMAS  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012

MAX_ERRORS = 5  # validation errors kept in an event's error
MAX_MESSAGE = 200  # characters of one validation error's message
DRAFT = "https://json-schema.org/draft/2020-12/schema"


class SchemaProblem(ValueError):
    """A ``<schema>`` that is not a usable JSON Schema (the loader adds the file and line)."""


def _refuse(uri: str) -> Resource[Any]:
    """The registry's ``retrieve``: nothing is fetched, from the network or the disk."""
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


#: The meta-schemas, bundled with ``jsonschema-specifications``; any other URI is refused.
OFFLINE: Registry[Any] = Registry(retrieve=_refuse).combine(META_SCHEMAS)  # type: ignore[call-arg]


@dataclass(frozen=True)
class PayloadSchema:
    """A checked schema and its compiled validator."""

    schema: dict[str, Any]
    validator: Draft202012Validator = field(compare=False, repr=False)

    @classmethod
    def compile(cls, schema: Any) -> PayloadSchema:
        """Check ``schema`` (draft 2020-12, references local) and compile its validator."""
        if not isinstance(schema, dict):
            raise SchemaProblem("a payload schema must be a JSON object")
        declared = schema.get("$schema", DRAFT)
        if not isinstance(declared, str) or declared.rstrip("#") != DRAFT:
            raise SchemaProblem(f"only JSON Schema draft 2020-12 is supported ($schema {declared!r})")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            where = _path(exc.json_path)
            raise SchemaProblem(f"not a valid JSON Schema at {where}: {_cut(exc.message)}") from None
        validator = Draft202012Validator(schema, registry=OFFLINE)
        resolver = OFFLINE.with_resource(schema.get("$id", ""), DRAFT202012.create_resource(schema)).resolver(
            base_uri=schema.get("$id", "")
        )
        for ref in _refs(schema):
            try:
                resolver.lookup(ref)
            except Unresolvable:
                raise SchemaProblem(
                    f"$ref {ref!r} does not resolve within the schema (references are never fetched)"
                ) from None
        return cls(schema, validator)

    def problems(self, payload: Any) -> str | None:
        """``None`` when ``payload`` matches; else its first errors with their JSON paths."""
        try:
            errors = list(islice(self.validator.iter_errors(payload), MAX_ERRORS + 1))
        except RecursionError:
            return "payload does not match its schema: nested too deeply to validate"
        except Unresolvable as exc:  # pragma: no cover - every $ref is resolved at load
            return f"payload could not be validated: {_cut(str(exc))}"
        if not errors:
            return None
        listed = "; ".join(_described(error) for error in errors[:MAX_ERRORS])
        more = " (and more)" if len(errors) > MAX_ERRORS else ""
        return f"payload does not match its schema: {listed}{more}"


def _described(error: ValidationError) -> str:
    return f"{_path(error.json_path)}: {_cut(error.message)}"


def _path(json_path: str) -> str:
    return _cut(json_path, 120)


def _cut(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` string in the schema (``$dynamicRef`` resolves like its ``$ref``)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    yield value
                elif key not in ("const", "enum", "examples", "default"):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
