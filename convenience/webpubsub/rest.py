"""Low-level request builders: one ``build_<operation>_request`` per REST operation.

Each returns a :class:`HttpRequest` with a service-relative URL (query included) that
``WebPubSubServiceClient.send_request`` (sync or ``webpubsub.aio``) authenticates, retries and
sends; the response comes back whatever its status::

    request = build_send_to_all_request("default", json={"Hello": "webpubsub!"})
    response = client.send_request(request)  # response.status_code == 202

The builders are named and take their arguments as ``azure.messaging.webpubsubservice``'s
(hub first, then the operation's path parameters); the long
``build_web_pub_sub_service_<operation>_request`` names are aliases. Method, path and query
come from the generated ``webpubsub_rest`` operations (the OpenAPI description); arguments are
checked first and a bad one raises :class:`~webpubsub.InvalidArgumentError` /
:class:`~webpubsub.InvalidArgumentTypeError` naming it.

Message bodies (the four ``send_to_*`` operations) are given as ``json=`` (any JSON value,
sent as ``application/json``) or ``content=`` (``bytes``, ``str`` or a file object opened in
binary or text mode, read when the request is built) with ``content_type=`` (default
``text/plain`` for ``str``, ``application/octet-stream`` otherwise).

For the generated typed operations themselves (``webpubsub_rest.api.service.*``), sign each
request with :class:`WebPubSubAuth` (an ``httpx.Auth``)::

    from webpubsub_rest.client import Client
    auth = WebPubSubAuth(AzureKeyCredential(key))
    client = Client(base_url=endpoint, httpx_args={"auth": auth})
"""

from __future__ import annotations

import inspect
import json as jsonlib
import time
from collections.abc import AsyncGenerator, Generator
from typing import IO, Any

import httpx
from webpubsub_rest import spec_facts
from webpubsub_rest.api.service import (
    add_connection_to_group,
    add_connections_to_groups,
    add_user_to_group,
    check_permission,
    close_all_connections,
    close_connection,
    close_group_connections,
    close_user_connections,
    connection_exists,
    generate_client_token,
    get_service_status,
    grant_permission,
    group_exists,
    list_connections_in_group,
    remove_connection_from_all_groups,
    remove_connection_from_group,
    remove_connections_from_groups,
    remove_user_from_all_groups,
    remove_user_from_group,
    revoke_permission,
    send_to_all,
    send_to_connection,
    send_to_group,
    send_to_user,
    user_exists,
)
from webpubsub_rest.models import AddToGroupsRequest, RemoveFromGroupsRequest
from webpubsub_rest.types import UNSET

from . import _validation as check
from ._http_request import HttpRequest
from ._jwt import ServiceTokenSigner
from ._operations import service_target
from .credentials import WEBPUBSUB_SCOPE, AccessTokenLike
from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

__all__ = [
    "HttpRequest",
    "WebPubSubAuth",
    "build_add_connection_to_group_request",
    "build_add_connections_to_groups_request",
    "build_add_user_to_group_request",
    "build_close_all_connections_request",
    "build_close_connection_request",
    "build_close_group_connections_request",
    "build_close_user_connections_request",
    "build_connection_exists_request",
    "build_get_client_access_token_request",
    "build_get_service_status_request",
    "build_grant_permission_request",
    "build_group_exists_request",
    "build_has_permission_request",
    "build_list_connections_request",
    "build_remove_connection_from_all_groups_request",
    "build_remove_connection_from_group_request",
    "build_remove_connections_from_groups_request",
    "build_remove_user_from_all_groups_request",
    "build_remove_user_from_group_request",
    "build_revoke_permission_request",
    "build_send_to_all_request",
    "build_send_to_connection_request",
    "build_send_to_group_request",
    "build_send_to_user_request",
    "build_user_exists_request",
]

Content = bytes | str | IO[bytes] | IO[str]


def _opt(value: Any) -> Any:
    # The generated builders take UNSET, not None, for an omitted optional parameter.
    return UNSET if value is None else value


def _version(api_version: object) -> Any:
    return check.identifier("api_version", api_version)


def _request(
    built: httpx.Request,
    *,
    json: Any = None,
    content: Content | None = None,
    content_type: str | None = None,
) -> HttpRequest:
    """``built`` (from a generated ``build_request``) as a :class:`HttpRequest`, with the
    body given by ``json`` or ``content``."""
    if json is not None and content is not None:
        raise InvalidArgumentError("pass either json= or content=, not both")
    headers = {k: v for k, v in built.headers.items() if k.lower() != "content-length"}
    body: bytes | str | None = built.read() or None
    if json is not None:
        body = jsonlib.dumps(json)
        content_type = content_type or "application/json"
    elif content is not None:
        body = _read(content)
        if content_type is None:
            content_type = "text/plain" if isinstance(body, str) else "application/octet-stream"
    if content_type is not None:
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        headers["Content-Type"] = content_type
    return HttpRequest(built.method, service_target(built), headers=headers, content=body)


def _read(content: object) -> bytes | str:
    if isinstance(content, (bytes, str)):
        return content
    read = getattr(content, "read", None)
    body: object = read() if callable(read) else None
    if not isinstance(body, (bytes, str)):
        raise InvalidArgumentTypeError(
            f"content must be bytes, str or a file object, got {type(content).__name__}"
        )
    return body


def _ttl(message_ttl_seconds: object) -> Any:
    return _opt(check.ttl(message_ttl_seconds))


def _excluded(excluded: object) -> Any:
    return _opt(check.str_list("excluded", excluded))


# -- sending -------------------------------------------------------------------------------


def build_send_to_all_request(
    hub: str,
    *,
    json: Any = None,
    content: Content | None = None,
    content_type: str | None = None,
    excluded: list[str] | None = None,
    filter: str | None = None,
    message_ttl_seconds: int | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/:send``: broadcast to every connection of the hub."""
    built = send_to_all.build_request(
        check.hub(hub),
        api_version=_version(api_version),
        excluded=_excluded(excluded),
        filter_=_opt(check.optional_str("filter", filter)),
        message_ttl_seconds=_ttl(message_ttl_seconds),
    )
    return _request(built, json=json, content=content, content_type=content_type)


def build_send_to_user_request(
    hub: str,
    user_id: str,
    *,
    json: Any = None,
    content: Content | None = None,
    content_type: str | None = None,
    filter: str | None = None,
    message_ttl_seconds: int | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/users/{userId}/:send``: to every connection of a user."""
    built = send_to_user.build_request(
        check.hub(hub),
        check.identifier("user_id", user_id),
        api_version=_version(api_version),
        filter_=_opt(check.optional_str("filter", filter)),
        message_ttl_seconds=_ttl(message_ttl_seconds),
    )
    return _request(built, json=json, content=content, content_type=content_type)


def build_send_to_group_request(
    hub: str,
    group: str,
    *,
    json: Any = None,
    content: Content | None = None,
    content_type: str | None = None,
    excluded: list[str] | None = None,
    filter: str | None = None,
    message_ttl_seconds: int | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/groups/{group}/:send``: to every connection in a group."""
    built = send_to_group.build_request(
        check.hub(hub),
        check.group(group),
        api_version=_version(api_version),
        excluded=_excluded(excluded),
        filter_=_opt(check.optional_str("filter", filter)),
        message_ttl_seconds=_ttl(message_ttl_seconds),
    )
    return _request(built, json=json, content=content, content_type=content_type)


def build_send_to_connection_request(
    hub: str,
    connection_id: str,
    *,
    json: Any = None,
    content: Content | None = None,
    content_type: str | None = None,
    message_ttl_seconds: int | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/connections/{connectionId}/:send``: to one connection."""
    built = send_to_connection.build_request(
        check.hub(hub),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
        message_ttl_seconds=_ttl(message_ttl_seconds),
    )
    return _request(built, json=json, content=content, content_type=content_type)


# -- groups --------------------------------------------------------------------------------


def build_add_user_to_group_request(
    hub: str, group: str, user_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``PUT /api/hubs/{hub}/users/{userId}/groups/{group}``."""
    built = add_user_to_group.build_request(
        check.hub(hub),
        check.identifier("user_id", user_id),
        check.group(group),
        api_version=_version(api_version),
    )
    return _request(built)


def build_remove_user_from_group_request(
    hub: str, group: str, user_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``DELETE /api/hubs/{hub}/users/{userId}/groups/{group}``."""
    built = remove_user_from_group.build_request(
        check.hub(hub),
        check.identifier("user_id", user_id),
        check.group(group),
        api_version=_version(api_version),
    )
    return _request(built)


def build_remove_user_from_all_groups_request(
    hub: str, user_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``DELETE /api/hubs/{hub}/users/{userId}/groups``."""
    built = remove_user_from_all_groups.build_request(
        check.hub(hub), check.identifier("user_id", user_id), api_version=_version(api_version)
    )
    return _request(built)


def build_add_connection_to_group_request(
    hub: str, group: str, connection_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``PUT /api/hubs/{hub}/groups/{group}/connections/{connectionId}``."""
    built = add_connection_to_group.build_request(
        check.hub(hub),
        check.group(group),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
    )
    return _request(built)


def build_remove_connection_from_group_request(
    hub: str, group: str, connection_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``DELETE /api/hubs/{hub}/groups/{group}/connections/{connectionId}``."""
    built = remove_connection_from_group.build_request(
        check.hub(hub),
        check.group(group),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
    )
    return _request(built)


def build_remove_connection_from_all_groups_request(
    hub: str, connection_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``DELETE /api/hubs/{hub}/connections/{connectionId}/groups``."""
    built = remove_connection_from_all_groups.build_request(
        check.hub(hub),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
    )
    return _request(built)


def build_add_connections_to_groups_request(
    hub: str, groups: list[str], filter: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``POST /api/hubs/{hub}/:addToGroups`` with ``{"groups": [...], "filter": "..."}``."""
    body = AddToGroupsRequest(
        groups=check.group_list("groups", groups), filter_=check.identifier("filter", filter)
    )
    built = add_connections_to_groups.build_request(
        check.hub(hub), body=body, api_version=_version(api_version)
    )
    return _request(built)


def build_remove_connections_from_groups_request(
    hub: str, groups: list[str], filter: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``POST /api/hubs/{hub}/:removeFromGroups`` with ``{"groups": [...], "filter": "..."}``."""
    body = RemoveFromGroupsRequest(
        groups=check.group_list("groups", groups), filter_=check.identifier("filter", filter)
    )
    built = remove_connections_from_groups.build_request(
        check.hub(hub), body=body, api_version=_version(api_version)
    )
    return _request(built)


def build_list_connections_request(
    hub: str,
    group: str,
    *,
    maxpagesize: int | None = None,
    top: int | None = None,
    continuation_token_parameter: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``GET /api/hubs/{hub}/groups/{group}/connections``: one page of members (JSON
    ``{"value": [...], "nextLink": ...}``; ``webpubsub_rest.models.GroupMemberPage`` parses
    it)."""
    page_size = None
    if maxpagesize is not None:
        page_size = check.bounded_int(
            "maxpagesize", maxpagesize, spec_facts.MAX_PAGE_SIZE_MIN, spec_facts.MAX_PAGE_SIZE_MAX
        )
    limit = None if top is None else check.bounded_int("top", top, spec_facts.TOP_MIN)
    built = list_connections_in_group.build_request(
        check.hub(hub),
        check.group(group),
        api_version=_version(api_version),
        maxpagesize=_opt(page_size),
        top=_opt(limit),
        continuation_token=_opt(
            check.optional_str("continuation_token_parameter", continuation_token_parameter)
        ),
    )
    return _request(built)


# -- existence -----------------------------------------------------------------------------


def build_connection_exists_request(
    hub: str, connection_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``HEAD /api/hubs/{hub}/connections/{connectionId}`` (200 or 404)."""
    built = connection_exists.build_request(
        check.hub(hub),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
    )
    return _request(built)


def build_user_exists_request(
    hub: str, user_id: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``HEAD /api/hubs/{hub}/users/{userId}`` (200 or 404)."""
    built = user_exists.build_request(
        check.hub(hub), check.identifier("user_id", user_id), api_version=_version(api_version)
    )
    return _request(built)


def build_group_exists_request(
    hub: str, group: str, *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``HEAD /api/hubs/{hub}/groups/{group}`` (200 or 404)."""
    built = group_exists.build_request(
        check.hub(hub), check.group(group), api_version=_version(api_version)
    )
    return _request(built)


def build_get_service_status_request(
    *, api_version: str = spec_facts.DEFAULT_API_VERSION
) -> HttpRequest:
    """``HEAD /api/health`` (200 when the service is up)."""
    return _request(get_service_status.build_request(api_version=_version(api_version)))


# -- closing -------------------------------------------------------------------------------


def build_close_all_connections_request(
    hub: str,
    *,
    excluded: list[str] | None = None,
    reason: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/:closeConnections``."""
    built = close_all_connections.build_request(
        check.hub(hub),
        api_version=_version(api_version),
        excluded=_excluded(excluded),
        reason=_opt(check.optional_str("reason", reason)),
    )
    return _request(built)


def build_close_user_connections_request(
    hub: str,
    user_id: str,
    *,
    excluded: list[str] | None = None,
    reason: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/users/{userId}/:closeConnections``."""
    built = close_user_connections.build_request(
        check.hub(hub),
        check.identifier("user_id", user_id),
        api_version=_version(api_version),
        excluded=_excluded(excluded),
        reason=_opt(check.optional_str("reason", reason)),
    )
    return _request(built)


def build_close_group_connections_request(
    hub: str,
    group: str,
    *,
    excluded: list[str] | None = None,
    reason: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/groups/{group}/:closeConnections``."""
    built = close_group_connections.build_request(
        check.hub(hub),
        check.group(group),
        api_version=_version(api_version),
        excluded=_excluded(excluded),
        reason=_opt(check.optional_str("reason", reason)),
    )
    return _request(built)


def build_close_connection_request(
    hub: str,
    connection_id: str,
    *,
    reason: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``DELETE /api/hubs/{hub}/connections/{connectionId}``."""
    built = close_connection.build_request(
        check.hub(hub),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
        reason=_opt(check.optional_str("reason", reason)),
    )
    return _request(built)


# -- permissions ---------------------------------------------------------------------------


def build_grant_permission_request(
    hub: str,
    permission: spec_facts.Permission,
    connection_id: str,
    *,
    target_name: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``PUT /api/hubs/{hub}/permissions/{permission}/connections/{connectionId}``."""
    built = grant_permission.build_request(
        check.hub(hub),
        check.permission(permission),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
        target_name=_opt(check.optional_str("target_name", target_name)),
    )
    return _request(built)


def build_revoke_permission_request(
    hub: str,
    permission: spec_facts.Permission,
    connection_id: str,
    *,
    target_name: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``DELETE /api/hubs/{hub}/permissions/{permission}/connections/{connectionId}``."""
    built = revoke_permission.build_request(
        check.hub(hub),
        check.permission(permission),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
        target_name=_opt(check.optional_str("target_name", target_name)),
    )
    return _request(built)


def build_has_permission_request(
    hub: str,
    permission: spec_facts.Permission,
    connection_id: str,
    *,
    target_name: str | None = None,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``HEAD /api/hubs/{hub}/permissions/{permission}/connections/{connectionId}``."""
    built = check_permission.build_request(
        check.hub(hub),
        check.permission(permission),
        check.identifier("connection_id", connection_id),
        api_version=_version(api_version),
        target_name=_opt(check.optional_str("target_name", target_name)),
    )
    return _request(built)


# -- client access tokens ------------------------------------------------------------------


def build_get_client_access_token_request(
    hub: str,
    *,
    user_id: str | None = None,
    roles: list[str] | None = None,
    minutes_to_expire: int = spec_facts.MINUTES_TO_EXPIRE_DEFAULT,
    groups: list[str] | None = None,
    client_protocol: spec_facts.ClientType = spec_facts.DEFAULT_CLIENT_TYPE,
    api_version: str = spec_facts.DEFAULT_API_VERSION,
) -> HttpRequest:
    """``POST /api/hubs/{hub}/:generateToken`` (JSON ``{"token": "..."}``, parse it with
    ``webpubsub_rest.models.ClientTokenResponse``); ``minutes_to_expire`` in minutes."""
    built = generate_client_token.build_request(
        check.hub(hub),
        api_version=_version(api_version),
        user_id=_opt(check.optional_str("user_id", user_id)),
        role=_opt(check.str_list("roles", roles)),
        minutes_to_expire=check.bounded_int(
            "minutes_to_expire", minutes_to_expire, spec_facts.MINUTES_TO_EXPIRE_MIN
        ),
        group=_opt(check.str_list("groups", groups)),
        client_type=check.client_protocol(client_protocol),
    )
    return _request(built)


# The names azure-messaging-webpubsubservice 1.3.0 gives the same builders.
build_web_pub_sub_service_send_to_all_request = build_send_to_all_request
build_web_pub_sub_service_send_to_user_request = build_send_to_user_request
build_web_pub_sub_service_send_to_group_request = build_send_to_group_request
build_web_pub_sub_service_send_to_connection_request = build_send_to_connection_request
build_web_pub_sub_service_add_user_to_group_request = build_add_user_to_group_request
build_web_pub_sub_service_remove_user_from_group_request = build_remove_user_from_group_request
build_web_pub_sub_service_remove_user_from_all_groups_request = (
    build_remove_user_from_all_groups_request
)
build_web_pub_sub_service_add_connection_to_group_request = build_add_connection_to_group_request
build_web_pub_sub_service_remove_connection_from_group_request = (
    build_remove_connection_from_group_request
)
build_web_pub_sub_service_remove_connection_from_all_groups_request = (
    build_remove_connection_from_all_groups_request
)
build_web_pub_sub_service_list_connections_request = build_list_connections_request
build_web_pub_sub_service_connection_exists_request = build_connection_exists_request
build_web_pub_sub_service_user_exists_request = build_user_exists_request
build_web_pub_sub_service_group_exists_request = build_group_exists_request
build_web_pub_sub_service_close_all_connections_request = build_close_all_connections_request
build_web_pub_sub_service_close_user_connections_request = build_close_user_connections_request
build_web_pub_sub_service_close_group_connections_request = build_close_group_connections_request
build_web_pub_sub_service_close_connection_request = build_close_connection_request
build_web_pub_sub_service_grant_permission_request = build_grant_permission_request
build_web_pub_sub_service_revoke_permission_request = build_revoke_permission_request
build_web_pub_sub_service_has_permission_request = build_has_permission_request
build_web_pub_sub_service_get_client_access_token_request = build_get_client_access_token_request


class WebPubSubAuth(httpx.Auth):
    """``httpx.Auth`` that signs each request for its own URL, for callers of the generated
    typed operations (``webpubsub_rest``) or of a plain ``httpx.Client`` / ``AsyncClient``.

    With an access key credential (``.key``), each request gets a fresh HS256 JWT whose
    ``aud`` is the request's full URL (query included), as the service requires. With an Entra
    ID token credential (``get_token``, sync or async), it sends the bearer token for the
    ``https://webpubsub.azure.com/.default`` scope, refreshed when it expires.

    Args:
        credential: :class:`~webpubsub.AzureKeyCredential` (or any object whose ``.key`` is the
            access key) or a token credential.

    Raises:
        InvalidArgumentTypeError: ``credential`` is neither kind; an async ``get_token`` used
            with a sync ``httpx.Client``.
    """

    def __init__(self, credential: object) -> None:
        if isinstance(getattr(credential, "key", None), str):
            self._signer: ServiceTokenSigner | None = ServiceTokenSigner(credential)
        elif callable(getattr(credential, "get_token", None)):
            self._signer = None
        else:
            raise InvalidArgumentTypeError(
                f"credential of type {type(credential).__name__} is not supported: pass an "
                "AzureKeyCredential (or any object whose .key is the access key) or a token "
                "credential with get_token()"
            )
        self._credential: Any = credential
        self._token: AccessTokenLike | None = None

    def _fresh(self) -> str | None:
        if self._token is not None and float(self._token.expires_on) - time.time() > 60:
            return self._token.token
        return None

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if self._signer is not None:
            request.headers["Authorization"] = "Bearer " + self._signer.token_for(str(request.url))
        else:
            bearer = self._fresh()
            if bearer is None:
                token = self._credential.get_token(WEBPUBSUB_SCOPE)
                if inspect.isawaitable(token):
                    if inspect.iscoroutine(token):
                        token.close()
                    raise InvalidArgumentTypeError(
                        "credential.get_token is asynchronous; use WebPubSubAuth with an "
                        "httpx.AsyncClient"
                    )
                self._token = token
                bearer = token.token
            request.headers["Authorization"] = "Bearer " + bearer
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._signer is not None:
            request.headers["Authorization"] = "Bearer " + self._signer.token_for(str(request.url))
        else:
            bearer = self._fresh()
            if bearer is None:
                token = self._credential.get_token(WEBPUBSUB_SCOPE)
                if inspect.isawaitable(token):
                    token = await token
                self._token = token
                bearer = token.token
            request.headers["Authorization"] = "Bearer " + bearer
        yield request

    def __repr__(self) -> str:
        return "WebPubSubAuth(credential=<redacted>)"
