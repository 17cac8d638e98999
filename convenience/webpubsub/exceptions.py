"""Exceptions raised by the Web PubSub client.

The names mirror ``azure.core.exceptions`` so code migrating from the official SDK keeps
reading naturally; catching :class:`WebPubSubError` catches every runtime failure of a call.
When the app has imported ``azure.core.exceptions``, the errors a call raises are also
instances of azure-core's counterparts (see :mod:`webpubsub._azure_compat`), so
``except azure.core.exceptions.HttpResponseError:`` keeps working after migrating.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx

from ._azure_compat import compatible

if TYPE_CHECKING:
    from webpubsub_rest.models import ErrorDetail

__all__ = [
    "ClientAuthenticationError",
    "HttpResponseError",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "InvalidConnectionStringError",
    "PermissionDeniedError",
    "ResourceExistsError",
    "ResourceNotFoundError",
    "ServiceRequestError",
    "ServiceResponseError",
    "TooManyRequestsError",
    "WebPubSubError",
]


class WebPubSubError(Exception):
    """Base class of every exception this package raises."""


class InvalidArgumentError(WebPubSubError, ValueError):
    """An argument broke a rule of the API; raised before anything is sent."""


class InvalidArgumentTypeError(WebPubSubError, TypeError):
    """An argument has a type the API cannot carry; raised before anything is sent."""


class InvalidConnectionStringError(InvalidArgumentError):
    """A connection string is malformed or lacks a required field."""


class ServiceRequestError(WebPubSubError):
    """The request could not be delivered (connection refused, DNS failure, connect timeout).

    Raised after the retry budget is spent. ``__cause__`` holds the underlying httpx error.
    """


class ServiceResponseError(ServiceRequestError):
    """The request was sent but no complete response arrived (read timeout, dropped connection)."""


class HttpResponseError(WebPubSubError):
    """The service answered with a status code the operation does not expect.

    Attributes:
        status_code: the HTTP status code, e.g. ``400``.
        reason: the HTTP reason phrase, e.g. ``"Bad Request"``.
        error_code: the service's error code, from the JSON body's ``code`` or the
            ``x-ms-error-code`` header; ``None`` when neither is present.
        message: a human-readable description (the body's ``message`` when available).
        error_detail: the JSON error body parsed with the spec's ``ErrorDetail`` model (every
            field ``UNSET`` when the body is empty or not such an object).
        response: the :class:`httpx.Response` received (its body already read).
    """

    def __init__(self, response: httpx.Response) -> None:
        error_detail = _error_detail(response)
        code = error_detail.code
        error_code = code if isinstance(code, str) else response.headers.get("x-ms-error-code")
        detail = error_detail.message
        if not isinstance(detail, str) or not detail:
            detail = response.text[:500] if response.content else ""
        request = response.request
        message = (
            f"{request.method} {request.url.copy_with(query=None)} failed with "
            f"{response.status_code} {response.reason_phrase}"
            + (f" ({error_code})" if error_code else "")
            + (f": {detail}" if detail else "")
        )
        # Attributes are set after the base initialiser, which (for the azure-core compatible
        # subclass, see webpubsub._azure_compat) resets azure-core's same-named ones.
        super().__init__(message)
        self.response = response
        self.status_code: int = response.status_code
        self.reason: str = response.reason_phrase
        self.error_code: str | None = error_code
        self.error_detail: ErrorDetail = error_detail
        self.message: str = message


class ClientAuthenticationError(HttpResponseError):
    """HTTP 401: the access key or token was rejected."""


class PermissionDeniedError(HttpResponseError):
    """HTTP 403: the credential is valid but not allowed to perform the operation."""


class ResourceNotFoundError(HttpResponseError):
    """HTTP 404: the connection, user, group or hub does not exist."""


class ResourceExistsError(HttpResponseError):
    """HTTP 409: the request conflicts with the current state."""


class TooManyRequestsError(HttpResponseError):
    """HTTP 429: the service throttled the request and retries were exhausted or disabled."""


_ERROR_BY_STATUS: dict[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError,
    403: PermissionDeniedError,
    404: ResourceNotFoundError,
    409: ResourceExistsError,
    429: TooManyRequestsError,
}


def error_for_response(response: httpx.Response) -> HttpResponseError:
    """Build the most specific :class:`HttpResponseError` for an unexpected response (also an
    ``azure.core.exceptions`` error when the app has loaded those, see ``_azure_compat``)."""
    return compatible(_ERROR_BY_STATUS.get(response.status_code, HttpResponseError))(response)


def _error_detail(response: httpx.Response) -> ErrorDetail:
    # Imported here: the generated models load with the first error, not with the client.
    from webpubsub_rest.models import ErrorDetail

    if not response.content:
        return ErrorDetail()
    try:
        return ErrorDetail.from_dict(json.loads(response.content))
    except (ValueError, TypeError, AttributeError, KeyError):
        return ErrorDetail()  # not JSON, or not an error object: the text is the message
