"""Where the API's time goes per request: py-spy's collapsed stacks (``--format raw``) split
into the parts of a ``POST /v1/events``.

    python -m bench.profile_split STACKS.txt REQUESTS SAMPLE_RATE

Each stack counts once, for the part of its deepest frame that belongs to one (ties: the
first in :data:`PARTS`): the time a middleware spends in the route below it is the
route's, and what a part calls into a library (SQLAlchemy under the insert, orjson under
the scan) is that part's. py-spy shows a coroutine's frames only while it runs, and
SQLAlchemy's greenlet work as stacks of their own, so no root is assumed. Prints each
part's share of the samples and its CPU per request
(samples / rate / requests).
"""

from __future__ import annotations

import re
import sys
from collections import Counter

#: (part, a frame pattern); the first part any frame matches takes the stack.
PARTS: list[tuple[str, str]] = [
    ("broker hint (publish_ready, aiormq)", r"publish_ready|aiormq|aio_pika|pamqp"),
    (
        "commit path: group commit, SQLAlchemy insert, commit",
        r"committer\.py|^store \(|^_insert \(|"
        r"^Session\.|^AsyncSession\.|greenlet_spawn|^GroupCommit\.|asyncpg/",  # the last two: the floor
    ),
    ("auth (authenticate, authorize, KeyVerifier)", r"authenticate|authorize|auth/keys\.py|scopes\.py"),
    ("limits middleware: JSON scan (depth, strict orjson)", r"json_depth_exceeds|strict_json_problem"),
    ("limits middleware: the rest (length, read, replay)", r"limits\.py"),
    ("catalogue check + idempotency (prepare)", r"prepare \(|check_arguments|idempotency\.py|catalogue/"),
    ("tracing span", r"tracing\.py|opentelemetry"),
    (
        "body parse + validation (FastAPI, pydantic)",
        r"request_body_to_args|_validate_value|Request\.json|"
        r"Request\.body|validate_python|_get_body|_extract_form_body|ModelField\.validate|json\.loads",
    ),
    (
        "FastAPI dependency solving (header params, caches)",
        r"solve_dependencies|get_runtime|"
        r"request_params_to_args|_get_cache_key",
    ),
    ("the route's own code (publish_event)", r"publish_event"),
    (
        "response: serialise + send",
        r"serialize_response|Response\.__call__|JSONResponse|render \(|"
        r"_send|send_with_headers|RequestResponseCycle\.send|jsonable_encoder|dump_python|dump_json",
    ),
    ("routing (match the route)", r"_match|matches \(|Router\.__call__ \(starlette"),
    ("uvicorn HTTP protocol (parse, write)", r"httptools_impl|h11_impl|uvicorn/protocols"),
    (
        "middleware stack (Starlette, FastAPI, ours)",
        r"middleware|headers\.py|_exception_handler|applications\.py",
    ),
    ("event loop, other", r"."),
]


def split(path: str) -> Counter[str]:
    parts: Counter[str] = Counter()
    patterns = [(name, re.compile(pattern)) for name, pattern in PARTS]
    with open(path) as stacks:
        lines = stacks.read().splitlines()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        best, depth = PARTS[-1][0], -1
        for index, frame in enumerate(frames):
            for name, pattern in patterns[:-1]:
                if pattern.search(frame):
                    if index >= depth:
                        best, depth = name, index
                    break
        parts[best] += int(count)
    return parts


def main(path: str, requests: int, rate: float) -> None:
    parts = split(path)
    total = sum(parts.values())
    print(f"{total} samples, {1000 * total / rate / requests:.3f} ms CPU a request\n")
    print("| part | share | CPU a request |\n| --- | --: | --: |")
    for name, _ in PARTS:
        n = parts.get(name, 0)
        print(f"| {name} | {n / total:.0%} | {1000 * n / rate / requests:.3f} ms |")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
