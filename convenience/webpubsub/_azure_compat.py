"""Errors that an app's ``except azure.core.exceptions.X:`` clauses still catch.

An ``except azure.core.exceptions.HttpResponseError:`` clause can only run once the app has
imported ``azure.core.exceptions``. So when an error is about to be raised and that module is
already loaded, our exception classes take azure-core's counterparts as extra bases (once,
for good): the error is then both ours (``type(error) is webpubsub.HttpResponseError`` still
holds) and azure-core's. Nothing here imports azure-core: apps without it, or that never load
it, pay one ``sys.modules`` lookup per raised error.
"""

from __future__ import annotations

import sys
import threading
from typing import TypeVar

E = TypeVar("E", bound=BaseException)

#: Our exception class -> its azure-core counterpart, bases before subclasses.
_COUNTERPARTS = (
    ("HttpResponseError", "HttpResponseError"),
    ("ClientAuthenticationError", "ClientAuthenticationError"),
    ("ResourceNotFoundError", "ResourceNotFoundError"),
    ("ResourceExistsError", "ResourceExistsError"),
    ("ServiceRequestError", "ServiceRequestError"),
    ("ServiceResponseError", "ServiceResponseError"),
)
_lock = threading.Lock()
_adopted = False


def compatible(cls: type[E]) -> type[E]:
    """``cls``, after giving our exception classes their azure-core bases if the app has
    loaded ``azure.core.exceptions``."""
    if not _adopted and "azure.core.exceptions" in sys.modules:
        _adopt_azure_core_bases()
    return cls


def _adopt_azure_core_bases() -> None:
    global _adopted
    from . import exceptions as ours

    core = sys.modules["azure.core.exceptions"]
    with _lock:
        if _adopted:
            return
        for name, core_name in _COUNTERPARTS:
            cls = getattr(ours, name)
            cls.__bases__ = (*cls.__bases__, getattr(core, core_name))
        _adopted = True
