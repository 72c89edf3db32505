"""The OpenAPI document: tags, the bearer scheme and the media-type examples.

FastAPI builds the document from the routes; :func:`install` finishes it once, on first
request of ``/openapi.json``:

- ``components.schemas.Problem`` is the problem+json body every error response refers to;
- ``components.securitySchemes.apiKey`` is HTTP bearer (``Authorization: Bearer ae_…``), and
  every operation that can answer 401 requires it, so Swagger UI's "Authorize" and "Try it
  out" send the key;
- every schema property without a description gets the API vocabulary's (:mod:`.glossary`);
- every request body and success response without a media-type example gets one built from
  its schema: a model's own example (``json_schema_extra``) when it has one, else each
  property's example (``Field(examples=...)``), default, first enum value or a value of its
  format, nested models built the same way; so a reader, and a client generator, sees a
  realistic value everywhere, composed from the examples the fields carry.

Operation ids are explicit on each route (``operation_id=``), stable camelCase names that a
generated client uses as its method names; ``tests/api/test_openapi.py`` keeps them unique.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from asyncevents_svc.api import glossary
from asyncevents_svc.api.problems import PROBLEM_SCHEMA

SCHEME = "apiKey"
SECURITY_SCHEMES: dict[str, Any] = {
    SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ae_<id>_<secret>",
        "description": "An API key, as printed by `asyncevents-svc keys create` or returned by "
        "`POST /v1/keys`: send `Authorization: Bearer ae_…`. Its scopes decide what it may call.",
    }
}
TAGS: list[dict[str, Any]] = [
    {"name": "events", "description": "Publish events (one or a batch) and follow each one's deliveries."},
    {
        "name": "subscriptions",
        "description": "Who receives which events, where, and signed with which token; test sends "
        "and endpoint health.",
    },
    {
        "name": "deliveries",
        "description": "Each delivery of an event to a subscription, its attempts, and replays.",
    },
    {"name": "catalogue", "description": "The loaded `events.xml` catalogue and the available notifiers."},
    {"name": "api keys", "description": "Create, list and revoke API keys (scope `admin`)."},
    {
        "name": "applications",
        "description": "Tenants: each owns its subscriptions, events and keys; consumer portal sessions.",
    },
    {"name": "operations", "description": "Prometheus metrics."},
    {"name": "health", "description": "Liveness and readiness probes (no key needed)."},
    {
        "name": "signing keys",
        "description": "The service's public Ed25519 keys, to verify `v1a` webhook signatures "
        "(no key needed).",
    },
    {
        "name": "magento-compatible",
        "description": "The Magento Async Events module's REST API, unchanged. Also served under "
        "`/rest/V1/...` and `/rest/{store_code}/V1/...` (the same operations, documented once "
        "here).",
    },
]
_METHODS = ("get", "put", "post", "delete", "patch")


#: A value for a string of each format, when the field has no example of its own.
_FORMATS: dict[str, Any] = {
    "uuid": "7f0c2b8e-4c1d-4a57-9a55-1d2e3f405162",
    "date-time": "2026-05-04T10:15:30Z",
    "date": "2026-05-04",
    "uri": "https://example.com/order_created",
    "email": "ops@example.com",
}
_SCALARS: dict[str, Any] = {"string": "text", "integer": 1, "number": 1.5, "boolean": True, "null": None}


def example_of(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """A value of ``schema`` made of the examples it and its parts carry (see the module)."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if schema.get("default") is not None:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            choices = [c for c in schema[union] if c.get("type") != "null"] or schema[union]
            return example_of(choices[0], components, depth + 1)
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return [example_of(items, components, depth + 1)] if isinstance(items, dict) and depth < 8 else []
    if kind == "object" or "properties" in schema:
        if depth >= 8:
            return {}
        return {
            name: example_of(part, components, depth + 1)
            for name, part in schema.get("properties", {}).items()
        }
    if kind == "string" and schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    return _SCALARS.get(kind) if isinstance(kind, str) else None


def _add_examples(media_types: dict[str, Any], components: dict[str, Any]) -> None:
    for media in media_types.values():
        if "example" not in media and "examples" not in media and "schema" in media:
            media["example"] = example_of(media["schema"], components)


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """Add the security scheme, each operation's security and the examples to ``document``."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    schemas = components.setdefault("schemas", {})
    # The routes' problem responses refer to it (api.problems.PROBLEM_REF); a copy, as
    # describe() fills in the descriptions of its properties.
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    glossary.describe(schemas)
    for item in document.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            if "401" in operation.get("responses", {}):
                operation["security"] = [{SCHEME: []}]
            _add_examples(operation.get("requestBody", {}).get("content", {}), schemas)
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2"):
                    _add_examples(response.get("content", {}), schemas)
    return document


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` build the finished document (once, then cached)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
