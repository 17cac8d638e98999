"""Errors that an app's ``except azure.core.exceptions.X:`` clauses still catch.

An ``except azure.core.exceptions.HttpResponseError:`` clause can only run once the app has
imported ``azure.core.exceptions``. So when an error is raised and that module is already
loaded, the error is an instance of a subclass deriving from both our class and azure-core's
counterpart (created once, cached). Nothing imports azure-core: apps without it, or that
never touch it, pay nothing at import or at raise time.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any, TypeVar

E = TypeVar("E", bound=BaseException)

#: Our exception class name -> azure-core's counterpart in ``azure.core.exceptions``.
_COUNTERPARTS = {
    "HttpResponseError": "HttpResponseError",
    "ClientAuthenticationError": "ClientAuthenticationError",
    "PermissionDeniedError": "HttpResponseError",
    "ResourceNotFoundError": "ResourceNotFoundError",
    "ResourceExistsError": "ResourceExistsError",
    "TooManyRequestsError": "HttpResponseError",
    "ServiceRequestError": "ServiceRequestError",
    "ServiceResponseError": "ServiceResponseError",
}


def compatible(cls: type[E]) -> type[E]:
    """``cls``, or its azure-core compatible subclass when azure-core's exceptions are loaded."""
    core = sys.modules.get("azure.core.exceptions")
    if core is None or cls.__name__ not in _COUNTERPARTS:
        return cls
    ours: Any = cls
    dual: type[E] = _dual(ours, getattr(core, _COUNTERPARTS[cls.__name__]))
    return dual


@cache
def _dual(cls: Any, counterpart: Any) -> Any:
    dual = type(cls.__name__, (cls, counterpart), {"__module__": cls.__module__})
    dual.__qualname__ = cls.__qualname__
    return dual
