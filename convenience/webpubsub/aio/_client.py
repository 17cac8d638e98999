"""The asynchronous client: the same operations as :mod:`webpubsub`, awaited.

Every method builds its exchange with the same shared builder as the sync client; only
:func:`run_exchange` differs (``httpx.AsyncClient``, a sleep that works on asyncio and
trio, awaited credentials).
The client class is generated from the sync one by ``scripts/unasync.py``; this file is
hand-written above the marker line only.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

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
from .._lazy import lazy_module
from .._transport import default_async_http_client
from ..credentials import AsyncCredential
from ..models import ClientAccessToken, ClientProtocol, Permission
from ._paging import AsyncItemPaged
from ._sleep import sleep

if TYPE_CHECKING:
    from .. import _operations as ops
else:
    # The builders (and the generated client under them) load on the first call.
    ops = lazy_module("webpubsub._operations")

__all__ = ["AsyncItemPaged", "WebPubSubServiceClient", "run_exchange"]

T = TypeVar("T")


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
                await sleep(step.seconds)
                outcome = None
    except StopIteration as done:
        result: T = done.value
        return result


# --- generated below from ../_client.py by scripts/unasync.py; do not edit ---


class WebPubSubServiceClient:
    """Asynchronous client for one hub of an Azure Web PubSub service (or the local emulator).

    Args:
        endpoint: ``http(s)://`` URL of the service, e.g. ``"https://x.webpubsub.azure.com"``.
        hub: hub name: a letter, then up to 127 letters, digits or ``_ ` , . [ ]``.
        credential: :class:`~webpubsub.AzureKeyCredential` (or any object whose ``.key`` is
            the access key, such as ``azure.core.credentials.AzureKeyCredential``), or an Entra
            ID token credential with ``get_token(*scopes)``.

    Keyword Args:
        api_version: REST API version sent as ``api-version`` (default: the newest in the
            spec, ``webpubsub_rest.spec_facts.DEFAULT_API_VERSION``).
        reverse_proxy_endpoint: send requests here (e.g. Azure API Management) instead of
            ``endpoint``; tokens keep ``endpoint`` as their audience.
        port: port to use with ``endpoint`` (1..65535), replacing any port in it.
        timeout: seconds allowed per HTTP request (float), an ``httpx.Timeout``, or ``None``
            for no limit; default 60. Ignored when ``http_client`` is given.
        retry_total: retries after the first attempt (default 3; ``0`` disables retries).
        retry_backoff_factor: seconds; retry *n* waits ``factor * 2**(n-1)`` ±20% unless the
            response carries ``Retry-After`` / ``retry-after-ms`` (default 0.8).
        retry_backoff_max: cap in seconds of a computed backoff (default 60).
        retry_on_status_codes: statuses to retry (default 408, 429, 500, 502, 503, 504).
        http_client: an ``httpx.AsyncClient`` to send with (its pool, proxies, TLS settings); the
            caller keeps ownership and closes it.
        logging_enable: also log request headers (``Authorization`` redacted) at DEBUG on the
            ``webpubsub`` logger; method, URL, status and duration are always logged at DEBUG.
        user_agent (str): put in front of ``webpubsub/<version> Python/<x.y> (<platform>)``
            in the ``User-Agent`` header (``user_agent_overwrite=True``: sent alone).
        headers (dict[str, str]): headers added to every request.
        connection_timeout (float): seconds, overrides that phase of ``timeout``.
        read_timeout (float): seconds, overrides that phase of ``timeout``.
        retry_mode (str): ``"exponential"`` (default) or ``"fixed"`` backoff.
        transport (httpx.BaseTransport): an ``httpx`` transport for the client this class
            creates; ``connection_verify`` / ``connection_cert``: its TLS ``verify`` /
            ``cert``.

    Note:
        Every method also takes the per-call keywords ``headers``, ``params``,
        ``logging_enable``, ``user_agent``, ``request_id``, ``timeout``,
        ``connection_timeout``, ``read_timeout`` and the ``retry_*`` options above; azure-core
        machinery (``cls``, ``error_map``, pipeline policies) raises
        :class:`InvalidArgumentTypeError` saying what to use instead.

    Raises:
        InvalidArgumentError: an argument breaks a rule (message names it and the rule).
        InvalidArgumentTypeError: ``credential`` or another argument has an unusable type.
    """

    def __init__(
        self,
        endpoint: str,
        hub: str,
        credential: AsyncCredential,
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
        self._http = http_client or default_async_http_client(self._options.timeout, **http_args)

    @classmethod
    def from_connection_string(
        cls, connection_string: str, hub: str, **kwargs: Any
    ) -> WebPubSubServiceClient:
        """Create a client from ``Endpoint=...;AccessKey=...;Version=1.0;[Port=...;]``.

        Keys are case-insensitive; ``kwargs`` are the constructor's keyword arguments (an
        explicit ``port`` overrides the string's ``Port``).

        Raises:
            InvalidConnectionStringError: malformed string, missing ``Endpoint`` / ``AccessKey``,
                or a bad ``Port`` (the key is never included in the message).
            InvalidArgumentError: as for the constructor.
        """
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

    # -- sending ---------------------------------------------------------------------------

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
        """Broadcast a message to every connection of the hub.

        ``POST /api/hubs/{hub}/:send``.

        Args:
            message: ``str``, ``dict``, ``list``, number, ``bool``, ``bytes``-like or a file
                (read once). Encoded as the official SDK does: see ``content_type``.
            excluded: connection ids that must not receive it.
            filter: OData filter on ``userId``, ``connectionId`` and ``groups``, e.g.
                ``"userId ne 'bot'"``.
            content_type: ``"application/json"`` (the default: the message is JSON-encoded,
                bytes as a base64 string, a file sent as it is), ``"text/plain"`` or
                ``"application/octet-stream"`` (a ``str`` as UTF-8, bytes and files as they
                are, a ``dict`` form-encoded); sent exactly as given.
            message_ttl_seconds: 0..300; seconds the service keeps the message for slow
                clients (0: no expiry).

        Note:
            Takes the per-call keywords ``headers``, ``params``, ``request_id``,
            ``user_agent``, ``logging_enable``, ``timeout``, ``connection_timeout``,
            ``read_timeout`` and ``retry_*`` (see the class).

        Raises:
            InvalidArgumentError, InvalidArgumentTypeError: before sending, for a bad argument
                (a list, number or bool with a text or binary content type; an azure-core
                keyword such as ``cls``).
            HttpResponseError: the service refused it (subclass by status: 401, 403, 404, 409,
                429).
            ServiceRequestError: the service could not be reached (after retries).
        """
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
        """Send a message to every connection of a user.

        ``POST /api/hubs/{hub}/users/{userId}/:send``. ``user_id`` must be non-empty; the other
        arguments and the errors are as for :meth:`send_to_all`.
        """
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
        """Send a message to every connection in a group.

        ``POST /api/hubs/{hub}/groups/{group}/:send``. ``group`` is 1..1024 characters, not
        only whitespace; the other arguments and the errors are as for :meth:`send_to_all`.
        """
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

    async def send_to_connection(
        self,
        connection_id: str,
        message: Message,
        *,
        content_type: str | None = None,
        message_ttl_seconds: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Send a message to one connection.

        ``POST /api/hubs/{hub}/connections/{connectionId}/:send``. ``connection_id`` must be
        non-empty; the other arguments and the errors are as for :meth:`send_to_all`.
        """
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

    # -- groups ----------------------------------------------------------------------------

    async def add_user_to_group(self, group: str, user_id: str, **kwargs: Any) -> None:
        """Add every connection of a user, present and future, to a group.

        ``PUT /api/hubs/{hub}/users/{userId}/groups/{group}``.

        Raises:
            InvalidArgumentError: empty ``user_id`` or a group outside 1..1024 characters.
            HttpResponseError / ServiceRequestError: as for :meth:`send_to_all`.
        """
        return await self._run(ops.add_user_to_group(self._core, group, user_id), kwargs)

    async def remove_user_from_group(self, group: str, user_id: str, **kwargs: Any) -> None:
        """Remove a user's connections from a group.

        ``DELETE /api/hubs/{hub}/users/{userId}/groups/{group}``; errors as
        :meth:`add_user_to_group`.
        """
        return await self._run(ops.remove_user_from_group(self._core, group, user_id), kwargs)

    async def remove_user_from_all_groups(self, user_id: str, **kwargs: Any) -> None:
        """Remove a user's connections from every group.

        ``DELETE /api/hubs/{hub}/users/{userId}/groups``; errors as :meth:`add_user_to_group`.
        """
        return await self._run(ops.remove_user_from_all_groups(self._core, user_id), kwargs)

    async def add_connection_to_group(self, group: str, connection_id: str, **kwargs: Any) -> None:
        """Add one connection to a group.

        ``PUT /api/hubs/{hub}/groups/{group}/connections/{connectionId}``.

        Raises:
            ResourceNotFoundError: the connection does not exist.
            InvalidArgumentError / HttpResponseError / ServiceRequestError: as
                :meth:`add_user_to_group`.
        """
        return await self._run(
            ops.add_connection_to_group(self._core, group, connection_id), kwargs
        )

    async def remove_connection_from_group(
        self, group: str, connection_id: str, **kwargs: Any
    ) -> None:
        """Remove one connection from a group.

        ``DELETE /api/hubs/{hub}/groups/{group}/connections/{connectionId}``; errors as
        :meth:`add_user_to_group`.
        """
        return await self._run(
            ops.remove_connection_from_group(self._core, group, connection_id), kwargs
        )

    async def remove_connection_from_all_groups(self, connection_id: str, **kwargs: Any) -> None:
        """Remove one connection from every group.

        ``DELETE /api/hubs/{hub}/connections/{connectionId}/groups``; errors as
        :meth:`add_user_to_group`.
        """
        return await self._run(
            ops.remove_connection_from_all_groups(self._core, connection_id), kwargs
        )

    async def add_connections_to_groups(
        self, groups: list[str], filter: str, **kwargs: Any
    ) -> None:
        """Add every connection matching an OData filter to each of ``groups``.

        ``POST /api/hubs/{hub}/:addToGroups`` with ``{"groups": [...], "filter": "..."}``.

        Args:
            groups: at least one group name (each 1..1024 characters).
            filter: OData filter, e.g. ``"userId eq 'alice'"``; non-empty.

        Raises:
            InvalidArgumentError / InvalidArgumentTypeError: empty ``groups``, a bad group, a
                ``str`` passed as ``groups``, or an empty filter.
            HttpResponseError / ServiceRequestError: as for :meth:`send_to_all`.
        """
        return await self._run(ops.add_connections_to_groups(self._core, groups, filter), kwargs)

    async def remove_connections_from_groups(
        self, groups: list[str], filter: str, **kwargs: Any
    ) -> None:
        """Remove every connection matching an OData filter from each of ``groups``.

        ``POST /api/hubs/{hub}/:removeFromGroups``; arguments and errors as
        :meth:`add_connections_to_groups`.
        """
        return await self._run(
            ops.remove_connections_from_groups(self._core, groups, filter), kwargs
        )

    def list_connections(
        self, *, group: str, top: int | None = None, maxpagesize: int | None = None, **kwargs: Any
    ) -> AsyncItemPaged:
        """Iterate the connections in a group as :class:`~webpubsub.GroupMember` values.

        ``GET /api/hubs/{hub}/groups/{group}/connections``, then each ``nextLink``, lazily.

        Args:
            group: 1..1024 characters.
            top: stop after this many members (>= 1); default: all of them.
            maxpagesize: members per page requested from the service (1..200).

        Raises:
            InvalidArgumentError: immediately, for a bad argument.
            HttpResponseError / ServiceRequestError: while iterating, when a page fails.
        """
        return AsyncItemPaged(
            ops.list_connections(self._core, group=group, top=top, maxpagesize=maxpagesize),
            lambda page: self._run(page, kwargs),
        )

    # -- existence -------------------------------------------------------------------------

    async def connection_exists(self, connection_id: str, **kwargs: Any) -> bool:
        """Whether the connection is connected now.

        ``HEAD /api/hubs/{hub}/connections/{connectionId}`` (200: ``True``, 404: ``False``).

        Raises:
            InvalidArgumentError: empty ``connection_id``.
            HttpResponseError / ServiceRequestError: any other status / no answer.
        """
        return await self._run(ops.connection_exists(self._core, connection_id), kwargs)

    async def user_exists(self, user_id: str, **kwargs: Any) -> bool:
        """Whether the user has at least one connection.

        ``HEAD /api/hubs/{hub}/users/{userId}``; errors as :meth:`connection_exists`.
        """
        return await self._run(ops.user_exists(self._core, user_id), kwargs)

    async def group_exists(self, group: str, **kwargs: Any) -> bool:
        """Whether the group has at least one connection.

        ``HEAD /api/hubs/{hub}/groups/{group}``; errors as :meth:`connection_exists`.
        """
        return await self._run(ops.group_exists(self._core, group), kwargs)

    # -- closing ---------------------------------------------------------------------------

    async def close_all_connections(
        self, *, excluded: list[str] | None = None, reason: str | None = None, **kwargs: Any
    ) -> None:
        """Close every connection of the hub.

        ``POST /api/hubs/{hub}/:closeConnections``.

        Args:
            excluded: connection ids to keep open.
            reason: told to the clients in their ``disconnected`` message.

        Raises:
            InvalidArgumentTypeError: ``excluded`` is a ``str`` or holds non-strings.
            HttpResponseError / ServiceRequestError: as for :meth:`send_to_all`.
        """
        return await self._run(
            ops.close_all_connections(self._core, excluded=excluded, reason=reason), kwargs
        )

    async def close_user_connections(
        self,
        user_id: str,
        *,
        excluded: list[str] | None = None,
        reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Close every connection of a user.

        ``POST /api/hubs/{hub}/users/{userId}/:closeConnections``; arguments and errors as
        :meth:`close_all_connections`.
        """
        return await self._run(
            ops.close_user_connections(self._core, user_id, excluded=excluded, reason=reason),
            kwargs,
        )

    async def close_group_connections(
        self,
        group: str,
        *,
        excluded: list[str] | None = None,
        reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Close every connection in a group.

        ``POST /api/hubs/{hub}/groups/{group}/:closeConnections``; arguments and errors as
        :meth:`close_all_connections`.
        """
        return await self._run(
            ops.close_group_connections(self._core, group, excluded=excluded, reason=reason), kwargs
        )

    async def close_connection(
        self, connection_id: str, *, reason: str | None = None, **kwargs: Any
    ) -> None:
        """Close one connection.

        ``DELETE /api/hubs/{hub}/connections/{connectionId}``; errors as
        :meth:`close_all_connections`.
        """
        return await self._run(
            ops.close_connection(self._core, connection_id, reason=reason), kwargs
        )

    # -- permissions -----------------------------------------------------------------------

    async def grant_permission(
        self,
        permission: Permission,
        connection_id: str,
        *,
        target_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Grant a connection ``"sendToGroup"`` or ``"joinLeaveGroup"``.

        ``PUT /api/hubs/{hub}/permissions/{permission}/connections/{connectionId}``.

        Args:
            permission: ``"sendToGroup"`` or ``"joinLeaveGroup"``.
            connection_id: the connection.
            target_name: the group it applies to; ``None`` means every group.

        Raises:
            InvalidArgumentError: unknown permission or empty ``connection_id``.
            HttpResponseError / ServiceRequestError: as for :meth:`send_to_all`.
        """
        return await self._run(
            ops.grant_permission(self._core, permission, connection_id, target_name=target_name),
            kwargs,
        )

    async def revoke_permission(
        self,
        permission: Permission,
        connection_id: str,
        *,
        target_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Revoke a permission granted with :meth:`grant_permission`.

        ``DELETE /api/hubs/{hub}/permissions/{permission}/connections/{connectionId}``;
        arguments and errors as :meth:`grant_permission`.
        """
        return await self._run(
            ops.revoke_permission(self._core, permission, connection_id, target_name=target_name),
            kwargs,
        )

    async def has_permission(
        self,
        permission: Permission,
        connection_id: str,
        *,
        target_name: str | None = None,
        **kwargs: Any,
    ) -> bool:
        """Whether the connection holds the permission.

        ``HEAD /api/hubs/{hub}/permissions/{permission}/connections/{connectionId}``
        (200: ``True``, 404: ``False``); arguments and errors as :meth:`grant_permission`.
        """
        return await self._run(
            ops.has_permission(self._core, permission, connection_id, target_name=target_name),
            kwargs,
        )

    check_permission = has_permission

    # -- client access ---------------------------------------------------------------------

    async def get_client_access_token(
        self,
        *,
        user_id: str | None = None,
        roles: list[str] | str | None = None,
        groups: list[str] | str | None = None,
        minutes_to_expire: int = 60,
        jwt_headers: dict[str, Any] | None = None,
        client_protocol: ClientProtocol = "Default",
        **kwargs: Any,
    ) -> ClientAccessToken:
        """A URL and token for a WebSocket client to connect to this hub.

        With an access key the token is signed locally (no request); with an Entra ID
        credential it comes from ``POST /api/hubs/{hub}/:generateToken``.

        Args:
            user_id: the user the connection is authenticated as (JWT ``sub``).
            roles: e.g. ``["webpubsub.sendToGroup", "webpubsub.joinLeaveGroup.chat"]``; a
                single ``str`` is one role.
            groups: groups the connection joins when it connects (a ``str``: one group).
            minutes_to_expire: token lifetime in minutes, >= 1 (default 60).
            jwt_headers: extra JWT header fields, e.g. ``{"kid": "..."}`` (key signing only).
            client_protocol: ``"Default"``, ``"MQTT"`` or ``"SocketIO"`` (case-insensitive);
                selects the client path.

        Returns:
            ``{"baseUrl": "ws(s)://<host>/client/hubs/<hub>", "token": "<jwt>",
            "url": "<baseUrl>?access_token=<jwt>"}``.

        Raises:
            InvalidArgumentError / InvalidArgumentTypeError: a bad argument.
            HttpResponseError / ServiceRequestError: only with an Entra ID credential.
        """
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

    # -- raw requests and lifetime ---------------------------------------------------------

    async def send_request(
        self, request: HttpRequest | httpx.Request, **kwargs: Any
    ) -> httpx.Response:
        """Send a raw request with this client's authentication and retries.

        ``request`` is typically built by :mod:`webpubsub.rest`
        (``build_send_to_all_request(hub, json=...)``, ...). A relative URL
        (``HttpRequest("HEAD", "/api/health")``) is resolved against the endpoint (or the
        reverse proxy); each attempt carries a JWT whose ``aud`` is the full request URL.

        Returns:
            The ``httpx.Response`` whatever its status (``status_code``, ``headers``,
            ``text``, ``json()``, ``raise_for_status()``); retryable statuses are retried first.

        Raises:
            ServiceRequestError: the service could not be reached (after retries).
        """
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
