"""Typed, fast Python server SDK for Azure Web PubSub (and its local emulator).

``from webpubsub import WebPubSubServiceClient`` for blocking code,
``from webpubsub.aio import WebPubSubServiceClient`` for asyncio.

Names are imported on first use (module ``__getattr__``), so ``import webpubsub`` alone, or
a program using only the exceptions, does not pay for the client and its HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._client import ItemPaged, WebPubSubServiceClient
    from ._http_request import HttpRequest
    from .credentials import AzureKeyCredential
    from .exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        InvalidArgumentError,
        InvalidArgumentTypeError,
        InvalidConnectionStringError,
        PermissionDeniedError,
        ResourceExistsError,
        ResourceNotFoundError,
        ServiceRequestError,
        ServiceResponseError,
        TooManyRequestsError,
        WebPubSubError,
    )
    from .models import GroupMember

#: Public name -> the submodule defining it.
_EXPORTS = {
    "AzureKeyCredential": ".credentials",
    "ClientAuthenticationError": ".exceptions",
    "GroupMember": ".models",
    "HttpRequest": "._http_request",
    "HttpResponseError": ".exceptions",
    "InvalidArgumentError": ".exceptions",
    "InvalidArgumentTypeError": ".exceptions",
    "InvalidConnectionStringError": ".exceptions",
    "ItemPaged": "._client",
    "PermissionDeniedError": ".exceptions",
    "ResourceExistsError": ".exceptions",
    "ResourceNotFoundError": ".exceptions",
    "ServiceRequestError": ".exceptions",
    "ServiceResponseError": ".exceptions",
    "TooManyRequestsError": ".exceptions",
    "WebPubSubError": ".exceptions",
    "WebPubSubServiceClient": "._client",
}

__all__ = [
    "AzureKeyCredential",
    "ClientAuthenticationError",
    "GroupMember",
    "HttpRequest",
    "HttpResponseError",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "InvalidConnectionStringError",
    "ItemPaged",
    "PermissionDeniedError",
    "ResourceExistsError",
    "ResourceNotFoundError",
    "ServiceRequestError",
    "ServiceResponseError",
    "TooManyRequestsError",
    "WebPubSubError",
    "WebPubSubServiceClient",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
