"""The aiohttp-backed ``httpx.AsyncClient`` of ``webpubsub[aio]`` (imported only when used).

Built on ``httpx-aiohttp`` with two changes:

* the URL goes to aiohttp exactly as httpx holds it. Given a string, aiohttp re-quotes it
  (``%27`` becomes ``'``), and a REST token's audience is the request URL as signed, so the
  service must see the same bytes the token names;
* aiohttp errors become the httpx errors httpx itself raises in the same situation. In
  particular a connection dropped after the request went out is a ``RemoteProtocolError``
  (as with httpx), not a connect error: retrying a POST that may have been performed could
  deliver a message twice, so it must not look like a request that never left.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any

import aiohttp
import httpx
import yarl
from httpx_aiohttp import AiohttpTransport, HttpxAiohttpClient

from ._cookies import CookiesWhenSetMixin

_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


@contextlib.contextmanager
def _httpx_errors() -> Generator[None, None, None]:
    """Raise aiohttp's errors as the httpx error of the same meaning."""
    try:
        yield
    except aiohttp.ClientProxyConnectionError as error:
        raise httpx.ProxyError(str(error)) from error
    except aiohttp.ClientConnectorError as error:  # the connection could not be opened
        raise httpx.ConnectError(str(error)) from error
    except aiohttp.ConnectionTimeoutError as error:  # connecting, or waiting for the pool
        raise httpx.ConnectTimeout(str(error)) from error
    except aiohttp.ServerTimeoutError as error:
        raise httpx.ReadTimeout(str(error)) from error
    except aiohttp.ServerDisconnectedError as error:
        raise httpx.RemoteProtocolError(str(error) or "server disconnected") from error
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as error:
        raise httpx.UnsupportedProtocol(str(error)) from error
    except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError) as error:
        raise httpx.RemoteProtocolError(str(error)) from error
    except aiohttp.ClientError as error:  # reset, broken pipe, ... once connected
        raise httpx.ReadError(str(error) or type(error).__name__) from error


class _ResponseBody(httpx.AsyncByteStream):
    """The body of an aiohttp response, read as httpx reads one."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        with _httpx_errors():
            self._response.release()


class ExactUrlAiohttpTransport(AiohttpTransport):
    """``AiohttpTransport`` that sends ``request.url`` unchanged (no re-quoting by aiohttp).

    aiohttp runs on asyncio only: under another event loop (trio) requests go through
    httpx's own transport instead, with the same TLS settings, limits and proxy.
    """

    # Declared as AiohttpTransport has it; else typed by this class's one assignment below.
    client: aiohttp.ClientSession | Callable[[], aiohttp.ClientSession] | None
    _without_asyncio: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return await self._httpx_transport().handle_async_request(request)
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        timeout = request.extensions.get("timeout", {})
        body: Any
        try:
            body = request.content or None
        except httpx.RequestNotRead:
            body = request.stream
            request.headers.pop("transfer-encoding", None)  # aiohttp frames the stream itself
        proxy = self.proxy
        with _httpx_errors():
            response = await self.client.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                # Decoded once here: handed httpx.Headers, aiohttp decodes every name and
                # value through them again (measured: a tenth of the client's CPU per call).
                headers=[
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in request.headers.raw
                ],
                # Only what httpx built: aiohttp would add a Content-Type to a bodiless PUT.
                skip_auto_headers=("Content-Type",),
                data=body,
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                    connect=timeout.get("pool"),
                ),
                server_hostname=request.extensions.get("sni_hostname"),
                proxy=None if proxy is None else str(proxy.url),
                proxy_auth=None
                if proxy is None or proxy.auth is None
                else aiohttp.BasicAuth(*proxy.auth),
                proxy_headers=None if proxy is None else proxy.headers,
            ).__aenter__()
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode()
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_ResponseBody(response),
            request=request,
            extensions=extensions,
        )

    def _httpx_transport(self) -> httpx.AsyncHTTPTransport:
        if self._without_asyncio is None:
            self._without_asyncio = httpx.AsyncHTTPTransport(
                verify=self.ssl_context, limits=self.limits, proxy=self.proxy
            )
        return self._without_asyncio

    async def aclose(self) -> None:
        if self._without_asyncio is not None:
            await self._without_asyncio.aclose()
        await super().aclose()


class AiohttpClient(CookiesWhenSetMixin, HttpxAiohttpClient):
    """``httpx.AsyncClient`` whose transports (direct and proxied) are
    :class:`ExactUrlAiohttpTransport`."""

    def _init_transport(
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = _DEFAULT_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: Any,
    ) -> httpx.AsyncBaseTransport:
        if transport is not None:
            return transport
        return ExactUrlAiohttpTransport(
            verify=verify, cert=cert, trust_env=trust_env, http1=http1, http2=http2, limits=limits
        )

    def _init_proxy_transport(
        self,
        proxy: httpx.Proxy,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = _DEFAULT_LIMITS,
        **kwargs: Any,
    ) -> httpx.AsyncBaseTransport:
        return ExactUrlAiohttpTransport(
            verify=verify,
            cert=cert,
            trust_env=trust_env,
            http1=http1,
            http2=http2,
            limits=limits,
            proxy=proxy,
        )
