"""Service bindings: how an event's arguments become its payload.

A binding checks arguments at ingest (:meth:`ServiceBinding.check_arguments`, so bad input is
a 422 before anything is stored) and resolves them in the worker
(:meth:`ServiceBinding.resolve`). Three kinds exist:

* :class:`MethodBinding` wraps a Python callable found through the service registry; its
  signature becomes a pydantic model, so types are checked and coerced like FastAPI does.
* :class:`PassthroughBinding` makes the payload the arguments themselves.
* :class:`HttpFetchBinding` GETs a URL template (``https://orders/{id}``) and uses the JSON,
  through the worker's guarded :class:`~asyncevents_svc.catalogue.fetch.FetchClient`.
"""

from __future__ import annotations

import inspect
import string
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, create_model
from pydantic import ValidationError as PydanticValidationError

from asyncevents_svc.catalogue.fetch import FetchClient, FetchFailed
from asyncevents_svc.catalogue.segments import one_segment
from asyncevents_svc.errors import FieldError, ValidationFailed

_JSON = TypeAdapter[Any](Any)


def _scalar_to_text(value: Any) -> Any:
    """URL placeholders take strings and integers (not booleans); both become text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ResolutionError(Exception):
    """The service could not produce a payload; the event is marked ``failed`` with this."""


@dataclass
class ResolveContext:
    """What a binding may use while resolving: the worker's shared, SSRF-guarded fetch client."""

    http: FetchClient


def to_json_value(value: Any) -> Any:
    """Render a service's return value (dict, list, scalar, model, dataclass) as JSON data."""
    return _JSON.dump_python(value, mode="json")


def _field_errors(exc: PydanticValidationError) -> list[FieldError]:
    errors = []
    for err in exc.errors():
        path = ".".join(str(part) for part in err["loc"])
        errors.append(FieldError(f"arguments.{path}" if path else "arguments", err["msg"], err["type"]))
    return errors


class ServiceBinding(ABC):
    """Turns validated arguments into a payload."""

    description: str = ""

    @abstractmethod
    def check_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Validate (and coerce) ``arguments``; raise :class:`ValidationFailed` naming the field."""

    @abstractmethod
    async def resolve(self, arguments: dict[str, Any], ctx: ResolveContext) -> Any:
        """Return the JSON-ready payload; raise :class:`ResolutionError` on failure."""

    def arguments_schema(self) -> dict[str, Any]:
        """JSON schema of the accepted arguments, shown by ``GET /v1/event-types``."""
        return {"type": "object"}

    def payload_schema(self) -> dict[str, Any]:
        """JSON schema of the payload, as far as the binding knows it (``{}``: any JSON)."""
        return {}


class _ModelBinding(ServiceBinding):
    """A binding whose arguments are described by a pydantic model."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def check_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The validated arguments by their names, as the declared types (a model argument
        arrives as that model, not a dict); only what was given, so defaults stay Python's."""
        try:
            parsed = self.model.model_validate(arguments)
        except PydanticValidationError as exc:
            errors = _field_errors(exc)
            raise ValidationFailed(errors[0].loc, errors[0].msg, more=errors[1:]) from exc
        values = {
            field.alias or name: getattr(parsed, name)
            for name, field in type(parsed).model_fields.items()
            if name in parsed.model_fields_set
        }
        values.update(parsed.model_extra or {})  # extras are allowed only with **kwargs
        return values

    def arguments_schema(self) -> dict[str, Any]:
        return self.model.model_json_schema(by_alias=True)


def signature_model(name: str, func: Callable[..., Any]) -> type[BaseModel]:
    """Build a pydantic model from ``func``'s keyword-callable parameters."""
    signature = inspect.signature(func)
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable forward references: fall back to no type checking
        hints = {}
    fields: dict[str, Any] = {}
    extra = "forbid"
    for index, param in enumerate(signature.parameters.values()):
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            extra = "allow"
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            raise TypeError(f"parameter {param.name!r} is positional-only; events pass named arguments")
        annotation = hints.get(param.name, Any)
        default = ... if param.default is inspect.Parameter.empty else param.default
        # Aliases keep argument names such as "model_config" or "_id" from clashing with pydantic.
        fields[f"p{index}"] = (annotation, Field(default, alias=param.name))
    config = ConfigDict(extra=extra, populate_by_name=False, arbitrary_types_allowed=True)  # type: ignore[typeddict-item]
    return create_model(f"{name}Arguments", __config__=config, **fields)


class MethodBinding(_ModelBinding):
    """A Python callable (sync or async) whose return value is the payload."""

    def __init__(self, func: Callable[..., Any], label: str) -> None:
        super().__init__(signature_model("Service", func))
        self.func = func
        self.description = label

    def payload_schema(self) -> dict[str, Any]:
        """The schema of the callable's return annotation (a dataclass or model becomes its
        fields); ``{}`` when it has none or pydantic cannot describe it."""
        try:
            returned = typing.get_type_hints(self.func).get("return")
        except Exception:  # unresolvable forward references: nothing known
            return {}
        if returned is None:
            return {}
        try:
            return TypeAdapter(returned).json_schema(mode="serialization")
        except Exception:  # arbitrary classes: pydantic has no schema for them
            return {}

    async def resolve(self, arguments: dict[str, Any], ctx: ResolveContext) -> Any:
        values = self.check_arguments(arguments)
        try:
            result = self.func(**values)
            if inspect.isawaitable(result):
                result = await result
            return to_json_value(result)
        except ResolutionError:
            raise
        except Exception as exc:
            raise ResolutionError(f"{self.description} raised {type(exc).__name__}: {exc}") from exc


class _AnyArguments(BaseModel):
    model_config = ConfigDict(extra="allow")


class PassthroughBinding(_ModelBinding):
    """The payload is the arguments as published."""

    description = "asyncevents.passthrough"

    def __init__(self) -> None:
        super().__init__(_AnyArguments)

    async def resolve(self, arguments: dict[str, Any], ctx: ResolveContext) -> Any:
        return arguments

    def payload_schema(self) -> dict[str, Any]:
        return self.arguments_schema()


class HttpFetchBinding(_ModelBinding):
    """GET a URL built from the arguments; the JSON response is the payload.

    Every ``{placeholder}`` of the template is a required argument (string or integer) that
    must stay one path segment (:mod:`.segments`: no ``.``/``..``, ``/`` or ``\\`` in any
    decoding), checked at ingest; values are percent-encoded into the URL. A fetch the SSRF
    guard refuses, any non-2xx answer or a non-JSON body fails the resolution, so the event is
    marked ``failed`` with the reason.
    """

    def __init__(self, url_template: str) -> None:
        if not url_template.isascii():  # fetches send the URL byte for byte (see .fetch)
            raise ValueError("the URL must be ASCII: percent-encode its path, write the host in punycode")
        names = [name for _, name, _, _ in string.Formatter().parse(url_template) if name is not None]
        for name in names:
            if not name.isidentifier():
                raise TypeError(f"URL placeholder {{{name}}} is not a plain name")
        fields: dict[str, Any] = {
            f"p{i}": (
                Annotated[str, BeforeValidator(_scalar_to_text), AfterValidator(one_segment)],
                Field(..., alias=name),
            )
            for i, name in enumerate(names)
        }
        model = create_model("HttpFetchArguments", __config__=ConfigDict(extra="forbid"), **fields)
        super().__init__(model)
        self.url_template = url_template
        self.description = f"asyncevents.http_fetch GET {url_template}"

    async def resolve(self, arguments: dict[str, Any], ctx: ResolveContext) -> Any:
        values = self.check_arguments(arguments)
        url = self.url_template.format(**{k: quote(str(v), safe="") for k, v in values.items()})
        try:
            return await ctx.http.get_json(url)
        except FetchFailed as exc:
            raise ResolutionError(str(exc)) from exc
