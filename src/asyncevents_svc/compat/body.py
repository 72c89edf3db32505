"""Reading ``{"asyncEvent": {...}}`` bodies by hand, so every problem is a Magento 400.

FastAPI would answer a bad body with its own 422 before a route runs; Magento answers 400
naming the field, so the routes take the raw request and come here. What Magento's input
processor does and we do too: the wrapper may be ``asyncEvent`` or ``async_event``, field
names may be camelCase or snake_case, other top-level keys (``checkResources``) are not
looked at. Error messages name fields and never repeat submitted values (one of them is a
secret).
"""

from __future__ import annotations

from typing import TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError

from asyncevents_svc.compat.errors import MagentoBadRequest, invalid, required
from asyncevents_svc.compat.search_criteria import snake_case

WRAPPER = "asyncEvent"
Model = TypeVar("Model", bound=BaseModel)


async def read_async_event(request: Request, model: type[Model]) -> Model:
    """The ``asyncEvent`` object of the request body, validated as ``model``."""
    raw = await request.body()
    try:
        body = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError:
        raise MagentoBadRequest("Decoding error: the request body is not valid JSON.", []) from None
    if not isinstance(body, dict):
        raise invalid("body", "must be a JSON object")
    inner = body.get(WRAPPER, body.get("async_event"))
    if inner is None:
        raise required(WRAPPER)
    if not isinstance(inner, dict):
        raise invalid(WRAPPER, "must be a JSON object")
    fields = {snake_case(key): value for key, value in inner.items()}
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise _first_problem(exc) from None


def _first_problem(exc: ValidationError) -> MagentoBadRequest:
    error = exc.errors(include_input=False, include_url=False)[0]
    name = ".".join([WRAPPER, *(str(part) for part in error["loc"])])
    if error["type"] == "missing":
        return required(name)
    if error["type"] == "extra_forbidden":
        return MagentoBadRequest('"%1" is not a field of asyncEvent.', [name])
    return invalid(name, error["msg"])
