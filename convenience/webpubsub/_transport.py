"""The HTTP clients a service client sends with when the caller gives none."""

from __future__ import annotations

import httpx

from ._config import USER_AGENT, client_timeout


def default_http_client(timeout: float | httpx.Timeout | None) -> httpx.Client:
    """A new ``httpx.Client`` with ``timeout`` (seconds, ``httpx.Timeout`` or None) and our
    ``User-Agent``.

    Raises:
        InvalidArgumentError: ``timeout`` is not a number > 0, an ``httpx.Timeout`` or None.
    """
    return httpx.Client(timeout=client_timeout(timeout), headers={"User-Agent": USER_AGENT})


def default_async_http_client(timeout: float | httpx.Timeout | None) -> httpx.AsyncClient:
    """As :func:`default_http_client`, an ``httpx.AsyncClient``."""
    return httpx.AsyncClient(timeout=client_timeout(timeout), headers={"User-Agent": USER_AGENT})
