"""Turning constructor arguments into a :class:`~webpubsub._core.ServiceCore`.

Shared by the sync and async clients so both accept exactly the same options.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import httpx
from webpubsub_rest import spec_facts as spec

from . import _validation as check
from ._connection_string import parse_connection_string
from ._core import ServiceCore
from ._retry import RetryPolicy
from .credentials import AzureKeyCredential
from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

DEFAULT_API_VERSION: str = spec.DEFAULT_API_VERSION
#: Seconds allowed for a whole request (connect, write, read) unless ``timeout`` says otherwise.
DEFAULT_TIMEOUT_SECONDS = 60.0
USER_AGENT = "webpubsub-python/0.1.0"


def build_core(
    endpoint: object,
    hub: object,
    credential: object,
    *,
    api_version: object,
    reverse_proxy_endpoint: object,
    port: object,
    retry_total: int,
    retry_backoff_factor: float,
    retry_backoff_max: float,
    retry_on_status_codes: Collection[int] | None,
    logging_enable: bool,
) -> ServiceCore:
    """Validate the constructor arguments and build the core.

    Raises:
        InvalidArgumentError: bad endpoint, proxy endpoint, port, hub, api_version or retry
            option (the message names the value and the rule).
        InvalidArgumentTypeError: ``credential`` is neither a key credential (``.key`` str)
            nor a token credential (``get_token``).
    """
    origin = _with_port(check.endpoint(endpoint), port)
    base_url = origin if reverse_proxy_endpoint is None else check.endpoint(reverse_proxy_endpoint)
    version = check.identifier("api_version", api_version)
    return ServiceCore(
        origin=origin,
        base_url=base_url,
        hub=check.hub(hub),
        api_version=version,
        credential=credential,
        uses_key=_is_key_credential(credential),
        retry=RetryPolicy.build(
            retry_total, retry_backoff_factor, retry_backoff_max, retry_on_status_codes
        ),
        logging_enable=bool(logging_enable),
    )


def connection_string_arguments(connection_string: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments from a connection string; explicit ``kwargs`` win (``port``)."""
    parsed = parse_connection_string(connection_string)
    arguments: dict[str, Any] = {
        "endpoint": parsed.endpoint,
        "credential": AzureKeyCredential(parsed.access_key),
    }
    if parsed.port is not None:
        arguments["port"] = parsed.port
    arguments.update(kwargs)
    return arguments


def client_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0  # pyright: ignore[reportUnnecessaryIsInstance]
    ):
        raise InvalidArgumentError(
            f"timeout {timeout!r} is invalid: it must be a number of seconds > 0, an "
            "httpx.Timeout, or None for no timeout"
        )
    return httpx.Timeout(timeout)


def _with_port(endpoint: str, port: object) -> str:
    if port is None:
        return endpoint
    return str(httpx.URL(endpoint).copy_with(port=check.port(port))).rstrip("/")


def _is_key_credential(credential: object) -> bool:
    if isinstance(getattr(credential, "key", None), str):
        return True
    if callable(getattr(credential, "get_token", None)):
        return False
    raise InvalidArgumentTypeError(
        f"credential of type {type(credential).__name__} is not supported: pass an "
        "AzureKeyCredential (or any object whose .key is the access key as a str) or an "
        "Entra ID token credential with get_token()"
    )
