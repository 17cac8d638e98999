"""One builder per REST operation, shared by the sync and async clients.

Each builder validates its arguments, gets method, path, query and headers from the generated
operation's public ``request_kwargs`` (so from the spec), addresses them to the client's base
URL and returns the exchange that runs it (see :mod:`webpubsub._core`). Nothing here performs
I/O.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any, cast

import httpx
from webpubsub_rest.api.service import (
    add_connection_to_group as rest_add_connection_to_group,
)
from webpubsub_rest.api.service import (
    add_connections_to_groups as rest_add_connections_to_groups,
)
from webpubsub_rest.api.service import add_user_to_group as rest_add_user_to_group
from webpubsub_rest.api.service import check_permission as rest_check_permission
from webpubsub_rest.api.service import close_all_connections as rest_close_all_connections
from webpubsub_rest.api.service import close_connection as rest_close_connection
from webpubsub_rest.api.service import close_group_connections as rest_close_group_connections
from webpubsub_rest.api.service import close_user_connections as rest_close_user_connections
from webpubsub_rest.api.service import connection_exists as rest_connection_exists
from webpubsub_rest.api.service import generate_client_token as rest_generate_client_token
from webpubsub_rest.api.service import grant_permission as rest_grant_permission
from webpubsub_rest.api.service import group_exists as rest_group_exists
from webpubsub_rest.api.service import list_connections_in_group as rest_list_connections
from webpubsub_rest.api.service import (
    remove_connection_from_all_groups as rest_remove_connection_from_all_groups,
)
from webpubsub_rest.api.service import (
    remove_connection_from_group as rest_remove_connection_from_group,
)
from webpubsub_rest.api.service import (
    remove_connections_from_groups as rest_remove_connections_from_groups,
)
from webpubsub_rest.api.service import (
    remove_user_from_all_groups as rest_remove_user_from_all_groups,
)
from webpubsub_rest.api.service import remove_user_from_group as rest_remove_user_from_group
from webpubsub_rest.api.service import revoke_permission as rest_revoke_permission
from webpubsub_rest.api.service import send_to_all as rest_send_to_all
from webpubsub_rest.api.service import send_to_connection as rest_send_to_connection
from webpubsub_rest.api.service import send_to_group as rest_send_to_group
from webpubsub_rest.api.service import send_to_user as rest_send_to_user
from webpubsub_rest.api.service import user_exists as rest_user_exists
from webpubsub_rest.models import (
    AddToGroupsRequest,
    ApiVersion,
    ClientTokenResponse,
    RemoveFromGroupsRequest,
)
from webpubsub_rest.types import UNSET

from . import _validation as check
from ._content import encode_message
from ._core import Call, Exchange, ServiceCore
from ._jwt import encode_hs256
from ._paging import ConnectionPages
from .exceptions import InvalidArgumentTypeError, ServiceResponseError
from .models import ClientAccessToken

_SUCCESS = range(200, 300)
_EXISTS = (*_SUCCESS, 404)

#: Client URL path prefix per client protocol.
_CLIENT_PATHS = {
    "Default": "/client/hubs/",
    "MQTT": "/clients/mqtt/hubs/",
    "SocketIO": "/clients/socketio/hubs/",
}


#: A group, user or connection named "." or ".." would be a dot segment that URL
#: normalisation resolves away (``groups/../:send`` becomes the hub-wide ``:send``), so those
#: names travel percent-encoded.
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def _request(
    core: ServiceCore,
    rest: dict[str, Any],
    *,
    content: bytes | None = None,
    content_type: str | None = None,
) -> httpx.Request:
    """The ``httpx.Request`` for a generated operation's ``request_kwargs`` (method, path,
    query, headers), addressed to the client's base URL, with ``content`` as its body if given.

    Messages are encoded by :mod:`webpubsub._content` instead of the generated body models so
    that every body is bytes (replayable on retry) and the caller's content type is kept."""
    url: str = rest["url"]
    path = "/".join(_DOT_SEGMENTS.get(segment, segment) for segment in url.split("/"))
    headers: dict[str, str] = dict(rest.get("headers") or {})
    body = rest.get("json")
    if body is not None:
        content = json.dumps(body).encode()
    if content_type is not None:
        headers["Content-Type"] = content_type
    return httpx.Request(
        rest["method"].upper(),
        _url(core.base_url + path, _query_pairs(rest.get("params"))),
        content=content,
        headers=headers or None,
    )


def _query_pairs(params: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """``params`` as hashable (name, value) pairs, a list value as repeated pairs."""
    if not params:
        return ()
    pairs: list[tuple[str, Any]] = []
    for name, value in params.items():
        pairs.extend((name, item) for item in _as_list(value))
    return tuple(pairs)


def _as_list(value: Any) -> Iterable[Any]:
    return cast("Iterable[Any]", value) if isinstance(value, list) else (value,)


@functools.lru_cache(maxsize=256)
def _url(url: str, query: tuple[tuple[str, Any], ...]) -> httpx.URL:
    # Parsing a URL is the largest part of building a request (measured: ~8% of an async
    # call's client CPU), and a client mostly repeats a few (``:send`` to its hub).
    # httpx.URL is immutable, so one parsed URL serves every request to it.
    return httpx.URL(url, params=query) if query else httpx.URL(url)


def service_target(built: httpx.Request) -> str:
    """Path and query of ``built`` (a relative request), dot segments kept literal."""
    path, _, query = built.url.raw_path.decode("ascii").partition("?")
    path = "/".join(_DOT_SEGMENTS.get(segment, segment) for segment in path.split("/"))
    return path + ("?" + query if query else "")


def _none(_: httpx.Response) -> None:
    return None


def _found(response: httpx.Response) -> bool:
    return response.status_code != 404


def _run(core: ServiceCore, request: httpx.Request) -> Exchange[None]:
    return core.exchange(Call(request, _SUCCESS, _none))


def _exists(core: ServiceCore, request: httpx.Request) -> Exchange[bool]:
    return core.exchange(Call(request, _EXISTS, _found))


def _version(core: ServiceCore) -> ApiVersion:
    # Any version string is passed through, so services newer than the spec keep working.
    return cast(ApiVersion, core.api_version)


def _unset_if_none(value: Any) -> Any:
    # The generated builders take UNSET, not None, for an omitted optional parameter.
    return UNSET if value is None else value


# -- sending -------------------------------------------------------------------------------


def send_to_all(
    core: ServiceCore,
    message: object,
    *,
    excluded: object,
    filter: object,
    content_type: str | None,
    message_ttl_seconds: object,
) -> Exchange[None]:
    rest = rest_send_to_all.request_kwargs(
        hub=core.hub,
        excluded=_unset_if_none(check.str_list("excluded", excluded)),
        filter_=_unset_if_none(check.optional_str("filter", filter)),
        message_ttl_seconds=_unset_if_none(check.ttl(message_ttl_seconds)),
        api_version=_version(core),
    )
    content, media = encode_message(message, content_type)
    return _run(core, _request(core, rest, content=content, content_type=media))


def send_to_user(
    core: ServiceCore,
    user_id: object,
    message: object,
    *,
    filter: object,
    content_type: str | None,
    message_ttl_seconds: object,
) -> Exchange[None]:
    rest = rest_send_to_user.request_kwargs(
        hub=core.hub,
        user_id=check.identifier("user_id", user_id),
        filter_=_unset_if_none(check.optional_str("filter", filter)),
        message_ttl_seconds=_unset_if_none(check.ttl(message_ttl_seconds)),
        api_version=_version(core),
    )
    content, media = encode_message(message, content_type)
    return _run(core, _request(core, rest, content=content, content_type=media))


def send_to_group(
    core: ServiceCore,
    group: object,
    message: object,
    *,
    excluded: object,
    filter: object,
    content_type: str | None,
    message_ttl_seconds: object,
) -> Exchange[None]:
    rest = rest_send_to_group.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        excluded=_unset_if_none(check.str_list("excluded", excluded)),
        filter_=_unset_if_none(check.optional_str("filter", filter)),
        message_ttl_seconds=_unset_if_none(check.ttl(message_ttl_seconds)),
        api_version=_version(core),
    )
    content, media = encode_message(message, content_type)
    return _run(core, _request(core, rest, content=content, content_type=media))


def send_to_connection(
    core: ServiceCore,
    connection_id: object,
    message: object,
    *,
    content_type: str | None,
    message_ttl_seconds: object,
) -> Exchange[None]:
    rest = rest_send_to_connection.request_kwargs(
        hub=core.hub,
        connection_id=check.identifier("connection_id", connection_id),
        message_ttl_seconds=_unset_if_none(check.ttl(message_ttl_seconds)),
        api_version=_version(core),
    )
    content, media = encode_message(message, content_type)
    return _run(core, _request(core, rest, content=content, content_type=media))


# -- groups --------------------------------------------------------------------------------


def add_user_to_group(core: ServiceCore, group: object, user_id: object) -> Exchange[None]:
    rest = rest_add_user_to_group.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        user_id=check.identifier("user_id", user_id),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def remove_user_from_group(core: ServiceCore, group: object, user_id: object) -> Exchange[None]:
    rest = rest_remove_user_from_group.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        user_id=check.identifier("user_id", user_id),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def remove_user_from_all_groups(core: ServiceCore, user_id: object) -> Exchange[None]:
    rest = rest_remove_user_from_all_groups.request_kwargs(
        hub=core.hub, user_id=check.identifier("user_id", user_id), api_version=_version(core)
    )
    return _run(core, _request(core, rest))


def add_connection_to_group(
    core: ServiceCore, group: object, connection_id: object
) -> Exchange[None]:
    rest = rest_add_connection_to_group.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        connection_id=check.identifier("connection_id", connection_id),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def remove_connection_from_group(
    core: ServiceCore, group: object, connection_id: object
) -> Exchange[None]:
    rest = rest_remove_connection_from_group.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        connection_id=check.identifier("connection_id", connection_id),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def remove_connection_from_all_groups(core: ServiceCore, connection_id: object) -> Exchange[None]:
    rest = rest_remove_connection_from_all_groups.request_kwargs(
        hub=core.hub,
        connection_id=check.identifier("connection_id", connection_id),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def add_connections_to_groups(core: ServiceCore, groups: object, filter: object) -> Exchange[None]:
    body = AddToGroupsRequest(
        groups=check.group_list("groups", groups), filter_=check.identifier("filter", filter)
    )
    rest = rest_add_connections_to_groups.request_kwargs(
        hub=core.hub, body=body, api_version=_version(core)
    )
    return _run(core, _request(core, rest))


def remove_connections_from_groups(
    core: ServiceCore, groups: object, filter: object
) -> Exchange[None]:
    body = RemoveFromGroupsRequest(
        groups=check.group_list("groups", groups), filter_=check.identifier("filter", filter)
    )
    rest = rest_remove_connections_from_groups.request_kwargs(
        hub=core.hub, body=body, api_version=_version(core)
    )
    return _run(core, _request(core, rest))


def list_connections(
    core: ServiceCore, *, group: object, top: object, maxpagesize: object
) -> ConnectionPages:
    checked_top = None if top is None else check.bounded_int("top", top, 1)
    page_size = (
        None
        if maxpagesize is None
        else check.bounded_int("maxpagesize", maxpagesize, 1, check.MAX_PAGE_SIZE)
    )
    rest = rest_list_connections.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        maxpagesize=_unset_if_none(page_size),
        top=_unset_if_none(checked_top),
        api_version=_version(core),
    )
    return ConnectionPages(core, _request(core, rest), checked_top)


# -- existence -----------------------------------------------------------------------------


def connection_exists(core: ServiceCore, connection_id: object) -> Exchange[bool]:
    rest = rest_connection_exists.request_kwargs(
        hub=core.hub,
        connection_id=check.identifier("connection_id", connection_id),
        api_version=_version(core),
    )
    return _exists(core, _request(core, rest))


def user_exists(core: ServiceCore, user_id: object) -> Exchange[bool]:
    rest = rest_user_exists.request_kwargs(
        hub=core.hub, user_id=check.identifier("user_id", user_id), api_version=_version(core)
    )
    return _exists(core, _request(core, rest))


def group_exists(core: ServiceCore, group: object) -> Exchange[bool]:
    rest = rest_group_exists.request_kwargs(
        hub=core.hub, group=check.group(group), api_version=_version(core)
    )
    return _exists(core, _request(core, rest))


# -- closing -------------------------------------------------------------------------------


def close_all_connections(core: ServiceCore, *, excluded: object, reason: object) -> Exchange[None]:
    rest = rest_close_all_connections.request_kwargs(
        hub=core.hub,
        excluded=_unset_if_none(check.str_list("excluded", excluded)),
        reason=_unset_if_none(check.optional_str("reason", reason)),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def close_user_connections(
    core: ServiceCore, user_id: object, *, excluded: object, reason: object
) -> Exchange[None]:
    rest = rest_close_user_connections.request_kwargs(
        hub=core.hub,
        user_id=check.identifier("user_id", user_id),
        excluded=_unset_if_none(check.str_list("excluded", excluded)),
        reason=_unset_if_none(check.optional_str("reason", reason)),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def close_group_connections(
    core: ServiceCore, group: object, *, excluded: object, reason: object
) -> Exchange[None]:
    rest = rest_close_group_connections.request_kwargs(
        hub=core.hub,
        group=check.group(group),
        excluded=_unset_if_none(check.str_list("excluded", excluded)),
        reason=_unset_if_none(check.optional_str("reason", reason)),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


def close_connection(core: ServiceCore, connection_id: object, *, reason: object) -> Exchange[None]:
    rest = rest_close_connection.request_kwargs(
        hub=core.hub,
        connection_id=check.identifier("connection_id", connection_id),
        reason=_unset_if_none(check.optional_str("reason", reason)),
        api_version=_version(core),
    )
    return _run(core, _request(core, rest))


# -- permissions ---------------------------------------------------------------------------


def _permission_request(
    core: ServiceCore,
    operation: Any,
    permission: object,
    connection_id: object,
    target_name: object,
) -> httpx.Request:
    """The request of a grant, revoke or check: the three share their path and query."""
    rest = operation.request_kwargs(
        hub=core.hub,
        permission=check.permission(permission),
        connection_id=check.identifier("connection_id", connection_id),
        target_name=_unset_if_none(check.optional_str("target_name", target_name)),
        api_version=_version(core),
    )
    return _request(core, rest)


def grant_permission(
    core: ServiceCore, permission: object, connection_id: object, *, target_name: object
) -> Exchange[None]:
    request = _permission_request(
        core, rest_grant_permission, permission, connection_id, target_name
    )
    return _run(core, request)


def revoke_permission(
    core: ServiceCore, permission: object, connection_id: object, *, target_name: object
) -> Exchange[None]:
    request = _permission_request(
        core, rest_revoke_permission, permission, connection_id, target_name
    )
    return _run(core, request)


def has_permission(
    core: ServiceCore, permission: object, connection_id: object, *, target_name: object
) -> Exchange[bool]:
    request = _permission_request(
        core, rest_check_permission, permission, connection_id, target_name
    )
    return _exists(core, request)


# -- client access tokens ------------------------------------------------------------------


def get_client_access_token(
    core: ServiceCore,
    *,
    user_id: object,
    roles: object,
    groups: object,
    minutes_to_expire: object,
    jwt_headers: object,
    client_protocol: object,
) -> Exchange[ClientAccessToken]:
    """Validate eagerly, then sign locally (key) or ask the service (Entra ID)."""
    user = check.optional_str("user_id", user_id)
    role_list = check.str_list("roles", roles)
    group_list = check.str_list("groups", groups)
    minutes = check.bounded_int("minutes_to_expire", minutes_to_expire, 1)
    protocol = check.client_protocol(client_protocol)
    if jwt_headers is not None and not isinstance(jwt_headers, Mapping):
        raise InvalidArgumentTypeError(
            f"jwt_headers must be a dict, got {type(jwt_headers).__name__}"
        )
    headers = None if jwt_headers is None else cast(Mapping[str, Any], jwt_headers)
    origin = core.origin.lower()
    base_url = "ws" + origin[4:] + _CLIENT_PATHS[protocol] + core.hub
    if core.uses_key:
        token = sign_client_token(
            audience=origin + _CLIENT_PATHS[protocol] + core.hub,
            key=core.credential.key,
            user_id=user,
            roles=role_list,
            groups=group_list,
            minutes_to_expire=minutes,
            jwt_headers=headers,
        )
        return _ready(_client_url(base_url, token))
    rest = rest_generate_client_token.request_kwargs(
        hub=core.hub,
        user_id=_unset_if_none(user),
        role=_unset_if_none(role_list),
        minutes_to_expire=minutes,
        group=_unset_if_none(group_list),
        client_type=protocol,
        api_version=_version(core),
    )

    def from_service(response: httpx.Response) -> ClientAccessToken:
        try:
            token = ClientTokenResponse.from_dict(json.loads(response.content)).token
        except (ValueError, TypeError, AttributeError):
            token = UNSET
        if not isinstance(token, str):
            raise ServiceResponseError(
                f"generateToken answered without a 'token' field: {response.text[:200]!r}"
            )
        return _client_url(base_url, token)

    return core.exchange(Call(_request(core, rest), (200,), from_service))


def sign_client_token(
    *,
    audience: str,
    key: str,
    user_id: str | None,
    roles: list[str] | None,
    groups: list[str] | None,
    minutes_to_expire: int,
    jwt_headers: Mapping[str, Any] | None,
) -> str:
    """The client access token the service accepts on ``/client/hubs/<hub>``: ``aud``, ``iat``,
    ``exp`` (``minutes_to_expire`` from now), and ``sub``, ``role``, ``webpubsub.group`` when
    given."""
    now = int(time.time())
    claims: dict[str, Any] = {"aud": audience, "iat": now, "exp": now + minutes_to_expire * 60}
    if user_id:
        claims["sub"] = user_id
    if roles:
        claims["role"] = roles
    if groups:
        claims["webpubsub.group"] = groups
    return encode_hs256(claims, key, jwt_headers)


def _client_url(base_url: str, token: str) -> ClientAccessToken:
    return {"baseUrl": base_url, "token": token, "url": f"{base_url}?access_token={token}"}


def _ready(value: ClientAccessToken) -> Exchange[ClientAccessToken]:
    """An exchange that needs no I/O."""
    return value
    yield  # makes this a generator
