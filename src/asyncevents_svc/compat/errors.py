"""Errors in Magento's web API shape: ``{"message": "...%1...", "parameters": [...]}``.

As in Magento, ``message`` is the raw phrase and clients substitute the placeholders
themselves: ``%1``, ``%2``... from a ``parameters`` list, or ``%name`` from a
``parameters`` object (Magento uses both; we use its exact wording and form where it has
one). :mod:`.problems` writes that body for every :class:`AppError` on a ``/V1`` or
``/rest/`` path, taking ``magento_message`` and ``magento_parameters`` from the error;
``detail`` holds the filled-in text for logs.

Status codes follow Magento's ``ErrorProcessor``: input problems are 400
(``InputException``/``LocalizedException``), an unknown subscription is 404
(``NoSuchEntityException``). Messages never repeat a submitted token.
"""

from __future__ import annotations

from asyncevents_svc.errors import BadRequest, NotFound

Parameters = list[str | int] | dict[str, str]
MAX_PARAMETER = 200


def clean(parameter: str) -> str:
    """A value safe to echo: bounded, and encodable as UTF-8 JSON (no lone surrogates)."""
    return parameter[:MAX_PARAMETER].encode("utf-8", "replace").decode("utf-8")


def _cleaned(parameters: Parameters) -> Parameters:
    if isinstance(parameters, dict):
        return {k: clean(v) for k, v in parameters.items()}
    return [clean(p) if isinstance(p, str) else p for p in parameters]


def fill(message: str, parameters: Parameters) -> str:
    """The message as Magento's ``Phrase`` renderer would show it."""
    if isinstance(parameters, dict):
        pairs = [(f"%{k}", v) for k, v in parameters.items()]
    else:
        pairs = [(f"%{n}", str(p)) for n, p in enumerate(parameters, start=1)]
    for placeholder, value in sorted(pairs, key=lambda pair: -len(pair[0])):  # %10 before %1
        message = message.replace(placeholder, value)
    return message


class MagentoBadRequest(BadRequest):
    """400 with a Magento message whose parameters name the offending field or value."""

    def __init__(self, message: str, parameters: Parameters) -> None:
        parameters = _cleaned(parameters)
        super().__init__(fill(message, parameters))
        self.magento_message = message
        self.magento_parameters = parameters


class MagentoNotFound(NotFound):
    """404 for a subscription id that does not exist, worded as the module words it.

    The id is a JSON number, as Magento renders the ``int`` it was given.
    """

    def __init__(self, subscription_id: int) -> None:
        message = "Async event with subscription ID %1 does not exist"
        super().__init__(fill(message, [subscription_id]))
        self.magento_message = message
        self.magento_parameters: Parameters = [subscription_id]


def required(name: str) -> MagentoBadRequest:
    """Magento's wording for a missing input."""
    return MagentoBadRequest('"%fieldName" is required. Enter and try again.', {"fieldName": name})


def wrong_type(value: str, expected: str) -> MagentoBadRequest:
    """Magento's wording for a scalar that does not convert (used where echoing is safe)."""
    return MagentoBadRequest(
        'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
        {"value": value, "type": expected},
    )


def invalid(name: str, problem: str) -> MagentoBadRequest:
    """A value that is present but unacceptable; ``problem`` never repeats the value."""
    return MagentoBadRequest('Invalid value of "%1": %2', [name, problem])
