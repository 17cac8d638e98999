"""Typed, fast Python server SDK for Azure Web PubSub (and its local emulator).

``from webpubsub import WebPubSubServiceClient`` for blocking code,
``from webpubsub.aio import WebPubSubServiceClient`` for asyncio.
"""

from ._client import ItemPaged, WebPubSubServiceClient
from ._http_request import HttpRequest
from ._version import __version__
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
