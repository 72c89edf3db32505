"""A made-up example of a JSON schema's values, for events whose catalogue entry has no
``<example>``: the portal shows it and a test send delivers it, so a consumer sees the
payload's shape before any real event exists.

Deliberately plain: each type gets a fixed placeholder (``"string"``, ``0``, ``true``), an
object its properties, an array one item, a ``$ref`` the definition it names (once per path,
so a recursive schema ends), ``anyOf``/``oneOf`` their first branch that is not ``null``.
"""

from __future__ import annotations

from typing import Any

_PLACEHOLDERS: dict[str, Any] = {
    "string": "string",
    "integer": 0,
    "number": 0.0,
    "boolean": True,
    "null": None,
}


def example_from_schema(schema: dict[str, Any]) -> Any:
    """A value that fits ``schema`` (an empty schema: an empty object)."""
    return _example(schema, schema.get("$defs", {}), frozenset())


def _example(schema: dict[str, Any], defs: dict[str, Any], seen: frozenset[str]) -> Any:
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return None if name in seen else _example(defs.get(name, {}), defs, seen | {name})
    for union in ("anyOf", "oneOf", "allOf"):
        branches = [b for b in schema.get(union, []) if b.get("type") != "null"]
        if branches:
            return _example(branches[0], defs, seen)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(sub, defs, seen) for name, sub in properties.items()}
    if kind == "array":
        items = schema.get("items")
        return [_example(items, defs, seen)] if isinstance(items, dict) else []
    return _PLACEHOLDERS.get(kind)
