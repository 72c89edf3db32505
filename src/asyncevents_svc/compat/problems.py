"""Magento's error format, registered with the generic renderer for the Magento routes.

Every :class:`AppError` on a ``/V1`` or ``/rest/`` path is answered as Magento's web API
answers it, ``{"message": ..., "parameters": ...}`` with the error's status (see
:mod:`.errors`): ``magento_message`` and ``magento_parameters`` when the error carries them,
else its detail. The composition root registers :data:`MAGENTO` with
:class:`~asyncevents_svc.api.problems.ProblemFormats`, so ``api/`` never knows this shape.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from asyncevents_svc.api.problems import ClientFormat
from asyncevents_svc.compat.errors import invalid
from asyncevents_svc.errors import AppError, Forbidden, Unauthorized

#: The paths the Magento routes are served under (compat/router.py).
PREFIXES = ("/V1/", "/rest/")


def render(error: AppError, headers: dict[str, str]) -> JSONResponse:
    """The error in Magento's shape."""
    message = getattr(error, "magento_message", None) or error.detail
    params: Any = getattr(error, "magento_parameters", None) or []
    if isinstance(error, Unauthorized | Forbidden) and not getattr(error, "magento_message", None):
        # Magento's wording for a missing ACL resource; the detail says which.
        message, params = (
            "The consumer isn't authorized to access %resources.",
            {"resources": error.detail},
        )
    return JSONResponse({"message": message, "parameters": params}, status_code=error.status, headers=headers)


def body_error(problem: str) -> AppError:
    """A body refused before routing (too deep), as Magento's 400."""
    return invalid("body", problem)


MAGENTO = ClientFormat(prefixes=PREFIXES, render=render, body_error=body_error)
