"""``make openapi-check``: the OpenAPI document as the app serves it is valid (openapi-spec-validator)
and complete enough to generate a client from and to read.

Fails, listing each finding, on: an invalid document; an operation id that is missing,
repeated, not camelCase or in FastAPI's default shape (``get_event_v1_events__event_id__get``);
an operation without a tag, or a tag without a description; a request body or any response
content without an example; an operation that can answer 401 without the bearer security.

The app is built without a database (nothing connects: only the document is read), by
:mod:`tests.support.openapi_document`.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Any

from openapi_spec_validator import validate

from tests.support.openapi_document import document

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
CAMEL = re.compile(r"[a-z][a-zA-Z0-9]*")


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, item[method])
        for path, item in spec["paths"].items()
        for method in METHODS
        if method in item
    ]


def _has_example(media: dict[str, Any]) -> bool:
    return "example" in media or bool(media.get("examples"))


def findings(spec: dict[str, Any]) -> list[str]:
    """Everything wrong with ``spec``, one line each; empty when it passes."""
    found: list[str] = []
    try:
        validate(spec)
    except Exception as invalid:  # the validator's errors have no common base worth naming
        found.append(f"invalid OpenAPI document: {invalid}")
    described = {tag["name"] for tag in spec.get("tags", []) if tag.get("description")}
    ids = Counter(op.get("operationId") for _, _, op in operations(spec))
    for method, path, op in operations(spec):
        where = f"{method} {path}"
        op_id = op.get("operationId")
        if not op_id or not CAMEL.fullmatch(op_id):
            found.append(f"{where}: operationId {op_id!r} is not camelCase (set operation_id= on the route)")
        elif ids[op_id] > 1:
            found.append(f"{where}: operationId {op_id!r} is used {ids[op_id]} times")
        for tag in op.get("tags") or ["(none)"]:
            if tag not in described:
                found.append(f"{where}: tag {tag!r} has no description (api/openapi.py TAGS)")
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            if not _has_example(media):
                found.append(f"{where}: request body {media_type} has no example")
        for status, response in op.get("responses", {}).items():
            for media_type, media in response.get("content", {}).items():
                if not _has_example(media):
                    found.append(f"{where}: response {status} {media_type} has no example")
        if "401" in op.get("responses", {}) and not op.get("security"):
            found.append(f"{where}: answers 401 but declares no security requirement")
    return found


def main() -> int:
    spec = document()
    problems = findings(spec)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"openapi-check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"openapi-check: the document is valid; {len(operations(spec))} operations, all with examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
