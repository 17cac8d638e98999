"""The asynchronous client: the same operations as :mod:`webpubsub`, awaited.

Every method builds its exchange with the same shared builder as the sync client; only
:func:`run_exchange` differs (``httpx.AsyncClient``, ``asyncio.sleep``, awaited credentials).
Docstrings are those of the sync methods.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Collection, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from .. import _client as sync
from .. import _operations as ops
from .._call_options import active, client_options, one_or_many
from .._config import (
    DEFAULT_API_VERSION,
    DEFAULT_TIMEOUT_SECONDS,
    build_core,
    client_timeout,
    connection_string_arguments,
)
from .._content import Message
from .._core import Exchange, FetchToken, Send, ServiceCore
from .._http_request import HttpRequest, send_request
from ._paging import AsyncItemPaged

__all__ = ["AsyncItemPaged", "WebPubSubServiceClient", "run_exchange"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


async def run_exchange(exchange: Exchange[T], http: httpx.AsyncClient) -> T:
    """Perform the steps of ``exchange`` with async I/O and return its result."""
    outcome: Any = None
    try:
        while True:
            step = exchange.send(outcome)
            if isinstance(step, Send):
                try:
                    outcome = await http.send(step.request)
                except httpx.TransportError as error:
                    outcome = error
            elif isinstance(step, FetchToken):
                outcome = step.credential.get_token(step.scope)
                if inspect.isawaitable(outcome):
                    outcome = await outcome
            else:
                await asyncio.sleep(step.seconds)
                outcome = None
    except StopIteration as done:
        result: T = done.value
        return result


def _doc_of(sync_method: Callable[..., Any]) -> Callable[[F], F]:
    def attach(method: F) -> F:
        method.__doc__ = sync_method.__doc__
        return method

    return attach


class WebPubSubServiceClient:
    __doc__ = (
        (sync.WebPubSubServiceClient.__doc__ or "")
        .replace("Synchronous client", "Asynchronous client")
        .replace("httpx.Client", "httpx.AsyncClient")
    )

    def __init__(
        self,
        endpoint: str,
        hub: str,
        credential: Any,
        *,
        api_version: str = DEFAULT_API_VERSION,
        reverse_proxy_endpoint: str | None = None,
        port: int | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT_SECONDS,
        retry_total: int = 3,
        retry_backoff_factor: float = 0.8,
        retry_backoff_max: float = 60.0,
        retry_on_status_codes: Collection[int] | None = None,
        http_client: httpx.AsyncClient | None = None,
        logging_enable: bool = False,
        **kwargs: Any,
    ) -> None:
        self._core: ServiceCore = build_core(
            endpoint,
            hub,
            credential,
            api_version=api_version,
            reverse_proxy_endpoint=reverse_proxy_endpoint,
            port=port,
            retry_total=retry_total,
            retry_backoff_factor=retry_backoff_factor,
            retry_backoff_max=retry_backoff_max,
            retry_on_status_codes=retry_on_status_codes,
            logging_enable=logging_enable,
        )
        self._options, http_args = client_options(
            kwargs,
            retry=self._core.retry,
            timeout=client_timeout(timeout) if http_client is None else http_client.timeout,
            logging_enable=logging_enable,
            own_http_client=http_client is None,
        )
        self._core.retry = self._options.retry
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self._options.timeout, **http_args)

    @classmethod
    @_doc_of(sync.WebPubSubServiceClient.from_connection_string)
    def from_connection_string(
        cls, connection_string: str, hub: str, **kwargs: Any
    ) -> WebPubSubServiceClient:
        return cls(hub=hub, **connection_string_arguments(connection_string, kwargs))

    @property
    def endpoint(self) -> str:
        """The service endpoint (including the port, without trailing slash)."""
        return self._core.origin

    @property
    def hub(self) -> str:
        """The hub this client addresses."""
        return self._core.hub

    @property
    def api_version(self) -> str:
        """The REST API version sent with every request."""
        return self._core.api_version

    async def _run(self, exchange: Exchange[T], kwargs: Mapping[str, Any]) -> T:
        with active(self._options.for_call(kwargs)):
            return await run_exchange(exchange, self._http)

    @_doc_of(sync.WebPubSubServiceClient.send_to_all)
    async def send_to_all(
        self,
        message: Message,
        *,
        excluded: list[str] | None = None,
        filter: str | None = None,
        content_type: str | None = None,
        message_ttl_seconds: int | None = None,
        **kwargs: Any,
    ) -> None:
        return await self._run(
            ops.send_to_all(
                self._core,
                message,
                excluded=excluded,
                filter=filter,
                content_type=content_type,
                message_ttl_seconds=message_ttl_seconds,
            ),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.send_to_user)
    async def send_to_user(
        self,
        user_id: str,
        message: Message,
        *,
        filter: str | None = None,
        content_type: str | None = None,
        message_ttl_seconds: int | None = None,
        **kwargs: Any,
    ) -> None:
        return await self._run(
            ops.send_to_user(
                self._core,
                user_id,
                message,
                filter=filter,
                content_type=content_type,
                message_ttl_seconds=message_ttl_seconds,
            ),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.send_to_group)
    async def send_to_group(
        self,
        group: str,
        message: Message,
        *,
        excluded: list[str] | None = None,
        filter: str | None = None,
        content_type: str | None = None,
        message_ttl_seconds: int | None = None,
        **kwargs: Any,
    ) -> None:
        return await self._run(
            ops.send_to_group(
                self._core,
                group,
                message,
                excluded=excluded,
                filter=filter,
                content_type=content_type,
                message_ttl_seconds=message_ttl_seconds,
            ),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.send_to_connection)
    async def send_to_connection(
        self,
        connection_id: str,
        message: Message,
        *,
        content_type: str | None = None,
        message_ttl_seconds: int | None = None,
        **kwargs: Any,
    ) -> None:
        return await self._run(
            ops.send_to_connection(
                self._core,
                connection_id,
                message,
                content_type=content_type,
                message_ttl_seconds=message_ttl_seconds,
            ),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.add_user_to_group)
    async def add_user_to_group(self, group: str, user_id: str, **kwargs: Any) -> None:
        return await self._run(ops.add_user_to_group(self._core, group, user_id), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.remove_user_from_group)
    async def remove_user_from_group(self, group: str, user_id: str, **kwargs: Any) -> None:
        return await self._run(ops.remove_user_from_group(self._core, group, user_id), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.remove_user_from_all_groups)
    async def remove_user_from_all_groups(self, user_id: str, **kwargs: Any) -> None:
        return await self._run(ops.remove_user_from_all_groups(self._core, user_id), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.add_connection_to_group)
    async def add_connection_to_group(self, group: str, connection_id: str, **kwargs: Any) -> None:
        return await self._run(
            ops.add_connection_to_group(self._core, group, connection_id), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.remove_connection_from_group)
    async def remove_connection_from_group(
        self, group: str, connection_id: str, **kwargs: Any
    ) -> None:
        return await self._run(
            ops.remove_connection_from_group(self._core, group, connection_id), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.remove_connection_from_all_groups)
    async def remove_connection_from_all_groups(self, connection_id: str, **kwargs: Any) -> None:
        return await self._run(
            ops.remove_connection_from_all_groups(self._core, connection_id), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.add_connections_to_groups)
    async def add_connections_to_groups(
        self, groups: list[str], filter: str, **kwargs: Any
    ) -> None:
        return await self._run(ops.add_connections_to_groups(self._core, groups, filter), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.remove_connections_from_groups)
    async def remove_connections_from_groups(
        self, groups: list[str], filter: str, **kwargs: Any
    ) -> None:
        return await self._run(
            ops.remove_connections_from_groups(self._core, groups, filter), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.list_connections)
    def list_connections(
        self, *, group: str, top: int | None = None, maxpagesize: int | None = None, **kwargs: Any
    ) -> AsyncItemPaged:
        return AsyncItemPaged(
            ops.list_connections(self._core, group=group, top=top, maxpagesize=maxpagesize),
            lambda page: self._run(page, kwargs),
        )

    @_doc_of(sync.WebPubSubServiceClient.connection_exists)
    async def connection_exists(self, connection_id: str, **kwargs: Any) -> bool:
        return await self._run(ops.connection_exists(self._core, connection_id), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.user_exists)
    async def user_exists(self, user_id: str, **kwargs: Any) -> bool:
        return await self._run(ops.user_exists(self._core, user_id), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.group_exists)
    async def group_exists(self, group: str, **kwargs: Any) -> bool:
        return await self._run(ops.group_exists(self._core, group), kwargs)

    @_doc_of(sync.WebPubSubServiceClient.close_all_connections)
    async def close_all_connections(
        self, *, excluded: list[str] | None = None, reason: str | None = None, **kwargs: Any
    ) -> None:
        return await self._run(
            ops.close_all_connections(self._core, excluded=excluded, reason=reason), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.close_user_connections)
    async def close_user_connections(
        self,
        user_id: str,
        *,
        excluded: list[str] | None = None,
        reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        return await self._run(
            ops.close_user_connections(self._core, user_id, excluded=excluded, reason=reason),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.close_group_connections)
    async def close_group_connections(
        self,
        group: str,
        *,
        excluded: list[str] | None = None,
        reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        return await self._run(
            ops.close_group_connections(self._core, group, excluded=excluded, reason=reason), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.close_connection)
    async def close_connection(
        self, connection_id: str, *, reason: str | None = None, **kwargs: Any
    ) -> None:
        return await self._run(
            ops.close_connection(self._core, connection_id, reason=reason), kwargs
        )

    @_doc_of(sync.WebPubSubServiceClient.grant_permission)
    async def grant_permission(
        self, permission: str, connection_id: str, *, target_name: str | None = None, **kwargs: Any
    ) -> None:
        return await self._run(
            ops.grant_permission(self._core, permission, connection_id, target_name=target_name),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.revoke_permission)
    async def revoke_permission(
        self, permission: str, connection_id: str, *, target_name: str | None = None, **kwargs: Any
    ) -> None:
        return await self._run(
            ops.revoke_permission(self._core, permission, connection_id, target_name=target_name),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.has_permission)
    async def has_permission(
        self, permission: str, connection_id: str, *, target_name: str | None = None, **kwargs: Any
    ) -> bool:
        return await self._run(
            ops.has_permission(self._core, permission, connection_id, target_name=target_name),
            kwargs,
        )

    check_permission = has_permission

    @_doc_of(sync.WebPubSubServiceClient.get_client_access_token)
    async def get_client_access_token(
        self,
        *,
        user_id: str | None = None,
        roles: list[str] | str | None = None,
        groups: list[str] | str | None = None,
        minutes_to_expire: int = 60,
        jwt_headers: dict[str, Any] | None = None,
        client_protocol: str = "Default",
        **kwargs: Any,
    ) -> dict[str, str]:
        return await self._run(
            ops.get_client_access_token(
                self._core,
                user_id=user_id,
                roles=one_or_many(roles),
                groups=one_or_many(groups),
                minutes_to_expire=minutes_to_expire,
                jwt_headers=jwt_headers,
                client_protocol=client_protocol,
            ),
            kwargs,
        )

    @_doc_of(sync.WebPubSubServiceClient.send_request)
    async def send_request(
        self, request: HttpRequest | httpx.Request, **kwargs: Any
    ) -> httpx.Response:
        return await self._run(send_request(self._core, request), kwargs)

    async def close(self) -> None:
        """Close the connection pool (unless ``http_client`` was supplied by the caller)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> WebPubSubServiceClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(endpoint={self._core.origin!r}, hub={self._core.hub!r}, "
            "credential=<redacted>)"
        )
