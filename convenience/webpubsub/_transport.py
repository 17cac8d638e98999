"""The HTTP clients a service client sends with when the caller gives none.

Sync: ``httpx.Client``. Async: ``httpx.AsyncClient`` over aiohttp (the ``httpx-aiohttp``
transport) when ``webpubsub[aio]`` is installed, else plain ``httpx.AsyncClient``. httpx's own
async connection pool costs more per request than the rest of a call together (measured:
raw ``httpx.AsyncClient`` is two thirds as fast as the official SDK's aiohttp client at 64
requests in flight); over aiohttp the same requests run at aiohttp's speed, and everything
else (headers, timeouts, errors as ``httpx`` exceptions) stays as with plain httpx.

aiohttp is imported only when the first async client is built: it costs more to import than
the whole SDK and sync programs never need it.
"""

from __future__ import annotations

import functools
from typing import Any

import httpx

from ._config import client_timeout
from ._cookies import AsyncClient, Client


def default_http_client(
    timeout: float | httpx.Timeout | None,
    *,
    transport: httpx.BaseTransport | None = None,
    verify: Any = True,
    cert: Any = None,
) -> httpx.Client:
    """A new ``httpx.Client`` with ``timeout`` (seconds, ``httpx.Timeout`` or None); its
    connection pool is built on the first request. The ``User-Agent`` and request id are set
    per request by the call options.

    Args:
        transport: an ``httpx`` transport to send through instead (``transport=`` keyword).
        verify: TLS verification as ``httpx`` takes it (``connection_verify=``).
        cert: a client certificate as ``httpx`` takes it (``connection_cert=``).

    Raises:
        InvalidArgumentError: ``timeout`` is not a number > 0, an ``httpx.Timeout`` or None.
    """
    return Client(
        timeout=client_timeout(timeout),
        transport=transport or _PoolOnFirstRequest(verify, cert),
    )


class _PoolOnFirstRequest(httpx.BaseTransport):
    """httpx's default transport (``httpx.HTTPTransport()``), created when first needed.

    Building it imports httpcore and loads the CA certificates into an SSL context: measured,
    ~50 ms, more than importing the SDK itself. Deferred to the first request, a program that
    builds a client at start-up (or never sends) does not pay it at construction.
    """

    __slots__ = ("_cert", "_pool", "_verify")

    def __init__(self, verify: Any, cert: Any) -> None:
        self._pool: httpx.HTTPTransport | None = None
        self._verify = verify
        self._cert = cert

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._pool
        if pool is None:
            pool = self._pool = httpx.HTTPTransport(verify=self._verify, cert=self._cert)
        return pool.handle_request(request)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def default_async_http_client(
    timeout: float | httpx.Timeout | None, **http_args: Any
) -> httpx.AsyncClient:
    """A new async client with ``timeout``: over aiohttp when ``httpx-aiohttp`` (the
    ``webpubsub[aio]`` extra) is importable, else plain httpx. Under an event loop other than
    asyncio (trio) it sends through httpx's own transport.

    Args:
        http_args: ``transport``, ``verify`` or ``cert`` as ``httpx.AsyncClient`` takes them;
            with any of them the client is a plain ``httpx.AsyncClient``.

    Raises:
        InvalidArgumentError: ``timeout`` is not a number > 0, an ``httpx.Timeout`` or None.
    """
    client_class = AsyncClient if http_args else async_client_class()
    return client_class(timeout=client_timeout(timeout), **http_args)


@functools.cache
def async_client_class() -> type[httpx.AsyncClient]:
    """Our aiohttp-backed client class if ``httpx-aiohttp`` imports, else ``httpx.AsyncClient``.

    Cached: a failed import is not retried for every client.
    """
    try:
        from ._aiohttp import AiohttpClient
    except ImportError:
        return AsyncClient
    return AiohttpClient
