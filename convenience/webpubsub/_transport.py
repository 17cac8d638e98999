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

import httpx

from ._config import USER_AGENT, client_timeout


def default_http_client(timeout: float | httpx.Timeout | None) -> httpx.Client:
    """A new ``httpx.Client`` with ``timeout`` (seconds, ``httpx.Timeout`` or None) and our
    ``User-Agent``; its connection pool is built on the first request.

    Raises:
        InvalidArgumentError: ``timeout`` is not a number > 0, an ``httpx.Timeout`` or None.
    """
    return httpx.Client(
        timeout=client_timeout(timeout),
        headers={"User-Agent": USER_AGENT},
        transport=_PoolOnFirstRequest(),
    )


class _PoolOnFirstRequest(httpx.BaseTransport):
    """httpx's default transport (``httpx.HTTPTransport()``), created when first needed.

    Building it imports httpcore and loads the CA certificates into an SSL context: measured,
    ~50 ms, more than importing the SDK itself. Deferred to the first request, a program that
    builds a client at start-up (or never sends) does not pay it at construction.
    """

    __slots__ = ("_pool",)

    def __init__(self) -> None:
        self._pool: httpx.HTTPTransport | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._pool
        if pool is None:
            pool = self._pool = httpx.HTTPTransport()
        return pool.handle_request(request)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def default_async_http_client(timeout: float | httpx.Timeout | None) -> httpx.AsyncClient:
    """A new async client with ``timeout`` and our ``User-Agent``: over aiohttp when
    ``httpx-aiohttp`` (the ``webpubsub[aio]`` extra) is importable, else plain httpx.

    Needs an asyncio event loop when it sends (not when it is built); under trio pass your own
    ``httpx.AsyncClient`` as ``http_client``.

    Raises:
        InvalidArgumentError: ``timeout`` is not a number > 0, an ``httpx.Timeout`` or None.
    """
    return async_client_class()(timeout=client_timeout(timeout), headers={"User-Agent": USER_AGENT})


@functools.cache
def async_client_class() -> type[httpx.AsyncClient]:
    """Our aiohttp-backed client class if ``httpx-aiohttp`` imports, else ``httpx.AsyncClient``.

    Cached: a failed import is not retried for every client.
    """
    try:
        from ._aiohttp import AiohttpClient
    except ImportError:
        return httpx.AsyncClient
    return AiohttpClient
