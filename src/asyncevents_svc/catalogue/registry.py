"""The service registry: from an ``events.xml`` class string to a Python object.

Lookup order for ``<service class="X" method="m"/>``:

1. the built-ins ``asyncevents.passthrough`` and ``asyncevents.http_fetch``;
2. an entry point named ``X`` in the group ``asyncevents_svc.services`` (so a deployment maps
   ``Magento\\Sales\\Api\\OrderRepositoryInterface`` to its own code without touching XML);
3. an import path ``package.module:Attr``.

A class is instantiated without arguments; a module, function or instance is used as is.
Then ``method`` is looked up on the object. Nothing here is lenient: every failure raises
:class:`LookupError` with a sentence the loader turns into a file:line start-up error.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

SERVICES_GROUP = "asyncevents_svc.services"
PASSTHROUGH = "asyncevents.passthrough"
HTTP_FETCH = "asyncevents.http_fetch"


def load_object(class_string: str) -> Any:
    """Find the object behind ``class_string`` (entry point first, then import path)."""
    matches = [ep for ep in entry_points(group=SERVICES_GROUP) if ep.name == class_string]
    if matches:
        try:
            target = matches[0].load()
        except Exception as exc:
            raise LookupError(
                f"entry point {class_string!r} ({matches[0].value}) failed to load: {exc}"
            ) from exc
    elif ":" in class_string:
        module_name, _, attr_path = class_string.partition(":")
        try:
            target = importlib.import_module(module_name)
        except Exception as exc:
            raise LookupError(f"cannot import module {module_name!r}: {exc}") from exc
        for attr in attr_path.split("."):
            if not hasattr(target, attr):
                raise LookupError(f"module {module_name!r} has no attribute {attr_path!r}")
            target = getattr(target, attr)
    else:
        raise LookupError(
            f"service class {class_string!r} is neither a registered entry point in "
            f"{SERVICES_GROUP!r} nor an import path 'package.module:Attr'"
        )
    if inspect.isclass(target):
        try:
            target = target()
        except Exception as exc:
            raise LookupError(f"cannot instantiate {class_string!r}: {exc}") from exc
    return target


def load_method(class_string: str, method: str) -> Callable[..., Any]:
    """The bound callable for ``class_string`` and ``method``."""
    target = load_object(class_string)
    func = getattr(target, method, None)
    if func is None:
        raise LookupError(f"{class_string!r} has no method {method!r}")
    if not callable(func):
        raise LookupError(f"{class_string}.{method} is not callable")
    return func  # type: ignore[no-any-return]
