"""The I/O-free heart shared by the sync and async clients.

A call is described by a :class:`Call` (the request plus how to read its response). Running it
is a generator, :meth:`ServiceCore.exchange`, that yields the I/O it needs as steps —
:class:`Send` a request, :class:`Sleep`, :class:`FetchToken` — and receives the outcome back.
Authentication, retries, error mapping and logging all live in that generator; the sync and
async clients only perform the steps (``httpx.Client`` vs ``httpx.AsyncClient``,
``time.sleep`` vs ``asyncio.sleep``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Generator
from typing import Any, Generic, TypeVar

import attrs
import httpx

from . import _call_options
from ._azure_compat import compatible
from ._jwt import ServiceTokenSigner
from ._retry import RetryPolicy
from .credentials import WEBPUBSUB_SCOPE, AccessTokenLike
from .exceptions import ServiceRequestError, ServiceResponseError, error_for_response

T = TypeVar("T")

logger = logging.getLogger("webpubsub")

#: Entra ID tokens are refreshed this long before they expire.
_TOKEN_REFRESH_MARGIN_SECONDS = 300


@attrs.frozen(slots=True)
class Call(Generic[T]):
    """One logical operation.

    Attributes:
        request: the request to send (its body is bytes, so it can be replayed on retry).
        expected: statuses that complete the call; ``None`` accepts any non-retried status.
        result: turns an expected response into the operation's return value.
    """

    request: httpx.Request
    expected: Collection[int] | None
    result: Callable[[httpx.Response], T]


@attrs.frozen(slots=True)
class Send:
    """Step: send ``request``; resume with the response or the ``httpx.TransportError``."""

    request: httpx.Request


@attrs.frozen(slots=True)
class Sleep:
    """Step: wait ``seconds``; resume with ``None``."""

    seconds: float


@attrs.frozen(slots=True)
class FetchToken:
    """Step: call ``credential.get_token(scope)`` (awaiting it if async); resume with the token."""

    credential: Any
    scope: str


Step = Send | Sleep | FetchToken
Exchange = Generator[Step, Any, T]


class ServiceCore:
    """Configuration and request machinery of one client (endpoint, hub, auth, retries).

    Attributes:
        origin: the service endpoint (with port), no trailing slash; JWT audiences use it.
        base_url: where requests are sent: the reverse proxy if one is set, else ``origin``.
        hub: the hub every operation addresses.
        api_version: value of the ``api-version`` query parameter.
    """

    __slots__ = (
        "_bearer",
        "_bearer_expires",
        "_signer",
        "_token_credential",
        "api_version",
        "base_url",
        "credential",
        "hub",
        "logging_enable",
        "origin",
        "retry",
    )

    def __init__(
        self,
        *,
        origin: str,
        base_url: str,
        hub: str,
        api_version: str,
        credential: Any,
        uses_key: bool,
        retry: RetryPolicy,
        logging_enable: bool,
    ) -> None:
        # Normalised through httpx once, so prefixes compare equal to str(request.url).
        self.origin = str(httpx.URL(origin)).rstrip("/")
        self.base_url = str(httpx.URL(base_url)).rstrip("/")
        self.hub = hub
        self.api_version = api_version
        self.credential = credential
        self.retry = retry
        self.logging_enable = logging_enable
        self._signer = ServiceTokenSigner(credential) if uses_key else None
        self._token_credential = None if uses_key else credential
        self._bearer: str | None = None
        self._bearer_expires = 0.0

    @property
    def uses_key(self) -> bool:
        return self._signer is not None

    def audience(self, request: httpx.Request) -> str:
        """The URL the service sees as the request's audience: the request URL, with the
        reverse proxy's base replaced by the origin endpoint."""
        url = str(request.url)
        if self.base_url != self.origin and url.startswith(self.base_url):
            return self.origin + url[len(self.base_url) :]
        return url

    def exchange(self, call: Call[T]) -> Exchange[T]:
        """Run ``call`` with authentication and retries; see the module docstring."""
        request = call.request
        method = request.method
        retries = 0
        options = _call_options.current()
        options.prepare(request)
        retry = options.retry or self.retry
        logging_enable = (
            self.logging_enable if options.logging_enable is None else options.logging_enable
        )
        while True:
            if self._signer is not None:
                token = self._signer.token_for(self.audience(request))
            else:
                token = yield from self._entra_token()
            request.headers["Authorization"] = "Bearer " + token
            started = time.perf_counter()
            outcome = yield Send(request)
            if isinstance(outcome, httpx.TransportError):
                self._log_failure(request, outcome, started)
                if not retry.should_retry_error(retries, method, outcome):
                    raise _transport_error(request, outcome, retries) from outcome
                yield Sleep(retry.delay(retries, None))
                retries += 1
                continue
            response: httpx.Response = outcome
            if logger.isEnabledFor(logging.DEBUG):
                self._log_response(request, response, started, logging_enable)
            status = response.status_code
            if call.expected is not None and status in call.expected:
                return call.result(response)
            if retry.should_retry_response(retries, response):
                yield Sleep(retry.delay(retries, response))
                retries += 1
                continue
            if call.expected is None:
                return call.result(response)
            raise error_for_response(response)

    def _entra_token(self) -> Generator[Step, Any, str]:
        if self._bearer is None or time.time() >= self._bearer_expires:
            access: AccessTokenLike = yield FetchToken(self._token_credential, WEBPUBSUB_SCOPE)
            lifetime = float(access.expires_on) - time.time()
            # Short-lived tokens are refreshed at half-life rather than on every call.
            margin = min(_TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2)
            self._bearer = access.token
            self._bearer_expires = float(access.expires_on) - margin
        return self._bearer

    def _log_response(
        self,
        request: httpx.Request,
        response: httpx.Response,
        started: float,
        logging_enable: bool,
    ) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %d in %.1f ms", request.method, request.url, response.status_code, elapsed_ms
        )
        if logging_enable:
            logger.debug("request headers: %s", redacted_headers(request.headers))
            logger.debug("response headers: %s", dict(response.headers))

    def _log_failure(self, request: httpx.Request, error: Exception, started: float) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s failed after %.1f ms: %r", request.method, request.url, elapsed_ms, error
        )

    def __repr__(self) -> str:
        return (
            f"ServiceCore(origin={self.origin!r}, base_url={self.base_url!r}, hub={self.hub!r}, "
            f"api_version={self.api_version!r}, credential=<redacted>)"
        )


def redacted_headers(headers: httpx.Headers) -> dict[str, str]:
    """Headers safe to log: ``Authorization`` (and any cookie) replaced by ``<redacted>``."""
    return {
        name: "<redacted>" if name.lower() in ("authorization", "cookie") else value
        for name, value in headers.items()
    }


def _transport_error(
    request: httpx.Request, error: httpx.TransportError, retries: int
) -> ServiceRequestError:
    kind = (
        ServiceRequestError
        if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
        else ServiceResponseError
    )
    attempts = f" after {retries + 1} attempts" if retries else ""
    return compatible(kind)(
        f"{request.method} {request.url.copy_with(query=None)} failed{attempts}: "
        f"{type(error).__name__}: {error}"
    )
