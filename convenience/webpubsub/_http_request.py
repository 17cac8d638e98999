"""A service-relative request for ``send_request``, like ``azure.core.rest.HttpRequest``.

:mod:`webpubsub.rest` builds one per REST operation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

import attrs
import httpx

from ._core import Call, Exchange, ServiceCore


@attrs.frozen(repr=False)
class HttpRequest:
    """A raw request to the service, authenticated and retried by ``send_request``.

    Attributes:
        method: HTTP method, e.g. ``"HEAD"``.
        url: a path relative to the endpoint (``"/api/health"``, may carry a query) or an
            absolute URL.
        params: query parameters; a list value repeats the parameter.
        headers: extra request headers.
        content: the body as bytes, str (UTF-8) or a file object (read when sent).
        json: a JSON-serialisable body (sets ``Content-Type: application/json``).
    """

    method: str
    url: str
    params: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True)
    headers: Mapping[str, str] | None = attrs.field(default=None, kw_only=True)
    content: bytes | str | IO[bytes] | IO[str] | None = attrs.field(default=None, kw_only=True)
    json: Any = attrs.field(default=None, kw_only=True)

    def __repr__(self) -> str:
        return f"<HttpRequest [{self.method.upper()}], url: {self.url!r}>"


def send_request(
    core: ServiceCore, request: HttpRequest | httpx.Request
) -> Exchange[httpx.Response]:
    """The exchange for a raw request: relative URLs are resolved against the client's base
    URL; the response is returned whatever its status (retryable statuses are retried)."""
    if isinstance(request, HttpRequest):
        content = request.content
        if content is not None and not isinstance(content, (bytes, str)):
            content = content.read()  # once, so a retry replays the same bytes
        headers = dict(request.headers or {})
        if request.json is not None:
            content = json.dumps(request.json)
            headers.setdefault("Content-Type", "application/json")
        prepared = httpx.Request(
            request.method.upper(),
            _absolute(core, httpx.URL(request.url)),
            params=request.params,
            headers=headers,
            content=content,
        )
    else:
        body = request.read()  # so a retry can replay a streamed body
        prepared = request
        if request.url.is_relative_url:
            # Rebuilt rather than re-pointed: httpx derives the Host header at construction.
            kept = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"]
            prepared = httpx.Request(
                request.method, _absolute(core, request.url), headers=kept, content=body
            )
    return core.exchange(Call(prepared, None, _response))


def _absolute(core: ServiceCore, url: httpx.URL) -> httpx.URL:
    if url.is_relative_url:
        return httpx.URL(core.base_url + "/" + url.raw_path.decode("ascii").lstrip("/"))
    return url


def _response(response: httpx.Response) -> httpx.Response:
    return response
