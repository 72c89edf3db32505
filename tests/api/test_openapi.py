"""The OpenAPI document a client is generated from, and the offline documentation pages.

The document as served: valid, camelCase unique operation ids, tags with descriptions, a
bearer scheme on authenticated operations, an example on every body and response (the right
problem per error status), one ``Problem`` schema that every error refers to, each Magento
route once. The pages: Swagger UI and ReDoc from
``/docs/assets``, nothing from another origin, inline code allowed by hash only.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from typing import Any

import httpx
import pytest

from tests.support.openapi_check import findings, operations

#: FastAPI's default ids end in the path and method: ``get_event_v1_events__event_id__get``.
DEFAULT_SHAPE = re.compile(r".*_(get|post|put|patch|delete)$|.*__.*|.*_v1_.*", re.IGNORECASE)


@pytest.fixture
async def spec(anonymous: httpx.AsyncClient) -> dict[str, Any]:
    response = await anonymous.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_served_document_is_valid_and_complete(spec: dict[str, Any]) -> None:
    assert findings(spec) == []


def test_the_check_fails_on_an_operation_without_examples(spec: dict[str, Any]) -> None:
    broken = copy.deepcopy(spec)
    del broken["paths"]["/v1/events"]["post"]["responses"]["202"]["content"]["application/json"]["example"]
    broken["paths"]["/v1/events/{event_id}"]["get"]["operationId"] = "get_event_v1_events__event_id__get"

    assert findings(broken) == [
        "POST /v1/events: response 202 application/json has no example",
        "GET /v1/events/{event_id}: operationId 'get_event_v1_events__event_id__get' is not camelCase "
        "(set operation_id= on the route)",
    ]


def test_operation_ids_are_unique_meaningful_and_not_fastapis_default(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(spec)]

    assert len(ids) == len(set(ids)) >= 35
    assert [i for i in ids if DEFAULT_SHAPE.fullmatch(i)] == []
    by_route = {f"{method} {path}": op["operationId"] for method, path, op in operations(spec)}
    assert by_route["POST /v1/events"] == "publishEvent"
    assert by_route["GET /v1/events/{event_id}"] == "getEvent"
    assert by_route["GET /v1/deliveries"] == "listDeliveries"
    assert by_route["POST /V1/async_event"] == "createAsyncEvent"


def test_authenticated_operations_use_the_bearer_scheme(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ae_<id>_<secret>",
        "description": spec["components"]["securitySchemes"]["apiKey"]["description"],
    }
    secured = {f"{m} {p}" for m, p, op in operations(spec) if op.get("security") == [{"apiKey": []}]}
    public = {f"{m} {p}" for m, p, op in operations(spec)} - secured

    assert public == {"GET /health/live", "GET /health/ready", "GET /v1/signing-keys"}
    assert "GET /metrics" in secured
    assert "PUT /V1/async_event/{subscriptionId}" in secured


async def test_the_bearer_scheme_is_what_the_api_accepts(
    anonymous: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    """Swagger UI's "Authorize" sends exactly ``Authorization: Bearer <key>``."""
    assert admin_headers["Authorization"].startswith("Bearer ae_")
    assert (await anonymous.get("/v1/subscriptions", headers=admin_headers)).status_code == 200


def test_each_magento_route_is_documented_once(spec: dict[str, Any]) -> None:
    magento = sorted(f"{m} {p}" for m, p, op in operations(spec) if "magento-compatible" in op["tags"])

    assert [p for p in spec["paths"] if p.startswith("/rest")] == []
    assert magento == [
        "GET /V1/async_event/{subscriptionId}",
        "GET /V1/async_events",
        "POST /V1/async_event",
        "PUT /V1/async_event/{subscriptionId}",
    ]


def test_each_error_status_has_its_own_problem_example(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/v1/events"]["post"]["responses"]
    examples = {
        int(status): response["content"]["application/problem+json"]["example"]
        for status, response in responses.items()
        if not status.startswith("2")
    }

    assert sorted(examples) == [401, 403, 404, 409, 413, 422, 429, 503]
    assert {status: example["status"] for status, example in examples.items()} == {s: s for s in examples}
    assert len({example["type"] for example in examples.values()}) == len(examples)
    assert examples[401]["title"] == "Unauthorized"
    assert "lacks the scope" in examples[403]["detail"]
    assert examples[422]["errors"][0]["loc"] == "event_name"
    assert examples[409]["errors"][0]["loc"] == "Idempotency-Key"
    magento = spec["paths"]["/V1/async_event"]["post"]["responses"]
    assert magento["404"]["content"]["application/json"]["example"] == {
        "message": "Async event with subscription ID %1 does not exist",
        "parameters": [42],
    }


def test_every_problem_response_refers_to_the_one_problem_schema(spec: dict[str, Any]) -> None:
    """One ``Problem`` component, not a copy per response: a generated client gets one model
    for every error (clients/python's ``Problem``), not one per operation and status."""
    schemas = [
        (f"{method} {path} {status}", response["content"]["application/problem+json"]["schema"])
        for method, path, op in operations(spec)
        for status, response in op["responses"].items()
        if "application/problem+json" in response.get("content", {})
    ]

    assert len(schemas) > 100
    assert [where for where, schema in schemas if schema != {"$ref": "#/components/schemas/Problem"}] == []
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert problem["properties"]["errors"]["items"]["required"] == ["loc", "msg", "type"]


def test_examples_are_realistic_values_of_their_schema(spec: dict[str, Any]) -> None:
    publish = spec["paths"]["/v1/events"]["post"]
    body = publish["requestBody"]["content"]["application/json"]["example"]
    accepted = publish["responses"]["202"]["content"]["application/json"]["example"]

    assert body["event_name"] == "sales.order.created"
    assert accepted["event_name"] == "sales.order.created"
    assert accepted["status"] == "accepted"
    listed = spec["paths"]["/v1/deliveries"]["get"]["responses"]["200"]["content"]["application/json"][
        "example"
    ]
    assert listed["items"][0]["status"] in {"pending", "delivered", "retrying", "dead"}


def test_every_schema_field_carries_a_description(spec: dict[str, Any]) -> None:
    undescribed = [
        f"{name}.{field}"
        for name, schema in spec["components"]["schemas"].items()
        for field, part in schema.get("properties", {}).items()
        if not part.get("description")
    ]

    assert undescribed == []  # add a Field(description=...) or an api/glossary.py entry
    assert spec["components"]["schemas"]["EventOut"]["properties"]["status"]["description"].startswith(
        "`accepted`"
    )


def _inline_hashes(html: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in re.findall(r"<script>(.*?)</script>", html, re.S)
    }


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"]),
        ("/redoc", ["/docs/assets/redoc.standalone.js"]),
    ],
)
async def test_the_docs_pages_and_their_assets_are_served_locally(
    anonymous: httpx.AsyncClient, page: str, assets: list[str]
) -> None:
    response = await anonymous.get(page)

    assert response.status_code == 200
    html = response.text
    assert re.findall(r"(?:src|href)=\"(https?:[^\"]*)\"", html) == []  # nothing from another origin
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert "unsafe-eval" not in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert set(script_src.split()[1:]) == {"'self'", *_inline_hashes(html)}
    for asset in [*assets, "/docs/assets/favicon.png"]:
        assert f'"{asset}"' in html
        served = await anonymous.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 1000, asset
    assert (await anonymous.get("/docs/oauth2-redirect")).status_code == 200
