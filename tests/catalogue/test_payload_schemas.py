"""Payload schemas (``<schema>`` in ``events.xml``): strict loading, bounded validation, and
that no reference is ever fetched. No database or broker: files in ``tmp_path`` and a
loopback HTTP server that counts the requests it gets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.catalogue.payload_schema import MAX_ERRORS, OFFLINE, PayloadSchema, SchemaProblem
from asyncevents_svc.catalogue.samples import example_from_schema
from tests.catalogue.test_catalogue import assert_points_at, line_of, refusal, write

TEST_EVENTS = Path(__file__).parents[1] / "data" / "events.xml"
ORDER = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
    },
    "$defs": {"line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}}},
}


def catalogue_with(tmp_path: Path, schema: str, *, example: str = "") -> Path:
    """A catalogue of one passthrough event whose ``<schema>`` element is ``schema``."""
    return write(
        tmp_path / "events.xml",
        f"""
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
                {example}
                {schema}
            </async_event>
        </config>
        """,
    )


# --- loading --------------------------------------------------------------------------------


def test_an_inline_schema_is_compiled_once_and_shown_as_the_payload_schema(tmp_path: Path) -> None:
    path = catalogue_with(tmp_path, f"<schema>{json.dumps(ORDER)}</schema>")

    event = load_catalogue([path]).get("sales.order.created")

    assert event.schema is not None
    assert event.payload_schema() == ORDER
    assert event.payload_problems({"id": 3, "lines": [{"sku": "a"}]}) is None
    assert event.example_payload() == {"id": 0, "lines": [{"sku": "string"}]}  # samples.py


def test_a_schema_file_is_read_relative_to_the_xml_and_its_examples_are_the_example() -> None:
    event = load_catalogue([TEST_EVENTS]).get("stock.changed")

    assert event.schema is not None
    assert event.payload_schema()["$defs"]["line"]["required"] == ["sku"]
    assert event.example_payload() == {"sku": "24-MB01", "qty": 3}  # the schema's examples[0]


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ('<schema file="missing.json"/>', "cannot read"),
        ("<schema>{type: object}</schema>", "is not JSON"),
        ('<schema file="bad.json"/>', "is not JSON"),
        ("<schema>[1, 2]</schema>", "must be a JSON object"),
        ('<schema>{"type": "objekt"}</schema>', "not a valid JSON Schema at $.type"),
        ('<schema>{"minimum": "1"}</schema>', "not a valid JSON Schema at $.minimum"),
        (
            '<schema>{"$schema": "http://json-schema.org/draft-07/schema#"}</schema>',
            "only JSON Schema draft 2020-12",
        ),
        ('<schema>{"$ref": "#/$defs/nothing"}</schema>', "does not resolve within the schema"),
        ('<schema file="x.json">{"type": "object"}</schema>', "a file or inline JSON, not both"),
        ('<schema href="x.json"/>', "unknown attribute"),
        ("<schema>{}</schema><schema>{}</schema>", "has two <schema>"),
    ],
)
def test_an_unusable_schema_stops_loading_naming_the_event(tmp_path: Path, schema: str, problem: str) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    path = catalogue_with(tmp_path, schema)

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<schema"))
    assert problem in error.problem, error.problem
    assert "sales.order.created" in error.problem or "unknown attribute" in error.problem


def test_an_example_that_does_not_match_the_schema_stops_loading(tmp_path: Path) -> None:
    path = catalogue_with(
        tmp_path, f"<schema>{json.dumps(ORDER)}</schema>", example='<example>{"id": "42"}</example>'
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<async_event"))
    assert "<example> of 'sales.order.created'" in error.problem
    assert "$.id: '42' is not of type 'integer'" in error.problem


def test_the_schemas_own_examples_must_match_it(tmp_path: Path) -> None:
    schema = {**ORDER, "examples": [{"id": 1}, {"id": 0}]}
    path = catalogue_with(tmp_path, f"<schema>{json.dumps(schema)}</schema>")

    error = refusal(path)

    assert "the schema's examples[1]" in error.problem
    assert "$.id: 0 is less than the minimum of 1" in error.problem


# --- no reference is fetched ----------------------------------------------------------------


@pytest.fixture
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback server that answers any GET with a schema, and the paths it was asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = b'{"type": "string"}'
            self.send_response(200)
            self.send_header("content-type", "application/schema+json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_a_remote_ref_is_a_load_error_and_is_never_fetched(
    tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, asked = counting_server
    schema = {"type": "object", "properties": {"sku": {"$ref": f"{base}/sku.json"}}}
    path = catalogue_with(tmp_path, f"<schema>{json.dumps(schema)}</schema>")

    error = refusal(path)

    assert "references are never fetched" in error.problem
    assert asked == []


def test_the_validators_registry_refuses_remote_refs_where_the_librarys_default_fetches(
    counting_server: tuple[str, list[str]],
) -> None:
    base, asked = counting_server
    schema = {"$ref": f"{base}/sku.json"}

    with pytest.raises(Unresolvable):
        Draft202012Validator(schema, registry=OFFLINE).is_valid("x")
    assert asked == []
    # The library's default registry would have fetched it: what OFFLINE is there to stop.
    with pytest.warns(DeprecationWarning, match="remote references"):
        assert Draft202012Validator(schema).is_valid("x")
    assert asked == ["/sku.json"]


def test_the_meta_schemas_resolve_offline() -> None:
    schema = {"$ref": "https://json-schema.org/draft/2020-12/schema"}

    compiled = PayloadSchema.compile(schema)

    assert compiled.problems({"type": "object"}) is None
    assert compiled.problems({"type": 12}) is not None


# --- validation errors ----------------------------------------------------------------------


def test_a_mismatch_names_the_json_paths_of_its_first_errors_bounded_in_size() -> None:
    compiled = PayloadSchema.compile(
        {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}
    )

    problem = compiled.problems([{"sku": n} for n in range(50)])

    assert problem is not None
    assert problem.startswith("payload does not match its schema: $[0].sku: 0 is not of type 'string'")
    assert problem.count("is not of type") == MAX_ERRORS
    assert problem.endswith("(and more)")
    huge = compiled.problems("x" * 100_000)
    assert huge is not None
    assert len(huge) < 300


def test_a_payload_too_deep_to_validate_is_a_mismatch_not_a_crash() -> None:
    compiled = PayloadSchema.compile({"$defs": {"n": {"items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"})
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]

    assert compiled.problems(deep) == "payload does not match its schema: nested too deeply to validate"


def test_a_schema_problem_is_a_value_error_for_callers() -> None:
    with pytest.raises(SchemaProblem):
        PayloadSchema.compile(True)
    assert example_from_schema({"examples": [{"a": 1}]}) == {"a": 1}
